"""Who a widget request is: cross-origin requests lose the session, bearer tokens sign in.

For /api/v1/ requests, after Django's AuthenticationMiddleware:

- a request whose Origin is another origin than Parley's own is cross-origin: its session
  cookie is ignored (the reader is a guest unless a token says otherwise), so a page of
  another site can never act with a reader's Parley session;
- `Authorization: Bearer <token>` signs the token's account in, with no CSRF token needed
  (a page cannot make a browser send the header by itself); a token unknown, expired or
  withdrawn answers 401, and one sent from an origin that is not its site's answers 403;
- the widget's routes (cors.WIDGET_PATHS) answer CORS for the sites' origins, preflights
  included.

The live events of a thread (the polling fallback /threads/<id>/events/ here, the stream
/live/threads/<id>/ through `admit_live`, which config.asgi gives the stream process) follow
the same rules across origins: the session is ignored, the thread must be the Origin's site's
(403 `other_site` otherwise, without CORS headers), and an allowed origin gets
`Access-Control-Allow-Origin` (no credentials); every answer says `Vary: Origin`.

The sign-in popup's pages (/embed/sign-in/, and the log-in page on its way back there) answer
`Cross-Origin-Opener-Policy: unsafe-none` instead of the site-wide same-origin: under that
policy the browser would cut the popup from the host page that opened it, and the popup could
not hand it the token.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from parley.discussion import access
from parley.embed import addresses, cors, sites, tokens
from parley.embed.models import EmbeddedPage
from parley.lib.errors import ActionError, Forbidden

API_PREFIX = "/api/v1/"
SIGN_IN_PATH = "/embed/sign-in/"
# The polling fallback of a thread's live events (parley.realtime.views.thread_events).
EVENTS_PATH = re.compile(r"/threads/([0-9]+)/events/")
_CROSS = "_parley_cross_origin"


def own_origin(request: HttpRequest) -> str:
    """Parley's own origin, as this request reached it (a trusted proxy's scheme included)."""
    return addresses.canonical_origin(f"{request.scheme}://{request.get_host()}")


def is_cross_origin(request: HttpRequest) -> bool:
    """Whether the request comes from a page of another origin than Parley's."""
    if not hasattr(request, _CROSS):
        header = request.headers.get("Origin", "")
        cross = False
        if header:
            try:
                cross = sites.origin_of(request) != own_origin(request)
            except ValueError:  # an unusable Host; Django refuses it on its own
                cross = True
        setattr(request, _CROSS, cross)
    return getattr(request, _CROSS)


def _error(error: ActionError) -> JsonResponse:
    return JsonResponse(
        error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False}
    )


class TokenRefused(ActionError):
    status = 401
    code = "token_refused"


def token_refused() -> TokenRefused:
    return TokenRefused(_("Your sign-in has expired or was withdrawn: sign in again."))


def other_site() -> ActionError:
    return Forbidden(
        _(
            "This thread belongs to another site: a site's pages can show and take comments "
            "only on their own threads."
        ),
        code="other_site",
    )


def check_thread(request: HttpRequest, thread_id: int) -> None:
    """403 `other_site` for a cross-origin request about a thread that is not one of the
    Origin's site's pages (another site's, or one of Parley's own posts)."""
    if not is_cross_origin(request):
        return
    site = sites.for_request(request)
    if site is None or not EmbeddedPage.objects.filter(site=site, post__thread=thread_id).exists():
        raise other_site()


def admit_live(request: HttpRequest, thread_id: int) -> tuple[bool, list[tuple[str, str]]]:
    """Whether a request for a thread's live events (its stream or its polling fallback) is
    cross-origin, to be answered as a guest's (the caller drops its session), and the headers
    to add to its answer; 403 `other_site` for a cross-origin request about a thread that is
    not the Origin's site's."""
    try:
        cross = is_cross_origin(request)
    except DisallowedHost:  # the stream process reads the Host itself; a WSGI one refused it
        cross = True
        setattr(request, _CROSS, cross)
    headers = [("Vary", "Origin")]
    if cross:
        check_thread(request, thread_id)
        headers.append(("Access-Control-Allow-Origin", request.headers["Origin"]))
    return cross, headers


def bearer_of(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def _in_sign_in_popup(request: HttpRequest) -> bool:
    if request.path == SIGN_IN_PATH:
        return True
    if request.path != reverse("login"):
        return False
    target = request.POST.get("next", "") if request.method == "POST" else ""
    return (target or request.GET.get("next", "")).startswith(SIGN_IN_PATH)


class EmbedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (events := EVENTS_PATH.fullmatch(request.path)) is not None:
            return self._live_events(request, access.row_id(events.group(1)) or 0)
        if not request.path.startswith(API_PREFIX):
            response = self.get_response(request)
            if _in_sign_in_popup(request):
                response["Cross-Origin-Opener-Policy"] = "unsafe-none"
            return response
        widget = cors.is_widget_path(request.path)
        if widget and request.method == "OPTIONS":
            return cors.add_headers(request, self._preflight(request))
        response = self._authenticated(request)
        if widget:
            cors.add_headers(request, response)
        return response

    def _live_events(self, request: HttpRequest, thread_id: int) -> HttpResponse:
        try:
            cross, headers = admit_live(request, thread_id)
        except ActionError as error:
            response = _error(error)
            patch_vary_headers(response, ["Origin"])
            return response
        if cross:
            request.user = AnonymousUser()
            request.COOKIES = {}
        response = self.get_response(request)
        for name, value in headers:
            if name == "Vary":
                patch_vary_headers(response, [value])
            else:
                response[name] = value
        return response

    def _preflight(self, request: HttpRequest) -> HttpResponse:
        try:
            sites.require(request)
        except ActionError as error:
            return _error(error)
        return cors.preflight_answer()

    def _authenticated(self, request: HttpRequest) -> HttpResponse:
        cross = is_cross_origin(request)
        if cross:
            request.user = AnonymousUser()
            request.COOKIES = {}  # the session's and the posted-comments cookie alike
        secret = bearer_of(request)
        if secret is None:
            return self.get_response(request)
        token = tokens.find(secret)
        if token is None:
            response = _error(token_refused())
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        origin = sites.origin_of(request)
        if request.headers.get("Origin") and (origin is None or not token.site.allows(origin)):
            return _error(
                Forbidden(
                    _("This sign-in is for another site's pages: sign in again on this page."),
                    code="other_site",
                )
            )
        request.user = token.account
        request.parley_token = token  # type: ignore[attr-defined]
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)

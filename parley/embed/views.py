"""The sign-in popup (/embed/sign-in/): a Parley account allows a site's widget to comment
for it, and the popup hands the widget a reader token (decision 0024)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parley.embed import addresses, tokens
from parley.embed.models import Site
from parley.embed.sites import site_for_origin


def _site_of(asked: str) -> tuple[str, Site | None]:
    try:
        origin = addresses.canonical_origin(asked) if asked and "*" not in asked else ""
    except ValueError:
        origin = ""
    return origin, site_for_origin(origin or None)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("origin", "")
    origin, site = _site_of(asked)
    if site is None:
        if asked:
            error = _(
                "“%(origin)s” is not an allowed origin of any site, so no page there can "
                "sign you in. Close this window; the site's owner can add it in Parley's admin."
            ) % {"origin": asked[:200]}
        else:
            error = _(
                "This address needs the origin of the page that opened it. Close this "
                "window and sign in from the comments again."
            )
        return render(request, "embed/sign_in.html", {"error": error}, status=400)
    here = f"{reverse('embed-sign-in')}?origin={quote(origin, safe='')}"
    context: dict = {"site": site, "origin": origin, "here": here}
    if request.user.is_authenticated and request.method == "POST":
        issued = tokens.issue(request.user, site)
        context["issued"] = issued
        context["name"] = request.user.public_name
    elif not request.user.is_authenticated:
        context["login_url"] = f"{reverse('login')}?next={quote(here, safe='')}"
    return render(request, "embed/sign_in.html", context)

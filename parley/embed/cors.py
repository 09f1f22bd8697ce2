"""Cross-origin answers for the embed API: only the origins of a site may read them.

`Access-Control-Allow-Origin` names the request's origin when a site allows it, and is
absent otherwise. Every answer says `Vary: Origin`, since whether it carries that header
depends on the Origin: a cache must not hand one origin's answer to another.
`Access-Control-Allow-Credentials` is never sent: the widget sends no cookies (writes will
carry a token), so a page of an allowed site can never act with a reader's session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from parley.embed import sites

ALLOWED_METHODS = ("GET", "POST", "OPTIONS")
ALLOWED_HEADERS = ("Content-Type",)
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight's answer


def for_sites(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Adds the CORS headers to every answer of `view`, its errors included."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Origin"])
        if sites.for_request(request) is not None:
            response["Access-Control-Allow-Origin"] = request.headers["Origin"]
        return response

    return answer


def preflight_answer() -> HttpResponse:
    """204 with what an allowed origin may send (the caller has checked the origin)."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response

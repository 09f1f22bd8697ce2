"""Cross-origin answers for the widget's API routes: only the origins of a site may read them.

`Access-Control-Allow-Origin` names the request's origin when a site allows it, and is
absent otherwise. Every answer says `Vary: Origin`, since whether it carries that header
depends on the Origin: a cache must not hand one origin's answer to another.
`Access-Control-Allow-Credentials` is never sent: the widget sends no cookies (it signs a
reader in with a bearer token, parley.embed.tokens), so a page of an allowed site can never
act with a reader's Parley session.

The embed middleware (parley.embed.middleware) adds these headers to every answer under
WIDGET_PATHS and answers their preflights.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from parley.embed import sites

ALLOWED_METHODS = ("GET", "POST", "PATCH", "DELETE", "OPTIONS")
ALLOWED_HEADERS = ("Content-Type", "Authorization", "X-Edit-Token", "Idempotency-Key")
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight's answer

# The API routes the widget calls from another site's pages.
WIDGET_PATHS = ("/api/v1/embed/", "/api/v1/threads/", "/api/v1/comments/")


def is_widget_path(path: str) -> bool:
    return path.startswith(WIDGET_PATHS)


def add_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["Origin"])
    if sites.for_request(request) is not None:
        response["Access-Control-Allow-Origin"] = request.headers["Origin"]
    return response


def preflight_answer() -> HttpResponse:
    """204 with what an allowed origin may send (the caller has checked the origin)."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response

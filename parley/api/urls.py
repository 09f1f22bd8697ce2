"""The API object, its error answers, and its OpenAPI document (/api/v1/openapi.json)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parley.api.embed import router as embed_router
from parley.api.parser import BodyParser
from parley.api.people import router as people_router
from parley.api.search import router as search_router
from parley.api.views import router
from parley.lib.errors import ActionError

logger = logging.getLogger("parley.api")


def _head_like_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """HEAD answers as GET would, without the body (uptime monitors and caches use it); a
    method the route does not take answers 405 in JSON, with the Allow header."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # raised outside ninja's handlers (its root address)
            response = _no_such_route(request, request.path.removeprefix("/api/v1/"))
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405 and not _is_json(response):
            allowed = {m.strip() for m in response.get("Allow", "").split(",") if m.strip()}
            if "GET" in allowed:
                allowed.add("HEAD")
            listed = ", ".join(sorted(allowed))
            response = _error(
                405,
                "method_not_allowed",
                _("This address does not take %(method)s: use %(allowed)s.")
                % {"method": request.method, "allowed": listed},
            )
            response["Allow"] = listed
        if head:
            response.content = b""
        return response

    return csrf_exempt(answer)  # as ninja's own views are


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


@csrf_exempt
def _no_such_route(request: HttpRequest, rest: str) -> HttpResponse:
    response = _error(
        404,
        "not_found",
        _("There is nothing at /api/v1/%(path)s: the routes are listed in /api/v1/openapi.json.")
        % {"path": rest},
    )
    if request.method == "HEAD":
        response.content = b""
    return response


class ParleyAPI(NinjaAPI):
    """ninja's API, with HEAD on every GET route and JSON for unknown routes and methods."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = _head_like_get(url.callback)
        return [*urls, re_path(r"^(?P<rest>.*)$", _no_such_route)]


api = ParleyAPI(
    title="Parley API",
    version="1.0.0",
    description="Threads, comments and posts of a Parley site. Errors answer "
    '{"error": code, "message": text for a person, "field": ...}.',
    urls_namespace="api-1.0.0",
    parser=BodyParser(),
    docs_url=None,  # the interactive docs page needs inline script, which the CSP forbids
)
api.add_router("/", router)
api.add_router("/", search_router)
api.add_router("/", people_router)
api.add_router("/", embed_router)


def _error(status: int, code: str, message: str, **extra) -> JsonResponse:
    return JsonResponse(
        {"error": code, "message": message, **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError):
    response = JsonResponse(
        exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False}
    )
    if retry := getattr(exc, "retry_after", None):
        response["Retry-After"] = str(retry)
    return response


def _describe(error: dict) -> tuple[str, str | None]:
    # ninja reports ("body", "payload", FIELD, ...) or ("query", FIELD) and the like.
    location = [str(part) for part in error.get("loc", ())]
    if location[:1] == ["body"]:
        location = location[2:]
    elif location[:1] in (["query"], ["path"], ["header"]):
        location = location[1:]
    field = location[-1] if location else None
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"Unknown field “{field}”: leave it out.", field
    if kind == "missing" and field is None:  # ninja's name for an empty body
        return 'The request body is empty: send a JSON object, such as {"body": "…"}.', None
    if kind == "missing":
        return f"The field “{field}” is required.", field
    if kind in {"json_invalid", "value_error.jsondecode"}:
        return "The request body is not valid JSON.", None
    message = error.get("msg", "invalid value")
    return (f"“{field}”: {message}." if field else f"{message}."), field


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = exc.errors if isinstance(exc.errors, list) else [exc.errors]
    first = errors[0] if errors else {}
    message, field = _describe(first) if isinstance(first, dict) else ("Invalid request.", None)
    return _error(400, "invalid_request", message, field=field)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and "parse request body" in message:
        if request.content_type != "application/json":
            return _error(
                415,
                "unsupported_media_type",
                "Send the request body as JSON, with Content-Type: application/json.",
            )
        if isinstance(exc.__cause__, ActionError):  # BodyParser's refusal, in its words
            return on_action_error(request, exc.__cause__)
        message = "The request body is not valid JSON."
    return _error(exc.status_code, "invalid_request", message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig):
    return _error(413, "too_large", "The request body is too large (at most 256 KB).")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return _error(404, "not_found", str(exc) or _("Not found."))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception):
    """A fault of the server, still answered in JSON (and logged with its traceback)."""
    logger.error("Unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return _error(
        500, "server_error", _("Something went wrong on the server; try again in a moment.")
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    return _error(401, "unauthenticated", "Log in first.")

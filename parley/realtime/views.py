"""Live threads: what the server-sent event streams send (they are served by the stream
process's own ASGI application, parley.realtime.asgi), the polling fallback (WSGI), and the
answer a WSGI process gives a stream's request it should not have received.

Wire format: docs/decisions/0018-live-events.md. Visibility follows the pages: a thread of
a published post only (parley.discussion.access), and events for moderators (held comments,
shadow-banned authors' comments, unpublished posts) to moderators only.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parley.discussion import access
from parley.lib.errors import ActionError, Invalid
from parley.realtime import events

RETRY_MS = 3000


def _refusal(error: ActionError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


def last_id(raw: str | None, current: int) -> int | None:
    """The last event id a page gives, checked against the thread's version (None: none)."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:  # noqa: PLR2004
        raise Invalid(
            _("The last event id must be a whole number, such as 12, not “%(value)s”.")
            % {"value": raw[:40]},
            code="bad_event_id",
        )
    value = int(raw)
    if value > current:
        raise Invalid(
            _(
                "The last event id %(value)s is ahead of this discussion, which is at "
                "%(current)s: reload the page."
            )
            % {"value": value, "current": current},
            code="bad_event_id",
        )
    return value


def bounce(request: HttpRequest) -> HttpResponseBase:
    """A stream asked of a WSGI process: send the browser to the same address again, on a
    new connection (which `parley serve` hands to the ASGI process), holding no worker."""
    # A body without a length: Django's development server then closes the connection
    # itself (it refuses a Connection header from the application).
    moved = _("Live streams are served on a connection of their own: follow the Location.")
    response = StreamingHttpResponse(
        iter([moved.encode() + b"\n"]), status=307, content_type="text/plain; charset=utf-8"
    )
    response["Location"] = request.get_full_path()
    response["Cache-Control"] = "no-store"
    if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer"):
        response["Connection"] = "close"
    return response


def encode(event: dict, name: str | None = None) -> bytes:
    data = json.dumps(events.wire(event), separators=(", ", ": "))
    kind = name or event["kind"]
    if name is None:
        return f"id: {event['version']}\nevent: {kind}\ndata: {data}\n\n".encode()
    return f"event: {kind}\ndata: {data}\n\n".encode()


@require_GET
def live_thread(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """Streams are answered by the stream process's own ASGI application
    (parley.realtime.asgi); here, in a WSGI process, the request is sent there."""
    return bounce(request)


@require_GET
def live_moderation(request: HttpRequest) -> HttpResponseBase:
    return bounce(request)


@require_GET
def thread_events(request: HttpRequest, thread_id: int) -> JsonResponse:
    """The polling fallback: the events after `?after=N`, as the stream would send them."""
    try:
        current = access.thread_version(thread_id)
        raw = request.GET.get("after")
        if raw is None:
            raise Invalid(
                _("Say which events you have with ?after= and the last event id."),
                field="after",
                code="bad_event_id",
            )
        after = last_id(raw, current)
    except ActionError as error:
        return _refusal(error)
    assert after is not None
    user = request.user
    staff = bool(user.is_authenticated and user.moderates)  # type: ignore[union-attr]
    replay = events.since(thread_id, after, current, staff=staff)
    out = [{"id": event["version"], **events.wire(event)} for event in replay.events]
    return JsonResponse({"events": out, "version": current, "reload": replay.reload})

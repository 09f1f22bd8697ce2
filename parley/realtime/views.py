"""Live threads: the server-sent event streams (served by the ASGI process), the polling
fallback (WSGI), and the answer a WSGI process gives a stream's request it should not have
received.

Wire format: docs/decisions/0018-live-events.md. Visibility follows the pages: a thread of
a published post only (parley.discussion.access), and events for moderators (held comments,
shadow-banned authors' comments, unpublished posts) to moderators only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    HttpRequest,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parley.discussion import access
from parley.lib.clients import client_ip
from parley.lib.errors import ActionError, Forbidden, Invalid
from parley.realtime import events, streams

RETRY_MS = 3000


def _refusal(error: ActionError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


def _too_many() -> JsonResponse:
    limit = settings.PARLEY_LIVE_STREAMS_PER_CLIENT
    return JsonResponse(
        {
            "error": "too_many_streams",
            "message": _(
                "You already have %(limit)s live streams open, the most one address may "
                "hold: close a tab of this site and try again."
            )
            % {"limit": limit},
        },
        status=429,
    )


def _last_id(raw: str | None, current: int) -> int | None:
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


def _encode(event: dict, name: str | None = None) -> bytes:
    data = json.dumps(events.wire(event), separators=(", ", ": "))
    kind = name or event["kind"]
    if name is None:
        return f"id: {event['version']}\nevent: {kind}\ndata: {data}\n\n".encode()
    return f"event: {kind}\ndata: {data}\n\n".encode()


class _Body:
    """A stream's body, which leaves the hub when the response is closed: also when the
    client went away before the body was first read (its generator never ran, so its own
    `finally` never will)."""

    def __init__(self, body: AsyncIterator[bytes], subscriber: streams.Subscriber) -> None:
        self.body = body
        self.subscriber = subscriber
        self.loop = asyncio.get_running_loop()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.body

    def close(self) -> None:
        # Django closes responses in a thread: the hub belongs to the event loop.
        self.loop.call_soon_threadsafe(self.subscriber.hub.leave, self.subscriber)


def _stream(body: _Body) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _moderates(request: HttpRequest) -> bool:
    user = await request.auser()
    return bool(user.is_authenticated and user.moderates)  # type: ignore[union-attr]


@require_GET
async def live_thread(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    if not isinstance(request, ASGIRequest):
        return bounce(request)
    try:
        current = await sync_to_async(access.thread_version)(thread_id)
        raw = request.headers.get("Last-Event-ID")
        if raw is None:
            raw = request.GET.get("last_event_id")
        after = _last_id(raw, current)
    except ActionError as error:
        return _refusal(error)
    staff = await _moderates(request)
    hub = streams.hub()
    client = client_ip(request)
    if hub.streams_of(client) >= settings.PARLEY_LIVE_STREAMS_PER_CLIENT:
        return _too_many()
    # Subscribed before the table is read: what commits meanwhile comes live, and what is
    # read and also comes live is sent once (by version).
    subscriber = hub.join(client, staff=staff, thread_id=thread_id, version=current)

    async def body() -> AsyncIterator[bytes]:
        subscriber.task = asyncio.current_task()
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            # Read once subscribed, even without a last id: a change committed since the
            # version was read may have reached the thread's feed before this subscriber.
            start = current if after is None else after
            replay = await sync_to_async(events.since)(thread_id, start, current, staff=staff)
            if replay.reload:
                reload = {"thread": thread_id, "version": replay.last}
                yield f"event: reload\ndata: {json.dumps(reload)}\n\n".encode()
            for event in replay.events:
                yield _encode(event)
            async for chunk in _live(subscriber, replay.last):
                yield chunk
        finally:
            hub.leave(subscriber)

    return _stream(_Body(body(), subscriber))


async def _live(subscriber: streams.Subscriber, sent: int) -> AsyncIterator[bytes]:
    heartbeat = settings.PARLEY_LIVE_HEARTBEAT
    while not subscriber.dropped:
        try:
            event = await asyncio.wait_for(subscriber.queue.get(), heartbeat)
        except TimeoutError:
            yield b": keep-alive\n\n"
            continue
        version = event.get("version")
        if subscriber.thread_id is None:
            yield _encode(event, "queue")
        elif isinstance(version, int) and version > sent:
            sent = version
            yield _encode(event)


@require_GET
async def live_moderation(request: HttpRequest) -> HttpResponseBase:
    if not isinstance(request, ASGIRequest):
        return bounce(request)
    if not await _moderates(request):
        return _refusal(Forbidden(_("Only moderators can follow the moderation queue.")))
    hub = streams.hub()
    client = client_ip(request)
    if hub.streams_of(client) >= settings.PARLEY_LIVE_STREAMS_PER_CLIENT:
        return _too_many()
    subscriber = hub.join(client, staff=True, thread_id=None)

    async def body() -> AsyncIterator[bytes]:
        subscriber.task = asyncio.current_task()
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            async for chunk in _live(subscriber, 0):
                yield chunk
        finally:
            hub.leave(subscriber)

    return _stream(_Body(body(), subscriber))


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
        after = _last_id(raw, current)
    except ActionError as error:
        return _refusal(error)
    assert after is not None
    user = request.user
    staff = bool(user.is_authenticated and user.moderates)  # type: ignore[union-attr]
    replay = events.since(thread_id, after, current, staff=staff)
    out = [{"id": event["version"], **events.wire(event)} for event in replay.events]
    return JsonResponse({"events": out, "version": current, "reload": replay.reload})

"""The stream process's ASGI application: the live streams answered on ASGI itself, anything
else passed to Django's ASGI handler.

`GET /live/threads/<thread>/` and `GET /live/moderation/` are served here on `scope`,
`receive` and `send`, without Django's handler: it would run the middleware and each
`sync_to_async` of the request in a thread kept for that request, and a stream is a request of
hours, so every open stream would hold a thread and its database connection (decision 0018).
Here an open stream is two tasks and a queue; what it needs from the database (the thread's
version, who the session's user is, the replay) runs in the process's few threads for queries
(streams.db), which give their connection back after each.

What is kept of a request: the client's address (parley.lib.clients, from the peer and the
headers it reads), the session cookie (Django's session engine and auth's get_user). Streams
change nothing, so CSRF does not apply; anything but GET is refused with 405.

Pages of other sites (the embedded widget) read a thread's stream across origins: the
application's `gate` (given by config.asgi: the embed app's rule, which this app does not
import) answers the headers to add (CORS) or refuses the thread, and a cross-origin stream is
a guest's, whatever its cookies.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import re
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, QueryDict, parse_cookie
from django.utils.translation import gettext as _

from parley.discussion import access
from parley.lib.clients import SCHEME_KEY, client_ip, forwarded_scheme
from parley.lib.errors import ActionError, Forbidden
from parley.realtime import events, handoff, streams
from parley.realtime.views import RETRY_MS, encode, last_id

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]
# Given the stream's request (as Django would see it) and the thread's id: whether the stream
# is a guest's whatever its cookies (a page of another origin) and the headers to add to its
# answers, or an ActionError raised to refuse it; it may query the database.
Gate = Callable[[HttpRequest, int], tuple[bool, list[tuple[str, str]]]]

THREAD_PATH = re.compile(r"/live/threads/([0-9]+)/")
MODERATION_PATH = "/live/moderation/"
# A thread id past the database's integers is no thread (access.row_id says so too).
_ID_DIGITS = 19

STREAM_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


class Application:
    """Streams here, the rest to `django` (Django's ASGI application)."""

    def __init__(self, django: ASGIApp, gate: Gate | None = None) -> None:
        self.django = django
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(self, receive, send)
            return
        if scope["type"] == "http":
            path = scope["path"]
            if path == MODERATION_PATH:
                await Request(scope, receive, send).moderation()
                return
            if (match := THREAD_PATH.fullmatch(path)) is not None:
                await Request(scope, receive, send, self.gate).thread(match.group(1))
                return
        await self.django(scope, receive, send)


def _wire(event: dict, name: str | None) -> bytes:
    """The event as the stream sends it, encoded once: the same dict reaches every
    subscriber of the thread."""
    key = "_sse" if name is None else f"_sse:{name}"
    encoded = event.get(key)
    if encoded is None:
        encoded = event[key] = encode(event, name)
    return encoded


KEEP_ALIVE = b": keep-alive\n\n"


def _round_parts(round_: streams.Round, sent: int, parts: list[bytes]) -> int:
    """The round's events after version `sent`, encoded, added to `parts`; the last version
    sent."""
    if isinstance(round_.first, int) and round_.first > sent:
        # The whole round is new to this stream (always, but for the round that met the
        # replay): its encoding is shared.
        if round_.wire is None:
            round_.wire = b"".join(_wire(event, None) for event in round_.events)
        parts.append(round_.wire)
        return round_.events[-1]["version"]
    for event in round_.events:
        if isinstance(version := event.get("version"), int) and version > sent:
            sent = version
            parts.append(_wire(event, None))
    return sent


class _Direct:
    """A caught-up stream's rounds, written to its connection as they come (no task, no
    queue); False when the connection holds too much unsent already (a client that does
    not read: the hub drops it)."""

    __slots__ = ("sent", "write_now")

    def __init__(self, write_now: Callable[[bytes], bool], sent: int) -> None:
        self.write_now = write_now
        self.sent = sent

    def __call__(self, item: streams.Round | dict) -> bool:
        if item is streams.BEAT:
            return self.write_now(KEEP_ALIVE)
        if not isinstance(item, streams.Round):
            return True
        parts: list[bytes] = []
        self.sent = _round_parts(item, self.sent, parts)
        return not parts or self.write_now(b"".join(parts))


async def _lifespan(application: ASGIApp, receive: Receive, send: Send) -> None:
    """Behind `parley serve`'s front door, take the streams' connections it hands over
    (parley.realtime.handoff) for as long as the process runs."""
    receiver = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if settings.PARLEY_FRONT_DOOR:
                try:
                    receiver = handoff.Receiver(application, handoff.socket_path())
                except OSError as error:
                    log.warning("Streams will come through the stream server's socket: %s", error)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if receiver is not None:
                receiver.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


# -- what a stream reads from the database, in the process's threads for it ----------------------


def _moderates(session_key: str | None) -> bool:
    if not session_key:
        return False
    request = HttpRequest()
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(session_key)
    user = get_user(request)
    return bool(user.is_authenticated and user.moderates)  # type: ignore[union-attr]


def _opening(thread_id: int, session_key: str | None) -> tuple[int, bool]:
    """The thread's version (NotFound when readers cannot see it) and whether the session's
    user moderates: one trip to the database's threads."""
    current = access.thread_version(thread_id)
    return current, _moderates(session_key)


def _admitted(
    gate: Gate, scope: Scope, thread_id: int, session_key: str | None
) -> tuple[int, bool, list[tuple[str, str]]]:
    """The opening, once the gate let the request in (without its session, for a guest),
    and the gate's headers."""
    request = ASGIRequest(scope, io.BytesIO())
    request.META.pop(SCHEME_KEY, None)
    if scheme := forwarded_scheme(request):  # as ForwardedSchemeMiddleware sets it for pages
        request.META[SCHEME_KEY] = scheme
    guest, headers = gate(request, thread_id)
    if guest:
        session_key = None
    current, staff = _opening(thread_id, session_key)
    return current, staff, headers


class Request:
    """One request for a stream."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, gate: Gate | None = None):
        self.scope = scope
        self.receive = receive
        self.send = send
        self.gate = gate
        self.extra: list[tuple[bytes, bytes]] = []  # the gate's headers, on every answer
        self.headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", []):
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            # Repeated headers are joined as HTTP says (cookies with "; ").
            if name in self.headers:
                joiner = "; " if name == "cookie" else ","
                self.headers[name] = self.headers[name] + joiner + value
            else:
                self.headers[name] = value

    # -- who is asking

    def client(self) -> str:
        """The client's address, as parley.lib.clients decides it for any request."""
        request = HttpRequest()
        peer = self.scope.get("client")
        request.META["REMOTE_ADDR"] = peer[0] if peer else ""
        for header in ("x-parley-peer", "x-forwarded-for"):
            if header in self.headers:
                request.META["HTTP_" + header.upper().replace("-", "_")] = self.headers[header]
        return client_ip(request)

    def session_key(self) -> str | None:
        cookies = parse_cookie(self.headers.get("cookie", ""))
        return cookies.get(settings.SESSION_COOKIE_NAME)

    # -- answers

    async def refuse(self, status: int, body: dict, extra: list | None = None) -> None:
        content = json.dumps(body).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode()),
            (b"x-content-type-options", b"nosniff"),
            *self.extra,
            *(extra or []),
        ]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": content})

    async def refusal(self, error: ActionError) -> None:
        await self.refuse(error.status, error.as_dict())

    async def too_many(self) -> None:
        limit = settings.PARLEY_LIVE_STREAMS_PER_CLIENT
        message = _(
            "You already have %(limit)s live streams open, the most one address may "
            "hold: close a tab of this site and try again."
        ) % {"limit": limit}
        await self.refuse(429, {"error": "too_many_streams", "message": message})

    async def not_get(self) -> bool:
        """Refuse anything but GET (True when refused)."""
        if self.scope.get("method") == "GET":
            return False
        message = _("A live stream is read with GET only.")
        await self.refuse(
            405, {"error": "method_not_allowed", "message": message}, [(b"allow", b"GET")]
        )
        return True

    # -- the streams

    async def thread(self, digits: str) -> None:
        if await self.not_get():
            return
        thread_id = int(digits) if len(digits) <= _ID_DIGITS else 0
        try:
            if self.gate is None:
                current, staff = await streams.db(_opening, thread_id, self.session_key())
            else:
                current, staff, headers = await streams.db(
                    _admitted, self.gate, self.scope, thread_id, self.session_key()
                )
                self.extra = [(n.lower().encode(), v.encode("latin-1")) for n, v in headers]
            raw = self.headers.get("last-event-id")
            if raw is None:
                query = QueryDict(self.scope.get("query_string", b"").decode("utf-8", "replace"))
                raw = query.get("last_event_id")
            after = last_id(raw, current)
        except ActionError as error:
            await self.refusal(error)
            return
        # Subscribed before the table is read: what commits meanwhile comes live, and what is
        # read and also comes live is sent once (by version).
        subscriber = await self.join(staff=staff, thread_id=thread_id, version=current)
        if subscriber is None:
            return

        async def body() -> None:
            await self.start()
            # Read once subscribed, even without a last id: a change committed since the
            # version was read may have reached the thread's feed before this subscriber.
            start = current if after is None else after
            replay = await streams.db(events.since, thread_id, start, current, staff=staff)
            if replay.reload:
                reload = {"thread": thread_id, "version": replay.last}
                await self.chunk(f"event: reload\ndata: {json.dumps(reload)}\n\n".encode())
            for event in replay.events:
                await self.chunk(encode(event))
            await self.live(subscriber, replay.last)

        await self.hold(subscriber, body())

    async def moderation(self) -> None:
        if await self.not_get():
            return
        session_key = self.session_key()
        if not await streams.db(_moderates, session_key):
            await self.refusal(Forbidden(_("Only moderators can follow the moderation queue.")))
            return
        subscriber = await self.join(staff=True, thread_id=None)
        if subscriber is None:
            return

        async def body() -> None:
            await self.start()
            await self.live(subscriber, 0)

        await self.hold(subscriber, body())

    async def join(
        self, *, staff: bool, thread_id: int | None, version: int = 0
    ) -> streams.Subscriber | None:
        """This stream in the hub, or None (refused) past the per-client limit."""
        hub = streams.hub()
        client = self.client()
        if hub.streams_of(client) >= settings.PARLEY_LIVE_STREAMS_PER_CLIENT:
            await self.too_many()
            return None
        return hub.join(client, staff=staff, thread_id=thread_id, version=version)

    async def start(self) -> None:
        headers = STREAM_HEADERS + self.extra
        await self.send({"type": "http.response.start", "status": 200, "headers": headers})
        await self.chunk(f"retry: {RETRY_MS}\n\n".encode())

    async def chunk(self, data: bytes) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": True})

    async def live(self, subscriber: streams.Subscriber, sent: int) -> None:
        """Send what reaches the subscriber's queue; whatever waited there meanwhile goes in
        the same write, each round encoded once for all its subscribers. Once caught up, on
        a connection that can be written to at once (a handed-over one), the hub writes each
        round itself, and this task only waits for the end."""
        moderation = subscriber.thread_id is None
        write_now = self.scope.get("extensions", {}).get(handoff.WRITE_NOW)
        while not subscriber.dropped:
            parts = []
            ending = False
            for item in await subscriber.take():
                if item is streams.END:
                    ending = True
                    break
                if item is streams.BEAT:
                    parts.append(KEEP_ALIVE)
                elif not isinstance(item, streams.Round):
                    continue
                elif moderation:
                    parts.extend(_wire(event, "queue") for event in item.events)
                else:
                    sent = _round_parts(item, sent, parts)
            if parts:
                await self.chunk(b"".join(parts))
            if ending:
                return
            if write_now is not None and not moderation and subscriber.queue.empty():
                subscriber.direct = _Direct(write_now, sent)

    async def hold(self, subscriber: streams.Subscriber, body) -> None:
        """Write the stream until the client goes away, or the hub drops the subscriber
        (which cancels the writing task: it may be stuck sending to a client that does not
        read); then leave the hub, at once."""
        loop = asyncio.get_running_loop()
        writer = loop.create_task(body)
        subscriber.task = writer
        watcher = loop.create_task(self.disconnected())
        try:
            await asyncio.wait({writer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            subscriber.hub.leave(subscriber)
            for task in (writer, watcher):
                task.cancel()
            await asyncio.gather(writer, watcher, return_exceptions=True)
        failed = None if writer.cancelled() else writer.exception()
        if failed is not None:
            log.info("A live stream ended on an error: %r", failed)
        elif not writer.cancelled():
            # The stream ended of itself (its subscriber dropped): end the body too.
            with contextlib.suppress(Exception):
                await self.send({"type": "http.response.body", "body": b""})

    async def disconnected(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass

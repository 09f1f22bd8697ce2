"""The stream process's fan-out, in memory.

One Hub per process (its event loop) receives the broker's messages and checks once a
second the versions of the threads it is watching (a lost message costs at most that
second). Each watched thread has one Feed: a task that puts the thread's events in version
order, reading the table for any it did not receive, and offers them to its subscribers'
bounded queues in rounds: an event goes out at once, unless the thread's last round went out
less than PARLEY_LIVE_ROUND_MS ago; then it waits for the next round, with every other event
that arrives meanwhile. A busy thread thus costs each of its streams at most one write per
round, however fast comments come, and each round is encoded once for all of them. A thread
nobody watches has no feed, and its messages are dropped on arrival. A subscriber with too
many events waiting (a client that does not read) is dropped: its stream is closed, and its
browser reconnects with Last-Event-ID and replays from the table.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from parley.discussion import access
from parley.discussion.changes import THREAD
from parley.discussion.models import Thread
from parley.lib.errors import NotFound
from parley.realtime import brokers, events

log = logging.getLogger(__name__)

# Events one subscriber may have waiting before it is dropped.
QUEUE_SIZE = 256
# Messages a feed may have waiting; past it they are dropped and the check catches up.
INBOX_SIZE = 1024
# Seconds between checks of the watched threads' versions.
CHECK_EVERY = 1.0


# Put in every idle subscriber's queue each PARLEY_LIVE_HEARTBEAT seconds by one task of the
# hub: one timer for the process, not one per stream and event.
BEAT: dict = {"beat": True}
# Put last in a subscriber's queue when its stream is to end after what waits before it.
END: dict = {"end": True}


class Round:
    """Events of one thread sent together, in version order; `wire` keeps their encoding for
    every stream that sends them (parley.realtime.asgi)."""

    __slots__ = ("events", "first", "wire")

    def __init__(self, events: list[dict]) -> None:
        self.events = events
        self.first = events[0].get("version")
        self.wire: bytes | None = None

    def __len__(self) -> int:
        return len(self.events)


class Subscriber:
    """One open stream: the rounds waiting for it, and whether moderators' events are."""

    def __init__(self, hub: Hub, client: str, *, staff: bool, thread_id: int | None) -> None:
        self.hub = hub
        self.client = client
        self.staff = staff
        self.thread_id = thread_id  # None: the moderation queue's stream
        # Rounds, a heartbeat or the end; bounded by the events they hold (`waiting`).
        self.queue: asyncio.Queue[Round | dict] = asyncio.Queue()
        self.waiting = 0
        # Set once the stream has caught up, where its connection can be written to at once
        # (parley.realtime.asgi): a round goes straight to the client, False when it could
        # not take it (it is not reading).
        self.direct: Callable[[Round | dict], bool] | None = None
        self.dropped = False
        self.left = False
        # The task serving the stream, cancelled when it is dropped (it may be stuck
        # sending to a client that does not read).
        self.task: asyncio.Task | None = None

    def beat(self) -> None:
        """A heartbeat, unless events are waiting anyway (they keep the stream open too)."""
        if self.dropped or self.left:
            return
        if self.direct is not None:
            if not self.direct(BEAT):
                self.drop()
        elif not self.queue.qsize():
            self.queue.put_nowait(BEAT)

    def offer(self, round_: Round) -> None:
        if self.dropped or self.left:
            return
        if self.direct is not None:
            if not self.direct(round_):
                self.drop()
            return
        if self.waiting + len(round_) > QUEUE_SIZE:
            self.drop()
            return
        self.waiting += len(round_)
        self.queue.put_nowait(round_)

    def end(self) -> None:
        """Close the stream once what is queued before now has been sent (the post was taken
        back: its last event still reaches the moderators)."""
        if not (self.dropped or self.left):
            self.queue.put_nowait(END)

    async def take(self) -> list[Round | dict]:
        """Everything waiting, once something is (in the order it came)."""
        items = [await self.queue.get()]
        while not self.queue.empty():
            items.append(self.queue.get_nowait())
        for item in items:
            if isinstance(item, Round):
                self.waiting -= len(item)
        return items

    def drop(self) -> None:
        self.dropped = True
        self.hub.leave(self)
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()


class Feed:
    """One watched thread: its events in version order, offered to its subscribers."""

    def __init__(self, hub: Hub, thread_id: int, version: int) -> None:
        self.hub = hub
        self.thread_id = thread_id
        self.last = version  # the newest version offered
        self.subscribers: set[Subscriber] = set()
        self.inbox: asyncio.Queue[dict] = asyncio.Queue(maxsize=INBOX_SIZE)
        # The round being gathered, when the last went out (loop time) and its timer.
        self.every = settings.PARLEY_LIVE_ROUND_MS / 1000
        self.pending: list[dict] = []
        self.sent_at = -self.every
        self.timer: asyncio.TimerHandle | None = None
        self.task = _background(self.run())

    def close(self) -> None:
        self.task.cancel()
        if self.timer is not None:
            self.timer.cancel()

    def push(self, message: dict) -> None:
        try:
            self.inbox.put_nowait(message)
        except asyncio.QueueFull:
            pass  # the next check reads what was missed from the table

    async def run(self) -> None:
        while True:
            item = await self.inbox.get()
            try:
                await self._take(item)
            except Exception:  # a database hiccup: the next check tries again
                log.exception("Could not read the events of thread %s", self.thread_id)

    async def _take(self, item: dict) -> None:
        version = item.get("version")
        if not isinstance(version, int) or version <= self.last:
            return
        if version == self.last + 1 and "kind" in item:
            self.last = version
            self.offer(item)
            if item["kind"] == THREAD:
                await self._still_shown()
            return
        # Some were not received (or this is the check): read them, in order.
        while self.last < version:
            missed = await db(events.between, self.thread_id, self.last, version)
            if not missed:
                if "kind" not in item:
                    self.last = version  # changes stored before events were
                return
            for event in missed:
                self.last = event["version"]
                self.offer(event)
                await asyncio.sleep(0)  # let the subscribers' streams take it
            if any(event["kind"] == THREAD for event in missed):
                await self._still_shown()

    async def _still_shown(self) -> None:
        """After the post changed: if readers may no longer see it (taken back, or moved to
        a later time), its streams close, and their browsers' reconnects are refused."""
        try:
            await db(access.thread_version, self.thread_id)
        except NotFound:
            self.send()  # the post's last events first
            for subscriber in list(self.subscribers):
                subscriber.end()

    def offer(self, event: dict) -> None:
        """The event in this round: sent now if the last round is old enough, else when it
        is."""
        self.pending.append(event)
        if self.timer is not None:
            return
        wait = self.sent_at + self.every - self.hub.loop.time()
        if wait <= 0:
            self.send()
        else:
            self.timer = self.hub.loop.call_later(wait, self.send)

    def send(self) -> None:
        """The round gathered so far, to every subscriber: moderators get every event, the
        others those not for moderators only."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        gathered, self.pending = self.pending, []
        if not gathered:
            return
        self.sent_at = self.hub.loop.time()
        shown = [event for event in gathered if not event.get("staff_only")]
        public = Round(shown) if shown else None
        staff = public if len(shown) == len(gathered) else Round(gathered)
        for subscriber in list(self.subscribers):
            round_ = staff if subscriber.staff else public
            if round_ is not None:
                subscriber.offer(round_)


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.feeds: dict[int, Feed] = {}
        self.moderators: set[Subscriber] = set()
        self.clients: Counter[str] = Counter()
        self.tasks = [
            _background(brokers.current().listen(self.deliver)),
            _background(self.check()),
            _background(self.beat()),
        ]

    async def beat(self) -> None:
        every = settings.PARLEY_LIVE_HEARTBEAT
        while True:
            await asyncio.sleep(every)
            for feed in list(self.feeds.values()):
                for subscriber in list(feed.subscribers):
                    subscriber.beat()
            for moderator in list(self.moderators):
                moderator.beat()

    # -- who is watching

    def streams_of(self, client: str) -> int:
        return self.clients[client]

    def join(self, client: str, *, staff: bool, thread_id: int | None, version: int = 0):
        subscriber = Subscriber(self, client, staff=staff, thread_id=thread_id)
        self.clients[client] += 1
        if thread_id is None:
            self.moderators.add(subscriber)
        else:
            feed = self.feeds.get(thread_id)
            if feed is None:
                feed = self.feeds[thread_id] = Feed(self, thread_id, version)
            feed.subscribers.add(subscriber)
        return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        if subscriber.left:
            return
        subscriber.left = True
        self.clients[subscriber.client] -= 1
        if self.clients[subscriber.client] <= 0:
            del self.clients[subscriber.client]
        if subscriber.thread_id is None:
            self.moderators.discard(subscriber)
            return
        feed = self.feeds.get(subscriber.thread_id)
        if feed is not None:
            feed.subscribers.discard(subscriber)
            if not feed.subscribers:
                # Nobody watches the thread: nothing is kept for it.
                del self.feeds[subscriber.thread_id]
                feed.close()

    # -- what arrives

    def deliver(self, message: dict[str, Any]) -> None:
        if self.moderators:
            round_ = Round([message])
            for moderator in list(self.moderators):
                moderator.offer(round_)
        feed = self.feeds.get(message.get("thread"))  # type: ignore[arg-type]
        if feed is not None and message.get("version") is not None:
            feed.push(message)

    async def check(self) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY)
            if not self.feeds:
                continue
            try:
                versions = await db(_versions, list(self.feeds))
            except Exception:
                log.exception("Could not check the versions of the watched threads")
                continue
            for thread_id, version in versions.items():
                feed = self.feeds.get(thread_id)
                if feed is not None and version > feed.last:
                    feed.push({"thread": thread_id, "version": version})


def _background(coroutine) -> asyncio.Task:
    """A task of the process, not of the request that started it (a context of its own)."""
    return asyncio.get_running_loop().create_task(coroutine, context=contextvars.Context())


# The stream process's threads for the database: every query a stream or the hub makes runs
# in one of them, so a thousand open streams use these few threads and their connections,
# never a thread or a connection each.
DB_THREADS = 2
_executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="parley-live-db")


def _run_query(function):
    # A connection the database closed, or one past its age, is replaced first, as a request
    # would replace it; afterwards a pooled connection goes back to the pool (PostgreSQL), so
    # the process holds one only while a query runs. SQLite's, a file opened in this thread,
    # is kept (there is no pool, and these threads are few).
    close_old_connections()
    try:
        return function()
    finally:
        if connection.vendor != "sqlite":
            connection.close()


async def db(function, *args, **kwargs):
    """Run `function(*args, **kwargs)`, which queries the database, in the process's threads
    for it."""
    call = functools.partial(function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor, _run_query, call)


def _versions(thread_ids: list[int]) -> dict[int, int]:
    return dict(Thread.objects.filter(pk__in=thread_ids).values_list("pk", "version"))


_hub: Hub | None = None


def hub() -> Hub:
    """This process's hub, started on the first stream (in the running event loop)."""
    global _hub
    if _hub is None or _hub.loop is not asyncio.get_running_loop():
        _hub = Hub()
    return _hub

"""The stream process's fan-out in memory: a feed per watched thread and nothing for the
others, bounded queues, and a subscriber dropped when its queue is full."""

from __future__ import annotations

import asyncio
import threading

from parley.realtime import streams

CLIENT = "203.0.113.9"


def _event(version: int, staff_only: bool = False) -> dict:
    return {
        "thread": 7,
        "version": version,
        "kind": "posted",
        "comments": [version],
        "staff_only": staff_only,
    }


def _run(scenario) -> None:
    async def wrapped():
        hub = streams.Hub()
        try:
            await scenario(hub)
        finally:
            for task in hub.tasks:
                task.cancel()

    # In a thread of its own: a browser test before this one in the same process leaves
    # Playwright's event loop running in this thread.
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(wrapped())
        except BaseException as error:  # noqa: BLE001  (raised again below, in the test)
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the scenario did not end within 60 s"
    if failed:
        raise failed[0]


def test_a_thread_nobody_watches_keeps_nothing(live_dir):
    async def scenario(hub: streams.Hub):
        first = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        second = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        assert set(hub.feeds) == {7} and hub.streams_of(CLIENT) == 2
        feed = hub.feeds[7]
        hub.leave(first)
        hub.leave(first)  # leaving twice counts once
        assert set(hub.feeds) == {7} and hub.streams_of(CLIENT) == 1
        hub.leave(second)
        assert hub.feeds == {} and dict(hub.clients) == {}
        await asyncio.sleep(0)
        assert feed.task.done()
        hub.deliver(_event(1))  # for a thread nobody watches: dropped on arrival
        assert hub.feeds == {}

    _run(scenario)


def test_events_reach_subscribers_in_order_and_staff_only_ones_moderators_only(live_dir):
    async def scenario(hub: streams.Hub):
        reader = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        moderator = hub.join(CLIENT, staff=True, thread_id=7, version=0)
        queue = hub.join(CLIENT, staff=True, thread_id=None)
        hub.deliver(_event(1))
        hub.deliver(_event(2, staff_only=True))
        hub.deliver(_event(2, staff_only=True))  # a duplicate is offered once
        hub.deliver(_event(3))
        await asyncio.sleep(0.05)
        assert [e["version"] for e in _drain(reader)] == [1, 3]
        assert [e["version"] for e in _drain(moderator)] == [1, 2, 3]
        assert len(_drain(queue)) == 4  # the queue's stream gets every message as it came

    _run(scenario)


def test_a_full_queue_drops_its_subscriber_and_no_other(live_dir):
    async def scenario(hub: streams.Hub):
        stalled = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        reading = hub.join("198.51.100.1", staff=False, thread_id=7, version=0)
        for version in range(1, streams.QUEUE_SIZE + 2):
            hub.deliver(_event(version))
            await asyncio.sleep(0)
            _drain(reading)
        await asyncio.sleep(0.05)
        assert stalled.dropped and stalled.left
        assert stalled.queue.qsize() == streams.QUEUE_SIZE  # never more than its bound
        assert hub.feeds[7].subscribers == {reading}
        assert hub.streams_of(CLIENT) == 0
        assert not reading.dropped

    _run(scenario)


def _drain(subscriber: streams.Subscriber) -> list[dict]:
    out = []
    while not subscriber.queue.empty():
        out.append(subscriber.queue.get_nowait())
    return out

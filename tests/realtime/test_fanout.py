"""The stream process's fan-out in memory: a feed per watched thread and nothing for the
others, events of a busy thread sent in rounds, bounded queues, and a subscriber dropped
when too many events wait for it."""

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


def test_events_reach_subscribers_in_order_and_staff_only_ones_moderators_only(live_dir, settings):
    settings.PARLEY_LIVE_ROUND_MS = 0  # each event a round of its own: order, not timing

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


def test_a_full_queue_drops_its_subscriber_and_no_other(live_dir, settings):
    settings.PARLEY_LIVE_ROUND_MS = 0  # each event a round of its own

    async def scenario(hub: streams.Hub):
        stalled = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        reading = hub.join("198.51.100.1", staff=False, thread_id=7, version=0)
        for version in range(1, streams.QUEUE_SIZE + 2):
            hub.deliver(_event(version))
            await asyncio.sleep(0)
            _drain(reading)
        await asyncio.sleep(0.05)
        assert stalled.dropped and stalled.left
        assert stalled.waiting == streams.QUEUE_SIZE  # never more than its bound
        assert len(_drain(stalled)) == streams.QUEUE_SIZE
        assert hub.feeds[7].subscribers == {reading}
        assert hub.streams_of(CLIENT) == 0
        assert not reading.dropped

    _run(scenario)


def test_a_busy_thread_sends_one_round_per_period_and_an_idle_one_at_once(live_dir, settings):
    settings.PARLEY_LIVE_ROUND_MS = 200

    async def scenario(hub: streams.Hub):
        reader = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        moderator = hub.join(CLIENT, staff=True, thread_id=7, version=0)
        hub.deliver(_event(1))
        await asyncio.sleep(0.02)
        # The thread was idle: the first event went out at once, a round of its own.
        assert [len(r) for r in _rounds(reader)] == [1]
        for version in range(2, 6):
            hub.deliver(_event(version, staff_only=version == 4))
            await asyncio.sleep(0.01)
        assert _rounds(reader) == [] and _rounds(moderator)[0].first == 1  # the round waits
        await asyncio.sleep(0.25)
        # Then the four go together, one round; readers' without the moderators' event.
        rounds = _rounds(reader)
        assert [[e["version"] for e in r.events] for r in rounds] == [[2, 3, 5]]
        assert [[e["version"] for e in r.events] for r in _rounds(moderator)] == [[2, 3, 4, 5]]
        assert reader.waiting == 0
        # Quiet for longer than a round: the next event goes out at once again.
        await asyncio.sleep(0.25)
        hub.deliver(_event(6))
        await asyncio.sleep(0.02)
        assert [r.first for r in _rounds(reader)] == [6]

    _run(scenario)


def test_a_round_past_the_bound_drops_the_subscriber(live_dir, settings):
    settings.PARLEY_LIVE_ROUND_MS = 100

    async def scenario(hub: streams.Hub):
        stalled = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        hub.deliver(_event(1))  # sent at once; the next wait for the round
        for version in range(2, streams.QUEUE_SIZE + 2):
            hub.deliver(_event(version))
        await asyncio.sleep(0.3)
        assert stalled.dropped and stalled.waiting == 1
        assert 7 not in hub.feeds  # nobody else watched the thread: its feed is gone

    _run(scenario)


def test_a_feed_nobody_watches_any_more_sends_no_waiting_round(live_dir, settings):
    settings.PARLEY_LIVE_ROUND_MS = 100

    async def scenario(hub: streams.Hub):
        reader = hub.join(CLIENT, staff=False, thread_id=7, version=0)
        hub.deliver(_event(1))
        hub.deliver(_event(2))
        await asyncio.sleep(0.02)
        feed = hub.feeds[7]
        assert feed.timer is not None
        hub.leave(reader)
        assert feed.timer is None or feed.timer.cancelled()
        await asyncio.sleep(0.15)
        assert [r.first for r in _rounds(reader)] == [1]

    _run(scenario)


def _rounds(subscriber: streams.Subscriber) -> list[streams.Round]:
    out = []
    while not subscriber.queue.empty():
        item = subscriber.queue.get_nowait()
        if isinstance(item, streams.Round):
            subscriber.waiting -= len(item)
            out.append(item)
    return out


def _drain(subscriber: streams.Subscriber) -> list[dict]:
    return [event for r in _rounds(subscriber) for event in r.events]

"""The stream over real HTTP, from a real granian ASGI process: its first bytes, live
events, replay with Last-Event-ID or ?last_event_id=, heartbeats, and reload."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley.realtime.models import Event
from tests.realtime.conftest import Stream

pytestmark = pytest.mark.server


def _post(thread, body: str, ip: str = "203.0.113.9", **extra):
    response = Client().post(
        f"/posts/{thread.post.slug}/comments/",
        {"name": "Guest", "body": body, **extra},
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 302, response.content
    return thread.comments.order_by("-pk").first()


def test_the_stream_answers_with_its_headers_and_retry(stream_server, thread):
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    try:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-cache"
        assert stream.headers["x-accel-buffering"] == "no"
        first = stream.next()
        assert (first.event, first.data) == ("retry", "3000")
    finally:
        stream.close()


def test_a_comment_posted_through_the_wsgi_side_arrives(stream_server, thread, no_rate_limit):
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    try:
        stream.next()
        comment = _post(thread, "Hello from the other side.")
        event = stream.next_event(timeout=3)
        assert (event.id, event.event) == ("1", "posted")
        assert event.json == {
            "thread": thread.pk,
            "version": 1,
            "kind": "posted",
            "comments": [comment.pk],
        }
    finally:
        stream.close()


def _ids(stream: Stream, count: int, timeout: float = 5) -> list[int]:
    return [int(stream.next_event(timeout).id) for _ in range(count)]


def test_last_event_id_replays_exactly_what_was_missed(stream_server, thread, no_rate_limit):
    for n in range(3):
        _post(thread, f"Comment {n}, before the reconnect.")
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/", {"Last-Event-ID": "1"})
    try:
        assert stream.status == 200
        assert _ids(stream, 2) == [2, 3]
        _post(thread, "After the reconnect.")
        assert _ids(stream, 1) == [4]
        # Nothing doubled: the next thing on the stream is a heartbeat, not an event.
        assert stream.next(timeout=3).comment == "keep-alive"
    finally:
        stream.close()
    assert b"id: 2\n" in stream.raw and stream.raw.count(b"id: 3\n") == 1


def test_last_event_id_in_the_query_replays_too(stream_server, thread, no_rate_limit):
    for n in range(2):
        _post(thread, f"Comment {n}.")
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/?last_event_id=0")
    try:
        assert _ids(stream, 2) == [1, 2]
    finally:
        stream.close()


def test_an_idle_stream_sends_heartbeats(stream_server, thread):
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    try:
        assert stream.next().event == "retry"
        started = time.monotonic()
        assert stream.next(timeout=3).comment == "keep-alive"
        assert stream.next(timeout=3).comment == "keep-alive"
        assert time.monotonic() - started < 3.5  # PARLEY_LIVE_HEARTBEAT=1 for the test
    finally:
        stream.close()


def test_reload_when_the_id_is_older_than_what_is_kept(
    stream_server, thread, no_rate_limit, settings
):
    for n in range(3):
        _post(thread, f"Comment {n}.")
    old = timezone.now() - timedelta(minutes=settings.PARLEY_LIVE_KEEP + 1)
    Event.objects.filter(thread=thread, version__lte=2).update(created_at=old)
    Event.objects.filter(created_at=old).delete()
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/", {"Last-Event-ID": "1"})
    try:
        event = stream.next_event()
        assert event.event == "reload" and event.id is None
        assert event.json == {"thread": thread.pk, "version": 3}
        _post(thread, "After the reload.")
        assert _ids(stream, 1) == [4]
    finally:
        stream.close()


def test_staff_only_events_reach_moderators_only(
    stream_server, thread, moderator, hold_everything, no_rate_limit
):
    staff = Client()
    staff.force_login(moderator)
    cookie = {"Cookie": f"sessionid={staff.cookies['sessionid'].value}"}
    reader = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    watcher = Stream(stream_server.url, f"/live/threads/{thread.pk}/", cookie)
    try:
        held = _post(thread, "Held for review.")
        event = watcher.next_event(timeout=3)
        assert (event.event, event.json["comments"]) == ("held", [held.pk])
        from parley.discussion.actions import set_comment_status

        set_comment_status(held, "published", by=moderator)
        assert reader.next_event(timeout=3).event == "posted"  # the held one never came
        assert watcher.next_event(timeout=3).event == "posted"
    finally:
        reader.close()
        watcher.close()


def test_a_lost_message_costs_at_most_a_second(stream_server, thread, no_rate_limit, monkeypatch):
    from parley.realtime import brokers

    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    try:
        stream.next()
        monkeypatch.setattr(brokers.current(), "publish", lambda messages: None)
        started = time.monotonic()
        _post(thread, "Never published: the stream process finds it.")
        assert stream.next_event(timeout=3).id == "1"
        assert time.monotonic() - started < 2.5
    finally:
        stream.close()


def test_the_moderation_stream_is_for_moderators(stream_server, thread, moderator, rosa):
    reader = Client()
    reader.force_login(rosa)
    refused = Stream(
        stream_server.url,
        "/live/moderation/",
        {"Cookie": f"sessionid={reader.cookies['sessionid'].value}"},
    )
    assert refused.status == 403
    assert json.loads(refused.body())["error"] == "forbidden"
    refused.close()
    assert Stream(stream_server.url, "/live/moderation/").status == 403


def test_the_moderation_stream_gets_every_event_and_flags(
    stream_server, thread, moderator, no_rate_limit
):
    from parley.moderation import flags

    staff = Client()
    staff.force_login(moderator)
    queue = Stream(
        stream_server.url,
        "/live/moderation/",
        {"Cookie": f"sessionid={staff.cookies['sessionid'].value}"},
    )
    try:
        assert queue.status == 200
        comment = _post(thread, "Flag me.")
        event = queue.next_event(timeout=3)
        assert (event.event, event.json["kind"], event.id) == ("queue", "posted", None)
        flags.flag(
            comment,
            reporter_key="ip:198.51.100.1",
            reporter=None,
            address="198.51.100.1",
            reason="abuse",
        )
        event = queue.next_event(timeout=3)
        assert (event.event, event.json["kind"]) == ("queue", "flagged")
        assert event.json["comments"] == [comment.pk]
    finally:
        queue.close()


def test_a_post_taken_back_closes_its_streams(stream_server, thread, moderator):
    from parley.publishing.actions import save_post

    staff = Client()
    staff.force_login(moderator)
    cookie = {"Cookie": f"sessionid={staff.cookies['sessionid'].value}"}
    reader = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    watcher = Stream(stream_server.url, f"/live/threads/{thread.pk}/", cookie)
    try:
        reader.next()
        watcher.next()
        post = thread.post
        post.is_published = False
        save_post(post)
        event = watcher.next_event(timeout=3)
        assert (event.event, event.json["version"]) == ("thread", 1)  # moderators hear of it
        for stream in (reader, watcher):
            with pytest.raises(EOFError):
                stream.next_event(timeout=3)  # then the stream ends, for everyone
        assert Stream(stream_server.url, f"/live/threads/{thread.pk}/").status == 404
    finally:
        reader.close()
        watcher.close()

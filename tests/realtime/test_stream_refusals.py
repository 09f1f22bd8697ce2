"""What the stream refuses, each with a sentence: an unknown or unpublished thread, a last
event id that is not a number or is from the future, too many streams from one client."""

from __future__ import annotations

import json
import time

import pytest

from tests.realtime.conftest import Stream, StreamServer

pytestmark = pytest.mark.server


def _refusal(server, path, headers=None) -> tuple[int, dict]:
    stream = Stream(server.url, path, headers)
    try:
        return stream.status, json.loads(stream.body())
    finally:
        stream.close()


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "0x1", "", "١"])
def test_a_last_event_id_that_is_not_a_number_is_refused(stream_server, thread, value):
    status, body = _refusal(stream_server, f"/live/threads/{thread.pk}/", {"Last-Event-ID": value})
    assert status == 400
    assert body["error"] == "bad_event_id"
    assert "whole number" in body["message"]


def test_a_last_event_id_in_the_query_is_checked_too(stream_server, thread):
    status, body = _refusal(stream_server, f"/live/threads/{thread.pk}/?last_event_id=soon")
    assert status == 400 and "whole number" in body["message"]


def test_a_last_event_id_from_the_future_is_refused(stream_server, thread):
    status, body = _refusal(stream_server, f"/live/threads/{thread.pk}/", {"Last-Event-ID": "5"})
    assert status == 400
    assert "ahead of this discussion" in body["message"]


def test_an_unknown_thread_is_not_found(stream_server, db):
    status, body = _refusal(stream_server, "/live/threads/999999/")
    assert status == 404
    assert body["error"] == "not_found" and body["message"].endswith(".")


def test_an_unpublished_posts_thread_is_not_found(stream_server, thread):
    from parley.publishing.actions import save_post

    post = thread.post
    post.is_published = False
    save_post(post)
    status, _body = _refusal(stream_server, f"/live/threads/{thread.pk}/")
    assert status == 404


def test_past_the_limit_of_streams_per_client_the_next_is_refused(
    transactional_db, live_dir, thread
):
    server = StreamServer(live_dir, {"PARLEY_LIVE_STREAMS_PER_CLIENT": "2"}).start()
    try:
        open_ = [Stream(server.url, f"/live/threads/{thread.pk}/") for _ in range(2)]
        for stream in open_:
            assert stream.status == 200
            stream.next()
        status, body = _refusal(server, f"/live/threads/{thread.pk}/")
        assert status == 429
        assert body["error"] == "too_many_streams"
        assert "2 live streams" in body["message"]
        # A closed stream frees its place.
        open_.pop().close()
        deadline = time.monotonic() + 5
        while True:
            again = Stream(server.url, f"/live/threads/{thread.pk}/")
            if again.status == 200 or time.monotonic() > deadline:
                break
            again.close()
            time.sleep(0.2)
        assert again.status == 200
        again.close()
        for stream in open_:
            stream.close()
    finally:
        server.stop()

"""What the stream refuses, each with a sentence: an unknown or unpublished thread, a last
event id that is not a number or is from the future, too many streams from one client."""

from __future__ import annotations

import http.client
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


def _ask(server, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=b"" if method == "POST" else None)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/live/threads/{thread}/", "/live/moderation/"])
def test_a_stream_is_read_with_get_only(stream_server, thread, path):
    path = path.format(thread=thread.pk)
    status, headers, body = _ask(stream_server, "POST", path)
    assert status == 405 and headers["allow"] == "GET"
    refusal = json.loads(body)
    assert refusal["error"] == "method_not_allowed"
    assert refusal["message"] == "A live stream is read with GET only."
    status, headers, _body = _ask(stream_server, "HEAD", path)
    assert status == 405 and headers["allow"] == "GET"


def test_a_closed_stream_leaves_its_place_at_once(transactional_db, live_dir, thread):
    server = StreamServer(live_dir, {"PARLEY_LIVE_STREAMS_PER_CLIENT": "1"}).start()
    try:
        first = Stream(server.url, f"/live/threads/{thread.pk}/")
        assert first.next().event == "retry"
        first.close()
        time.sleep(0.3)
        again = Stream(server.url, f"/live/threads/{thread.pk}/")
        try:
            assert again.status == 200
        finally:
            again.close()
    finally:
        server.stop()


def test_the_stream_process_passes_anything_else_to_django(stream_server, thread):
    status, headers, body = _ask(stream_server, "GET", f"/threads/{thread.pk}/events/?after=0")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == {"events": [], "version": 0, "reload": False}
    status, _headers, _body = _ask(stream_server, "GET", "/live/nothing-here/")
    assert status == 404

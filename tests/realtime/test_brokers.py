"""Each broker carries a comment posted through the WSGI side to a stream: the local one
(a datagram to the stream process's socket in the data directory) and Redis pub/sub
(db 3 of the local Redis; with CI=true a missing Redis is a failure)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time

import pytest
from django.test import Client

from parley.realtime.brokers import local
from tests.realtime.conftest import Stream, StreamServer

pytestmark = pytest.mark.server

REDIS_URL = "redis://127.0.0.1:6379/3"


def _post(thread, body: str):
    response = Client().post(
        f"/posts/{thread.post.slug}/comments/", {"name": "Guest", "body": body}
    )
    assert response.status_code == 302, response.content
    return thread.comments.order_by("-pk").first()


def test_the_local_broker_sends_a_datagram_to_each_stream_process(stream_server, thread, live_dir):
    stream = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    overheard = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        stream.next()
        assert len(list((live_dir / "live").glob("*.sock"))) == 1  # the one worker's
        # A second listener in the folder hears the same datagrams the stream process does.
        overheard.bind(str(live_dir / "live" / "listener.sock"))
        overheard.settimeout(3)
        comment = _post(thread, "Carried by a datagram.")
        assert json.loads(overheard.recv(65536)) == {
            "thread": thread.pk,
            "version": 1,
            "kind": "posted",
            "comments": [comment.pk],
            "staff_only": False,
        }
        event = stream.next_event(timeout=3)
        assert event.json["comments"] == [comment.pk]
    finally:
        stream.close()
        overheard.close()


def test_publishing_with_no_stream_process_or_a_dead_one_is_harmless(live_dir):
    broker = local.Broker()
    broker.publish([{"thread": 1, "version": 1}])  # no folder yet
    folder = live_dir / "live"
    folder.mkdir()
    dead = folder / "999999.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(dead))
    listener.close()  # its process is gone; the file stays
    broker.publish([{"thread": 1, "version": 1}])
    assert not dead.exists()  # removed by the first publisher that found it dead


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at 127.0.0.1:6379: {error}")
        pytest.skip(f"Redis is not running at 127.0.0.1:6379: {error}")


def test_the_redis_broker_carries_a_comment_to_a_stream(
    transactional_db, live_dir, thread, settings
):
    import redis

    from parley.realtime.brokers.redis import channel

    _redis_or_skip()
    settings.PARLEY_LIVE_BROKER = "redis"
    settings.REDIS_URL = REDIS_URL
    heard: list[dict] = []
    pubsub = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel(REDIS_URL))

    def listen():
        for message in pubsub.listen():
            heard.append(json.loads(message["data"]))
            return

    listening = threading.Thread(target=listen, daemon=True)
    listening.start()
    server = StreamServer(live_dir, {"PARLEY_LIVE_BROKER": "redis", "REDIS_URL": REDIS_URL}).start()
    stream = Stream(server.url, f"/live/threads/{thread.pk}/")
    try:
        stream.next()
        time.sleep(0.3)  # the stream process has subscribed
        assert not (live_dir / "live").exists()  # no datagram socket with Redis
        comment = _post(thread, "Carried by Redis.")
        event = stream.next_event(timeout=3)
        assert (event.event, event.json["comments"]) == ("posted", [comment.pk])
        listening.join(timeout=3)
        assert heard == [
            {
                "thread": thread.pk,
                "version": 1,
                "kind": "posted",
                "comments": [comment.pk],
                "staff_only": False,
            }
        ]
    finally:
        stream.close()
        server.stop()
        pubsub.close()


def test_a_redis_that_is_down_never_holds_a_change_up(settings, caplog):
    from parley.realtime.brokers import redis as redis_broker

    settings.REDIS_URL = "redis://127.0.0.1:1/3"  # nothing listens there
    broker = redis_broker.Broker()
    started = time.monotonic()
    broker.publish([{"thread": 1, "version": 1}])
    assert time.monotonic() - started < redis_broker.TIMEOUT + 0.5
    assert "Could not publish 1 live events to Redis" in caplog.text
    started = time.monotonic()
    broker.publish([{"thread": 1, "version": 2}])  # left alone for a while: no wait at all
    assert time.monotonic() - started < 0.05

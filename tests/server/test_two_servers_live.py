"""Scaled out: two `parley serve` on one database and one Redis. A comment posted through one
reaches a page streaming from the other, and nothing but Redis carries it there (each server
keeps its own data directory, so no datagram can pass between them)."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request

import pytest

from tests.conftest import Server, redis_at

pytestmark = [pytest.mark.server]

REDIS_URL = os.environ.get("PARLEY_TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_db():
    yield from redis_at(REDIS_URL)


def _read_until(sock: socket.socket, wanted: bytes, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    received = b""
    while wanted not in received:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"Waited {timeout} s for {wanted!r}; the stream said: {received[-500:]!r}")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            pytest.fail(f"The stream closed before {wanted!r}: {received[-500:]!r}")
        received += chunk
    return received


def test_a_comment_posted_through_one_server_reaches_a_stream_of_the_other(
    transactional_db, tmp_path, dossier, redis_db
):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    env = {
        "REDIS_URL": REDIS_URL,
        "PARLEY_LIVE_BROKER": "redis",
        "PARLEY_SECRET_KEY": "one-key-for-both-servers",
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Server(tmp_path / "a", env=env).start()
    second = Server(tmp_path / "b", env=env).start()
    thread = dossier.thread.pk
    try:
        with socket.create_connection(("127.0.0.1", second.port), timeout=30) as stream:
            stream.sendall(f"GET /live/threads/{thread}/ HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            _read_until(stream, b"retry:", 30)
            request = urllib.request.Request(  # noqa: S310  (loopback only)
                f"{first.url}/api/v1/threads/{thread}/comments",
                data=json.dumps({"name": "Far Fatima", "body": "Sent to the first."}).encode(),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                assert response.status == 201
                comment = json.loads(response.read())["id"]
            received = _read_until(stream, b'"kind": "posted"', 10)
    finally:
        first.stop()
        second.stop()
    event = received[received.rindex(b"event: posted") :].split(b"\n\n", 1)[0]
    data = json.loads(event.split(b"data: ", 1)[1])
    assert data["comments"] == [comment]
    assert data["thread"] == thread

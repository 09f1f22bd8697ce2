"""`parley serve`'s front door: one public address for the WSGI server of pages and the ASGI
server of live streams. Real processes on a free port; raw sockets where a browser would never
send what is tested."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from parley.lib import frontdoor
from tests.conftest import ROOT, Server, free_port
from tests.server.test_worker import children_of, until

pytestmark = [pytest.mark.server]


def _exchange(port: int, raw: bytes, *, timeout: float = 10) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _answers(raw: bytes) -> list[bytes]:
    """The status lines in a stream of answers (one answer's body runs into the next one's
    status line)."""
    return re.findall(rb"HTTP/1\.1 \d{3} [A-Za-z ]+", raw)


# -- the head of a request, as the front door passes it on -------------------------------------


def test_the_client_is_named_and_a_header_of_that_name_from_the_client_is_dropped():
    head = (
        b"POST /api/v1/threads/1/comments HTTP/1.1\r\nHost: example.org\r\n"
        b"X-Parley-Peer: 203.0.113.9\r\nContent-Length: 12\r\n\r\n"
    )
    target, sent, length = frontdoor.parse_head(head, "192.0.2.7")
    assert target == b"/api/v1/threads/1/comments"
    assert length == 12
    assert b"203.0.113.9" not in sent
    assert sent.endswith(b"\r\nx-parley-peer: 192.0.2.7\r\n\r\n")
    assert sent.startswith(b"POST /api/v1/threads/1/comments HTTP/1.1\r\nHost: example.org\r\n")


@pytest.mark.parametrize(
    ("head", "status", "words"),
    [
        (b"GET /\r\n\r\n", "400 Bad Request", "METHOD TARGET HTTP/1.1"),
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", "400 Bad Request", "no colon"),
        (b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n", "400 Bad Request", "number of bytes"),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "411 Length Required",
            "Content-Length",
        ),
    ],
)
def test_a_head_the_front_door_cannot_pass_on_is_refused_in_words(head, status, words):
    with pytest.raises(frontdoor.Refused) as refused:
        frontdoor.parse_head(head, "192.0.2.7")
    assert refused.value.status == status
    assert words in refused.value.sentence


def test_streams_go_to_the_stream_server_and_everything_else_to_the_pages():
    backends = frontdoor.Backends(pages="pages.sock", streams="live.sock")
    assert backends.for_path(b"/live/threads/4/?last_event_id=9") == "live.sock"
    assert backends.for_path(b"/posts/live/") == "pages.sock"
    assert backends.for_path(b"/livestock/") == "pages.sock"
    assert backends.for_path(b"/") == "pages.sock"


# -- through a running `parley serve` ----------------------------------------------------------


def test_the_address_a_client_claims_is_not_believed(server, dossier):
    from parley.discussion.models import Comment

    request = urllib.request.Request(  # noqa: S310  (loopback only)
        f"{server.url}/api/v1/threads/{dossier.thread.pk}/comments",
        data=json.dumps({"name": "Claiming Clara", "body": "Not from where I say."}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Parley-Peer": "203.0.113.9"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
        assert response.status == 201
    assert Comment.objects.get(body="Not from where I say.").ip_address == "127.0.0.1"


def test_bad_requests_get_an_answer_in_words_and_the_connection_closes(server):
    answer = _exchange(
        server.port, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 411 Length Required\r\n")
    assert b"Send the body with a Content-Length header" in answer
    huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (70 * 1024)
    answer = _exchange(server.port, huge)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"over 64 KB" in answer


def test_keep_alive_requests_with_bodies_are_answered_in_order(server, dossier):
    body = json.dumps({"name": "Kept Kai", "body": "One connection, two posts."}).encode()
    post = (
        f"POST /api/v1/threads/{dossier.thread.pk}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    page = b"GET /posts/lastovo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = _exchange(server.port, post + page)
    statuses = _answers(answer)
    assert statuses[:2] == [b"HTTP/1.1 201 Created", b"HTTP/1.1 200 OK"], answer[:300]
    assert b"The Lastovo crossing" in answer


def test_a_client_that_does_not_read_slows_no_one_else(server, dossier):
    """A reader that asks for pages and never reads them fills its own socket, not the
    front door's memory nor another reader's connection."""
    stalled = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        stalled.sendall(b"GET /posts/lastovo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 50)
        started = time.monotonic()
        for _ in range(20):
            with urllib.request.urlopen(f"{server.url}/posts/lastovo/", timeout=10) as response:  # noqa: S310
                assert response.status == 200
        assert time.monotonic() - started < 20  # generous: each read takes milliseconds
    finally:
        stalled.close()


def test_the_stream_server_is_started_again_while_pages_keep_being_served(server, dossier):
    first = until(
        lambda: children_of(server.process.pid, b"config.asgi:application"),
        "parley serve started no stream server",
    )[0]
    os.kill(first, signal.SIGKILL)
    with urllib.request.urlopen(f"{server.url}/posts/lastovo/", timeout=10) as response:  # noqa: S310
        assert response.status == 200
    until(
        lambda: [
            pid
            for pid in children_of(server.process.pid, b"config.asgi:application")
            if pid != first
        ],
        "the stream server was not started again",
    )
    assert f"The live stream server (pid {first}) exited with code -9" in server.log.read_text()


def test_a_port_in_use_is_said_before_anything_starts(tmp_path, transactional_db):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        env = Server(tmp_path).env
        done = subprocess.run(  # noqa: S603  (our own command)
            [str(Path(sys.executable).with_name("parley")), "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "choose another with --port" in done.stderr


def test_a_page_and_a_stream_on_one_connection_reach_their_own_servers(server, dossier):
    """A browser reuses a connection that loaded the page for the page's stream: the page
    comes from the WSGI workers, the stream from the ASGI server, on the one connection."""
    thread = dossier.thread.pk
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /posts/lastovo/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while b"</html>" not in received:
            received += sock.recv(65536)
        assert _answers(received) == [b"HTTP/1.1 200 OK"]
        stream = f"GET /live/threads/{thread}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.sendall(stream.encode())
        received = b""
        while b"retry:" not in received:
            received += sock.recv(65536)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"text/event-stream" in received

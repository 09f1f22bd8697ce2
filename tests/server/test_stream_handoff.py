"""Streams behind `parley serve`'s front door: the front door hands each stream's connection
to the stream server, which writes its events to it directly; the front door keeps none of
them, and streams still work when the stream server cannot take a connection."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from tests.realtime.conftest import Stream, publish_while_reading

pytestmark = [pytest.mark.server]


def _sockets(pid: int) -> int:
    """The sockets a process holds open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += fd.readlink().name.startswith("socket:")
        except OSError:
            continue
    return count


def _settles_at(pid: int, expected: int, within: float = 5.0) -> int:
    """The process's socket count once it is `expected`, or the last count after `within`."""
    deadline = time.monotonic() + within
    count = _sockets(pid)
    while count != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _sockets(pid)
    return count


def _post(server, thread: int, body: str) -> int:
    request = urllib.request.Request(  # noqa: S310  (loopback only)
        f"{server.url}/api/v1/threads/{thread}/comments",
        data=json.dumps({"name": "Handed Hana", "body": body}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
        assert response.status == 201
        return json.loads(response.read())["id"]


def test_streams_are_written_by_the_stream_server_on_the_clients_own_connection(server, dossier):
    thread = dossier.thread.pk
    # The first opens the front door's connection to the stream server's hand-over socket.
    streams = [Stream(server.url, f"/live/threads/{thread}/")]
    assert streams[0].next().event == "retry"
    before = _sockets(server.process.pid)
    streams += [Stream(server.url, f"/live/threads/{thread}/") for _ in range(5)]
    try:
        for stream in streams:
            assert stream.status == 200
            if stream is not streams[0]:
                assert stream.next().event == "retry"
            # The stream server's own answer: the stream ends with its connection.
            assert stream.headers["connection"] == "close"
            assert "transfer-encoding" not in stream.headers
        # The front door let go of every one of them (it closes its copy of a handed-over
        # connection just after the hand-over: give it a moment, not five streams' worth).
        assert _settles_at(server.process.pid, before) == before
        comment = _post(server, thread, "Everyone on the handed-over streams sees this.")
        for stream in streams:
            event = stream.next_event()
            assert event.event == "posted"
            assert event.json["comments"] == [comment]
    finally:
        for stream in streams:
            stream.close()


def test_the_limit_of_streams_per_client_counts_the_clients_own_address(server, dossier):
    thread = dossier.thread.pk
    streams = [Stream(server.url, f"/live/threads/{thread}/") for _ in range(8)]
    try:
        assert all(stream.next().event == "retry" for stream in streams)
        refused = Stream(server.url, f"/live/threads/{thread}/")
        assert refused.status == 429
        assert b"the most one address may hold" in refused.body()
        refused.close()
    finally:
        for stream in streams:
            stream.close()


def test_streams_still_come_when_the_stream_server_cannot_take_a_connection(
    server, dossier, tmp_path
):
    """Its hand-over socket gone (as while it starts): the front door passes the stream on
    through the stream server's HTTP socket instead, as it does pages."""
    thread = dossier.thread.pk
    (tmp_path / "run" / "live-handoff.sock").unlink()
    stream = Stream(server.url, f"/live/threads/{thread}/")
    try:
        assert stream.status == 200
        assert stream.next().event == "retry"
        assert stream.headers.get("connection") != "close"  # granian's answer, passed on
        comment = _post(server, thread, "This one comes the long way round.")
        event = stream.next_event()
        assert (event.event, event.json["comments"]) == ("posted", [comment])
    finally:
        stream.close()


def test_a_handed_over_client_that_never_reads_is_dropped_and_another_gets_everything(
    server, dossier, tmp_path, settings
):
    from parley.discussion.models import Thread

    settings.DATA_DIR = tmp_path  # where the server's stream process hears the broker
    thread = dossier.thread
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", server.port))
    stalled.sendall(f"GET /live/threads/{thread.pk}/ HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    reader = Stream(server.url, f"/live/threads/{thread.pk}/")
    assert reader.next().event == "retry"
    time.sleep(0.5)  # both subscribed

    start = Thread.objects.get(pk=thread.pk).version
    total = 600
    got = publish_while_reading(thread, reader, start, total)
    assert got == list(range(start + 1, start + total + 1))

    # The stalled one was let go: reading now drains what the kernel held, then the end.
    stalled.settimeout(10)
    received = b""
    while chunk := stalled.recv(1 << 20):
        received += chunk
    stalled.close()
    assert received.startswith(b"HTTP/1.1 200")
    assert 0 < received.count(b"\nid: ") < total, received.count(b"\nid: ")
    reader.close()

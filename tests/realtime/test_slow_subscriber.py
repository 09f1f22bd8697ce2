"""A subscriber that never reads is dropped when its queue of 256 events is full: its
stream is closed, memory stays bounded, and the others get every event in time."""

from __future__ import annotations

import socket
import time

import pytest

from tests.realtime.conftest import Stream, publish_while_reading

pytestmark = pytest.mark.server

# Events large enough that the kernel's and the server's buffers fill long before the
# count does: each carries 2,000 comment ids (about 14 kB).
EVENTS = 600
IDS = list(range(100_000, 102_000))


def test_a_subscriber_that_never_reads_is_dropped_without_slowing_another(stream_server, thread):
    host, port = stream_server.url.removeprefix("http://").split(":")
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect((host, int(port)))
    stalled.sendall(f"GET /live/threads/{thread.pk}/ HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    reader = Stream(stream_server.url, f"/live/threads/{thread.pk}/")
    assert reader.next().event == "retry"
    time.sleep(0.5)  # both subscribed

    # Events as a busy thread makes them, stored then published one by one, while the
    # reader reads.
    started = time.monotonic()
    got = publish_while_reading(thread, reader, 0, EVENTS)
    assert got == list(range(1, EVENTS + 1))
    assert time.monotonic() - started < 20

    # The stalled one was closed: reading now drains what was buffered, then the end.
    stalled.settimeout(10)
    received = b""
    while chunk := stalled.recv(1 << 20):
        received += chunk
    stalled.close()
    assert received.startswith(b"HTTP/1.1 200")
    # What the buffers held, and the queue; never every event.
    assert 0 < received.count(b"\nid: ") < EVENTS, received.count(b"\nid: ")
    reader.close()

"""What an open stream costs the stream process: neither a thread nor a database connection.
Fifty streams open on a real granian process leave its thread count and (on PostgreSQL) its
connections to the database where they were, within the few threads the stream process
queries in, and every one of them still gets the next event."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from parley.realtime import streams
from tests.realtime.conftest import Stream, StreamServer

pytestmark = pytest.mark.server

STREAMS = 50
# Threads a process may start or end of itself meanwhile (granian's, the interpreter's).
SLACK = 3


def _tree(root: int) -> list[int]:
    """The process and its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _threads(root: int) -> int:
    count = 0
    for pid in _tree(root):
        try:
            count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


def _local_ports(root: int) -> set[int]:
    """The local ports of the TCP sockets the processes hold (their connections out)."""
    inodes = set()
    for pid in _tree(root):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _database_connections(root: int) -> int | None:
    """The connections to the database from those processes (PostgreSQL), else None."""
    if connection.vendor != "postgresql":
        return None
    ports = _local_ports(root)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_port FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sum(1 for (port,) in cursor.fetchall() if port in ports)


def _post(thread, body: str):
    response = Client().post(
        f"/posts/{thread.post.slug}/comments/",
        {"name": "Guest", "body": body},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302, response.content
    return thread.comments.order_by("-pk").first()


def test_open_streams_hold_no_thread_and_no_connection(
    transactional_db, live_dir, thread, no_rate_limit
):
    server = StreamServer(
        live_dir,
        {"PARLEY_LIVE_STREAMS_PER_CLIENT": str(STREAMS + 10), "PARLEY_LIVE_HEARTBEAT": "5"},
    ).start()
    assert server.process is not None
    opened: list[Stream] = []
    try:
        # A first stream, and an event through it: the hub, its feed and the threads for
        # queries are running.
        opened.append(Stream(server.url, f"/live/threads/{thread.pk}/"))
        assert opened[0].next().event == "retry"
        _post(thread, "Before the crowd.")
        assert opened[0].next_event(timeout=5).event == "posted"
        time.sleep(0.5)
        threads_before = _threads(server.process.pid)
        connections_before = _database_connections(server.process.pid)

        started = time.monotonic()
        for _ in range(STREAMS):
            stream = Stream(server.url, f"/live/threads/{thread.pk}/")
            opened.append(stream)
            assert stream.status == 200
        for stream in opened[1:]:
            assert stream.next().event == "retry"
        assert time.monotonic() - started < 30
        time.sleep(0.5)

        threads_after = _threads(server.process.pid)
        assert threads_after <= threads_before + streams.DB_THREADS + SLACK, (
            threads_before,
            threads_after,
        )
        connections_after = _database_connections(server.process.pid)
        if connections_after is not None:
            assert connections_before is not None
            assert connections_after <= streams.DB_THREADS, (connections_before, connections_after)

        comment = _post(thread, "Everyone hears of this one.")
        for stream in opened:
            event = stream.next_event(timeout=10)
            assert (event.event, event.json["comments"]) == ("posted", [comment.pk])
    finally:
        for stream in opened:
            stream.close()
        server.stop()

"""Live-thread fixtures: the events of a thread, and what its stream's process is."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT


def events_of(thread, *, staff: bool | None = None) -> list[tuple[int, str, list[int], bool]]:
    """(version, kind, comments, staff_only) of a thread's events, oldest first."""
    from parley.realtime.models import Event

    rows = Event.objects.filter(thread_id=thread.pk).order_by("version")
    if staff is not None:
        rows = rows.filter(staff_only=staff)
    return list(rows.values_list("version", "kind", "comments", "staff_only"))


def last_event(thread) -> tuple[int, str, list[int], bool]:
    return events_of(thread)[-1]


@pytest.fixture
def hold_everything(db):
    """The site's policy holds every comment for review."""
    from parley.moderation import policy

    rules = policy.site()
    rules.mode = rules.Mode.ALL
    rules.save()
    return rules


# -- the stream process, and a client that reads it --------------------------------------------


class StreamServer:
    """granian serving config.asgi:application on a free loopback port, on the test database
    and the test process's data directory (where the local broker's sockets are)."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        from django.conf import settings

        from tests.conftest import free_port, server_env

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(data_dir, {"PARLEY_SECRET_KEY": settings.SECRET_KEY, **(env or {})})
        self.log = data_dir / f"granian-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamServer:
        granian = str(Path(sys.executable).with_name("granian"))
        self.process = subprocess.Popen(  # noqa: S603
            [
                granian,
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-ws",
                "config.asgi:application",
            ],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)


@dataclass
class Message:
    """One server-sent event as a browser's EventSource would see it (or a comment line)."""

    event: str = "message"
    id: str | None = None
    data: str = ""
    comment: str | None = None

    @property
    def json(self):
        return json.loads(self.data)


class Stream:
    """An HTTP/1.1 GET of a stream on a plain socket, read event by event."""

    def __init__(self, url: str, path: str, headers: dict[str, str] | None = None):
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n", 10).decode("latin-1").split("\r\n")
        self.status = int(head[0].split()[1])
        self.headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in head[1:] if ":" in line)
        }
        self.chunked = self.headers.get("transfer-encoding") == "chunked"
        self.raw = b""  # the body, de-chunked, as far as read
        self.body_bytes = b""

    def _fill(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("nothing came in time")
        self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buffer += data
        return True

    def _until(self, mark: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while mark not in self.buffer:
            if not self._fill(deadline):
                raise EOFError("the server closed the connection")
        found, self.buffer = self.buffer.split(mark, 1)
        return found

    def _body_until(self, mark: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while mark not in self.body_bytes:
            if self.chunked:
                size_line = self._until(b"\r\n", max(0.01, deadline - time.monotonic()))
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    raise EOFError("the stream ended")
                while len(self.buffer) < size + 2:
                    if not self._fill(deadline):
                        raise EOFError("the server closed the connection")
                self.body_bytes += self.buffer[:size]
                self.buffer = self.buffer[size + 2 :]
            else:
                if self.buffer:
                    self.body_bytes += self.buffer
                    self.buffer = b""
                elif not self._fill(deadline):
                    raise EOFError("the server closed the connection")
        found, self.body_bytes = self.body_bytes.split(mark, 1)
        self.raw += found + mark
        return found

    def body(self, timeout: float = 5) -> bytes:
        """The whole body of a refusal (Content-Length)."""
        length = int(self.headers.get("content-length", "0"))
        deadline = time.monotonic() + timeout
        while len(self.buffer) < length:
            if not self._fill(deadline):
                break
        return self.buffer[:length]

    def next(self, timeout: float = 5) -> Message:
        """The next event or comment line block."""
        block = self._body_until(b"\n\n", timeout).decode()
        message = Message()
        data: list[str] = []
        for line in block.split("\n"):
            if line.startswith(":"):
                message.comment = line[1:].strip()
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data.append(value)
            elif name == "event":
                message.event = value
            elif name == "id":
                message.id = value
            elif name == "retry":
                message.event, message.data = "retry", value
        if data:
            message.data = "\n".join(data)
        return message

    def next_event(self, timeout: float = 5) -> Message:
        """The next event, past heartbeats."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.01, deadline - time.monotonic()))
            if message.comment is None and message.event != "retry":
                return message

    def close(self) -> None:
        self.sock.close()


def publish_while_reading(thread, reader: Stream, start: int, total: int) -> list[int]:
    """Large events (2,000 comment ids, about 14 kB each), stored then published one by one as
    a busy thread makes them, while `reader` reads; the ids it received, in order."""
    from parley.discussion.models import Thread
    from parley.realtime import brokers, events
    from parley.realtime.models import Event

    ids = list(range(100_000, 102_000))
    got: list[int] = []
    for version in range(start + 1, start + total + 1):
        Event.objects.create(thread=thread, version=version, kind="edited", comments=ids)
        Thread.objects.filter(pk=thread.pk).update(version=version)
        brokers.current().publish([events.message(thread.pk, version, "edited", ids, False)])
        while True:
            try:
                got.append(int(reader.next_event(timeout=0.001).id))
            except TimeoutError:
                break
    while len(got) < total:
        got.append(int(reader.next_event(timeout=10).id))
    return got


@pytest.fixture
def live_dir(settings):
    """A short data directory for this test (a UNIX socket's path is short), shared by the
    test process (which publishes) and the stream process."""
    path = Path(tempfile.mkdtemp(prefix="pl", dir="/tmp"))
    settings.DATA_DIR = path
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def stream_server(transactional_db, live_dir):
    running = StreamServer(live_dir, {"PARLEY_LIVE_HEARTBEAT": "1"}).start()
    yield running
    running.stop()

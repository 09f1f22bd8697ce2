"""Streams whose connection `parley serve`'s front door hands over to the stream process.

Behind the front door a stream would otherwise cost two hops for every event: the stream
process writes it to its Unix socket, and the front door moves it on to the browser. Instead
the front door, having read a `/live/` request's head, passes the client's socket itself to
this process (SCM_RIGHTS over a Unix SOCK_SEQPACKET socket in `$PARLEY_DATA_DIR/run/`, mode
0600 in a 0700 directory) together with that head, and lets go of it. From then on the stream
process writes each event straight to the browser's connection, and the front door does
nothing for it (docs/decisions/0019-one-address-for-pages-and-streams.md).

The request is answered by the same ASGI application as any stream (parley.realtime.asgi),
through the small HTTP/1.1 writer below: a status line, the headers, the body as it is sent,
and `Connection: close` (a stream ends with its connection). The peer is the connection's
own, so parley.lib.clients decides who the client is as it does everywhere. When this
process is not there to take a connection (starting, restarting, its queue full), the front
door passes the request to the stream server's socket as before, so nothing is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings

from parley.lib.frontdoor import HANDOFF_SIZE, Refused, read_head

log = logging.getLogger(__name__)

SOCKET_NAME = "live-handoff.sock"
# The scope's extension that writes to the connection at once (parley.realtime.asgi).
WRITE_NOW = "parley.write_now"
# Bytes a handed-over connection may hold unsent before its client counts as not reading.
UNSENT_LIMIT = 256 * 1024


def socket_path() -> Path:
    """Where the front door hands connections over (beside the servers' sockets)."""
    return Path(settings.DATA_DIR) / "run" / SOCKET_NAME


class _Connection(asyncio.Protocol):
    """A handed-over client connection, written to by one ASGI request."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.gone = asyncio.get_running_loop().create_future()
        self.writable: asyncio.Future | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        pass  # a stream reads nothing more from its client

    def eof_received(self) -> bool:
        self._end()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()

    def _end(self) -> None:
        if not self.gone.done():
            self.gone.set_result(None)
        self.resume_writing()

    def pause_writing(self) -> None:
        if self.writable is None or self.writable.done():
            self.writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self.writable is not None and not self.writable.done():
            self.writable.set_result(None)


class _Exchange:
    """ASGI's receive and send for one request on a handed-over connection."""

    def __init__(self, connection: _Connection) -> None:
        self.connection = connection
        self.asked = False
        self.started = False
        self.ended = False

    def write_now(self, data: bytes) -> bool:
        """Write at once, outside the ASGI exchange, once the response has started (False:
        the connection is gone, or its client is not reading)."""
        transport = self.connection.transport
        if transport is None or self.ended or not self.started or transport.is_closing():
            return False
        if transport.get_write_buffer_size() > UNSENT_LIMIT:
            return False
        transport.write(data)
        return True

    async def receive(self) -> dict[str, Any]:
        if not self.asked:
            self.asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.connection.gone
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        transport = self.connection.transport
        if transport is None or self.ended or transport.is_closing():
            return
        if message["type"] == "http.response.start":
            status = int(message["status"])
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
            lines = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
            for name, value in message.get("headers", []):
                if name.lower() not in (b"connection", b"transfer-encoding"):
                    lines.append(bytes(name) + b": " + bytes(value))
            lines.append(b"connection: close")
            transport.write(b"\r\n".join(lines) + b"\r\n\r\n")
            self.started = True
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            if body:
                transport.write(body)
            if not message.get("more_body", False):
                self.ended = True
                transport.close()
                return
        writable = self.connection.writable
        if writable is not None and not writable.done():
            await writable  # the client is behind: wait (or be dropped by the hub)


def _scope(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], peer: Any, write_now
) -> dict[str, Any]:
    raw_path, _, query = target.partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method.decode("latin-1"),
        "scheme": "http",
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in headers],
        "client": peer if isinstance(peer, tuple) else None,
        "server": None,
        "extensions": {WRITE_NOW: write_now},
    }


class Receiver:
    """The stream process's end of the hand-over: takes each connection and its head and
    runs `application` on them, in this event loop."""

    def __init__(self, application, path: Path) -> None:
        self.application = application
        self.path = path
        self.loop = asyncio.get_running_loop()
        self.tasks: set[asyncio.Task] = set()
        self.peers: set[socket.socket] = set()
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        self.sock.setblocking(False)
        old = os.umask(0o177)
        try:
            self.sock.bind(str(path))
        finally:
            os.umask(old)
        self.sock.listen(16)
        self.loop.add_reader(self.sock.fileno(), self._accept)

    def close(self) -> None:
        for peer in list(self.peers):
            self._forget(peer)
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        self.path.unlink(missing_ok=True)

    def _accept(self) -> None:
        try:
            peer, _address = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            log.exception("Could not accept the front door's connection")
            return
        peer.setblocking(False)
        self.peers.add(peer)
        self.loop.add_reader(peer.fileno(), self._readable, peer)

    def _forget(self, peer: socket.socket) -> None:
        self.peers.discard(peer)
        with contextlib.suppress(ValueError, OSError):
            self.loop.remove_reader(peer.fileno())
        peer.close()

    def _readable(self, peer: socket.socket) -> None:
        while True:
            try:
                head, fds, _flags, _address = socket.recv_fds(peer, HANDOFF_SIZE, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                log.exception("Could not take a connection from the front door")
                self._forget(peer)
                return
            if not head and not fds:
                self._forget(peer)  # the front door went away
                return
            for extra in fds[1:]:
                os.close(extra)
            if not fds:
                continue
            client = socket.socket(fileno=fds[0])
            task = self.loop.create_task(self._serve(client, head))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _serve(self, client: socket.socket, head: bytes) -> None:
        try:
            client.setblocking(False)
            peer = client.getpeername()
        except OSError:
            client.close()
            return
        try:
            method, target, headers = read_head(head)
        except Refused as refusal:
            body = (refusal.sentence + "\n").encode()
            with contextlib.suppress(OSError):
                client.send(
                    b"HTTP/1.1 " + refusal.status.encode() + b"\r\nconnection: close\r\n"
                    b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
            client.close()
            return
        _transport, connection = await self.loop.connect_accepted_socket(_Connection, client)
        exchange = _Exchange(connection)
        scope = _scope(method, target, headers, peer, exchange.write_now)
        try:
            await self.application(scope, exchange.receive, exchange.send)
        except Exception:
            log.exception("A handed-over stream failed")
        finally:
            transport = connection.transport
            if transport is not None and not transport.is_closing():
                # An answer that did not end (the hub dropped a client that does not read):
                # let go of what it holds unsent at once, not once the client reads it.
                transport.abort()

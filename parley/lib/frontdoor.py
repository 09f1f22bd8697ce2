"""The front door of `parley serve`: one public address for two kinds of server process.

Pages and the API are answered by WSGI workers; live streams (`/live/...`) by an ASGI process,
whose connections stay open for hours without holding a worker. Both listen on Unix sockets
that only this machine's processes of the same user can reach; the front door listens on the
public address and passes each request to the right one by its path.

It reads only what it must: each request's head (to pick the process and to tell it who the
client is, in `X-Parley-Peer`, replacing any header of that name the client sent) and then
exactly Content-Length bytes of body. Answers go back unread, moved from socket to socket inside
the kernel (splice(2)), so a large page or a slow client costs the front door no memory. A browser
sends its next request on a connection only once the answer before it has arrived, so answers
from the two processes never mix on one connection. A request the front door cannot pass on
(a head over 64 KB, no length for a body, a malformed line) gets an answer in plain words and
the connection is closed.

No Django here: the module is plain asyncio, so that its cost per request is a few reads and
writes (docs/decisions/0019-one-address-for-pages-and-streams.md has the measurements).
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import logging
import os
import socket
from dataclasses import dataclass

log = logging.getLogger("parley.frontdoor")

# The header that carries the client's address to the processes behind the front door.
PEER_HEADER = b"x-parley-peer"
MAX_HEAD = 64 * 1024
CHUNK = 256 * 1024
_SPLICE_FLAGS = os.SPLICE_F_MOVE | os.SPLICE_F_NONBLOCK
STREAM_PREFIX = "/live/"
# The most a stream's hand-over carries besides the connection: its request's head.
HANDOFF_SIZE = MAX_HEAD + 1024


class Refused(Exception):
    def __init__(self, status: str, sentence: str):
        super().__init__(sentence)
        self.status = status
        self.sentence = sentence


@dataclass
class Backends:
    """Where requests go: the Unix socket of the pages' server and of the streams' server,
    and the socket where the stream server takes streams' connections themselves
    (parley.realtime.handoff; None: streams are passed on like pages)."""

    pages: str
    streams: str
    handoff: str | None = None

    def for_path(self, target: bytes) -> str:
        path = target.split(b"?", 1)[0]
        return self.streams if path.startswith(STREAM_PREFIX.encode()) else self.pages


def read_head(head: bytes) -> tuple[bytes, bytes, list[tuple[bytes, bytes]]]:
    """The method, the target and the header lines (name, value) of a request's head."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):  # noqa: PLR2004
        raise Refused(
            "400 Bad Request", "The request line is not HTTP/1.x: METHOD TARGET HTTP/1.1."
        )
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep:
            raise Refused("400 Bad Request", "A header line of the request has no colon.")
        headers.append((name.strip(), value.strip()))
    return parts[0], parts[1], headers


def parse_head(head: bytes, peer: str) -> tuple[bytes, bytes, int]:
    """The request target, the head to send on (with the peer header) and the body's length."""
    _method, target, headers = read_head(head)
    kept = [head.split(b"\r\n", 1)[0]]
    length = 0
    for name, value in headers:
        lowered = name.lower()
        if lowered == PEER_HEADER:
            continue
        if lowered == b"content-length":
            if not value.isdigit():
                raise Refused("400 Bad Request", "Content-Length must be a number of bytes.")
            length = int(value)
        elif lowered == b"transfer-encoding" and value.lower() != b"identity":
            raise Refused(
                "411 Length Required",
                "Send the body with a Content-Length header; chunked request bodies are not "
                "accepted.",
            )
        kept.append(name + b": " + value)
    kept.append(PEER_HEADER + b": " + peer.encode("ascii", "replace"))
    return target, b"\r\n".join(kept) + b"\r\n\r\n", length


class Handoff:
    """The front door's connection to the stream server's hand-over socket (a Unix
    SOCK_SEQPACKET socket: one message per stream, with its connection attached), opened
    again when the stream server has restarted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sock: socket.socket | None = None

    def send(self, client: socket.socket, head: bytes) -> bool:
        """Pass a stream's connection and the head read from it to the stream server (True),
        or say that it cannot take it now (False: not running, or behind)."""
        if len(head) > HANDOFF_SIZE:
            return False
        fds = array.array("i", [client.fileno()])
        for _attempt in range(2):
            if self.sock is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
                sock.setblocking(False)
                try:
                    sock.connect(self.path)
                except OSError:
                    sock.close()
                    return False
                self.sock = sock
            try:
                self.sock.sendmsg([head], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
            except BlockingIOError:
                return False  # the stream server is behind: this one goes the other way
            except OSError:
                self.close()  # it restarted since: connect again, once
                continue
            return True
        return False

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class _Pipe:
    """Bytes from one socket to another inside the kernel: splice(2) through a pipe, never
    copied through Python. While the receiving socket is full nothing more is read from the
    sending one, so a client that does not read slows only its own connection."""

    def __init__(self, loop: asyncio.AbstractEventLoop, src: int, dst: int, done):
        self.loop, self.src, self.dst, self.done = loop, src, dst, done
        self.pipe_r, self.pipe_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.in_pipe = 0
        self.waiting_for_dst = False
        loop.add_reader(src, self._readable)

    def _readable(self) -> None:
        try:
            moved = os.splice(self.src, self.pipe_w, CHUNK, flags=_SPLICE_FLAGS)
        except BlockingIOError:
            return
        except OSError:
            moved = 0
        if moved == 0:
            self.done()
            return
        self.in_pipe += moved
        self._flush()

    def _flush(self) -> None:
        while self.in_pipe:
            try:
                self.in_pipe -= os.splice(self.pipe_r, self.dst, self.in_pipe, flags=_SPLICE_FLAGS)
            except BlockingIOError:
                self.loop.remove_reader(self.src)
                self.waiting_for_dst = True
                self.loop.add_writer(self.dst, self._drained)
                return
            except OSError:
                self.done()
                return

    def _drained(self) -> None:
        self.loop.remove_writer(self.dst)
        self.waiting_for_dst = False
        self._flush()
        if not self.in_pipe and not self.waiting_for_dst:
            self.loop.add_reader(self.src, self._readable)

    def close(self) -> None:
        self.loop.remove_reader(self.src)
        if self.waiting_for_dst:
            self.loop.remove_writer(self.dst)
        os.close(self.pipe_r)
        os.close(self.pipe_w)


class _Connection:
    """One client connection: each request's head is read and passed on to the process its
    path names, its body counted through; answers come back through a _Pipe per process."""

    def __init__(
        self,
        loop,
        client: socket.socket,
        peer: str,
        backends: Backends,
        on_error,
        handoff: Handoff | None = None,
    ):
        self.loop, self.client, self.peer = loop, client, peer
        self.backends, self.on_error, self.handoff = backends, on_error, handoff
        self.fd = client.fileno()
        self.buffer = bytearray()
        self.body_left = 0
        self.upstreams: dict[str, tuple[socket.socket, _Pipe]] = {}
        self.current: socket.socket | None = None
        self.outgoing = bytearray()  # to the current server process, not yet sent
        self.closed = False
        self.busy = False  # connecting to a server process: reading waits
        loop.add_reader(self.fd, self._readable)

    def _readable(self) -> None:
        try:
            data = self.client.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.close()
            return
        self._take(data)

    def _take(self, data: bytes) -> None:
        while data and not self.closed:
            if self.body_left:
                part, data = data[: self.body_left], data[self.body_left :]
                self.body_left -= len(part)
                self._send(part)
                continue
            self.buffer += data
            data = b""
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self._refuse(
                        Refused(
                            "431 Request Header Fields Too Large",
                            f"The request's head is over {MAX_HEAD // 1024} KB.",
                        )
                    )
                return
            head, rest = bytes(self.buffer[: end + 4]), bytes(self.buffer[end + 4 :])
            self.buffer.clear()
            try:
                target, sent_head, self.body_left = parse_head(head, self.peer)
            except Refused as refusal:
                self._refuse(refusal)
                return
            path = self.backends.for_path(target)
            if path == self.backends.streams and self._hand_over(head):
                return
            if path not in self.upstreams:
                self.loop.remove_reader(self.fd)
                self.busy = True
                self.loop.create_task(self._connect(path, sent_head, rest))
                return
            self.current = self.upstreams[path][0]
            self._send(sent_head)
            data = rest

    def _hand_over(self, head: bytes) -> bool:
        """A stream's request: its connection to the stream server, which answers it from
        now on (True), when it can take it. What the client sent after the head is dropped:
        the stream ends with the connection."""
        if self.handoff is None or self.body_left or self.outgoing:
            return False
        if not self.handoff.send(self.client, head):
            return False
        self.close()  # this process's copy of the connection; the stream server has its own
        return True

    async def _connect(self, path: str, head: bytes, rest: bytes) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.setblocking(False)
        try:
            await self.loop.sock_connect(upstream, path)
        except OSError as error:
            upstream.close()
            self.on_error(f"Could not reach the server behind {path}: {error}")
            self._refuse(
                Refused(
                    "503 Service Unavailable",
                    "The server is starting or restarting; try again in a moment.",
                )
            )
            return
        if self.closed:
            upstream.close()
            return
        answers = _Pipe(self.loop, upstream.fileno(), self.fd, self.close)
        self.upstreams[path] = (upstream, answers)
        self.current = upstream
        self.busy = False
        self._send(head)
        self._take(rest)
        if not self.closed and not self.busy:
            self.loop.add_reader(self.fd, self._readable)

    def _send(self, data: bytes) -> None:
        if self.outgoing:
            self.outgoing += data
            return
        assert self.current is not None
        try:
            sent = self.current.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.close()
            return
        if sent < len(data):
            # The server process is not taking more yet: hold the rest and stop reading the
            # client until it is sent.
            self.outgoing += data[sent:]
            self.loop.remove_reader(self.fd)
            self.loop.add_writer(self.current.fileno(), self._sendable, self.current)

    def _sendable(self, upstream: socket.socket) -> None:
        try:
            sent = upstream.send(self.outgoing)
        except BlockingIOError:
            return
        except OSError:
            self.close()
            return
        del self.outgoing[:sent]
        if not self.outgoing:
            self.loop.remove_writer(upstream.fileno())
            if not self.busy:
                self.loop.add_reader(self.fd, self._readable)

    def _refuse(self, refusal: Refused) -> None:
        body = (refusal.sentence + "\n").encode()
        answer = (
            b"HTTP/1.1 " + refusal.status.encode() + b"\r\nContent-Type: text/plain; "
            b"charset=utf-8\r\nConnection: close\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        with contextlib.suppress(OSError):
            self.client.send(answer)
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(ValueError, OSError):
            self.loop.remove_reader(self.fd)
        for upstream, answers in self.upstreams.values():
            answers.close()
            with contextlib.suppress(ValueError, OSError):
                self.loop.remove_writer(upstream.fileno())
            upstream.close()
        self.upstreams.clear()
        self.client.close()


async def serve_on(listener: socket.socket, backends: Backends) -> None:
    """Accept clients on a bound, listening socket and pass their requests on, until
    cancelled."""
    loop = asyncio.get_running_loop()
    listener.setblocking(False)
    handoff = Handoff(backends.handoff) if backends.handoff is not None else None
    try:
        while True:
            client, address = await loop.sock_accept(listener)
            client.setblocking(False)
            if client.family in (socket.AF_INET, socket.AF_INET6):
                with contextlib.suppress(OSError):
                    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            peer = address[0] if isinstance(address, tuple) else ""
            _Connection(loop, client, peer, backends, log.warning, handoff)
    finally:
        listener.close()
        if handoff is not None:
            handoff.close()

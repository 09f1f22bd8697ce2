"""Events between the processes of one machine, with no extra service.

Each stream process binds a UNIX datagram socket in DATA_DIR/live/; a process that
publishes sends each message as one datagram to every socket there, without waiting: a
socket whose buffer is full, or whose process is gone, loses the message, and the stream
process finds the change within a second by checking the versions of the threads it is
watching (streams.Hub)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from pathlib import Path

from django.conf import settings

from parley.realtime.brokers import base

log = logging.getLogger(__name__)

# What a datagram may hold; larger messages are left to the version check.
DATAGRAM_MAX = 64 * 1024
# The receive buffer asked for, so bursts wait in the kernel instead of being lost.
RECEIVE_BUFFER = 4 * 1024 * 1024
# The longest path of a UNIX socket (sun_path holds 108 bytes with its final NUL).
PATH_MAX = 107


def folder() -> Path:
    return Path(settings.DATA_DIR) / "live"


class Broker(base.Broker):
    def __init__(self) -> None:
        self._sender: socket.socket | None = None

    def _socket(self) -> socket.socket:
        if self._sender is None:
            sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sender.setblocking(False)
            self._sender = sender
        return self._sender

    def publish(self, messages: list[dict]) -> None:
        try:
            targets = [e.path for e in os.scandir(folder()) if e.name.endswith(".sock")]
        except OSError:
            return  # no stream process has started on this machine
        if not targets:
            return
        payloads = [json.dumps(m, separators=(",", ":")).encode() for m in messages]
        sender = self._socket()
        for target in targets:
            for payload in payloads:
                if len(payload) > DATAGRAM_MAX:
                    continue
                try:
                    sender.sendto(payload, target)
                except ConnectionRefusedError:
                    # Nobody listens there any more: a stream process that was killed.
                    Path(target).unlink(missing_ok=True)
                    break
                except OSError:
                    break  # its buffer is full, or it is going away: the check catches up

    async def listen(self, deliver: base.Deliver) -> None:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"{os.getpid()}.sock"
        if len(str(path)) > PATH_MAX:
            log.error(
                "The data directory's path is too long for the live events' socket (%s): "
                "streams learn of changes only by checking once a second.",
                path,
            )
            await asyncio.Event().wait()
        path.unlink(missing_ok=True)
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            receiver.bind(str(path))
            receiver.setblocking(False)
            loop = asyncio.get_running_loop()
            while True:
                data = await loop.sock_recv(receiver, DATAGRAM_MAX)
                try:
                    received = json.loads(data)
                except ValueError:
                    continue
                if isinstance(received, dict):
                    deliver(received)
        finally:
            receiver.close()
            path.unlink(missing_ok=True)

"""Events through Redis pub/sub (REDIS_URL), for stream processes on several machines.

A message published while a stream process is reconnecting is lost to it; its check of
the thread versions it watches finds the change within a second (streams.Hub)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time

import redis
import redis.asyncio
from django.conf import settings

from parley.realtime.brokers import base

log = logging.getLogger(__name__)

# Seconds a publisher waits for Redis before giving the message up.
TIMEOUT = 1.0
# Seconds a publisher that could not reach Redis leaves it alone: changes committed meanwhile
# are not held up by a Redis that is down, and streams find them by their check.
QUIET = 5.0


def channel(url: str) -> str:
    """Pub/sub channels are shared by every database of a Redis server: the channel names
    the Redis database and the site's own database (by name: every server of one site
    names the same one), so two sites on one Redis server do not hear each other."""
    db = redis.connection.parse_url(url).get("db", 0)
    site = hashlib.sha256(str(settings.DATABASES["default"]["NAME"]).encode()).hexdigest()
    return f"parley:live:{db}:{site[:12]}"


class Broker(base.Broker):
    def __init__(self) -> None:
        self._clients: dict[str, redis.Redis] = {}
        self._quiet_until = 0.0

    def publish(self, messages: list[dict]) -> None:
        if time.monotonic() < self._quiet_until:
            return
        url = settings.REDIS_URL
        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = redis.Redis.from_url(
                url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
            )
        try:
            pipe = client.pipeline(transaction=False)
            for message in messages:
                pipe.publish(channel(url), json.dumps(message, separators=(",", ":")))
            pipe.execute()
        except (redis.RedisError, OSError) as error:
            self._quiet_until = time.monotonic() + QUIET
            log.warning(
                "Could not publish %d live events to Redis (streams find them within a "
                "second; trying Redis again in %d s): %s",
                len(messages),
                QUIET,
                error,
            )

    async def listen(self, deliver: base.Deliver) -> None:
        url = settings.REDIS_URL
        while True:
            client = redis.asyncio.Redis.from_url(url)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(channel(url))
                    async for received in pubsub.listen():
                        if received.get("type") != "message":
                            continue
                        try:
                            data = json.loads(received["data"])
                        except ValueError:
                            continue
                        if isinstance(data, dict):
                            deliver(data)
            except (redis.RedisError, OSError) as error:
                log.warning("Lost the live events' Redis subscription, again in 1 s: %s", error)
                await asyncio.sleep(1)
            finally:
                await client.aclose()

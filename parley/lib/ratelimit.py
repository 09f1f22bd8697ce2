"""Rate limits whose counters hold: one atomic step per hit, shared by every server process.

A limit is a number of events per period ("10/60": ten a minute). A window opens with the
first hit and lasts `period` seconds; hits past `count` in it are refused until it ends.

The counters live in a table of their own (`parley.ratelimits.Counter`): each hit is one
`INSERT ... ON CONFLICT ... DO UPDATE SET count = count + 1 RETURNING`, which SQLite and
PostgreSQL both run atomically, so concurrent hits are never lost. A row is deleted only once
its window has ended (at most once a minute, by whichever hit comes first). With REDIS_URL
set they live in Redis instead: `SET NX EX`, `INCR` and `PTTL` in one MULTI.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parley.lib.errors import TooManyRequests

if TYPE_CHECKING:
    import redis

Rate = tuple[int, int]  # (count, period in seconds), as config.env.envrate reads it

PRUNE_EVERY = 60  # seconds between two deletions of ended windows, per process
_KEY_MAX = 255  # the table's key column; longer keys are hashed

_UPSERT = """
INSERT INTO parley_ratelimit_counter ("key", "count", ends_at) VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN parley_ratelimit_counter.ends_at <= %s THEN 1
                   ELSE parley_ratelimit_counter."count" + 1 END,
    ends_at = CASE WHEN parley_ratelimit_counter.ends_at <= %s THEN excluded.ends_at
                   ELSE parley_ratelimit_counter.ends_at END
RETURNING "count", ends_at
"""
_PRUNE = "DELETE FROM parley_ratelimit_counter WHERE ends_at <= %s"

_lock = threading.Lock()
_next_prune = 0.0
_redis_clients: dict[str, redis.Redis] = {}


def _now() -> float:
    """The clock the database counters use (replaced in tests)."""
    return time.time()


@dataclass(frozen=True)
class Exceeded:
    """A limit that refused a hit, and the seconds until its window ends."""

    limit: int
    period: int
    wait: int


def _counter_key(scope: str, key: str) -> str:
    full = f"{scope}:{key}"
    if len(full) <= _KEY_MAX:
        return full
    return f"{scope}:sha256:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _count_in_database(key: str, period: int) -> tuple[int, int]:
    """(count in the current window, seconds until it ends), in one upsert."""
    now = _now()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, now + period, now, now])
        count, ends_at = cursor.fetchone()
    _prune_now_and_then(now)
    return int(count), max(1, math.ceil(ends_at - now))


def _prune_now_and_then(now: float) -> None:
    global _next_prune
    with _lock:
        if now < _next_prune:
            return
        _next_prune = now + PRUNE_EVERY
    prune(now)


def prune(now: float | None = None) -> int:
    """Delete the counters whose window has ended (an indexed range delete); how many."""
    with connection.cursor() as cursor:
        cursor.execute(_PRUNE, [_now() if now is None else now])
        return max(cursor.rowcount, 0)


def _redis(url: str) -> redis.Redis:
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = _redis_clients.setdefault(url, redis.Redis.from_url(url))
    return client


def _count_in_redis(url: str, key: str, period: int) -> tuple[int, int]:
    name = f"parley:rl:{key}"
    with _redis(url).pipeline(transaction=True) as pipe:
        pipe.set(name, 0, ex=period, nx=True)
        pipe.incr(name)
        pipe.pttl(name)
        _created, count, pttl = pipe.execute()
    if pttl < 0:  # no expiry (the key was written by something else): give it one
        _redis(url).expire(name, period)
        pttl = period * 1000
    return int(count), max(1, math.ceil(pttl / 1000))


def count(scope: str, key: str, period: int) -> tuple[int, int]:
    """Count one event for `key` in a `period`-second window: (count so far, seconds left)."""
    name = _counter_key(f"{scope}/{period}", key)
    if url := getattr(settings, "REDIS_URL", ""):
        return _count_in_redis(url, name, period)
    return _count_in_database(name, period)


def hit(scope: str, key: str, *, limit: int, period: int) -> int | None:
    """Count one event. None while within the limit, else the seconds until the next window."""
    so_far, wait = count(scope, key, period)
    return None if so_far <= limit else wait


def hit_all(scope: str, key: str, rates: Sequence[Rate]) -> Exceeded | None:
    """Count one event against each rate; the exceeded one that waits longest, if any."""
    worst: Exceeded | None = None
    for limit, period in rates:
        wait = hit(scope, key, limit=limit, period=period)
        if wait is not None and (worst is None or wait > worst.wait):
            worst = Exceeded(limit, period, wait)
    return worst


def _in_units(n: int, unit: int) -> str:
    if unit == 86400:
        return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
    if unit == 3600:
        return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": n}
    if unit == 60:
        return ngettext("%(n)s minute", "%(n)s minutes", n) % {"n": n}
    return ngettext("%(n)s second", "%(n)s seconds", n) % {"n": n}


def duration(seconds: int) -> str:
    """ "1 hour", "42 seconds", "3 minutes": in a whole unit when it fits, else rounded up."""
    for unit in (86400, 3600, 60):
        if seconds >= unit and seconds % unit == 0:
            return _in_units(seconds // unit, unit)
    for unit, below in ((1, 120), (60, 2 * 3600), (3600, 2 * 86400)):
        if seconds < below:
            return _in_units(math.ceil(seconds / unit), unit)
    return _in_units(math.ceil(seconds / 86400), 86400)


def enforce(scope: str, key: str, rates: Sequence[Rate], *, what: str) -> None:
    """Count one event; raise TooManyRequests when a rate is exceeded.

    `what` names the events for the sentence, e.g. "attempts to log in from your address":
    "Too many attempts to log in from your address (at most 6 in 60 seconds). Try again in
    42 seconds."
    """
    if not rates or not key:
        return
    if exceeded := hit_all(scope, key, rates):
        raise refusal(exceeded, what=what)


def refusal(exceeded: Exceeded, *, what: str) -> TooManyRequests:
    return TooManyRequests(
        _("Too many %(what)s (at most %(limit)s in %(period)s). Try again in %(wait)s.")
        % {
            "what": what,
            "limit": exceeded.limit,
            "period": duration(exceeded.period),
            "wait": duration(exceeded.wait),
        },
        retry_after=exceeded.wait,
    )


def name_key(name: str) -> str:
    """A typed account name as a counter key: case-folded and hashed (any text is safe)."""
    folded = name.strip().casefold().encode("utf-8", "surrogatepass")
    return "name:" + hashlib.sha256(folded).hexdigest()[:32]

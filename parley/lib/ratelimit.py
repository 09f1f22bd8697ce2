"""Fixed-window rate limits in the shared cache (a database table, or Redis).

The cache is shared by every server process, so a client cannot multiply its
allowance by hitting different workers.
"""

from __future__ import annotations

import math
import time

from django.core.cache import caches


def hit(scope: str, key: str, *, limit: int, period: int) -> int | None:
    """Count one event. None while within the limit, else the seconds until the next window."""
    now = time.time()
    window = int(now // period)
    cache = caches["default"]
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=period + 1)
            count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))

"""A small in-process cache for values whose key names a version (rendered threads).

Django's local-memory cache pickles every value on the way in and out; for a rendered page
of 800 KB that costs more than the rest of the request. Entries here are kept as they are,
and since every key carries the version of what it renders, an entry is never stale: old
versions are simply evicted, least recently used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Memo:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def set(self, key: str, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if (old := self._entries.pop(key, None)) is not None:
                self._size -= old[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                _key, (_value, evicted) = self._entries.popitem(last=False)
                self._size -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


# Rendered thread pages, API pages and posts' articles, per server process.
threads = Memo(max_bytes=64 * 1024 * 1024)


def thread_page[V](
    thread_id: int,
    version: int,
    variant: tuple[object, ...],
    make: Callable[[], V],
    *,
    size: Callable[[V], int],
) -> V:
    """A page of a thread, as `make()` builds it, kept for the thread's `version`.

    The one cache of thread pages, for the HTML pages and the JSON API alike: `variant` holds
    everything else the page depends on (which page, sort, language, time zone, ...) and
    `size(value)` its weight in bytes (what the memory limit counts). With
    PARLEY_THREAD_CACHE off every call builds anew. Callers leave out pages that differ for
    one reader (their own held comments, the comments they may still edit).
    """
    return cached(f"thread:{thread_id}:{version}", variant, make, size=size)


def cached[V](
    name: str, variant: tuple[object, ...], make: Callable[[], V], *, size: Callable[[V], int]
) -> V:
    """A value `make()` builds, kept under `name` (which must name the version of what it
    renders) and `variant`; with PARLEY_THREAD_CACHE off every call builds anew."""
    from django.conf import settings

    if not settings.PARLEY_THREAD_CACHE:
        return make()
    key = f"{name}:" + ":".join(map(str, variant))
    if (hit := threads.get(key)) is not None:
        return hit
    value = make()
    threads.set(key, value, size(value))
    return value

"""Show times in the reader's zone: the account's setting, else the one the browser reported.

A `tz` query parameter wins: a page that loads more comments in place asks for them in the
zone it was rendered in, so one page never mixes zones.

The names of the zones this system knows are read once per process (reading them walks the
whole zone database, ~15 ms), so checking a name a reader sends costs one set lookup whatever
it is. Only known names are kept in the small cache of loaded zones, so random `?tz=` values
cannot push the real ones out of it.
"""

from __future__ import annotations

import zoneinfo
from functools import cache, lru_cache

from django.utils import timezone

COOKIE = "parley_tz"
MAX_NAME = 64  # the longest IANA name is 32 characters


@cache
def known_zone_names() -> frozenset[str]:
    """Every zone name this system's zone database has, read once."""
    return frozenset(zoneinfo.available_timezones())


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > MAX_NAME or name not in known_zone_names():
        return None
    return _load(name)


@lru_cache(maxsize=512)
def _load(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class ReaderTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = ""
        if user is not None and user.is_authenticated:
            name = user.timezone
        zone = _zone(request.GET.get("tz", "")) or _zone(name or request.COOKIES.get(COOKIE, ""))
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

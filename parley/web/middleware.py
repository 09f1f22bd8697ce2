"""Show times in the reader's zone: the account's setting, else the one the browser reported.

A `tz` query parameter wins: a page that loads more comments in place asks for them in the
zone it was rendered in, so one page never mixes zones.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.utils import timezone

COOKIE = "parley_tz"


@lru_cache(maxsize=512)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64 or name not in zoneinfo.available_timezones():
        return None
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

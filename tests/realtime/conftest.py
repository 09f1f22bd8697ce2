"""Live-thread fixtures: the events of a thread, and what its stream's process is."""

from __future__ import annotations

import pytest


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

"""Changes racing on one thread (posts, replies, edits, deletions, flags, decisions, each in
its own thread and database connection): every committed change has exactly one event, and
the events' ids are the thread's versions one by one, with no gap and no twice-used id."""

from __future__ import annotations

import pytest

from parley.discussion.models import Thread
from parley.realtime.models import Event
from tests.concurrency.conftest import on_postgresql, race
from tests.concurrency.test_comment_races import CHANGES, _step, check, scene  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_changes_leave_one_event_per_version(scene):  # noqa: F811
    thread, moderators = scene
    check(race(30 if on_postgresql() else 10, _step(thread, moderators, [*CHANGES, "flag"])))
    version = Thread.objects.get(pk=thread.pk).version
    versions = list(
        Event.objects.filter(thread=thread).order_by("version").values_list("version", flat=True)
    )
    assert versions == list(range(1, version + 1))
    # In commit order too: a later row (by its primary key) never has a smaller version.
    by_row = list(
        Event.objects.filter(thread=thread).order_by("pk").values_list("version", flat=True)
    )
    assert by_row == versions

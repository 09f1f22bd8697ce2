"""Every change that bumps a thread's version stores one event in the same transaction,
with the new version as its id: nothing for a change that is refused or rolled back, and
per thread the ids grow one by one in commit order."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from parley.discussion import actions
from parley.discussion.models import Thread
from parley.lib.errors import Forbidden, Invalid
from parley.realtime.models import Event
from tests.realtime.conftest import events_of

pytestmark = pytest.mark.django_db


def test_a_posted_comment_stores_an_event_with_the_threads_new_version(
    thread, post_as, no_rate_limit
):
    before = Thread.objects.get(pk=thread.pk).version
    comment = post_as(thread, "John", "First.")
    version = Thread.objects.get(pk=thread.pk).version
    assert version == before + 1
    assert events_of(thread) == [(version, "posted", [comment.pk], False)]


def test_the_event_is_stored_in_the_changes_transaction(thread, post_as, no_rate_limit):
    with pytest.raises(RuntimeError), transaction.atomic():
        post_as(thread, "John", "Rolled back.")
        assert Event.objects.filter(thread=thread).count() == 1
        raise RuntimeError("the change fails after posting")
    assert Event.objects.filter(thread=thread).count() == 0
    assert Thread.objects.get(pk=thread.pk).version == 0


def test_a_refused_post_stores_no_event(thread, post_as, no_rate_limit):
    actions.set_thread_open(thread, False)
    closed = events_of(thread)
    with pytest.raises(Forbidden):
        post_as(thread, "John", "Too late.")
    assert events_of(thread) == closed


def test_a_reply_to_a_comment_removed_meanwhile_stores_no_event(
    thread, post_as, moderator, no_rate_limit
):
    parent = post_as(thread, "John", "Parent.")
    actions.set_comment_status(parent, "rejected", by=moderator)
    stored = events_of(thread)
    with pytest.raises(Invalid):
        post_as(thread, "Ana", "A reply.", parent=parent)
    assert events_of(thread) == stored


def test_ids_grow_one_by_one_per_thread_whatever_changes(thread, post_as, moderator, no_rate_limit):
    first = post_as(thread, "John", "One.")
    second = post_as(thread, "Ana", "Two.", parent=first)
    actions.edit_comment(second, body="Two, edited.", user=moderator)
    actions.set_comment_status(first, "pending", by=moderator)
    actions.set_comment_status(first, "published", by=moderator)
    actions.set_thread_open(thread, False)
    actions.delete_comment(second, user=moderator)
    versions = [version for version, *_rest in events_of(thread)]
    assert versions == list(range(1, 8))
    assert Thread.objects.get(pk=thread.pk).version == 7


def test_two_threads_count_apart(thread, post_as, editor, no_rate_limit):
    from parley.publishing.actions import create_post

    other = create_post(
        kind="article", slug="other", title="Other", introduction="Other.", author=editor
    ).thread
    post_as(thread, "John", "Here.")
    post_as(other, "John", "There.")
    post_as(thread, "John", "Here again.")
    assert [v for v, *_ in events_of(thread)] == [1, 2]
    assert [v for v, *_ in events_of(other)] == [1]


def test_many_comments_decided_at_once_store_one_event_per_thread(
    thread, post_as, moderator, no_rate_limit
):
    comments = [post_as(thread, "John", f"Comment {n}.") for n in range(3)]
    with transaction.atomic():
        locked = list(actions.lock_comments([c.pk for c in comments]).values())
        actions.set_comments_status(locked, "rejected", by=moderator)
    version, kind, ids, staff_only = events_of(thread)[-1]
    assert (version, kind, staff_only) == (4, "removed", False)
    assert ids == sorted(c.pk for c in comments)


def _shapes(queries) -> Counter:
    """Each query by its first words, savepoints without their names."""
    return Counter(
        "SAVEPOINT" if "SAVEPOINT" in q["sql"][:20] else " ".join(q["sql"].split(" ", 3)[:3])
        for q in queries
    )


def test_the_event_costs_posting_one_insert_and_nothing_to_learn_the_version(
    thread, post_as, no_rate_limit, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parley.discussion import changes

    post_as(thread, "John", "Warm up the caches.")
    with CaptureQueriesContext(connection) as recorded:
        post_as(thread, "John", "With the event.")
    from parley.realtime import events

    # Every other recorder (the search index's) stays: what is counted is the event alone.
    others = [recorder for recorder in changes._recorders if recorder is not events.record]
    monkeypatch.setattr(changes, "_recorders", others)
    with CaptureQueriesContext(connection) as bare:
        post_as(thread, "John", "Without it.")
    # What posting with the event runs that posting without it does not: the insert alone
    # (savepoints compared by kind, not by their generated names; a query the bare run adds,
    # such as a cache's occasional cull, is no cost of the event).
    extra = _shapes(recorded.captured_queries) - _shapes(bare.captured_queries)
    assert extra == Counter({'INSERT INTO "realtime_event"': 1}), extra
    events = [q["sql"] for q in recorded.captured_queries if "realtime_event" in q["sql"]]
    assert len(events) == 1 and events[0].startswith("INSERT")
    assert not any("realtime_event" in q["sql"] for q in bare.captured_queries)

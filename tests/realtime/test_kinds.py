"""Each change is stored with the kind a page acts on, and for whom it is."""

from __future__ import annotations

import pytest
from django.db import transaction

from parley.discussion import actions
from parley.language import translator
from parley.moderation import actions as moderation
from parley.moderation import flags
from tests.realtime.conftest import last_event

pytestmark = pytest.mark.django_db


def test_a_published_comment_is_posted(thread, post_as, no_rate_limit):
    comment = post_as(thread, "John", "Hello.")
    assert last_event(thread)[1:] == ("posted", [comment.pk], False)


def test_a_held_comment_is_held_for_moderators_only(
    thread, post_as, hold_everything, no_rate_limit
):
    comment = post_as(thread, "John", "Hello.")
    assert comment.status == "pending"
    assert last_event(thread)[1:] == ("held", [comment.pk], True)


def test_an_approved_comment_is_posted(thread, post_as, hold_everything, moderator, no_rate_limit):
    comment = post_as(thread, "John", "Hello.")
    moderation.decide(comment, "approve", by=moderator, expected="pending")
    assert last_event(thread)[1:] == ("posted", [comment.pk], False)


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_shown_comment_held_or_rejected_is_removed(
    thread, post_as, moderator, no_rate_limit, status
):
    comment = post_as(thread, "John", "Hello.")
    actions.set_comment_status(comment, status, by=moderator)
    assert last_event(thread)[1:] == ("removed", [comment.pk], False)


def test_a_held_comment_rejected_is_decided_for_moderators_only(
    thread, post_as, hold_everything, moderator, no_rate_limit
):
    comment = post_as(thread, "John", "Hello.")
    moderation.decide(comment, "reject", by=moderator, expected="pending")
    assert last_event(thread)[1:] == ("decided", [comment.pk], True)


def test_a_deleted_comment_is_removed_with_or_without_replies(
    thread, post_as, moderator, no_rate_limit
):
    parent = post_as(thread, "John", "Parent.")
    reply = post_as(thread, "Ana", "Reply.", parent=parent)
    actions.delete_comment(parent, user=moderator)  # leaves a placeholder
    assert last_event(thread)[1:] == ("removed", [parent.pk], False)
    actions.delete_comment(reply, user=moderator)  # goes, and the placeholder with it
    assert last_event(thread)[1:] == ("removed", [reply.pk], False)


def test_a_held_comment_deleted_is_decided_for_moderators_only(
    thread, post_as, hold_everything, moderator, no_rate_limit
):
    comment = post_as(thread, "John", "Hello.")
    actions.set_comment_status(comment, "deleted", by=moderator)
    assert last_event(thread)[1:] == ("decided", [comment.pk], True)


def test_many_deleted_at_once_are_removed(thread, post_as, moderator, no_rate_limit):
    comments = [post_as(thread, "John", f"Comment {n}.") for n in range(3)]
    with transaction.atomic():
        locked = actions.lock_comments([c.pk for c in comments], for_delete=True)
        actions.delete_comments(list(locked.values()), by=moderator)
    assert last_event(thread)[1:] == ("removed", sorted(c.pk for c in comments), False)


def test_an_edit_is_edited(thread, post_as, rosa, no_rate_limit):
    comment = post_as(thread, "", "Hello.", user=rosa)
    actions.edit_comment(comment, body="Hello, edited.", user=rosa)
    assert last_event(thread)[1:] == ("edited", [comment.pk], False)


def test_an_edit_of_a_held_comment_is_for_moderators_only(
    thread, post_as, rosa, hold_everything, no_rate_limit
):
    comment = post_as(thread, "", "Hello.", user=rosa)
    actions.edit_comment(comment, body="Hello, edited.", user=rosa)
    assert last_event(thread)[1:] == ("edited", [comment.pk], True)


def test_closing_and_opening_a_thread_is_thread(thread):
    actions.set_thread_open(thread, False)
    assert last_event(thread)[1:] == ("thread", [], False)
    actions.set_thread_open(thread, True)
    assert last_event(thread)[1:] == ("thread", [], False)


def test_an_edited_post_is_thread_for_readers_while_it_is_published(dossier):
    from parley.publishing.actions import save_post

    dossier.title = "The Lastovo crossing, reopened"
    save_post(dossier)
    assert last_event(dossier.thread)[1:] == ("thread", [], False)
    dossier.is_published = False
    save_post(dossier)
    assert last_event(dossier.thread)[1:] == ("thread", [], True)


def test_a_finished_translation_is_translated(thread, post_as, no_rate_limit):
    first = post_as(thread, "John", "One.")
    second = post_as(thread, "John", "Two.")
    translator.touch_threads("comment", [first.pk, second.pk])  # one batch, one event
    assert last_event(thread)[1:] == ("translated", [first.pk, second.pk], False)


def test_a_flag_that_holds_nothing_stores_no_event_but_tells_moderators(
    thread, post_as, no_rate_limit, django_capture_on_commit_callbacks, monkeypatch
):
    from parley.realtime import brokers

    comment = post_as(thread, "John", "Hello.")
    stored = last_event(thread)
    sent: list[dict] = []
    monkeypatch.setattr(brokers.current(), "publish", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        flags.flag(
            comment,
            reporter_key="ip:198.51.100.1",
            reporter=None,
            address="198.51.100.1",
            reason="abuse",
        )
    assert last_event(thread) == stored
    assert sent == [
        {
            "thread": thread.pk,
            "version": None,
            "kind": "flagged",
            "comments": [comment.pk],
            "staff_only": True,
        }
    ]


def test_approving_a_flagged_published_comment_tells_the_other_moderators_queues(
    thread, post_as, moderator, no_rate_limit, django_capture_on_commit_callbacks, monkeypatch
):
    """Dismissing the flags of a published comment changes no status, so no version: the
    queues still hear of it, and readers do not."""
    from parley.realtime import brokers

    comment = post_as(thread, "John", "Hello.")
    stored = last_event(thread)
    sent: list[dict] = []
    monkeypatch.setattr(brokers.current(), "publish", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decide(comment, "approve", by=moderator, expected="published")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.decide_many([(str(comment.pk), "published")], "approve", by=moderator)
    assert last_event(thread) == stored
    decided = {"thread": thread.pk, "version": None, "kind": "decided", "comments": [comment.pk]}
    assert sent == [{**decided, "staff_only": True}] * 2

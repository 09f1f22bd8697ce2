"""What posting and editing read before the write lock is read again under it: a change made
meanwhile (a parent deleted, a comment decided) is seen, refused or followed, never lost."""

from __future__ import annotations

import pytest

from parley.discussion import actions, hooks
from parley.discussion.models import Comment, Quote
from parley.lib.errors import Invalid
from tests.discussion.counts import mismatches

pytestmark = pytest.mark.django_db


def meanwhile(monkeypatch, kind: str, change) -> None:
    """Run `change` once, while the comment is screened: after the first reads, before the lock."""
    done: list[bool] = []

    def screener(comment: Comment):
        if not done:
            done.append(True)
            change()
        return None

    registry = "_screeners" if kind == "post" else "_edit_screeners"
    monkeypatch.setattr(hooks, registry, [*getattr(hooks, registry), screener])


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_and_nothing_is_stored(
    monkeypatch, thread, post_as, moderator
):
    parent = post_as(thread, "Ana", "Will the trucks go first?")
    meanwhile(monkeypatch, "post", lambda: actions.delete_comment(parent, user=moderator))
    with pytest.raises(Invalid) as refused:
        post_as(thread, "Ben", "Yes.", parent=parent)
    assert refused.value.code == "bad_parent"
    assert not Comment.objects.exists()
    assert mismatches() == []


def test_a_reply_quoting_a_comment_held_meanwhile_is_refused(
    monkeypatch, thread, post_as, moderator
):
    quoted = post_as(thread, "Ana", "The trucks go first.")
    meanwhile(
        monkeypatch,
        "post",
        lambda: actions.set_comment_status(quoted, "pending", by=moderator),
    )
    with pytest.raises(Invalid) as refused:
        post_as(thread, "Ben", f":::quote comment {quoted.pk}\nThe trucks\n:::\n\nNot so.")
    assert refused.value.code == "quote_missing"
    assert Comment.objects.count() == 1 and not Quote.objects.exists()
    assert mismatches() == []


def test_an_edit_of_a_comment_rejected_meanwhile_keeps_the_rejection(
    monkeypatch, thread, post_as, moderator
):
    parent = post_as(thread, "Ana", "Top.")
    reply = post_as(thread, "Ben", "A reply.", parent=parent)
    meanwhile(
        monkeypatch,
        "edit",
        lambda: actions.set_comment_status(reply, "rejected", by=moderator),
    )
    edited = actions.edit_comment(reply, body="A reply, edited.", user=moderator)
    assert (edited.status, edited.body) == ("rejected", "A reply, edited.")
    stored = Comment.objects.get(pk=reply.pk)
    assert (stored.status, stored.body) == ("rejected", "A reply, edited.")
    assert Comment.objects.get(pk=parent.pk).reply_count == 0
    assert mismatches() == []

"""Appending to the moderation log (models.Decision); nothing else writes it."""

from __future__ import annotations

from typing import Any

from parley.accounts.models import User
from parley.discussion.models import Comment
from parley.moderation.models import Decision


def entry(
    action: str,
    *,
    by: User | None = None,
    comment: Comment | None = None,
    commenter: str = "",
    reason: str = "",
    scores: dict | None = None,
    before: str = "",
    after: str = "",
) -> Decision:
    """One decision, not yet saved (record_many saves many in one statement)."""
    if comment is not None and not commenter:
        from parley.moderation.people import key_of

        commenter = key_of(comment)
    return Decision(
        actor_id=by.pk if by is not None else None,
        actor_name=(by.public_name if by is not None else ""),
        action=action,
        comment_id=comment.pk if comment is not None else None,
        thread_id=comment.thread_id if comment is not None else None,
        commenter=commenter[:300],
        reason=reason[:1000],
        scores=scores or {},
        before=before,
        after=after,
    )


def record_many(entries: list[Decision]) -> list[Decision]:
    """Append many decisions made by entry(), in as few statements as the database allows."""
    return Decision.objects.bulk_create(entries)


def record(action: str, **fields: Any) -> Decision:
    """Append one decision (the fields of entry()); `by` None is an automatic one."""
    made = entry(action, **fields)
    made.save()
    return made

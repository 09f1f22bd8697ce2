"""Stored counts against a query of the rows readers see (used by the count and concurrency
tests)."""

from __future__ import annotations

from django.db.models import Count, Q

from parley.discussion.models import VISIBLE, Comment, Thread


def mismatches() -> list[str]:
    """Every stored count that differs from what a query of visible rows gives, in words."""
    wrong = []
    shown = Q(status__in=VISIBLE)
    replies = dict(
        Comment.objects.filter(shown, parent__isnull=False)
        .values_list("parent_id")
        .annotate(n=Count("pk"))
    )
    subtree = dict(
        Comment.objects.filter(shown, root__isnull=False)
        .values_list("root_id")
        .annotate(n=Count("pk"))
    )
    for pk, reply_count, subtree_count in Comment.objects.values_list(
        "pk", "reply_count", "subtree_count"
    ):
        if reply_count != replies.get(pk, 0):
            wrong.append(f"#{pk}: reply_count {reply_count}, visible {replies.get(pk, 0)}")
        if subtree_count != subtree.get(pk, 0):
            wrong.append(f"#{pk}: subtree_count {subtree_count}, visible {subtree.get(pk, 0)}")
    published = dict(
        Comment.objects.filter(status=Comment.Status.PUBLISHED)
        .values_list("thread_id")
        .annotate(n=Count("pk"))
    )
    for pk, comment_count in Thread.objects.values_list("pk", "comment_count"):
        if comment_count != published.get(pk, 0):
            wrong.append(
                f"thread {pk}: comment_count {comment_count}, published {published.get(pk, 0)}"
            )
    return wrong

"""Reading a thread: pages of comments in display order, with a constant number of queries.

Display order puts each top-level comment, by the chosen sort, followed by all
its replies in the order they were written; the reply tree is rebuilt from
parent ids (tree.py). A page is a slice of that order, so any page costs one
indexed query however large the thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from parley.discussion.access import VISIBLE, visible_comments
from parley.discussion.models import Comment, Thread

SORTS = {
    "oldest": (Coalesce("root_id", "id").asc(), F("id").asc()),
    "newest": (Coalesce("root_id", "id").desc(), F("id").asc()),
    "replies": (
        Coalesce("root__subtree_count", "subtree_count").desc(),
        Coalesce("root_id", "id").asc(),
        F("id").asc(),
    ),
}
DEFAULT_SORT = "oldest"
API_MAX_LIMIT = 1000


@dataclass
class Page:
    comments: list[Comment]
    offset: int
    limit: int
    has_more: bool


def ordered(thread: Thread, sort: str, *, also: frozenset[int] = frozenset()) -> QuerySet[Comment]:
    """The thread's visible comments in display order; `also` adds held comments by id (a
    reader's own, which they see and others do not)."""
    shown = visible_comments()
    if also:
        shown = Comment.objects.filter(Q(status__in=VISIBLE) | Q(pk__in=also))
    return (
        shown.filter(thread=thread)
        .annotate(parent_name=F("parent__author_name"))
        .select_related("author")
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def page(
    thread: Thread,
    *,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int = 100,
    also: frozenset[int] = frozenset(),
) -> Page:
    rows = list(ordered(thread, sort, also=also)[offset : offset + limit + 1])
    return Page(comments=rows[:limit], offset=offset, limit=limit, has_more=len(rows) > limit)


def position(comment: Comment) -> int:
    """How many comments come before this one in the default order (for permalinks)."""
    key = comment.root_id or comment.pk
    return (
        visible_comments()
        .filter(thread_id=comment.thread_id)
        .annotate(key=Coalesce("root_id", "id"))
        .filter(Q(key__lt=key) | Q(key=key, id__lt=comment.pk))
        .count()
    )


def subtree(comment: Comment) -> list[Comment]:
    """A comment and every reply below it, in display order."""
    root_id = comment.root_id or comment.pk
    rows = list(
        visible_comments()
        .filter(Q(pk=root_id) | Q(root_id=root_id))
        .annotate(parent_name=F("parent__author_name"))
        .select_related("author")
        .order_by("id")
    )
    keep = {comment.pk}
    out: list[Comment] = []
    for row in rows:
        if row.pk == comment.pk or row.parent_id in keep:
            keep.add(row.pk)
            out.append(row)
    return out

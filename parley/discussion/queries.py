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

from parley.discussion.access import VISIBLE
from parley.discussion.models import Comment, Thread

SORTS = {
    "oldest": (Coalesce("root_id", "id").asc(), F("id").asc()),
    "newest": (Coalesce("root_id", "id").desc(), F("id").asc()),
    "replies": (
        Coalesce("root__subtree_count", "subtree_count").desc(),
        Coalesce("root_id", "id").asc(),
        F("id").asc(),
    ),
    # The Wilson lower bound of the top-level comment's votes (votes.py), stored on it.
    "best": (
        Coalesce("root__best_score", "best_score").desc(),
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


def _shown(also: frozenset[int]) -> QuerySet[Comment]:
    """Visible comments, and the held ones named in `also` (a reader's own, which they see
    and others do not)."""
    # The thread was opened through access.py, which checked its post is published; the
    # status alone says what is shown (no join with the post on the hot path).
    if also:
        return Comment.objects.filter(Q(status__in=VISIBLE) | Q(pk__in=also))
    return Comment.objects.filter(status__in=VISIBLE)


def ordered(thread: Thread, sort: str, *, also: frozenset[int] = frozenset()) -> QuerySet[Comment]:
    """The thread's visible comments in display order; `also` adds held comments by id."""
    return (
        _shown(also)
        .filter(thread=thread)
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


def position(
    comment: Comment, *, sort: str = DEFAULT_SORT, also: frozenset[int] = frozenset()
) -> int:
    """How many comments come before this one in a sort's display order (for permalinks).

    Counted over what `ordered` shows with the same `also`, so the page it gives is the page
    the comment is on; one indexed count (two for "replies" and "best", which read the root's
    size or score).
    """
    key, pk = comment.root_id or comment.pk, comment.pk
    rows = _shown(also).filter(thread_id=comment.thread_id).annotate(key=Coalesce("root_id", "id"))
    same_root = Q(key=key, id__lt=pk)
    if sort == "newest":
        return rows.filter(Q(key__gt=key) | same_root).count()
    if sort in ("replies", "best"):
        field = "subtree_count" if sort == "replies" else "best_score"
        size = Comment.objects.filter(pk=key).values_list(field, flat=True).first() or 0
        rows = rows.annotate(size=Coalesce(f"root__{field}", field))
        return rows.filter(
            Q(size__gt=size) | Q(size=size, key__lt=key) | Q(size=size) & same_root
        ).count()
    return rows.filter(Q(key__lt=key) | same_root).count()


def _whole_tree(comment: Comment, also: frozenset[int]) -> list[Comment]:
    """The visible comments of the comment's top-level tree, in the order written (one
    indexed query)."""
    root_id = comment.root_id or comment.pk
    return list(
        _shown(also)
        .filter(Q(pk=root_id) | Q(root_id=root_id))
        .annotate(parent_name=F("parent__author_name"))
        .select_related("author")
        .order_by("id")
    )


def _branch(rows: list[Comment], comment_id: int) -> list[Comment]:
    """The comment and every reply below it, of a tree's rows in the order written."""
    keep = {comment_id}
    out: list[Comment] = []
    for row in rows:
        if row.pk == comment_id or row.parent_id in keep:
            keep.add(row.pk)
            out.append(row)
    return out


def subtree(
    comment: Comment, *, also: frozenset[int] = frozenset(), sort: str = DEFAULT_SORT
) -> list[Comment]:
    """A comment and every reply below it, in display order; `also` as in `ordered`.

    With sort "best" the replies to each comment come best first (by their stored
    `best_score`, then in the order written); every other sort keeps the order written."""
    out = _branch(_whole_tree(comment, also), comment.pk)
    if sort == "best":
        # tree.build keeps siblings in list order, and finds each reply's parent by id.
        out[1:] = sorted(out[1:], key=lambda row: (-row.best_score, row.pk))
    return out


def in_context(
    comment: Comment, parent: Comment | None, *, also: frozenset[int] = frozenset()
) -> list[Comment]:
    """The comment it answers (when given), then the comment and every reply below it, in
    display order: one query, the comment's tree, of which the parent is part."""
    rows = _whole_tree(comment, also)
    above = [row for row in rows if parent is not None and row.pk == parent.pk]
    return above + _branch(rows, comment.pk)

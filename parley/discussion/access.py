"""The only way views and the API fetch threads and comments.

Each function answers NotFound for what does not exist *or* what the viewer
may not see, so hidden comments cannot be discovered by their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from parley.discussion.models import Comment, Thread
from parley.lib.errors import NotFound

VISIBLE = (Comment.Status.PUBLISHED, Comment.Status.DELETED)

# The largest id a row can have: ids are signed 64-bit integers on every supported database.
MAX_ID = 2**63 - 1


def row_id(value: object) -> int | None:
    """`value` as a row id, or None when no row can have it: not a whole number, below 1, or
    past MAX_ID (which the database would refuse to compare rather than find nothing).

    Every gatekeeper below goes through it, so an id from any path, query or body that no
    row can have answers NotFound like any other missing id.
    """
    if isinstance(value, bool):
        return None
    try:
        key = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return key if 1 <= key <= MAX_ID else None


def visible_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(status__in=VISIBLE)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: an account, and the comments this browser posted as a guest.

    A held comment is shown to its author alone: to the account that wrote it, or to the
    browser that posted it as a guest (the web pages keep those ids in a signed cookie).
    Moderators may also open it by its number (to edit or delete it from the queue), but it
    is not placed in their thread pages. Rejected comments are shown to no one.
    """

    user_id: int | None = None
    posted: frozenset[int] = frozenset()
    moderator: bool = False

    def wrote(self, comment: Comment) -> bool:
        if comment.author_id is not None:
            return self.user_id is not None and comment.author_id == self.user_id
        return comment.pk in self.posted

    def may_see(self, comment: Comment) -> bool:
        if comment.status in VISIBLE:
            return True
        return comment.status == Comment.Status.PENDING and (self.moderator or self.wrote(comment))

    def own_held_filter(self) -> Q | None:
        """The held comments this viewer wrote, as a filter (None: they can have none)."""
        mine = Q()
        if self.user_id is not None:
            mine |= Q(author_id=self.user_id)
        if self.posted:
            mine |= Q(author__isnull=True, pk__in=self.posted)
        return (Q(status=Comment.Status.PENDING) & mine) if mine else None


NOBODY = Viewer()


def viewer_of(user: Any, posted_cookie: str | None) -> Viewer:
    """The viewer of a request: its account (if logged in) and its posted-comments cookie."""
    from parley.discussion import tokens

    signed_in = user is not None and user.is_authenticated
    return Viewer(
        user_id=user.pk if signed_in else None,
        posted=frozenset(tokens.posted_ids(posted_cookie)),
        moderator=signed_in and user.moderates,
    )


def own_held(thread_id: int, viewer: Viewer) -> frozenset[int]:
    """The ids of the viewer's own held comments in a thread: shown to them alone."""
    mine = viewer.own_held_filter()
    if mine is None or row_id(thread_id) is None:
        return frozenset()
    held = Comment.objects.filter(mine, thread_id=thread_id)
    return frozenset(held.values_list("pk", flat=True))


def access_thread(thread_id: int, *, with_post: bool = False) -> Thread:
    """A thread of a published post. Without its post, one plain query (the posting path)."""
    key = row_id(thread_id)
    if not with_post:
        return _thread_row(thread_id, key)
    try:
        if key is None:
            raise Thread.DoesNotExist
        return Thread.objects.select_related("post").get(pk=key, post__is_published=True)
    except Thread.DoesNotExist:
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id}) from None


_THREAD_FIELDS = ("id", "post_id", "is_open", "comment_count", "version")


def _thread_row(thread_id: int, key: int | None) -> Thread:
    # The ORM spends more time building this query than SQLite spends running it; the
    # columns are read here and the model built as the ORM would (other fields load lazily).
    from django.db import connection

    from parley.publishing.models import Post

    columns = ", ".join(f"t.{name}" for name in _THREAD_FIELDS)
    sql = (
        f"SELECT {columns} FROM {Thread._meta.db_table} t "  # noqa: S608  (our own names)
        f"JOIN {Post._meta.db_table} p ON p.id = t.post_id WHERE t.id = %s AND p.is_published"
    )
    row = None
    if key is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    if row is None:
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id})
    values = list(row)
    values[2] = bool(values[2])  # SQLite answers 0/1
    return Thread.from_db(connection.alias, list(_THREAD_FIELDS), values)


def access_thread_for_post(slug: str) -> Thread:
    try:
        return Thread.objects.select_related("post", "post__author").get(
            post__slug=slug, post__is_published=True
        )
    except Thread.DoesNotExist:
        raise NotFound(_("There is no post at this address.")) from None


def access_comment(comment_id: int, viewer: Viewer = NOBODY) -> Comment:
    """A comment everyone may see, or one held for review that this viewer wrote (or that a
    moderator opens)."""
    shown = Q(status__in=VISIBLE)
    if viewer.moderator:
        shown |= Q(status=Comment.Status.PENDING)
    elif (mine := viewer.own_held_filter()) is not None:
        shown |= mine
    try:
        if (key := row_id(comment_id)) is None:
            raise Comment.DoesNotExist
        return (
            Comment.objects.filter(shown)
            .select_related("thread", "thread__post", "author")
            .get(pk=key, thread__post__is_published=True)
        )
    except Comment.DoesNotExist:
        raise NotFound(
            _("There is no comment number %(id)s, or it was removed.") % {"id": comment_id}
        ) from None


def thread_version(thread_id: int) -> int:
    """The version of a published thread, in one cheap query (the key of cached pages)."""
    from django.db import connection

    from parley.publishing.models import Post

    sql = (
        f"SELECT t.version FROM {Thread._meta.db_table} t "  # noqa: S608  (our own table names)
        f"JOIN {Post._meta.db_table} p ON p.id = t.post_id WHERE t.id = %s AND p.is_published"
    )
    row = None
    if (key := row_id(thread_id)) is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    if row is None:
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id})
    return row[0]

"""The only way views and the API fetch threads and comments.

Each function answers NotFound for what does not exist *or* what the viewer
may not see, so hidden comments cannot be discovered by their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.discussion.models import Comment, Quote, Revision, Thread
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


def published(prefix: str = "") -> Q:
    """The posts readers may see, as a filter on `prefix` (e.g. "thread__post__"): marked
    published, and their publication time reached. A post scheduled for later, or taken
    back, shows nothing: not its page, its comments, their history or their translations."""
    return Q(**{f"{prefix}is_published": True, f"{prefix}published_at__lte": timezone.now()})


# The same rule for the raw queries below, on a post table aliased `p`.
_PUBLISHED_SQL = "p.is_published AND p.published_at <= %s"


def visible_comments() -> QuerySet[Comment]:
    """Comments everyone may see: published (or a deleted placeholder) under a published post."""
    return Comment.objects.filter(published("thread__post__"), status__in=VISIBLE)


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
        return Thread.objects.select_related("post").get(published("post__"), pk=key)
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
        f"JOIN {Post._meta.db_table} p ON p.id = t.post_id WHERE t.id = %s AND {_PUBLISHED_SQL}"
    )
    row = None
    if key is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, timezone.now()])
            row = cursor.fetchone()
    if row is None:
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id})
    values = list(row)
    values[2] = bool(values[2])  # SQLite answers 0/1
    return Thread.from_db(connection.alias, list(_THREAD_FIELDS), values)


def access_thread_for_post(slug: str) -> Thread:
    try:
        return Thread.objects.select_related("post", "post__author").get(
            published("post__"), post__slug=slug
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
            .get(published("thread__post__"), pk=key)
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
        f"JOIN {Post._meta.db_table} p ON p.id = t.post_id WHERE t.id = %s AND {_PUBLISHED_SQL}"
    )
    row = None
    if (key := row_id(thread_id)) is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, timezone.now()])
            row = cursor.fetchone()
    if row is None:
        raise NotFound(_("There is no discussion number %(id)s.") % {"id": thread_id})
    return row[0]


# -- what pages read about comments they already show --------------------------------------------


def published_posts():
    """Posts readers may see (the home page's list)."""
    from parley.publishing.models import Post

    return Post.objects.filter(published())


def documents(document_ids: list[int]):
    """Source documents of published posts, by id (for translations that became ready)."""
    from parley.publishing.models import SourceDocument

    keys = [key for key in map(row_id, document_ids) if key is not None]
    return SourceDocument.objects.filter(published("post__"), pk__in=keys).select_related("post")


def quotable(thread: Thread, comment_id: object) -> Comment | None:
    """A published comment of this thread (one a reader may reply to or quote), else None.

    `thread` comes from access_thread*; a held, rejected, deleted or foreign comment is None.
    """
    if (key := row_id(comment_id)) is None:
        return None
    return Comment.objects.filter(pk=key, thread=thread, status=Comment.Status.PUBLISHED).first()


def comments_with_text(comment_ids: list[int]) -> list[Comment]:
    """Published comments of published posts, by id: those whose words a page may show
    again (their translation). Hidden, deleted and unknown ids are left out."""
    keys = [key for key in map(row_id, comment_ids) if key is not None]
    if not keys:
        return []
    shown = Comment.objects.filter(published("thread__post__"), status=Comment.Status.PUBLISHED)
    return list(shown.filter(pk__in=keys))


def editable_ids(thread: Thread, user_id: int, since) -> frozenset[int]:
    """The ids of this account's comments in a thread written after `since`."""
    own = Comment.objects.filter(thread=thread, author_id=user_id, created_at__gte=since)
    return frozenset(own.values_list("pk", flat=True))


def history_of(comment: Comment, *, newest_first: bool = False) -> list[Revision]:
    """The edit history of a comment fetched by access_comment (so the viewer may see it)."""
    order = "-written_at" if newest_first else "written_at"
    return list(Revision.objects.filter(comment_id=comment.pk).order_by(order))


def quotes_of(comment: Comment) -> list[Quote]:
    """The quotes held by a comment fetched by access_comment."""
    if ":::quote" not in comment.body:
        return []
    return list(Quote.objects.filter(comment_id=comment.pk).select_related("source_document"))


def liveliest_threads(since, *, limit: int) -> list[dict[str, Any]]:
    """The threads readers commented on most since a moment, busiest first: each as its
    post's slug and title and the number of published comments (the home page's list)."""
    rows = (
        visible_comments()
        .filter(status=Comment.Status.PUBLISHED, created_at__gte=since)
        .values("thread__post__slug", "thread__post__title")
        .annotate(recent=Count("pk"), last=Max("created_at"))
        .order_by("-recent", "-last")[:limit]
    )
    return [
        {"slug": row["thread__post__slug"], "title": row["thread__post__title"], **row}
        for row in rows
    ]


def latest_comments(*, limit: int) -> list[Comment]:
    """The latest published comments under published posts, newest first, with their post."""
    return list(
        visible_comments()
        .filter(status=Comment.Status.PUBLISHED)
        .select_related("thread__post")
        .order_by("-created_at", "-id")[:limit]
    )

"""What a reader's profile shows of an account: the only way pages fetch it.

Accounts only: a guest's comments are never grouped (not by name, e-mail or network), so
nothing here takes anything but an account's id. An inactive account, or an id no account
has, is NotFound. What others see of an account's comments is what every reader sees
anywhere: published comments under published posts; its own held comments are shown to the
account alone (`own_held`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.discussion.access import Viewer, published, row_id
from parley.discussion.models import Comment
from parley.lib.errors import NotFound


def access_person(user_id: object) -> User:
    """An active account by its id, else NotFound (with the same sentence for both)."""
    key = row_id(user_id)
    found = User.objects.filter(pk=key, is_active=True).first() if key is not None else None
    if found is None:
        raise NotFound(_("There is no reader number %(id)s.") % {"id": user_id})
    return found


def shown_comments(user: User) -> QuerySet[Comment]:
    """The account's comments every reader sees, newest first."""
    return Comment.objects.filter(
        published("thread__post__"), author=user, status=Comment.Status.PUBLISHED
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class Record:
    """What an account's comments add up to: how many readers see, and the votes they got
    (`down` is 0 where PARLEY_DOWNVOTES is off: those votes are not shown anywhere)."""

    comments: int
    up: int
    down: int


def record_of(user: User) -> Record:
    """The counts of `user`'s shown comments, in one query."""
    found = (
        shown_comments(user)
        .order_by()
        .aggregate(n=Count("pk"), up=Sum("up_count"), down=Sum("down_count"))
    )
    down = (found["down"] or 0) if settings.PARLEY_DOWNVOTES else 0
    return Record(comments=found["n"] or 0, up=found["up"] or 0, down=down)


@dataclass(frozen=True)
class Page:
    comments: list[Comment]
    has_more: bool


def comments_page(user: User, *, offset: int, limit: int) -> Page:
    """One page of `user`'s shown comments, each with its thread and post (one query)."""
    rows = list(shown_comments(user).select_related("thread__post")[offset : offset + limit + 1])
    return Page(comments=rows[:limit], has_more=len(rows) > limit)


def own_held(user: User, *, limit: int) -> list[Comment]:
    """The account's own comments awaiting review under published posts, newest first: for
    the account's own eyes alone (access.Viewer's rule)."""
    mine = Viewer(user_id=user.pk).own_held_filter()
    assert mine is not None  # an account can hold comments
    rows = (
        Comment.objects.filter(mine & Q(published("thread__post__")))
        .select_related("thread__post")
        .order_by("-created_at", "-pk")
    )
    return list(rows[:limit])

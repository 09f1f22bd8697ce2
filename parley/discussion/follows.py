"""Readers following threads: one state per account and thread, following or stopped.

An account follows a thread by asking (the button on the post page), and by posting a
comment in it, as long as it never stopped following that thread: a reader who stopped is
not signed up again by their next comment. Stopping is kept as a state, so it outlives the
follow it ended (and a reader may stop a thread they never followed, to keep their comments
there from signing them up). Guests follow nothing.

Each change is one upsert and one conditional update, so two requests at once leave one row
in the state the later one asked for, and asking twice changes nothing (not even
`updated_at`). Who follows a thread (`followers`) is what e-mail about new comments reads.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from parley.accounts.models import User
from parley.discussion.access import published
from parley.discussion.models import Comment, Follow, Thread

FOLLOWING = Follow.State.FOLLOWING
STOPPED = Follow.State.STOPPED


def _set_state(user: User, thread: Thread, state: str) -> None:
    """Store the state of `user` on `thread`: a new row, or the existing one changed (only
    when its state differs, so asking twice keeps `updated_at`)."""
    now = timezone.now()
    with transaction.atomic():
        Follow.objects.bulk_create(
            [Follow(user=user, thread=thread, state=state, created_at=now, updated_at=now)],
            ignore_conflicts=True,
        )
        Follow.objects.filter(user=user, thread=thread).exclude(state=state).update(
            state=state, updated_at=now
        )


def follow(user: User, thread: Thread) -> None:
    """`user` follows `thread` (a thread fetched through access, so its post is published)."""
    _set_state(user, thread, FOLLOWING)


def stop_following(user: User, thread: Thread) -> None:
    """`user` stops following `thread`; kept, so posting there later does not follow it."""
    _set_state(user, thread, STOPPED)


def follow_on_posting(user_id: int, thread_id: int) -> None:
    """Posting a comment follows its thread, unless the author chose a state before (one
    statement: an insert that leaves an existing row as it is)."""
    now = timezone.now()
    row = Follow(
        user_id=user_id, thread_id=thread_id, state=FOLLOWING, created_at=now, updated_at=now
    )
    Follow.objects.bulk_create([row], ignore_conflicts=True)


def state_of(user: User, thread: Thread) -> str | None:
    """FOLLOWING, STOPPED, or None when the reader never chose (one query)."""
    return Follow.objects.filter(user=user, thread=thread).values_list("state", flat=True).first()


def is_following(user: User, thread: Thread) -> bool:
    return state_of(user, thread) == FOLLOWING


def followed_by(user: User, *, limit: int) -> list[Follow]:
    """The threads `user` follows whose post readers may see, latest followed first, with
    their post (one query)."""
    rows = (
        Follow.objects.filter(published("thread__post__"), user=user, state=FOLLOWING)
        .select_related("thread__post")
        .order_by("-updated_at", "-pk")
    )
    return list(rows[:limit])


def followers(thread: Thread) -> QuerySet[User]:
    """The active accounts that follow `thread` (whom news of its comments is for)."""
    return User.objects.filter(
        is_active=True, follows__thread=thread, follows__state=FOLLOWING
    ).order_by("pk")


def comment_posted(sender, *, comment: Comment, **kwargs) -> None:
    """After a comment commits: its account author follows the thread (see follow_on_posting).
    A rejected comment signs no one up."""
    if comment.author_id is None or comment.status == Comment.Status.REJECTED:
        return
    follow_on_posting(comment.author_id, comment.thread_id)

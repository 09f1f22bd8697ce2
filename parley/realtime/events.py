"""Events: stored with each change in its transaction, published once it commits, read
again by pages that reconnect, and pruned after PARLEY_LIVE_KEEP minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.discussion.changes import Change
from parley.realtime import brokers
from parley.realtime.models import Event

# The most events one replay (a stream's catch-up, a poll of the fallback) sends; a page
# that missed more reloads its comments instead.
REPLAY_MAX = 500


def message(thread_id: int, version: int | None, kind: str, comments, staff_only: bool) -> dict:
    """What travels through the broker: the event as the wire shows it, and who may see it."""
    return {
        "thread": thread_id,
        "version": version,
        "kind": kind,
        "comments": list(comments),
        "staff_only": staff_only,
    }


def wire(event: dict) -> dict:
    """The event as pages get it (whom it is for stays on the server)."""
    return {key: event[key] for key in ("thread", "version", "kind", "comments")}


def record(changes: list[Change]) -> None:
    """Store each change as an event, in the change's transaction; publish after commit."""
    now = timezone.now()
    Event.objects.bulk_create(
        [
            Event(
                thread_id=change.thread_id,
                version=change.version,
                kind=change.kind,
                comments=change.comments,
                staff_only=change.staff_only,
                created_at=now,
            )
            for change in changes
        ]
    )
    messages = [message(c.thread_id, c.version, c.kind, c.comments, c.staff_only) for c in changes]
    transaction.on_commit(lambda: brokers.current().publish(messages))


def announce(thread_id: int, kind: str, comment_ids: list[int]) -> None:
    """Publish a change that stored no event (a flag): to moderators' queues only."""
    brokers.current().publish([message(thread_id, None, kind, comment_ids, True)])


@dataclass(frozen=True)
class Replay:
    events: list[dict]  # what this viewer missed, oldest first
    reload: bool  # more was missed than is kept (or than REPLAY_MAX): reload the comments
    last: int  # the newest version read: later events come live


def since(thread_id: int, after: int, current: int, *, staff: bool) -> Replay:
    """The events of a thread after version `after` (the thread is at `current`), those this
    viewer may see, or reload when some of what it missed is no longer kept."""
    rows = list(
        Event.objects.filter(thread_id=thread_id, version__gt=after)
        .order_by("version")
        .values_list("version", "kind", "comments", "staff_only")[: REPLAY_MAX + 1]
    )
    last = max(current, rows[-1][0] if rows else 0)
    if after < current and (not rows or rows[0][0] != after + 1 or len(rows) > REPLAY_MAX):
        return Replay([], True, last)
    events = [
        message(thread_id, version, kind, comments, staff_only)
        for version, kind, comments, staff_only in rows
        if staff or not staff_only
    ]
    return Replay(events, False, last)


def between(thread_id: int, after: int, upto: int) -> list[dict]:
    """Every event of a thread after `after` up to `upto`, oldest first (for the stream
    process's fan-out, which filters them per subscriber)."""
    rows = (
        Event.objects.filter(thread_id=thread_id, version__gt=after, version__lte=upto)
        .order_by("version")
        .values_list("version", "kind", "comments", "staff_only")[:REPLAY_MAX]
    )
    return [message(thread_id, *row) for row in rows]


def prune() -> int:
    """Delete events older than PARLEY_LIVE_KEEP minutes; returns how many."""
    cutoff = timezone.now() - timedelta(minutes=settings.PARLEY_LIVE_KEEP)
    deleted, _by_model = Event.objects.filter(created_at__lt=cutoff).delete()
    return deleted

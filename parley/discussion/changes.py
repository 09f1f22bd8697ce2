"""The one place a thread's version is bumped, and where what changed is told.

Every change to a thread (a comment posted, edited, decided or deleted, a translation
finished, the post edited, the thread closed, a vote counted) bumps `Thread.version` here,
inside the change's transaction, and hands the recorders (registered by other apps when they start,
as the screeners are in hooks.py) one Change per thread with the new version: the realtime
app stores it as an event in the same transaction and publishes it once it commits. The
version is read back from the bumping statement itself (RETURNING), so no statement is added
to find it, and it is the event's id: the thread row stays locked until commit, so per
thread the ids grow in commit order.

A change that bumps nothing (a flag that holds nothing) is announced after commit instead
(announce()), to moderators only, and stored nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction

from parley.discussion.models import VISIBLE, Comment, Thread

# What readers' pages get.
POSTED = "posted"  # published comments new to readers (posted, or approved by a moderator)
EDITED = "edited"
REMOVED = "removed"  # deleted, rejected, or held after it was shown
TRANSLATED = "translated"
THREAD = "thread"  # the post or the thread changed (title, closed, opened)
VOTED = "voted"  # a comment's vote counts changed (votes.py)
# What moderators alone get.
HELD = "held"
FLAGGED = "flagged"
DECIDED = "decided"

KINDS = (POSTED, EDITED, REMOVED, TRANSLATED, THREAD, VOTED, HELD, FLAGGED, DECIDED)
# A comment row that is gone (deleted without replies), as a status after a change.
GONE = "gone"


@dataclass(frozen=True)
class Change:
    """What changed in one thread, and its version once changed (the event's id)."""

    thread_id: int
    version: int
    kind: str
    comments: list[int] = field(default_factory=list)
    staff_only: bool = False
    # The comments this change wrote for the first time, as saved (with their thread and
    # author objects): nothing of them was stored before, so a recorder may take them as
    # they are instead of reading them back. Empty for every other change.
    new: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class What:
    """A change before the bump: its kind, the comments it touched, who may hear of it."""

    kind: str
    comments: list[int] = field(default_factory=list)
    staff_only: bool = False


# Called inside the change's transaction, with the thread rows locked.
Recorder = Callable[[list[Change]], None]
_recorders: list[Recorder] = []
# Called after commit with (thread_id, kind, comment ids) of a change that bumped nothing.
Announcer = Callable[[int, str, list[int]], None]
_announcers: list[Announcer] = []


def register_recorder(recorder: Recorder) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def unregister_recorder(recorder: Recorder) -> bool:
    """Stop handing changes to a recorder; whether it was registered. For measuring what a
    recorder costs (bench/search.py posts with the search index's recorder off and on) and
    for a site that turns one off while it runs; nothing in the project calls it otherwise."""
    if recorder in _recorders:
        _recorders.remove(recorder)
        return True
    return False


def register_announcer(announcer: Announcer) -> None:
    if announcer not in _announcers:
        _announcers.append(announcer)


def recorded(changes: list[Change]) -> None:
    """Hand changes whose versions were bumped already (the posting statement) to the
    recorders."""
    if changes:
        for recorder in _recorders:
            recorder(changes)


def thread_changed(
    thread_ids: Iterable[int],
    kind: str,
    comment_ids: Iterable[int] = (),
    staff_only: bool = False,
    *,
    counts: Mapping[int, int] | None = None,
    is_open: bool | None = None,
) -> dict[int, int]:
    """Bump each thread's version (and its comment count by `counts`, its open state to
    `is_open`) in one statement, record the change, and return the new versions."""
    what = What(kind, list(comment_ids), staff_only)
    return threads_changed({pk: what for pk in thread_ids}, counts=counts, is_open=is_open)


def threads_changed(
    changes: Mapping[int, What],
    *,
    counts: Mapping[int, int] | None = None,
    is_open: bool | None = None,
) -> dict[int, int]:
    """thread_changed() with a change of its own for each thread."""
    versions = _bump(changes, counts or {}, is_open)
    recorded(
        [
            Change(pk, version, changes[pk].kind, changes[pk].comments, changes[pk].staff_only)
            for pk, version in sorted(versions.items())
        ]
    )
    return versions


def _bump(thread_ids: Iterable[int], counts: Mapping[int, int], is_open: bool | None):
    ids = sorted(set(thread_ids))
    if not ids:
        return {}
    table = connection.ops.quote_name(Thread._meta.db_table)
    sets = ["version = version + 1"]
    params: list[int | bool] = []
    deltas = {pk: n for pk, n in counts.items() if n}
    if deltas:
        cases = " ".join("WHEN %s THEN %s" for _ in deltas)
        sets.append(f"comment_count = comment_count + CASE id {cases} ELSE 0 END")
        params += [value for pair in sorted(deltas.items()) for value in pair]
    if is_open is not None:
        sets.append("is_open = %s")
        params.append(is_open)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET {', '.join(sets)} "  # noqa: S608  (our table, our columns)
        f"WHERE id IN ({marks}) RETURNING id, version"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
        return dict(cursor.fetchall())


def announce(thread_id: int, kind: str, comment_ids: Iterable[int] = ()) -> None:
    """Tell moderators of a change that bumped no version, once the transaction commits."""
    ids = list(comment_ids)

    def send() -> None:
        for announcer in _announcers:
            announcer(thread_id, kind, ids)

    transaction.on_commit(send)


# -- which kind a change of status is -------------------------------------------------------------


def status_change(before: str, after: str) -> What:
    """The kind of a comment's change of status, and whether readers hear of it. `after` is
    GONE for a comment whose row was deleted."""
    published = Comment.Status.PUBLISHED
    if after == published and before != published:
        return What(POSTED)  # approved: new to readers
    if before in VISIBLE and after != published:
        return What(REMOVED)  # deleted, rejected or held after it was shown
    if before not in VISIBLE and after == Comment.Status.DELETED:
        return What(REMOVED)  # a held comment with replies leaves a placeholder for all
    if after == Comment.Status.PENDING:
        return What(HELD, staff_only=True)
    return What(DECIDED, staff_only=True)  # a hidden comment rejected, or deleted


def by_thread(changes: Iterable[tuple[Comment, str, str]]) -> dict[int, What]:
    """One change per thread for many comments' changes of status: what readers hear of
    (with the comments they concern) when any does, else what moderators hear of."""
    found: dict[int, dict[tuple[str, bool], list[int]]] = {}
    for comment, before, after in changes:
        what = status_change(before, after)
        kinds = found.setdefault(comment.thread_id, {})
        kinds.setdefault((what.kind, what.staff_only), []).append(comment.pk)
    out: dict[int, What] = {}
    for thread_id, kinds in found.items():
        # Readers' kinds first, in the order of KINDS; moderators still get every event.
        (kind, staff_only), ids = min(
            kinds.items(), key=lambda item: (item[0][1], KINDS.index(item[0][0]))
        )
        out[thread_id] = What(kind, sorted(ids), staff_only)
    return out

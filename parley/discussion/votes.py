"""Readers' votes on comments: one per reader, changeable, counted once per network in a burst.

A reader is an account (keyed by its id) or a guest (keyed as rate limits key them,
`parley.lib.clients.client_key`). A vote is "useful" (+1) or, where PARLEY_DOWNVOTES is on,
"not useful" (-1); casting 0 withdraws it. Nobody votes on their own comment, nor on one
that is not published.

The burst rule: votes on one comment from one network (IPv4 /24, IPv6 /64, as flags count
networks) within BURST_WINDOW of that network's counted vote count once. The later ones are
stored uncounted, so moderators see the burst in the commenter's history; when the counted
vote is withdrawn, the network's earliest uncounted vote takes its place.

Counts are stored on the comment (`up_count`, `down_count`, `best_score`) and changed under
the one lock order (thread, then comment: docs/decisions/0010), in the same transaction that
bumps the thread's version (kind VOTED), so cached pages and live pages follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.discussion import actions, changes
from parley.discussion.models import Comment, Vote
from parley.lib import ratelimit
from parley.lib.clients import network_of
from parley.lib.errors import Conflict, Forbidden, Invalid

BURST_WINDOW = timedelta(minutes=10)
# The z of a 95% confidence interval.
Z = 1.959963984540054
VALUES = (1, -1, 0)


def wilson_lower_bound(up: int, down: int) -> float:
    """The lower bound of the Wilson score interval at 95% for `up` of `up + down`: 2 of 2
    scores 0.34, 95 of 100 scores 0.89, no votes 0."""
    n = up + down
    if n <= 0:
        return 0.0
    p = up / n
    z2 = Z * Z
    centre = p + z2 / (2 * n)
    spread = Z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return max(0.0, (centre - spread) / (1 + z2 / n))


@dataclass(frozen=True)
class Voter:
    """Who votes: their account (None for a guest), their client key and address, and the
    comments a guest posted from this browser (which are their own)."""

    user: User | None
    key: str
    address: str
    posted: frozenset[int] = frozenset()

    @property
    def moderates(self) -> bool:
        return self.user is not None and self.user.moderates


@dataclass(frozen=True)
class Tally:
    """A comment's counts after a vote, and the reader's vote now (0 for none)."""

    comment_id: int
    up: int
    down: int
    score: float
    mine: int
    counted: bool

    def as_dict(self) -> dict:
        """As the API and the page's script read it."""
        return {
            "id": self.comment_id,
            "up_count": self.up,
            "down_count": self.down,
            "best_score": self.score,
            "my_vote": self.mine,
            "counted": self.counted,
        }


def _not_votable() -> Invalid:
    return Invalid(
        _("This comment was removed or is awaiting review; it cannot be voted on."),
        code="not_votable",
    )


def check_vote(comment: Comment, voter: Voter, value: object) -> int:
    """The value to store, or the reason this vote cannot be taken (nothing stored)."""
    if isinstance(value, bool) or value not in VALUES:
        raise Invalid(
            _("A vote is 1 (useful), -1 (not useful) or 0 (withdraw your vote)."),
            field="value",
            code="bad_vote",
        )
    number = int(value)  # type: ignore[call-overload]
    if number == -1 and not settings.PARLEY_DOWNVOTES:
        raise Invalid(
            _("This site counts only “useful” votes: send 1, or 0 to withdraw your vote."),
            field="value",
            code="no_downvotes",
        )
    if comment.status != Comment.Status.PUBLISHED:
        raise _not_votable()
    if not comment.can_vote(voter.user, voter.posted):
        raise Forbidden(_("You cannot vote on your own comment."), code="own_comment")
    return number


def cast_vote(comment: Comment, voter: Voter, value: object) -> Tally:
    """Cast, change (up to down) or withdraw (0) the voter's vote on a comment."""
    number = check_vote(comment, voter, value)
    if not voter.moderates:
        # Guests are limited per network, so many addresses of one network share one budget.
        key = (
            voter.key
            if voter.user is not None
            else "net:" + (network_of(voter.address) or voter.key)
        )
        ratelimit.enforce("vote", key, settings.PARLEY_VOTE_RATE, what=_("votes from you"))
    with transaction.atomic():
        current = actions.lock_comment(comment)
        if current is None or current.status != Comment.Status.PUBLISHED:
            raise _not_votable()
        mine = Vote.objects.filter(comment=current, voter_key=voter.key).first()
        before = mine.value if mine is not None else 0
        if number == before:
            if number == 0:
                raise Conflict(
                    _("You have not voted on this comment: there is no vote to withdraw."),
                    code="no_vote",
                )
            raise Conflict(
                _("You already marked this comment “%(what)s”.")
                % {"what": Vote.Value(number).label},
                code="already_voted",
            )
        up = down = 0  # the change to the counted votes
        now = timezone.now()
        network = network_of(voter.address)
        if mine is None:
            mine = Vote(
                comment=current,
                voter=voter.user,
                voter_key=voter.key,
                network=network,
                value=number,
                counted=not _burst_counted(current, network, now),
                created_at=now,
                changed_at=now,
            )
            mine.save()
            if mine.counted:
                up, down = int(number == 1), int(number == -1)
        elif number == 0:
            if mine.counted:
                up, down = -(before == 1), -(before == -1)
                up, down = _promote(current, mine, up, down)
            mine.delete()
        else:
            mine.value, mine.changed_at = number, now
            mine.save(update_fields=["value", "changed_at"])
            if mine.counted:
                up, down = (number == 1) - (before == 1), (number == -1) - (before == -1)
        if up or down:
            _recount(current, up, down)
        counted = mine.pk is not None and mine.counted
    return Tally(
        current.pk, current.up_count, current.down_count, current.best_score, number, counted
    )


def withdraw_vote(comment: Comment, voter: Voter) -> Tally:
    """Take back the voter's vote (cast_vote with 0)."""
    return cast_vote(comment, voter, 0)


def _burst_counted(comment: Comment, network: str, now) -> bool:
    """Whether the network already has a counted vote on the comment within the window."""
    if not network:
        return False
    return Vote.objects.filter(
        comment=comment, network=network, counted=True, created_at__gte=now - BURST_WINDOW
    ).exists()


def _promote(comment: Comment, leaving: Vote, up: int, down: int) -> tuple[int, int]:
    """A counted vote is withdrawn: its network's earliest uncounted vote now counts."""
    if not leaving.network:
        return up, down
    heir = (
        Vote.objects.filter(comment=comment, network=leaving.network, counted=False)
        .exclude(pk=leaving.pk)
        .order_by("created_at", "pk")
        .first()
    )
    if heir is None:
        return up, down
    heir.counted = True
    heir.save(update_fields=["counted"])
    return up + (heir.value == 1), down + (heir.value == -1)


def _recount(comment: Comment, up: int, down: int) -> None:
    """Store the counts and score; `comment` is locked, so its counts are the stored ones."""
    up, down = int(up), int(down)  # a comparison's bool is no number to a database
    comment.up_count += up
    comment.down_count += down
    comment.best_score = wilson_lower_bound(comment.up_count, comment.down_count)
    Comment.objects.filter(pk=comment.pk).update(
        up_count=F("up_count") + up,
        down_count=F("down_count") + down,
        best_score=comment.best_score,
    )
    changes.thread_changed([comment.thread_id], changes.VOTED, [comment.pk])


def vote_of(comment: Comment, key: str) -> int:
    """The reader's vote on a comment (0 for none)."""
    value = Vote.objects.filter(comment=comment, voter_key=key).values_list("value", flat=True)
    return value.first() or 0


# -- what moderators see --------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkVotes:
    network: str
    votes: int
    counted: int
    up: int
    down: int


def received_by_network(comments: Q, *, limit: int = 20) -> list[NetworkVotes]:
    """Votes on a person's comments (`comments` filters Comment), by the voters' networks,
    most votes first: a burst from one network shows as one row with few counted."""
    rows = (
        Vote.objects.filter(comment__in=Comment.objects.filter(comments))
        .values("network")
        .annotate(
            votes=Count("pk"),
            counted=Count("pk", filter=Q(counted=True)),
            up=Count("pk", filter=Q(value=1)),
            down=Count("pk", filter=Q(value=-1)),
        )
        .order_by("-votes", "network")[:limit]
    )
    return [
        NetworkVotes(
            row["network"] or _("unknown"), row["votes"], row["counted"], row["up"], row["down"]
        )
        for row in rows
    ]


def cast_by(voter_filter: Q) -> dict[str, int]:
    """How many votes a person cast, up and down (for the history page)."""
    found = Vote.objects.filter(voter_filter).aggregate(
        votes=Count("pk"), up=Count("pk", filter=Q(value=1))
    )
    votes = found["votes"] or 0
    up = found["up"] or 0
    return {"votes": votes, "up": up, "down": votes - up}

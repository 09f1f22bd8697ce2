"""What the moderation queue shows: held comments and flagged ones, with their context,
ordered by what needs a moderator most (Priority), or oldest or newest first."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parley.discussion.models import Comment
from parley.lib.errors import Invalid
from parley.moderation import highlight, learning, people, reasons
from parley.moderation.models import Decision, Flag, Screening
from parley.moderation.signals.classifier import GROUPS, REASON_AT

AGES = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}
SHOWS = ("waiting", "held", "flagged")
ORDERS = ("priority", "oldest", "newest")
REASONS = (*reasons.KINDS, reasons.FLAGS)
PAGE = 50
# Waiting comments ranked by priority at most (the newest ones): ranking reads one small row
# of each. Beyond it the page says so, and the filters or the other orders reach the rest.
RANKED = 5000


@dataclass
class Filters:
    show: str = "waiting"  # "waiting" (held or flagged), "held", "flagged"
    reason: str = ""  # a kind of reasons.KINDS, or "flags"
    language: str = ""
    post: str = ""
    age: str = ""  # a key of AGES, or "older"
    order: str = "priority"  # "priority", "oldest" or "newest"

    def check(self) -> None:
        """Refuse values no form offers, with a sentence saying what is accepted."""
        allowed = {
            "show": (_("“%(value)s” is not a view of the queue"), SHOWS),
            "reason": (_("“%(value)s” is not a reason the queue knows"), ("", *REASONS)),
            "age": (_("“%(value)s” is not an age the queue knows"), ("", *AGES, "older")),
            "order": (_("“%(value)s” is not an order of the queue"), ORDERS),
        }
        for name, (refusal, values) in allowed.items():
            value = getattr(self, name)
            if value not in values:
                raise Invalid(
                    _("%(refusal)s; use one of: %(values)s.")
                    % {
                        "refusal": refusal % {"value": value[:40]},
                        "values": ", ".join(v for v in values if v),
                    },
                    field=name,
                )


# -- the order ------------------------------------------------------------------------------

# How much harm each kind of reason can do, relative. A comment's priority is this weight,
# times how sure its signal is, times how many readers will see it: at equal confidence and
# reach a threat comes before an insult, an insult before spam, spam before a suspect word.
SEVERITY: dict[str, float] = {
    "threat": 10,  # the model's threat group, or readers' threat flags
    "hate": 10,
    "abuse": 6,  # insults and harassment: the model's abuse group, or readers' flags
    "banned": 6,  # a word the site banned
    "spam": 5,  # the model's spam group, a spam signal, or readers' spam flags
    "links": 5,  # more links than the policy allows: how link spam looks
    "suspect": 2,  # a word the site finds suspect, repeated characters, shouting
    "unsure": 2,  # the model asks, with no category likely enough to name
    "repeated": 2,
    "shouting": 2,
    "offtopic": 2,  # readers' off-topic and other flags
    "other": 2,
    "duplicate": 1,  # posted twice, or again elsewhere: held, nobody is hurt meanwhile
    "policy": 0.5,  # nothing suspect: held because the policy reviews new or every commenter
}
# The share of a reason's weight it keeps however unsure its signal is: comments nothing
# scored are still ordered by reach, and a threat the model names (0.2 or more) still
# comes before a suspect word however sure.
FLOOR = 0.2
# A held comment's reach beside a shown one's: nobody but its author sees it until a
# moderator decides (so it hurts nobody meanwhile), but its author is waiting.
HELD_REACH = 0.5
# Readers whose flags of one kind make them as sure as a certain signal; one reader's flag
# is half as sure.
SURE_FLAGS = 3


def weighed(kind: str, confidence: float) -> float:
    """A reason's weight, as sure as its signal is."""
    return SEVERITY.get(kind, SEVERITY["other"]) * (FLOOR + (1 - FLOOR) * confidence)


@dataclass(frozen=True)
class Priority:
    """Where a comment stands in the queue: one rule, `key` = severity x confidence x
    reach, with one term per factor. Ties go to the comment waiting longest."""

    kind: str  # the reason that weighs most (a key of SEVERITY)
    confidence: float  # how sure its signal is, 0..1 (the model: how far past the bar)
    shown: bool  # published: the post's readers see it now
    depth: int  # 0 for a top-level comment
    replies: int  # direct replies it has
    thread_comments: int  # comments on its post
    age_hours: float  # since it was posted
    flags: int = 0  # readers who flagged it and no approval answered yet

    @property
    def severity(self) -> float:
        """The reason's weight, as sure as its signal is."""
        return weighed(self.kind, self.confidence)

    @property
    def reach(self) -> float:
        """How many readers will see it, relative: 1 for a fresh top-level comment shown on
        a quiet post; each factor multiplies."""
        return (
            # Shown: every reader of the post sees it now; held: only its author.
            (1.0 if self.shown else HELD_REACH)
            # A top-level comment is read by more readers than a deep reply; lightly, since
            # the exchanges that turn to insults run deep.
            / (1 + 0.15 * self.depth)
            # Replies: readers are answering it, and more will read it for them.
            * (1 + 0.05 * min(self.replies, 10))
            # A busy post draws more readers: x1.33 at 9 comments, x2 at 999.
            * (1 + math.log10(1 + self.thread_comments) / 3)
            # A fresh comment is read most; attention halves every day, to half of it.
            * (0.5 + 0.5 * 0.5 ** (self.age_hours / 24))
        )

    @property
    def key(self) -> float:
        """Larger first. Keys within a thousandth of each other are equal (comments posted
        minutes apart), and the comment waiting longest goes first."""
        return round(self.severity * self.reach, 3)

    def parts(self) -> list[str]:
        """Why it is where it is, in a moderator's words, most telling first."""
        labels = {
            "threat": _("a threat"),
            "hate": _("hate"),
            "abuse": _("insult or harassment"),
            "banned": _("a banned word"),
            "spam": _("spam"),
            "links": _("many links"),
            "suspect": _("a suspect word"),
            "unsure": _("the model is unsure"),
            "repeated": _("repeated characters"),
            "shouting": _("shouting"),
            "offtopic": _("off-topic"),
            "other": _("flagged"),
            "duplicate": _("a duplicate"),
            "policy": _("waiting for approval"),
        }
        out = [str(labels.get(self.kind, self.kind))]
        if self.flags:
            out.append(
                ngettext("flagged by %(n)s reader", "flagged by %(n)s readers", self.flags)
                % {"n": self.flags}
            )
        out.append(_("shown to readers") if self.shown else _("hidden until decided"))
        out.append(_("top-level") if self.depth == 0 else _("a reply"))
        if self.replies:
            out.append(ngettext("%(n)s reply", "%(n)s replies", self.replies) % {"n": self.replies})
        out.append(
            ngettext(
                "%(n)s comment on the post", "%(n)s comments on the post", self.thread_comments
            )
            % {"n": self.thread_comments}
        )
        return out


def _sources(scores: dict[str, Any], flag_reasons: list[str]) -> list[tuple[str, float]]:
    """Every (kind, confidence) that put the comment in the queue."""
    found: list[tuple[str, float]] = []
    if highlight.deciding_group(scores):
        groups = {
            name: float(scores[name].get("score") or 0.0)
            for name in GROUPS
            if isinstance(scores.get(name), dict)
        }
        total = sum(groups.values())
        # How far past the review bar the model's needs-review score is: a comment just over
        # it is the model's least sure question, one near 1 its surest.
        sure = min(1.0, max(0.0, (total - learning.REVIEW_SCORE) / (1 - learning.REVIEW_SCORE)))
        # Each category it names takes its share of that certainty.
        named = [
            (name, sure * value / total) for name, value in groups.items() if value >= REASON_AT
        ]
        # No group is likely enough to be named: the model asks with them all together.
        found.extend(named or [("unsure", sure)])
    for signal, entry in scores.items():
        if signal in GROUPS or not isinstance(entry, dict):
            continue
        if not (entry.get("hold") or entry.get("review")):
            continue
        value = float(entry.get("score") or 0.0)
        if signal == "rules":
            for kind in entry.get("kinds") or ["suspect"]:
                found.append((kind, 1.0 if kind in ("banned", "links") else value))
        elif signal == "duplicates":
            found.append(("duplicate", value))
        elif signal == "duplicates_translated":  # a question, not a finding
            found.append(("duplicate", 0.5))
        else:
            kind = (entry.get("kinds") or [signal])[0]
            found.append((kind if kind in SEVERITY else "other", value))
    counts: dict[str, int] = {}
    for reason in flag_reasons:
        counts[reason] = counts.get(reason, 0) + 1
    found.extend((reason, min(1.0, (1 + n) / (1 + SURE_FLAGS))) for reason, n in counts.items())
    return found


def priority_of(
    *,
    status: str,
    depth: int,
    replies: int,
    thread_comments: int,
    created_at: datetime,
    scores: dict[str, Any] | None,
    flag_reasons: list[str],
    now: datetime,
) -> Priority:
    sources = _sources(scores or {}, flag_reasons) or [("policy", 0.0)]
    kind, confidence = max(sources, key=lambda source: weighed(*source))
    return Priority(
        kind=kind,
        confidence=confidence,
        shown=status == Comment.Status.PUBLISHED,
        depth=depth,
        replies=replies,
        thread_comments=thread_comments,
        age_hours=max(0.0, (now - created_at).total_seconds() / 3600),
        flags=len(flag_reasons),
    )


# -- what waits -----------------------------------------------------------------------------


# The signals' reasons stand until a moderator decides: while the comment is held, or the
# model's question is open. A comment approved and flagged again waits for its flags alone.
UNANSWERED = Q(status=Comment.Status.PENDING) | Q(screening__review=True)


def _unanswered(status: str, review: bool | None) -> bool:
    return status == Comment.Status.PENDING or bool(review)


def waiting(filters: Filters) -> QuerySet[Comment]:
    """The comments waiting for a moderator that the filters let through, unordered."""
    approved = (
        Decision.objects.filter(comment_id=OuterRef("comment_id"), action=Decision.Action.APPROVE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # Flags a moderator has not answered yet (an approval answers the flags before it).
    flagged = (
        Flag.objects.filter(comment=OuterRef("pk"))
        .annotate(approved=Subquery(approved))
        .filter(Q(approved__isnull=True) | Q(created_at__gt=F("approved")))
    )
    query = Comment.objects.annotate(is_flagged=Exists(flagged)).exclude(
        status__in=(Comment.Status.DELETED, Comment.Status.REJECTED)
    )
    held = Q(status=Comment.Status.PENDING)
    flagged_q = Q(status=Comment.Status.PUBLISHED) & (
        Q(is_flagged=True) | Q(screening__review=True)
    )
    if filters.show == "held":
        query = query.filter(held)
    elif filters.show == "flagged":
        query = query.filter(flagged_q)
    else:
        query = query.filter(held | flagged_q)
    if filters.language:
        query = query.filter(language="" if filters.language == "unknown" else filters.language)
    if filters.post:
        query = query.filter(thread__post__slug=filters.post)
    if filters.age in AGES:
        query = query.filter(created_at__gte=timezone.now() - AGES[filters.age])
    elif filters.age == "older":
        query = query.filter(created_at__lt=timezone.now() - AGES["week"])
    if filters.reason == reasons.FLAGS:
        query = query.filter(is_flagged=True)
    elif filters.reason:
        query = query.filter(UNANSWERED, screening__reasons__has_key=filters.reason)
    return query


@dataclass
class Queue:
    """One page of the queue: the comments' ids in order, and how many wait in all."""

    ids: list[int]
    count: int
    priorities: dict[int, Priority] = field(default_factory=dict)
    flags: dict[int, list[Flag]] = field(default_factory=dict)
    truncated: bool = False  # more than RANKED wait: only the newest RANKED were ranked


def _open_flags(comment_ids: list[int]) -> dict[int, list[Flag]]:
    """Each comment's flags that no approval answered yet, in two queries."""
    if not comment_ids:
        return {}
    approved = dict(
        Decision.objects.filter(comment_id__in=comment_ids, action=Decision.Action.APPROVE)
        .values("comment_id")
        .annotate(last=Max("created_at"))
        .values_list("comment_id", "last")
    )
    out: dict[int, list[Flag]] = {}
    for flag in Flag.objects.filter(comment_id__in=comment_ids).order_by("created_at"):
        last = approved.get(flag.comment_id)
        if last is None or flag.created_at > last:
            out.setdefault(flag.comment_id, []).append(flag)
    return out


_RANK_FIELDS = (
    "pk",
    "status",
    "depth",
    "reply_count",
    "thread__comment_count",
    "created_at",
    "screening__scores",
    "screening__review",
    "is_flagged",
)


def _priorities(rows: list[dict[str, Any]], flags: dict[int, list[Flag]], now: datetime):
    return {
        row["pk"]: priority_of(
            status=row["status"],
            depth=row["depth"],
            replies=row["reply_count"],
            thread_comments=row["thread__comment_count"],
            created_at=row["created_at"],
            scores=(
                row["screening__scores"]
                if _unanswered(row["status"], row["screening__review"])
                else None
            ),
            flag_reasons=[f.reason for f in flags.get(row["pk"], [])],
            now=now,
        )
        for row in rows
    }


def page(filters: Filters, number: int, now: datetime | None = None) -> Queue:
    """The ids of page `number` (from 1; past the end: the last page), in a fixed number of
    queries whatever waits."""
    now = now or timezone.now()
    query = waiting(filters)
    if filters.order == "priority":
        rows = list(query.order_by("-created_at", "-id").values(*_RANK_FIELDS)[: RANKED + 1])
        truncated = len(rows) > RANKED
        rows = rows[:RANKED]
        flags = _open_flags([row["pk"] for row in rows if row["is_flagged"]])
        priorities = _priorities(rows, flags, now)
        rows.sort(key=lambda row: (-priorities[row["pk"]].key, row["created_at"], row["pk"]))
        count = len(rows)
        number = _clamp(number, count)
        chosen = rows[(number - 1) * PAGE : number * PAGE]
        return Queue(
            ids=[row["pk"] for row in chosen],
            count=count,
            priorities={row["pk"]: priorities[row["pk"]] for row in chosen},
            flags=flags,
            truncated=truncated,
        )
    order = ("created_at", "id") if filters.order == "oldest" else ("-created_at", "-id")
    count = query.count()
    number = _clamp(number, count)
    rows = list(query.order_by(*order).values(*_RANK_FIELDS)[(number - 1) * PAGE : number * PAGE])
    flags = _open_flags([row["pk"] for row in rows if row["is_flagged"]])
    return Queue(
        ids=[row["pk"] for row in rows],
        count=count,
        priorities=_priorities(rows, flags, now),
        flags=flags,
    )


def _clamp(number: int, count: int) -> int:
    last = max(1, math.ceil(count / PAGE))
    return min(max(1, number), last)


# -- what each item shows -------------------------------------------------------------------


@dataclass
class Reason:
    words: str
    hold: bool  # this reason alone hides the comment


@dataclass
class Item:
    comment: Comment
    screening: Screening | None
    flags: list[Flag]
    history: people.History
    key: str
    priority: Priority | None = None
    reasons: list[Reason] = field(default_factory=list)
    body: SafeString | str = ""

    @property
    def held(self) -> list[str]:
        """The reasons that hide the comment, in words."""
        return [reason.words for reason in self.reasons if reason.hold]

    @property
    def questioned(self) -> list[str]:
        """The reasons that ask for a look while it stays shown, in words."""
        return [reason.words for reason in self.reasons if not reason.hold]


def reasons_of(comment: Comment, screening: Screening | None) -> list[Reason]:
    """Each reason no moderator answered yet once, in words, in the order of reasons.KINDS."""
    if screening is None or not _unanswered(comment.status, screening.review):
        return []
    stored = screening.reasons or {}
    seen: set[str] = set()
    out: list[Reason] = []
    for code in reasons.KINDS:
        entry = stored.get(code)
        if not isinstance(entry, dict):
            continue
        for words in entry.get("words") or []:
            if words not in seen:
                seen.add(words)
                out.append(Reason(words=words, hold=bool(entry.get("hold"))))
    return out


def items(queue: Queue) -> list[Item]:
    """The page's comments with their context, in the queue's order, in a fixed number of
    queries."""
    found = Comment.objects.select_related("thread__post", "parent", "author", "screening").in_bulk(
        queue.ids
    )
    comments = [found[pk] for pk in queue.ids if pk in found]
    histories = people.histories(comments)
    out = []
    for comment in comments:
        screening = getattr(comment, "screening", None)
        phrases, words = highlight.marks_of(screening.scores if screening else {})
        out.append(
            Item(
                comment=comment,
                screening=screening,
                flags=queue.flags.get(comment.pk, []),
                history=histories[comment.pk],
                key=people.key_of(comment),
                priority=queue.priorities.get(comment.pk),
                reasons=reasons_of(comment, screening),
                body=(
                    highlight.mark(comment.body_html, phrases, words)
                    if phrases or words
                    else comment.body_html
                ),
            )
        )
    return out

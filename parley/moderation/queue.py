"""What the moderation queue shows: held comments and flagged ones, with their context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from parley.discussion.models import Comment
from parley.moderation import people
from parley.moderation.models import Decision, Flag, Screening

AGES = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}
PAGE = 50


@dataclass
class Filters:
    show: str = "waiting"  # "waiting" (held or flagged), "held", "flagged"
    reason: str = ""
    language: str = ""
    post: str = ""
    age: str = ""


def _reason(query: QuerySet, reason: str) -> QuerySet:
    if reason == "flags":
        return query.filter(flag_count__gt=0)
    if reason == "review":
        return query.filter(screening__review=True)
    if reason == "rules":
        return query.filter(screening__scores__has_key="rules", screening__held=True)
    if reason == "duplicates":
        return query.filter(
            Q(screening__summary__icontains="duplicate") | Q(screening__summary__icontains="twice")
        )
    if reason == "classifier":
        return query.filter(
            Q(screening__scores__has_key="abuse")
            | Q(screening__scores__has_key="hate")
            | Q(screening__scores__has_key="threat")
            | Q(screening__scores__has_key="spam"),
            screening__held=True,
        )
    if reason == "policy":
        return query.filter(
            Q(screening__summary__icontains="untrusted")
            | Q(screening__summary__icontains="every comment")
        )
    return query


def waiting(filters: Filters) -> QuerySet[Comment]:
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
    query = (
        Comment.objects.select_related("thread__post", "parent", "author", "screening")
        .annotate(flag_count=Count("flags", distinct=True), is_flagged=Exists(flagged))
        .exclude(status__in=(Comment.Status.DELETED, Comment.Status.REJECTED))
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
    return _reason(query, filters.reason).order_by("created_at", "id")


@dataclass
class Item:
    comment: Comment
    screening: Screening | None
    flags: list[Flag]
    history: people.History
    key: str


def _open_flags(comment_ids: list[int]) -> dict[int, list[Flag]]:
    """Each comment's flags that no approval answered yet, in two queries for the page."""
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


def items(comments: list[Comment]) -> list[Item]:
    """The page's comments with their context, in a fixed number of queries."""
    flagged = [c.pk for c in comments if getattr(c, "flag_count", 0)]
    flags = _open_flags(flagged) if flagged else {}
    histories = people.histories(comments)
    return [
        Item(
            comment=comment,
            screening=getattr(comment, "screening", None),
            flags=flags.get(comment.pk, []),
            history=histories[comment.pk],
            key=people.key_of(comment),
        )
        for comment in comments
    ]

"""Readers' flags: one per reader and comment, limited per client, counted per network.

Enough flags hold a comment for review (the policy's `flag_threshold`). They are counted by
the flaggers' networks, not by their accounts: flags from one IPv4 /24 or one IPv6 /64 count
once, so accounts made from one address (or one network) cannot hide a comment by themselves
(docs/decisions/0014-flags-counted-per-network.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.discussion import actions as discussion
from parley.discussion import changes
from parley.discussion.models import Comment
from parley.lib import ratelimit
from parley.lib.clients import network_of
from parley.lib.errors import Conflict, Invalid
from parley.moderation import policy
from parley.moderation.log import record
from parley.moderation.models import Decision, Flag, Screening

Status = Comment.Status
TEXT_MAX = 500


def flag(
    comment: Comment,
    *,
    reporter_key: str,
    reporter: User | None,
    address: str,
    reason: str,
    text: str = "",
) -> Flag:
    """A reader's flag; flags from enough distinct networks hold the comment for review.

    `reporter_key` is the client (`parley.lib.clients.client_key`), `address` the client's
    address (`client_ip`). A flag past PARLEY_FLAG_RATE is refused and stores nothing."""
    if comment.status != Status.PUBLISHED:
        raise Invalid(
            _("This comment was removed or is already being reviewed; it cannot be flagged."),
            code="not_flaggable",
        )
    if reason not in Flag.Reason.values:
        raise Invalid(_("Pick a reason for the flag."), field="reason")
    text = (text or "").strip()
    if reason == Flag.Reason.OTHER and not text:
        raise Invalid(_("Say what is wrong with the comment."), field="text")
    if len(text) > TEXT_MAX:
        raise Invalid(
            _("Keep the explanation under %(limit)s characters.") % {"limit": TEXT_MAX},
            field="text",
        )
    if reporter is None or not reporter.moderates:
        ratelimit.enforce("flag", reporter_key, settings.PARLEY_FLAG_RATE, what=_("flags from you"))
    with transaction.atomic():
        # The one lock order (thread, then comment): the comment cannot be deleted or decided
        # on while its flag is stored, and a reply to it waits instead of deadlocking.
        current = discussion.lock_comment(comment)
        if current is None or current.status != Status.PUBLISHED:
            raise Invalid(
                _("This comment was removed or is already being reviewed; it cannot be flagged."),
                code="not_flaggable",
            )
        try:
            with transaction.atomic():
                made = Flag.objects.create(
                    comment=current,
                    reporter=reporter if reporter is not None and reporter.pk else None,
                    reporter_key=reporter_key,
                    reporter_network=network_of(address),
                    reason=reason,
                    text=text,
                )
        except IntegrityError:
            raise Conflict(
                _("You have already flagged this comment; moderators will look at it."),
                code="already_flagged",
            ) from None
        if not _hold_if_flagged_enough(current):
            # Nothing readers see changed: moderators' queues hear of the flag, no event kept.
            changes.announce(current.thread_id, changes.FLAGGED, [current.pk])
    return made


def open_flags(comment_id: int) -> QuerySet[Flag]:
    """Flags since the last time a moderator approved the comment."""
    flags = Flag.objects.filter(comment_id=comment_id)
    approved = (
        Decision.objects.filter(comment_id=comment_id, action=Decision.Action.APPROVE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return flags.filter(created_at__gt=approved) if approved else flags


def flaggers(flags: QuerySet[Flag]) -> int:
    """How many flaggers the flags count as: one per network (by key for flags without one)."""
    rows = flags.values_list("reporter_network", "reporter_key")
    return len({network or f"key:{key}" for network, key in rows})


def _hold_if_flagged_enough(current: Comment) -> bool:
    """Hold a comment flagged from enough networks; `current` is locked (lock_comment).
    Returns whether it was held."""
    rules = policy.for_post(current.thread.post_id)
    flags = open_flags(current.pk)
    if flaggers(flags) < rules.flag_threshold:
        return False
    counts = flags.values("reason").annotate(n=Count("pk")).order_by("-n")
    why = ", ".join(f"{Flag.Reason(row['reason']).label.lower()} ×{row['n']}" for row in counts)
    summary = f"held: flagged by {flags.count()} readers ({why})"
    discussion.set_comment_status(current, Status.PENDING, by=None, expected=Status.PUBLISHED)
    screening, _created = Screening.objects.get_or_create(comment=current)
    screening.held = True
    screening.summary = summary[:500]
    screening.save(update_fields=["held", "summary"])
    record(
        Decision.Action.HOLD,
        comment=current,
        reason=summary,
        scores=screening.scores,
        before=Status.PUBLISHED,
        after=Status.PENDING,
    )
    return True

"""Moderators' decisions (readers' flags are in flags.py). Every change goes through these
functions and is appended to the log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.discussion import actions as discussion
from parley.discussion import changes, quotes
from parley.discussion.models import Comment
from parley.lib.errors import ActionError, Conflict, Forbidden, Invalid
from parley.moderation import bans, people
from parley.moderation.log import entry, record, record_many
from parley.moderation.models import Ban, Decision, Example, Screening

Status = Comment.Status
# What a decision does to a comment's status.
OUTCOME: dict[str, str] = {
    Decision.Action.APPROVE: Status.PUBLISHED,
    Decision.Action.REJECT: Status.REJECTED,
    Decision.Action.SPAM: Status.REJECTED,
    Decision.Action.DELETE: Status.DELETED,
}
# Why a comment was rejected, as the classifier's categories.
REJECT_REASONS = {
    "insult": _("Insult"),
    "harassment": _("Harassment"),
    "hate": _("Hate"),
    "threat": _("Threat"),
    "offtopic": _("Off-topic"),
    "spam": _("Spam"),
}
RETRAIN_AFTER = timedelta(seconds=20)


def _moderator(by: User | None) -> User:
    if by is None or not by.is_authenticated or not by.moderates:
        raise Forbidden(_("Only moderators can do this."), code="not_moderator")
    return by


def decide(
    comment: Comment,
    action: str,
    *,
    by: User,
    expected: str,
    category: str = "",
    reason: str = "",
) -> Comment:
    """Approve, reject, mark as spam or delete a comment that still has status `expected`.

    A comment someone else decided meanwhile is refused as a Conflict, naming what happened.
    The decision teaches the classifier: an approval is a civil example, a rejection an
    example of its category.
    """
    by = _moderator(by)
    if action not in OUTCOME:
        raise Invalid(_("“%(action)s” is not a decision.") % {"action": action}, field="action")
    if expected not in Status.values:
        raise Invalid(_("The comment's expected status is missing."), field="expected")
    if action == Decision.Action.SPAM:
        category = "spam"
    if action == Decision.Action.REJECT and category and category not in REJECT_REASONS:
        raise Invalid(_("Pick a reason from the list."), field="category")
    screening = Screening.objects.filter(comment=comment).first()
    with transaction.atomic():
        try:
            current = discussion.set_comment_status(
                comment, OUTCOME[action], by=by, expected=expected
            )
        except Conflict as conflict:
            last = Decision.objects.filter(comment_id=comment.pk).exclude(actor_name="").first()
            if last is not None:
                conflict.message = _("%(who)s already %(what)s comment #%(id)s at %(when)s.") % {
                    "who": last.actor_name,
                    "what": last.get_action_display(),
                    "id": comment.pk,
                    "when": timezone.localtime(last.created_at).strftime("%H:%M"),
                }
            raise
        # Decided: out of the queue (flags before this decision no longer count either).
        Screening.objects.filter(comment=comment).update(review=False)
        if expected == OUTCOME[action]:  # no status changed (flags dismissed): queues refresh
            changes.announce(comment.thread_id, changes.DECIDED, [comment.pk])
        label = REJECT_REASONS.get(category, "") if category else ""
        record(
            action,
            by=by,
            comment=comment,
            reason=" · ".join(part for part in (str(label), reason.strip()) if part),
            scores=screening.scores if screening else {},
            before=expected,
            after=OUTCOME[action],
        )
        learned = "civil" if action == Decision.Action.APPROVE else category
        if learned and comment.body and action != Decision.Action.DELETE:
            Example.objects.create(
                text=quotes.own_text(comment.body_html) or comment.body,
                language=comment.language,
                category=learned,
                comment_id=comment.pk,
                decided_by=by.public_name,
            )
            from parley.lib.worker import enqueue_once
            from parley.moderation.tasks import retrain

            # At most one retraining waits: it learns from every decision taken before it runs.
            transaction.on_commit(
                lambda: enqueue_once(retrain.using(run_after=timezone.now() + RETRAIN_AFTER))
            )
    return current


# The most comments one bulk decision may take: a queue page selected, a thousand times over.
MAX_AT_ONCE = 1000
# Decisions taken on many comments in one transaction (bans go one by one).
IN_BULK = (
    Decision.Action.APPROVE,
    Decision.Action.REJECT,
    Decision.Action.SPAM,
    Decision.Action.DELETE,
)


@dataclass
class Outcome:
    """What a bulk decision did: the comments decided, and why the others were not."""

    done: list[int] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_at_once(count: int) -> None:
    if count == 0:
        raise Invalid(_("Select at least one comment."), field="comment")
    if count > MAX_AT_ONCE:
        raise Invalid(
            _(
                "You selected %(n)s comments; one decision can take at most %(max)s. "
                "Decide on them in parts."
            )
            % {"n": f"{count:,}", "max": f"{MAX_AT_ONCE:,}"},
            field="comment",
            code="too_many",
        )


def _conflict_message(comment: Comment, last: Decision | None) -> str:
    if last is not None:
        return _("%(who)s already %(what)s comment #%(id)s at %(when)s.") % {
            "who": last.actor_name,
            "what": last.get_action_display(),
            "id": comment.pk,
            "when": timezone.localtime(last.created_at).strftime("%H:%M"),
        }
    return _("Comment #%(id)s is no longer what you saw: it is now %(now)s; reload.") % {
        "id": comment.pk,
        "now": comment.get_status_display().lower(),
    }


def decide_many(
    wanted: list[tuple[str, str]],
    action: str,
    *,
    by: User,
    category: str = "",
    reason: str = "",
) -> Outcome:
    """Approve, reject, mark as spam or delete many comments at once: `wanted` holds (comment
    id as sent, the status the moderator saw) pairs, at most MAX_AT_ONCE.

    One transaction and a fixed number of queries, however many comments (deleting adds a
    few for each level of replies it removes). Every comment is
    either decided or named in the outcome: a conflict (someone decided it meanwhile, the
    same answer decide() gives) or an error (no such comment, a deleted one). Decisions
    teach the classifier as decide()'s do, with one retraining after commit.
    """
    by = _moderator(by)
    check_at_once(len(wanted))
    if action not in IN_BULK:
        raise Invalid(_("“%(action)s” is not a decision.") % {"action": action}, field="action")
    if action == Decision.Action.SPAM:
        category = "spam"
    if action == Decision.Action.REJECT and category and category not in REJECT_REASONS:
        raise Invalid(_("Pick a reason from the list."), field="category")
    outcome = Outcome()
    expected: dict[int, str] = {}
    for raw, seen in wanted:
        if not raw.isdigit():
            outcome.errors.append(_("“%(id)s” is not a comment number.") % {"id": raw[:20]})
        elif seen not in Status.values:
            outcome.errors.append(
                _("The status you saw of comment #%(id)s is missing; reload the queue.")
                % {"id": raw}
            )
        else:
            expected.setdefault(int(raw), seen)
    target = OUTCOME[action]
    label = str(REJECT_REASONS.get(category, "")) if category else ""
    why = " · ".join(part for part in (label, reason.strip()) if part)
    learned = "civil" if action == Decision.Action.APPROVE else category
    with transaction.atomic():
        # The one lock order: the comments' threads, then the comments, by id.
        comments = discussion.lock_comments(expected, for_delete=action == Decision.Action.DELETE)
        fresh, stale = [], []
        for pk, seen in expected.items():
            comment = comments.get(pk)
            if comment is None:
                outcome.errors.append(_("Comment #%(id)s does not exist.") % {"id": pk})
            elif comment.status != seen:
                stale.append(comment)
            elif comment.is_deleted:
                outcome.errors.append(_("Comment #%(id)s was deleted.") % {"id": pk})
            else:
                fresh.append(comment)
        if stale:
            last: dict[int, Decision] = {}
            earlier = Decision.objects.filter(comment_id__in=[c.pk for c in stale])
            for decision in earlier.exclude(actor_name="").order_by("-created_at", "-id"):
                last.setdefault(decision.comment_id or 0, decision)
            outcome.conflicts = [_conflict_message(c, last.get(c.pk)) for c in stale]
        if not fresh:
            return outcome
        ids = [comment.pk for comment in fresh]
        scores = dict(
            Screening.objects.filter(comment_id__in=ids).values_list("comment_id", "scores")
        )
        Screening.objects.filter(comment_id__in=ids).update(review=False)
        if action == Decision.Action.DELETE:
            discussion.delete_comments(fresh, by=by)
        else:
            discussion.set_comments_status(fresh, target, by=by)
        unchanged: dict[int, list[int]] = {}
        for comment in fresh:
            if expected[comment.pk] == target and action != Decision.Action.DELETE:
                unchanged.setdefault(comment.thread_id, []).append(comment.pk)
        for thread_id, same in unchanged.items():  # flags dismissed: the queues refresh
            changes.announce(thread_id, changes.DECIDED, same)
        record_many(
            [
                entry(
                    action,
                    by=by,
                    comment=comment,
                    reason=why,
                    scores=scores.get(comment.pk, {}),
                    before=expected[comment.pk],
                    after=target,
                )
                for comment in fresh
            ]
        )
        if learned and action != Decision.Action.DELETE:
            Example.objects.bulk_create(
                Example(
                    text=quotes.own_text(comment.body_html) or comment.body,
                    language=comment.language,
                    category=learned,
                    comment_id=comment.pk,
                    decided_by=by.public_name,
                )
                for comment in fresh
                if comment.body
            )
            from parley.lib.worker import enqueue_once
            from parley.moderation.tasks import retrain

            # At most one retraining waits: it learns from every decision taken before it runs.
            transaction.on_commit(
                lambda: enqueue_once(retrain.using(run_after=timezone.now() + RETRAIN_AFTER))
            )
        outcome.done = ids
    return outcome


def decide_each(
    wanted: list[tuple[str, str]],
    action: str,
    *,
    by: User,
    category: str = "",
    reason: str = "",
    days: float | None = None,
) -> Outcome:
    """A decision that goes one comment at a time, each in its own transaction (bans,
    time-outs and shadow-bans, or any decision that is not IN_BULK): `wanted` holds (comment id
    as sent, the status the moderator saw) pairs, at most MAX_AT_ONCE, read in one query.
    Every comment is either decided or named in the outcome."""
    check_at_once(len(wanted))
    outcome = Outcome()
    ids = [int(raw) for raw, _seen in wanted if raw.isdigit()]
    found = Comment.objects.select_related("thread__post").in_bulk(ids)
    for raw, seen in wanted:
        if not raw.isdigit():
            outcome.errors.append(_("“%(id)s” is not a comment number.") % {"id": raw[:20]})
            continue
        comment = found.get(int(raw))
        if comment is None:
            outcome.errors.append(_("Comment #%(id)s does not exist.") % {"id": raw})
            continue
        try:
            if action in ("ban", "timeout", "shadow"):
                ban_author(
                    comment,
                    by=by,
                    how=action,
                    reason=reason,
                    days=days,
                    expected=seen,
                    category=category,
                )
            else:
                decide(comment, action, by=by, expected=seen, category=category, reason=reason)
            outcome.done.append(comment.pk)
        except Conflict as conflict:
            outcome.conflicts.append(conflict.message)
        except ActionError as error:
            outcome.errors.append(error.message)
    return outcome


def ban_author(
    comment: Comment,
    *,
    by: User,
    how: str,
    reason: str,
    days: float | None = None,
    expected: str | None = None,
    category: str = "",
) -> Ban:
    """Ban a comment's author by what identifies them best: account, else e-mail, else address.

    `how` is "ban" (for `days`, or for good), "timeout" (a day unless told) or "shadow". With
    `expected` (the status the moderator saw), a ban or time-out also rejects the comment that
    showed the need, in the same transaction; a shadow-ban leaves it as it is.
    """
    by = _moderator(by)
    if comment.author_id is not None:
        kind, value = Ban.Kind.ACCOUNT, str(comment.author_id)
    elif comment.author_email:
        kind, value = Ban.Kind.EMAIL, comment.author_email
    elif comment.ip_address:
        kind, value = Ban.Kind.NETWORK, people.network_of(comment.ip_address)
        if ":" not in value:
            kind = Ban.Kind.IP
    else:
        raise Invalid(_("Nothing identifies this commenter: there is no one to ban."))
    if how == "timeout":
        days = days or 1
    elif how not in ("ban", "shadow"):
        raise Invalid(_("“%(how)s” is not a kind of ban.") % {"how": how}, field="how")
    with transaction.atomic():
        made = bans.ban(
            kind=kind,
            value=value,
            reason=reason,
            by=by,
            days=days,
            shadow=how == "shadow",
            comment=comment,
        )
        if expected is not None and how != "shadow" and expected != Status.REJECTED:
            decide(comment, "reject", by=by, expected=expected, category=category, reason=reason)
    return made

"""The policy: what happens to a comment as it is posted, and when its scores come in.

While the comment is posted (inside its transaction): bans are checked, the fast signals
(rules, near-duplicates) score it, and the policy decides whether it is published or held.
Right after commit a background task scores it with the learned classifier and compares it
with recent comments across languages; a comment found to need review is then held, a second
or so after it appeared. Moderators and the post's author skip all of this.

An edit goes through the same screening: bans, the fast signals on the new words, and the
background scoring again. People decide, models advise: once a moderator has decided on a
comment as it now reads (decided()), no automatic step changes its status or puts it back in
the queue; the scores are still stored, for the moderator to read. An edit after the decision
is new words, which the decision did not see: they are screened as a new comment's are.

This module never imports the tasks (moderation.tasks imports it): hooks.connect() hands it
the scoring task's enqueue through queue_scoring_with().
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from parley.discussion import quotes
from parley.discussion.models import Comment, Thread
from parley.lib.errors import Forbidden
from parley.moderation import bans, people, policy
from parley.moderation import reasons as kinds
from parley.moderation.log import record
from parley.moderation.models import Ban, Decision, Policy, Screening
from parley.moderation.signals import active
from parley.moderation.signals.base import Result, Settings, Subject

# Comments shorter than this are too alike across languages to call translations of each other.
TWIN_MIN_WORDS = 8
_LINK = re.compile(r'<a href="(?:https?:|mailto:|www\.)', re.IGNORECASE)
_HREF = re.compile(r'<a href="((?:https?:|mailto:|www\.)[^"]*)"', re.IGNORECASE)


# How a committed comment is queued for the background half (score_later); None until
# hooks.connect() sets it, and then nothing is queued.
_queue_scoring: Callable[[int], object] | None = None


def queue_scoring_with(enqueue: Callable[[int], object] | None) -> None:
    """Queue background scoring through `enqueue(comment_id)` (the scoring task's enqueue)."""
    global _queue_scoring  # noqa: PLW0603  (set once, from AppConfig.ready)
    _queue_scoring = enqueue


def _score_after_commit(comment_id: int) -> None:
    """Queue the background half for the comment once the transaction commits, if a signal
    runs there."""
    enqueue = _queue_scoring
    if enqueue is not None and any(not signal.inline for signal in active()):
        transaction.on_commit(lambda: enqueue(comment_id))


# The decisions a moderator takes on a comment; bans and flags are not decisions on it.
DECISIONS = (
    Decision.Action.APPROVE,
    Decision.Action.REJECT,
    Decision.Action.SPAM,
    Decision.Action.DELETE,
)


def decided(comment: Comment) -> bool:
    """Whether a moderator has decided on the comment as it now reads: a decision of theirs
    taken since it was last edited (or posted). Automatic steps leave the status and the
    queue of such a comment alone (docs/decisions/0011-people-decide-models-advise.md)."""
    since = comment.edited_at or comment.created_at
    return Decision.objects.filter(
        comment_id=comment.pk,
        actor_id__isnull=False,
        action__in=DECISIONS,
        created_at__gte=since,
    ).exists()


def subject_of(comment: Comment, level: str) -> Subject:
    own_html = quotes.own_html(comment.body_html)
    return Subject(
        text=quotes.own_text(comment.body_html),
        body=comment.body,
        language=comment.language,
        thread_id=comment.thread_id,
        comment_id=comment.pk,
        author_key=people.key_of(comment),
        author_trust=level,
        links=len(_LINK.findall(own_html)),
        created_at=comment.created_at,
        urls=tuple(html.unescape(url) for url in _HREF.findall(own_html)),
        website=comment.author_website,
        ip=comment.ip_address or "",
    )


def settings_of(rules: Policy) -> Settings:
    return Settings(
        max_links=rules.max_links, review_score=rules.review_score, hold_score=rules.hold_score
    )


def as_scores(results: list[Result]) -> dict:
    return {
        r.signal: {
            "score": round(r.score, 3),
            "reasons": r.reasons,
            "hold": r.hold,
            "review": r.review,
            **({"earlier_id": r.earlier_id} if r.earlier_id is not None else {}),
            **({"kinds": list(r.kinds)} if r.kinds else {}),
            **({"marks": list(r.marks)} if r.marks else {}),
        }
        for r in results
    }


def review_summary(reasons: list[str]) -> str:
    return ("to review: " + "; ".join(reasons))[:500] if reasons else ""


def summary_of(reasons: list[str]) -> str:
    return ("held: " + "; ".join(reasons))[:500] if reasons else ""


def _fast_signals(comment: Comment) -> tuple[Policy, str, Subject, list, list[Result]] | None:
    """The post's policy, the commenter's trust, and what the signals that run while posting
    find in the comment's words; None for the staff, whom no signal screens."""
    rules = policy.for_post(comment.thread.post_id)
    level = people.trust(comment, trusted_after=rules.trusted_after)
    if level == people.STAFF:
        return None
    subject = subject_of(comment, level)
    inline = [signal for signal in active() if signal.inline]
    results = [result for signal in inline for result in signal.score(subject, settings_of(rules))]
    return rules, level, subject, inline, results


def _ban_of(comment: Comment) -> Ban | None:
    return bans.matching(
        user_id=comment.author_id, email=comment.author_email, ip=comment.ip_address
    )


def screen(comment: Comment) -> Callable[[Comment], None] | None:
    """The screener discussion.actions calls with each comment being posted."""
    found = _ban_of(comment)
    if found is not None and not found.shadow:
        raise Forbidden(bans.refusal(found), code="banned")
    fast = _fast_signals(comment)
    if fast is None:
        return None
    rules, level, subject, inline, results = fast
    reasons: list[str] = []
    if rules.mode == Policy.Mode.ALL:
        reasons.append("every comment is reviewed")
    elif rules.mode == Policy.Mode.UNTRUSTED and level in (people.GUEST, people.VERIFIED):
        reasons.append("new or untrusted commenter")
    by_policy = list(reasons)
    for result in results:
        if result.hold:
            reasons.extend(result.reasons or [result.signal])
    shadow = found is not None and found.shadow
    held = bool(reasons) or shadow
    if held:
        comment.status = Comment.Status.PENDING

    def after_save(saved: Comment) -> None:
        for signal in inline:
            signal.remember(subject, saved.pk)
        scores = as_scores(results)
        to_review = [reason for result in results if result.review for reason in result.reasons]
        questioned = bool(to_review) and not held
        Screening.objects.create(
            comment=saved,
            scores=scores,
            held=held,
            review=questioned,
            shadow=shadow,
            summary=summary_of(reasons) if held else review_summary(to_review),
            reasons=kinds.of(scores, policy=by_policy, shadow=shadow),
        )
        if held:
            why = summary_of(reasons) or "held"
            record(
                Decision.Action.HOLD,
                comment=saved,
                reason="shadow-banned" if shadow and not reasons else why,
                scores=scores,
                before="",
                after=saved.status,
            )
        _score_after_commit(saved.pk)

    return after_save


def _edited_by_a_moderator(comment: Comment) -> bool:
    """Whether the edit being screened is a moderator's (edit_comment() names the editor)."""
    editor = comment.editor
    return editor is not None and editor.moderates


def screen_edit(comment: Comment) -> Callable[[Comment], None] | None:
    """The screener discussion.actions calls with each comment being edited, the same
    screening as posting: a banned commenter is refused (a shadow-banned one's comment is
    hidden again), the fast signals look at the new words, and a published comment they
    hold is hidden again until a moderator decides (an edit that adds shop links to a
    published comment). Once saved, the stored fingerprint follows the new words, the old
    embedding is dropped, and the background half scores the new words."""
    found = _ban_of(comment)
    if found is not None and _edited_by_a_moderator(comment):
        found = None  # a moderator may edit (redact) a banned commenter's comment
    if found is not None and not found.shadow:
        raise Forbidden(bans.refusal(found, editing=True), code="banned")
    shadow = found is not None
    fast = _fast_signals(comment)
    if fast is None:
        return None
    _rules, _level, subject, inline, results = fast
    reasons = [reason for result in results if result.hold for reason in result.reasons or []]
    before = comment.status
    hold = bool(reasons) or shadow
    if hold and before == Comment.Status.PUBLISHED:
        comment.status = Comment.Status.PENDING

    def after_save(saved: Comment) -> None:
        for signal in inline:
            signal.remember(subject, saved.pk)
        screening, _created = Screening.objects.select_for_update().get_or_create(comment=saved)
        scores = {**screening.scores, **as_scores(results)}
        screening.scores = scores
        screening.reasons = {**screening.reasons, **kinds.of(scores, shadow=shadow)}
        # The embedding was of the earlier words: the background half computes it again.
        screening.embedding = None
        fields = ["scores", "reasons", "embedding"]
        if hold:
            earlier = [screening.summary.removeprefix("held: ")] if screening.held else []
            why = reasons or ["shadow-banned"]
            screening.held = True
            screening.shadow = screening.shadow or shadow
            screening.summary = summary_of(list(dict.fromkeys([*earlier, *why])))
            fields += ["held", "shadow", "summary"]
        screening.save(update_fields=fields)
        if hold and before == Comment.Status.PUBLISHED:
            record(
                Decision.Action.HOLD,
                comment=saved,
                reason=summary_of(reasons or ["shadow-banned"]) + " (after an edit)",
                scores=scores,
                before=before,
                after=saved.status,
            )
        _score_after_commit(saved.pk)

    return after_save


def score_later(comment_id: int) -> None:
    """The background half: the learned classifier and near-duplicates across languages.

    The slow part (embedding, the model) runs before any lock is taken. Then the thread, the
    comment and its screening are locked in that order (the comment actions' order) and read
    again: scores of words since edited are dropped (the edit queued scoring again), and a
    comment a moderator has decided keeps its status and its place out of the queue. Only
    the screening's own fields are written."""
    import parley.moderation.learning as learning
    from parley.discussion.actions import set_comment_status
    from parley.lib.errors import Conflict
    from parley.moderation import highlight
    from parley.moderation.signals.classifier import (
        embedding_bytes,
        near_duplicates_across_languages,
    )

    comment = Comment.objects.filter(pk=comment_id).select_related("thread__post").first()
    if comment is None or comment.status in (Comment.Status.DELETED, Comment.Status.REJECTED):
        return
    rules = policy.for_post(comment.thread.post_id)
    level = people.trust(comment, trusted_after=rules.trusted_after)
    subject = subject_of(comment, level)
    results = [
        result
        for signal in active()
        if not signal.inline
        for result in signal.score(subject, settings_of(rules))
    ]
    reasons = [reason for result in results if result.hold for reason in result.reasons]
    to_review = [reason for result in results if result.review for reason in result.reasons]
    vector = learning.embed([subject.text or comment.body])[0]
    long_enough = len(subject.text.split()) >= TWIN_MIN_WORDS
    twins = (
        near_duplicates_across_languages(
            vector, comment.thread_id, comment.pk, language=comment.language
        )
        if comment.language and long_enough
        else []
    )
    if twins:
        twin = Result(
            signal="duplicates_translated",
            score=1.0,
            reasons=[f"possibly a translation of #{twins[0]}"],
            review=True,
        )
        results.append(twin)
        to_review.extend(twin.reasons)
    version = learning.active()
    fresh = as_scores(results)
    if level != people.STAFF:  # the sentence that drove the score, for a queued comment only
        highlight.add_sentence(fresh, subject.text or comment.body)
    with transaction.atomic():
        # Thread, comment, screening: the order every comment action locks in. The thread
        # only where the comment may be held (its count changes), so that scoring does not
        # wait behind every comment posted to the thread.
        if reasons and level != people.STAFF:
            list(Thread.objects.select_for_update().filter(pk=comment.thread_id).values("pk"))
        current = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if current is None or current.status in (
            Comment.Status.DELETED,
            Comment.Status.REJECTED,
        ):
            return
        if current.body != comment.body:
            return  # edited meanwhile: the edit queued these words' scoring
        screening, _created = Screening.objects.select_for_update().get_or_create(comment=current)
        scores = {**screening.scores, **fresh}
        screening.scores = scores
        screening.embedding = embedding_bytes(vector)
        screening.scored_at = timezone.now()
        screening.classifier_version = version.pk if version else None
        fields = ["scores", "embedding", "scored_at", "classifier_version"]
        # What the model says is advice to a moderator: once one has decided, it is kept in
        # the scores and changes neither the status nor the queue.
        advised = level != people.STAFF and not decided(current)
        if advised:
            screening.reasons = {**screening.reasons, **kinds.of(scores)}
            fields.append("reasons")
        hold = bool(reasons) and advised
        if hold:
            earlier = [screening.summary.removeprefix("held: ")] if screening.summary else []
            screening.summary = summary_of([*earlier, *reasons])
            screening.held = True
            fields += ["summary", "held"]
        elif to_review and advised and not screening.held:
            earlier = [screening.summary.removeprefix("to review: ")] if screening.review else []
            screening.review = True
            screening.summary = review_summary([*earlier, *to_review])
            fields += ["review", "summary"]
        screening.save(update_fields=fields)
        if hold and current.status == Comment.Status.PUBLISHED:
            try:
                set_comment_status(
                    current, Comment.Status.PENDING, by=None, expected=Comment.Status.PUBLISHED
                )
            except Conflict:
                return
            record(
                Decision.Action.HOLD,
                comment=current,
                reason=summary_of(reasons),
                scores=scores,
                before=Comment.Status.PUBLISHED,
                after=Comment.Status.PENDING,
            )

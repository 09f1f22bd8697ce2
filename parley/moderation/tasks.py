"""Background tasks of moderation (Django's tasks API; `parley serve` runs the worker).

This module imports screening, never the other way round: screening queues scoring through
the enqueue hooks.connect() hands it (screening.queue_scoring_with).
"""

from __future__ import annotations

from django.tasks import task

from parley.moderation import screening

# Higher runs first (Django's tasks range from -100 to 100): a comment waiting for its score
# goes before translation batches (0 and below), and retraining waits for both.
PRIORITY_SCORING = 50
PRIORITY_RETRAIN = -50


@task(queue_name="default", priority=PRIORITY_SCORING)
def score_comment(comment_id: int) -> None:
    """Score a committed comment with the learned classifier; hold it if it needs review."""
    screening.score_later(comment_id)


@task(queue_name="default", priority=PRIORITY_RETRAIN)
def retrain() -> int | None:
    """Train a new classifier version if moderators decided anything since the last one."""
    import parley.moderation.learning as learning
    from parley.moderation.models import Example

    current = learning.active()
    newer = Example.objects.all()
    if current is not None:
        newer = newer.filter(created_at__gt=current.created_at)
    if current is not None and not newer.exists():
        return None
    return learning.train(note="after moderators' decisions").pk

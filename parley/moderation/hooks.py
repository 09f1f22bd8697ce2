"""How moderation attaches to the discussion (called from apps.py)."""

from __future__ import annotations


def connect() -> None:
    from parley.discussion import actions, hooks
    from parley.moderation import screening, tasks

    actions.register_screener(screening.screen)
    actions.register_edit_screener(screening.screen_edit)
    # Changes to shadow-banned authors' comments are told to moderators only.
    hooks.register_concealer(shadowed)
    # Screening queues the background half through the task; it never imports the task.
    screening.queue_scoring_with(tasks.score_comment.enqueue)


def shadowed(comment_ids: list[int]) -> set[int]:
    """Which of these comments a shadow-banned author wrote (moderation.held shows them to
    their author unmarked, and to no one else)."""
    from parley.moderation.models import Screening

    rows = Screening.objects.filter(comment_id__in=comment_ids, shadow=True)
    return set(rows.values_list("comment_id", flat=True))

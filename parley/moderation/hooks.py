"""How moderation attaches to the discussion (called from apps.py)."""

from __future__ import annotations


def connect() -> None:
    from parley.discussion import actions
    from parley.moderation import screening, tasks

    actions.register_screener(screening.screen)
    actions.register_edit_screener(screening.screen_edit)
    # Screening queues the background half through the task; it never imports the task.
    screening.queue_scoring_with(tasks.score_comment.enqueue)

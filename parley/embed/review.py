"""A site's "hold every comment for review": its pages' comments wait for a moderator.

Registered as a screener of discussion's one gatekeeper (discussion.hooks, decision 0012),
so it holds a comment however it is posted (widget, API, form), whatever the moderation
policy decides: the moderation screener only ever holds, never publishes.
"""

from __future__ import annotations

from parley.discussion.models import Comment
from parley.embed.models import EmbeddedPage


def hold_for_site(comment: Comment) -> None:
    if comment.status != Comment.Status.PUBLISHED:
        return None
    held = EmbeddedPage.objects.filter(
        post__thread=comment.thread_id, site__hold_for_review=True
    ).exists()
    if held:
        comment.status = Comment.Status.PENDING
    return None

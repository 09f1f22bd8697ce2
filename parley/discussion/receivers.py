"""What the discussion app does when another app's events reach it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from parley.discussion import changes
from parley.discussion.actions import open_thread


def post_saved(sender, *, post, created: bool, **kwargs) -> None:
    """A saved post has a thread; an edited post's cached pages show its new title and author.
    Readers hear of the change only while the post is published."""
    thread = open_thread(post)
    if not created:
        shown = post.is_published and post.published_at <= timezone.now()
        with transaction.atomic():
            changes.thread_changed([thread.pk], changes.THREAD, staff_only=not shown)

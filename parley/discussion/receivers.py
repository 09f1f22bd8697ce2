"""What the discussion app does when another app's events reach it."""

from __future__ import annotations

from django.db.models import F

from parley.discussion.actions import open_thread
from parley.discussion.models import Thread


def post_saved(sender, *, post, created: bool, **kwargs) -> None:
    """A saved post has a thread; an edited post's cached pages show its new title and author."""
    thread = open_thread(post)
    if not created:
        Thread.objects.filter(pk=thread.pk).update(version=F("version") + 1)

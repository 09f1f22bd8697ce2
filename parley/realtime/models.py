from __future__ import annotations

from django.db import models
from django.utils import timezone


class Event(models.Model):
    """One change to a thread, kept PARLEY_LIVE_KEEP minutes for pages that reconnect.

    Its id on the wire is `version`: the thread's version after the change, stored in the
    change's transaction while the thread row is locked, so per thread it grows in commit
    order (docs/decisions/0018-live-events.md)."""

    thread = models.ForeignKey("discussion.Thread", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16)
    comments = models.JSONField(default=list)
    # For moderators only: held comments, shadow-banned authors' comments, unpublished posts.
    staff_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "version"], name="event_thread_version")
        ]
        indexes = [models.Index(fields=["created_at"], name="event_created")]

    def __str__(self) -> str:
        return f"{self.kind} in thread {self.thread_id} at {self.version}"

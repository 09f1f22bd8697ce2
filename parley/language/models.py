from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Translation(models.Model):
    """A comment, document or post in one reader language, made by one engine and model.

    One row per (object, target language). It is valid only while its source digest,
    engine and model version match the object's current text and the engine's current
    route; anything else is a miss, and the row is made anew.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        DOCUMENT = "document", _("document")
        POST = "post", _("post")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the engine")
        DONE = "done", _("translated")
        RETRY = "retry", _("engine unavailable; will retry")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=16, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    target = models.CharField(_("into"), max_length=8)
    source_language = models.CharField(_("from"), max_length=8)
    source_digest = models.CharField(max_length=64)
    engine = models.CharField(max_length=32)
    model_version = models.CharField(max_length=300)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    # The translated title (documents, posts) and body, as sanitized HTML.
    title = models.TextField(blank=True)
    html = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    # The background task this row is claimed by while it waits ("pending" or "retry"): a
    # page that finds it waiting queues nothing more unless that task is gone or failed.
    task_id = models.CharField(max_length=64, blank=True, default="")
    translated_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("translation")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "target"], name="translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.target} ({self.state})"

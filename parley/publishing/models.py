from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parley.accounts.models import validate_timezone


class Post(models.Model):
    """An article, or a dossier of source documents with the editor's introduction."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        DOSSIER = "dossier", _("Dossier")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.ARTICLE)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Markdown. For a dossier, the editor's introduction."),
    )
    introduction_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # Detected from the title and introduction ("" when unknown).
    language = models.CharField(_("language"), max_length=8, blank=True, editable=False)
    language_confidence = models.FloatField(default=0.0, editable=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("post")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("post", args=[self.slug])

    @property
    def is_dossier(self) -> bool:
        return self.kind == self.Kind.DOSSIER


class SourceDocument(models.Model):
    """A primary source in a dossier: a letter, a press release, a transcript..."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter")
        PRESS_RELEASE = "press_release", _("Press release")
        STATEMENT = "statement", _("Statement")
        TRANSCRIPT = "transcript", _("Transcript")
        OTHER = "other", _("Document")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.OTHER)
    slug = models.SlugField(
        _("anchor"), max_length=80, help_text=_("The document's anchor on the dossier page.")
    )
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    place = models.CharField(_("place"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("date and time"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("Where it happened, e.g. Europe/Vienna. The dateline uses it."),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=16, blank=True, help_text=_("Language code, e.g. en, pt, sr.")
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. In a transcript, one turn per paragraph: “Question: …” or “Name: …”."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    # Detected from the body; `language`, when the editor sets it, wins.
    detected_language = models.CharField(max_length=8, blank=True, editable=False)
    language_confidence = models.FloatField(default=0.0, editable=False)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "slug"], name="document_slug_per_post")
        ]
        verbose_name = _("source document")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#{self.slug}"

    @property
    def effective_language(self) -> str:
        """The editor's language code, else the detected one ("" when unknown)."""
        from parley.lib.languages import canonical

        return canonical(self.language) if self.language else self.detected_language

    @property
    def local_time(self) -> datetime:
        return self.occurred_at.astimezone(zoneinfo.ZoneInfo(self.timezone or "UTC"))

    def passage_url(self, index: int) -> str:
        return f"{self.post.get_absolute_url()}#{self.slug}-p{index}"

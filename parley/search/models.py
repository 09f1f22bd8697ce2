from __future__ import annotations

from django.db import models
from django.utils import timezone


class Entry(models.Model):
    """One searchable text: a comment in its own language or one stored translation of it,
    a post's title and introduction, or one passage of a source document.

    Only what every reader may see is here: a comment is entered while it is published and
    taken out when it is held, removed, rejected or deleted; a post's entries are shown only
    while the post is (the query joins the post, so a post scheduled for later shows nothing
    until its time). The engines index `folded` (parley/search/folding.py): SQLite through the
    FTS5 table `search_fts`, PostgreSQL through the generated `folded_vector` column, both
    made by migration 0001 for their database alone.
    """

    class Source(models.TextChoices):
        COMMENT = "comment"
        POST = "post"
        DOCUMENT = "document"

    source = models.CharField(max_length=16, choices=Source)
    object_id = models.PositiveBigIntegerField()
    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="+")
    thread_id = models.PositiveBigIntegerField()
    # Indexed only where set (see Meta): a comment's entries have no document, and the other
    # way round, so each entry writes one of the two indexes, not both.
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    document = models.ForeignKey(
        "publishing.SourceDocument",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # The place of the text on its page: a comment's id, or a passage's anchor.
    anchor = models.CharField(max_length=200, blank=True)
    author_key = models.CharField(max_length=120, blank=True)  # the name, folded (the filter)
    author_name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=8, blank=True)
    is_original = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    title = models.TextField(blank=True)
    text = models.TextField()  # plain text, as the excerpt shows it
    folded = models.TextField()  # what the engines index

    class Meta:
        # Each index is written by every new comment's entry, on the posting path: only
        # what removals and cascades look rows up by (an entry's object through its own
        # column; the post through the foreign key's index).
        indexes = [
            models.Index(
                fields=["comment"],
                name="search_entry_comment",
                condition=models.Q(comment__isnull=False),
            ),
            models.Index(
                fields=["document"],
                name="search_entry_document",
                condition=models.Q(document__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id} ({self.language or '?'})"

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    """The discussion under one post."""

    post = models.OneToOneField("publishing.Post", on_delete=models.CASCADE, related_name="thread")
    is_open = models.BooleanField(_("open for comments"), default=True)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Bumped in the same transaction as every change to the thread's comments;
    # caches of rendered pages are keyed by it, so they can never go stale.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("thread")

    def __str__(self) -> str:
        return f"Discussion of {self.post}"

    def get_absolute_url(self) -> str:
        return self.post.get_absolute_url() + "#comments"


class Comment(models.Model):
    """A reader's comment: a node of the thread's reply tree (adjacency list)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Awaiting review")
        REJECTED = "rejected", _("Rejected")
        DELETED = "deleted", _("Deleted")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    # The top-level comment this one hangs under (None for top-level comments):
    # one indexed query fetches any set of whole subtrees in display order.
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveIntegerField(default=0)
    # Who is editing, on the draft of an edit that the edit screeners see (never stored).
    editor: Any = None

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=80)
    author_email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    author_website = models.URLField(_("website"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PUBLISHED)
    # Detected from the comment's own words ("" when unknown: too short or unsure).
    language = models.CharField(_("language"), max_length=8, blank=True, editable=False)
    language_confidence = models.FloatField(default=0.0, editable=False)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Direct replies, and (on top-level comments) replies at any depth below.
    reply_count = models.PositiveIntegerField(default=0)
    subtree_count = models.PositiveIntegerField(default=0)
    # Readers' counted votes (votes.py) and the lower bound of the Wilson interval at 95% over
    # them, stored so that the "best" order is a plain ORDER BY.
    up_count = models.PositiveIntegerField(default=0, editable=False)
    down_count = models.PositiveIntegerField(default=0, editable=False)
    best_score = models.FloatField(default=0.0, editable=False)

    # sha256 of the client's identity and its Idempotency-Key; a retried POST finds it.
    idempotency_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("comment")
        indexes = [
            models.Index(
                models.F("thread"),
                Coalesce("root", "id"),
                models.F("id"),
                name="comment_thread_order",
            ),
            models.Index(fields=["root", "id"], name="comment_subtree"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} by {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse("comment", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.status == self.Status.DELETED

    @property
    def is_visible(self) -> bool:
        """Shown to every reader: published, or a "deleted" placeholder its replies hang under.
        Stored counts (replies, subtree, thread) count these only (a thread's comment count,
        the published ones)."""
        return self.status in VISIBLE

    def can_change(self, user=None, edit_tokens: Iterable[str] = (), *, now=None) -> bool:
        """Whether this person may edit or delete the comment.

        `user` is the account asking (None or anonymous for a guest); `edit_tokens` are the
        guest's signed edit tokens (a cookie on the web, a header in the API).
        """
        from parley.discussion import tokens

        signed_in = user is not None and user.is_authenticated
        # A deleted comment is a placeholder for its replies: there is nothing left to change.
        if self.is_deleted:
            return False
        # Moderators (and staff) tidy any discussion, at any time.
        if signed_in and user.moderates:
            return True
        # Everyone else only within the edit window after posting...
        if not self.in_edit_window(now):
            return False
        # ...the account that wrote it,
        if self.author_id is not None:
            return signed_in and user.pk == self.author_id
        # ...or the guest holding the edit token this comment's POST answered with.
        return tokens.any_allows(edit_tokens, self.pk)

    @property
    def edit_deadline(self):
        return self.created_at + timedelta(seconds=settings.PARLEY_EDIT_WINDOW_SECONDS)

    def in_edit_window(self, now=None) -> bool:
        return (now or timezone.now()) <= self.edit_deadline

    def can_vote(self, user=None, posted: Iterable[int] = ()) -> bool:
        """Whether this reader may vote on the comment: anyone but its author.

        `posted` holds the ids of the comments a guest posted from this browser (their signed
        posted-comments cookie or edit token)."""
        # An account's own comment, or the one a guest posted from this browser.
        if self.author_id is not None:
            return not (user is not None and user.is_authenticated and user.pk == self.author_id)
        return self.pk not in set(posted)

    def badge(self, post_author_id: int | None) -> str:
        """'author' for the post's author, 'moderator' for moderators, else ''."""
        moderates = self.author is not None and self.author.moderates
        return badge_for(self.author_id, post_author_id, author_moderates=moderates)


# The statuses every reader sees (access.VISIBLE is the same tuple).
VISIBLE = (Comment.Status.PUBLISHED, Comment.Status.DELETED)


def badge_for(author_id: int | None, post_author_id: int | None, *, author_moderates: bool) -> str:
    """The badge rule, for comments and for rows read without their model."""
    if author_id is None:
        return ""
    if author_id == post_author_id:
        return "author"
    return "moderator" if author_moderates else ""


class Quote(models.Model):
    """A passage of an earlier comment or of a source document, quoted in a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="quotes")
    position = models.PositiveSmallIntegerField()
    source_comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="quoted_by"
    )
    source_document = models.ForeignKey(
        "publishing.SourceDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quoted_by",
    )
    passage = models.PositiveIntegerField(null=True, blank=True)
    excerpt = models.TextField()

    class Meta:
        ordering = ["comment", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_comment__isnull=True)
                | models.Q(source_document__isnull=True),
                name="quote_has_one_source",
            ),
        ]


class Revision(models.Model):
    """An earlier version of an edited comment, kept as visible history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["comment", "written_at"]


class Vote(models.Model):
    """A reader's vote on a comment: one per reader (an account, or a guest's client key),
    changeable. Votes from one network on one comment in a burst count once (votes.py): the
    others are kept, uncounted, for moderators to see."""

    class Value(models.IntegerChoices):
        UP = 1, _("Useful")
        DOWN = -1, _("Not useful")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="votes",
    )
    # parley.lib.clients.client_key: "user:ID" for accounts, the address for guests.
    voter_key = models.CharField(max_length=80)
    # The voter's network (IPv4 /24, IPv6 /64, as flags count them); "" when unknown.
    network = models.CharField(max_length=64, blank=True)
    value = models.SmallIntegerField(choices=Value)
    # False for a vote that came in a burst from a network that already voted on the comment.
    counted = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter_key"], name="vote_once_per_voter"),
            models.CheckConstraint(condition=models.Q(value__in=(1, -1)), name="vote_value"),
        ]
        indexes = [
            models.Index(fields=["comment", "network", "created_at"], name="vote_burst"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on #{self.comment_id} by {self.voter_key}"


class Follow(models.Model):
    """A reader's choice to follow a thread, or to stop following it (follows.py).

    One row per account and thread. The state is kept, not just the row's presence: posting
    a comment follows the thread (`follows.follow_on_posting`) unless the reader stopped
    following it before, so a stop must be remembered. Guests never follow: nothing here
    groups them. Readers who follow a thread are the ones to hear of its new comments
    (`follows.followers`); a thread going away takes its rows with it.
    """

    class State(models.TextChoices):
        FOLLOWING = "following", _("Following")
        STOPPED = "stopped", _("Stopped following")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    state = models.CharField(max_length=16, choices=State, default=State.FOLLOWING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the state last changed (following again, or stopping).
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="follow_once_per_reader"),
            models.CheckConstraint(
                condition=models.Q(state__in=("following", "stopped")), name="follow_state"
            ),
        ]
        indexes = [
            # A thread's followers (who hears of a new comment).
            models.Index(fields=["thread", "state"], name="follow_thread_state"),
            # A reader's followed threads, latest first (their own profile).
            models.Index(fields=["user", "state", "updated_at"], name="follow_user_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} thread {self.thread_id}"

    @property
    def is_following(self) -> bool:
        return self.state == self.State.FOLLOWING

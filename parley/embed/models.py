from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parley.embed import addresses

MAX_TITLE_LENGTH = 300  # a Post's title holds as much
MAX_IDENTIFIER_LENGTH = 200


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def origins_in(text: str) -> list[str]:
    """The canonical origins of a one-per-line list; ValidationError naming the bad line."""
    out: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            origin = addresses.canonical_origin(line)
        except ValueError as error:
            raise ValidationError(
                _("Line %(n)s: %(why)s"), params={"n": number, "why": error}, code="origin"
            ) from error
        if origin not in out:
            out.append(origin)
    return out


def validate_origins(text: str) -> None:
    if not origins_in(text):
        raise ValidationError(
            _("Give at least one origin, such as https://example.org."), code="no_origin"
        )


class Site(models.Model):
    """Another web site whose pages show Parley's comments through the embedded widget."""

    name = models.CharField(_("name"), max_length=200)
    allowed_origins = models.TextField(
        _("allowed origins"),
        validators=[validate_origins],
        help_text=_(
            "One per line, as scheme://host[:port], e.g. https://blog.example.org. No path. "
            "A leading *. on the host, as in https://*.example.org, allows every subdomain "
            "of example.org (not example.org itself). The widget works only on pages of "
            "these origins."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        help_text=_("Language code of the site's pages, e.g. en or pt. Empty: detect it."),
    )
    hold_for_review = models.BooleanField(
        _("hold every comment for review"),
        default=False,
        help_text=_("Comments from this site wait for a moderator before anyone sees them."),
    )
    sso_secret = models.CharField(
        _("single sign-on secret"),
        max_length=64,
        default=new_secret,
        editable=False,
        help_text=_(
            "The site signs its readers' identities with it. Keep it on the site's server, "
            "never in a page. Regenerate it (the action in the list of sites) if it leaks."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("embedding site")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Stored in canonical form, so a request's Origin is found by a plain comparison.
        try:
            origins = origins_in(self.allowed_origins)
        except ValidationError:
            return  # the field's validator says why, once
        self.allowed_origins = "\n".join(origins)

    @property
    def origins(self) -> list[str]:
        return [line for line in self.allowed_origins.splitlines() if line.strip()]

    def allows(self, origin: str) -> bool:
        """Whether a canonical origin is one of this site's."""
        return any(addresses.origin_matches(allowed, origin) for allowed in self.origins)

    def regenerate_secret(self) -> None:
        self.sso_secret = new_secret()
        self.save(update_fields=["sso_secret"])


class EmbeddedPage(models.Model):
    """A page of a site that has a thread: the Post (kind article) that holds it."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="pages")
    key = models.TextField(_("canonical address"), editable=False)
    # sha256 of the key: what the unique index holds (a long address would not fit in one).
    key_digest = models.CharField(max_length=64, editable=False)
    url = models.TextField(_("address first seen"))
    title = models.CharField(_("title first given"), max_length=MAX_TITLE_LENGTH)
    identifier = models.CharField(
        _("data-parley-id"),
        max_length=MAX_IDENTIFIER_LENGTH,
        blank=True,
        help_text=_("The page's own identifier, when its snippet gives one."),
    )
    post = models.OneToOneField(
        "publishing.Post", on_delete=models.CASCADE, related_name="embedded_page"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("embedded page")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key_digest"], name="embedded_page_key_per_site"
            ),
            models.UniqueConstraint(
                fields=["site", "identifier"],
                condition=~models.Q(identifier=""),
                name="embedded_page_identifier_per_site",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class ReaderToken(models.Model):
    """A reader's sign-in for one site's widget: the widget sends it as a bearer token.

    Only the secret's sha256 is stored, so a copy of the database signs no one in."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_tokens"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="reader_tokens")
    made_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader token")

    def __str__(self) -> str:
        return f"{self.account_id}@{self.site_id}"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class SiteAccount(models.Model):
    """A reader of a site that signs its readers in (single sign-on): the site's own id of
    them, and the Parley account that comments for them."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="accounts")
    external_id = models.CharField(_("the site's id"), max_length=200)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_account"
    )
    avatar_url = models.URLField(_("avatar"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("single sign-on reader")
        constraints = [
            models.UniqueConstraint(fields=["site", "external_id"], name="site_account_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.external_id}"


class SsoNonce(models.Model):
    """A single sign-on payload's nonce, kept until the payload expires so it is used once."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "nonce"], name="sso_nonce_once_per_site")
        ]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.nonce

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as Europe/Lisbon."), params={"value": value}
        )


class User(AbstractUser):
    """A registered reader, editor or moderator.

    Guests comment without an account; their name lives on the comment.
    """

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Times are shown in this zone. Empty: the zone your browser reports."),
    )
    language = models.CharField(
        _("reading language"),
        max_length=8,
        blank=True,
        help_text=_(
            "Comments in other languages are shown translated into this one. "
            "Empty: the languages your browser asks for."
        ),
    )
    is_moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_("Moderators get a badge on their comments and may edit or remove any comment."),
    )

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def moderates(self) -> bool:
        return self.is_moderator or self.is_superuser

    @property
    def is_site_staff(self) -> bool:
        """Moderators, administrators and editors: only they may use staff names and words."""
        return self.moderates or self.is_staff

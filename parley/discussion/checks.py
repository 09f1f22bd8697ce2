"""Checks of what a commenter sends, before anything is prepared or locked: the body, the
name, e-mail and website, the rate, and a retried request's Idempotency-Key."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from parley.accounts import names as account_names
from parley.accounts.models import User
from parley.discussion.models import Comment, Thread
from parley.lib import ratelimit
from parley.lib.errors import Conflict, Forbidden, Invalid, TooManyRequests
from parley.lib.text import is_blank

NAME_MAX = 80
WEBSITE_MAX = 200
EMAIL_MAX = 254


@dataclass(frozen=True)
class Commenter:
    """Who is writing: an account, or a guest with a name."""

    user: User | None = None
    name: str = ""
    email: str = ""
    website: str = ""
    client: str = ""
    ip: str | None = None

    @property
    def display_name(self) -> str:
        return self.user.public_name if self.user else self.name


# -- validation ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_body(body: str) -> str:
    body = _CONTROL.sub("", (body or "").replace("\r\n", "\n"))
    if is_blank(body):
        raise Invalid(
            _("Write something before posting: the comment is empty."), field="body", code="empty"
        )
    limit = settings.PARLEY_COMMENT_MAX_LENGTH
    if len(body) > limit:
        raise Invalid(
            _(
                "The comment is %(length)s characters long; the limit is %(limit)s. "
                "Shorten it or split it into two comments."
            )
            % {"length": f"{len(body):,}", "limit": f"{limit:,}"},
            field="body",
            code="too_long",
        )
    return body


def check_commenter(commenter: Commenter, thread: Thread | None = None) -> Commenter:
    if commenter.user is not None:
        if not commenter.user.is_active:
            raise Forbidden(_("This account is disabled."))
        return commenter
    # Invisible characters are removed; staff names and words are refused, and so is the
    # post author's name in its own thread (docs/moderation.md, "Names").
    name = account_names.check_name(
        commenter.name or "",
        field="name",
        thread_id=thread.pk if thread is not None else None,
        empty_message=_("Give a name to comment as a guest, or log in."),
        max_length=NAME_MAX,
    )
    email = (commenter.email or "").strip()
    if email:
        if len(email) > EMAIL_MAX:
            raise Invalid(_("That e-mail address is too long."), field="email")
        try:
            EmailValidator()(email)
        except ValidationError:
            raise Invalid(
                _("“%(email)s” is not an e-mail address. Leave it empty if you prefer.")
                % {"email": email},
                field="email",
                code="bad_email",
            ) from None
    website = (commenter.website or "").strip()
    if website:
        if "://" not in website:
            website = "https://" + website
        try:
            if len(website) > WEBSITE_MAX:
                raise ValidationError("too long")
            if _CONTROL.search(website):  # URLValidator lets a NUL through in the path
                raise ValidationError("control character")
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise Invalid(
                _("The website must be an http or https address of at most %(limit)s characters.")
                % {"limit": WEBSITE_MAX},
                field="website",
                code="bad_website",
            ) from None
    return Commenter(
        user=None, name=name, email=email, website=website, client=commenter.client, ip=commenter.ip
    )


def check_rate(commenter: Commenter) -> None:
    rate = settings.PARLEY_COMMENT_RATE
    if rate is None or not commenter.client or (commenter.user and commenter.user.moderates):
        return
    limit, period = rate
    if wait := ratelimit.hit("comment", commenter.client, limit=limit, period=period):
        raise TooManyRequests(
            _(
                "You are posting too fast (at most %(limit)s comments in %(period)s seconds). "
                "Try again in %(wait)s seconds."
            )
            % {"limit": limit, "period": period, "wait": wait},
            retry_after=wait,
        )


def idempotency_digest(commenter: Commenter, key: str | None) -> str | None:
    if not key:
        return None
    if len(key) > 200:
        raise Invalid(
            _("The Idempotency-Key is limited to 200 characters."), field="idempotency_key"
        )
    return hashlib.sha256(f"{commenter.client}\x00{key}".encode()).hexdigest()


def replay(digest: str | None, thread: Thread, body: str, parent_id: int | None) -> Comment | None:
    """The comment an earlier request with the same key created, if any."""
    if digest is None:
        return None
    earlier = Comment.objects.filter(idempotency_key=digest).first()
    if earlier is None:
        return None
    if earlier.thread_id != thread.pk or earlier.body != body or earlier.parent_id != parent_id:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for a different comment. "
                "Use a new key for a new comment."
            ),
            code="idempotency_conflict",
        )
    earlier.replayed = True  # type: ignore[attr-defined]
    return earlier

"""Single sign-on: a site signs in its own readers by signing who they are with its secret.

The payload is `<base64url(JSON)>.<hex HMAC-SHA256(site secret, the base64url part)>`, the
JSON `{"id", "name", "email", "avatar" (optional), "exp" (unix seconds), "nonce"}`. A payload
is taken once (its nonce is kept until it expires), before `exp`, and only when `exp` is at
most MAX_AHEAD away, so a leaked payload is worth little. The reader is an account linked to
the site by the site's id of them (SiteAccount), made on first use, its name and e-mail
updated on each later one; it has no usable password (it signs in only through its site).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.accounts.names import check_name
from parley.embed.models import Site, SiteAccount, SsoNonce
from parley.lib.errors import Forbidden, Invalid

MAX_AHEAD = timedelta(hours=24)
MAX_PAYLOAD = 8_000
NAME_MAX = User._meta.get_field("display_name").max_length


def sign(secret: str, data: dict) -> str:
    """A payload as a site makes one (what docs/embedding.md shows in three languages)."""
    part = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    mac = hmac.new(secret.encode(), part.encode(), hashlib.sha256).hexdigest()
    return f"{part}.{mac}"


def _malformed(why: str) -> Invalid:
    return Invalid(why, field="payload", code="bad_sso")


def _refused(why: str) -> Forbidden:
    return Forbidden(why, code="sso_refused")


def _text(data: dict, key: str, *, required: bool = True, limit: int = 200) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _malformed(
            _("The sign-on payload's “%(key)s” must be text of 1 to %(limit)s characters.")
            % {"key": key, "limit": limit}
        )
    return value.strip()


def verify(site: Site, payload: str, *, now: datetime | None = None) -> dict:
    """The payload's JSON once its signature, expiry and nonce are checked; 400 or 403."""
    now = now or timezone.now()
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD or payload.count(".") != 1:
        raise _malformed(
            _(
                "The sign-on payload is not of the form <base64url JSON>.<hex signature>: "
                "make it as docs/embedding.md shows."
            )
        )
    part, mac = payload.split(".")
    expected = hmac.new(site.sso_secret.encode(), part.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac.lower()):
        raise _refused(
            _(
                "The sign-on payload's signature does not match: sign it with this site's "
                "current single sign-on secret, on the site's server."
            )
        )
    try:
        data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError):
        data = None
    if not isinstance(data, dict):
        raise _malformed(_("The sign-on payload's first part is not base64url-encoded JSON."))
    exp = data.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise _malformed(_("The sign-on payload's “exp” must be a whole number of seconds."))
    try:
        expires = datetime.fromtimestamp(exp, tz=UTC)
    except (OverflowError, OSError, ValueError):
        expires = None
    if expires is None and exp < 0 or expires is not None and expires <= now:
        raise _refused(
            _("The sign-on payload has expired: the site must sign a new one for each page.")
        )
    if expires is None or expires > now + MAX_AHEAD:
        raise _refused(_("The sign-on payload's “exp” is too far ahead: at most 24 hours."))
    data["_expires"] = expires
    return data


def _remember_nonce(site: Site, nonce: str, expires: datetime, now: datetime) -> None:
    SsoNonce.objects.filter(expires_at__lte=now).delete()  # prune the spent ones
    try:
        with transaction.atomic():
            SsoNonce.objects.create(site=site, nonce=nonce, expires_at=expires)
    except IntegrityError:
        raise _refused(
            _("This sign-on payload was used already: the site must sign a new one each time.")
        ) from None


def _checked_email(data: dict) -> str:
    email = _text(data, "email", required=False, limit=254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise _malformed(_("The sign-on payload's “email” is not an e-mail address.")) from None
    return email


def _checked_avatar(data: dict) -> str:
    avatar = _text(data, "avatar", required=False, limit=500)
    if avatar:
        try:
            URLValidator(schemes=["http", "https"])(avatar)
        except ValidationError:
            raise _malformed(
                _("The sign-on payload's “avatar” is not an http or https address.")
            ) from None
    return avatar


def _link_new_reader(
    site: Site, external_id: str, *, name: str, email: str, avatar: str
) -> SiteAccount:
    """A new account for the site's reader; the one made at the same moment by another
    request, when two sign in at once (the unique (site, id) decides)."""
    try:
        with transaction.atomic():
            account = User(
                username=f"sso-{site.pk}-{secrets.token_hex(8)}", display_name=name, email=email
            )
            account.set_unusable_password()
            account.save()
            return SiteAccount.objects.create(
                site=site, external_id=external_id, account=account, avatar_url=avatar
            )
    except IntegrityError:
        return SiteAccount.objects.select_related("account").get(site=site, external_id=external_id)


def sign_in(site: Site, payload: str, *, now: datetime | None = None) -> User:
    """The account of the site's reader the payload names (made on first use)."""
    now = now or timezone.now()
    data = verify(site, payload, now=now)
    external_id = _text(data, "id")
    nonce = _text(data, "nonce")
    email = _checked_email(data)
    avatar = _checked_avatar(data)
    raw_name = data.get("name", "")
    if not isinstance(raw_name, str):
        raise _malformed(_("The sign-on payload's “name” must be text."))
    with transaction.atomic():
        link = (
            SiteAccount.objects.select_related("account")
            .filter(site=site, external_id=external_id)
            .first()
        )
        account = link.account if link is not None else None
        name = check_name(
            raw_name,
            field="name",
            user=account,
            max_length=NAME_MAX,
            empty_message=_("The sign-on payload's “name” is empty: give the reader's name."),
        )
        _remember_nonce(site, nonce, data["_expires"], now)
        if link is None:
            link = _link_new_reader(site, external_id, name=name, email=email, avatar=avatar)
            account = link.account
        assert account is not None
        if (account.display_name, account.email) != (name, email):
            account.display_name, account.email = name, email
            account.save(update_fields=["display_name", "email"])
        if link.avatar_url != avatar:
            link.avatar_url = avatar
            link.save(update_fields=["avatar_url"])
    return account

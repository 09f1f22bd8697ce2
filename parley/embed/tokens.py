"""Reader tokens: what the widget sends (`Authorization: Bearer …`) for a signed-in reader.

A token belongs to one account and one site and lives TOKEN_LIFETIME; only its sha256 is
stored. The widget gets one from the sign-in popup (a Parley account) or from single sign-on
(a reader of the site), and gives it back to sign out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from parley.accounts.models import User
from parley.embed.models import ReaderToken, Site

TOKEN_LIFETIME = timedelta(days=30)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    secret: str  # shown to the widget once, never stored
    token: ReaderToken

    @property
    def expires_at(self) -> datetime:
        return self.token.expires_at


def issue(account: User, site: Site) -> Issued:
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ReaderToken.objects.create(
        digest=_digest(secret),
        account=account,
        site=site,
        made_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    return Issued(secret, token)


def find(secret: str) -> ReaderToken | None:
    """The token for a secret, while it is neither expired nor withdrawn."""
    if not secret or len(secret) > 200:
        return None
    token = (
        ReaderToken.objects.select_related("account", "site").filter(digest=_digest(secret)).first()
    )
    if token is None or not token.is_valid() or not token.account.is_active:
        return None
    return token


def revoke(token: ReaderToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def viewer_of(account: User | None) -> dict | None:
    """The widget's `viewer`: who it signs in as, and how."""
    if account is None or not account.is_authenticated:
        return None
    kind = "sso" if hasattr(account, "site_account") else "account"
    return {"name": account.public_name, "kind": kind}

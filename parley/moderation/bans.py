"""Bans by account, e-mail, address or network, with an expiry; time-outs and shadow-bans."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parley.accounts.models import User
from parley.discussion.models import Comment
from parley.lib.errors import Invalid, NotFound
from parley.moderation.log import record
from parley.moderation.models import Ban, Decision

MAX_DAYS = 3650


def _normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == Ban.Kind.ACCOUNT:
        user = User.objects.filter(Q(username=value) | Q(pk=int(value) if value.isdigit() else 0))
        found = user.first()
        if found is None:
            raise Invalid(_("There is no account “%(value)s”.") % {"value": value}, field="value")
        return str(found.pk)
    if kind == Ban.Kind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(
                _("“%(value)s” is not an e-mail address.") % {"value": value}, field="value"
            ) from None
        return value.lower()
    if kind == Ban.Kind.IP:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise Invalid(
                _("“%(value)s” is not an IP address (such as 203.0.113.9 or 2001:db8::1).")
                % {"value": value},
                field="value",
            ) from None
    if kind == Ban.Kind.NETWORK:
        try:
            if "/" not in value and ":" in value:  # an IPv6 address: its /64
                return str(ipaddress.ip_network(f"{value}/64", strict=False))
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise Invalid(
                _(
                    "“%(value)s” is not a network: write it as 203.0.113.0/24 or "
                    "2001:db8:1:2::/64, or give an IPv6 address to ban its /64."
                )
                % {"value": value},
                field="value",
            ) from None
    raise Invalid(_("“%(kind)s” is not a kind of ban.") % {"kind": kind}, field="kind")


def ban(
    *,
    kind: str,
    value: str,
    reason: str,
    by: User,
    days: float | None = None,
    shadow: bool = False,
    comment: Comment | None = None,
) -> Ban:
    """Ban someone; `days` None is for good. A short ban is a time-out."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason: it is shown to the banned commenter."), field="reason")
    if days is not None and not (0 < days <= MAX_DAYS):
        raise Invalid(
            _("A ban lasts from a few minutes to %(max)s days, or for good.") % {"max": MAX_DAYS},
            field="days",
        )
    value = _normalise(kind, value)
    expires = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        made = Ban.objects.create(
            kind=kind,
            value=value,
            reason=reason[:500],
            shadow=shadow,
            expires_at=expires,
            created_by=by,
        )
        action = Decision.Action.SHADOWBAN if shadow else Decision.Action.BAN
        if days is not None and days <= 7 and not shadow:
            action = Decision.Action.TIMEOUT
        until = formats.date_format(expires, "j F Y, H:i T") if expires else _("for good")
        record(
            action,
            by=by,
            comment=comment,
            commenter=f"{kind}:{value}",
            reason=f"{reason} ({until})",
        )
    return made


def lift(ban_id: int, *, by: User) -> Ban:
    with transaction.atomic():
        found = Ban.objects.select_for_update().filter(pk=ban_id).first()
        if found is None or not found.active():
            raise NotFound(_("That ban does not exist or is no longer in force."))
        found.lifted_at = timezone.now()
        found.save(update_fields=["lifted_at"])
        record(
            Decision.Action.UNBAN,
            by=by,
            commenter=f"{found.kind}:{found.value}",
            reason=found.reason,
        )
    return found


def _any_in_force(now) -> bool:
    """Whether any ban is in force at all: one small statement, written out since it runs on
    every post and most sites have no ban (building the ORM's query would cost more than
    running it). Nothing is cached, so a ban made by another server process applies to the
    next comment."""
    table = connection.ops.quote_name(Ban._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE lifted_at IS NULL"  # noqa: S608  (no input in it)
            " AND (expires_at IS NULL OR expires_at > %s) LIMIT 1",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        return cursor.fetchone() is not None


def matching(*, user_id: int | None, email: str, ip: str | None) -> Ban | None:
    """The ban in force that covers this commenter, if any (a full ban before a shadow one)."""
    now = timezone.now()
    wanted = Q()
    if user_id is not None:
        wanted |= Q(kind=Ban.Kind.ACCOUNT, value=str(user_id))
    if email:
        wanted |= Q(kind=Ban.Kind.EMAIL, value=email.lower())
    if ip:
        wanted |= Q(kind=Ban.Kind.IP, value=str(ipaddress.ip_address(ip)))
    if not wanted or not _any_in_force(now):
        return None
    if ip:
        wanted |= Q(kind=Ban.Kind.NETWORK)  # each compared with the address below
    in_force = Ban.objects.filter(
        Q(lifted_at__isnull=True), Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    found = []
    address = ipaddress.ip_address(ip) if ip else None
    for candidate in in_force.filter(wanted):  # one query, on every post
        if candidate.kind != Ban.Kind.NETWORK or (
            address is not None and address in ipaddress.ip_network(candidate.value)
        ):
            found.append(candidate)
    found.sort(key=lambda b: b.shadow)
    return found[0] if found else None


def refusal(found: Ban, *, editing: bool = False) -> str:
    """Why a banned commenter may not comment (or, `editing`, change their comments)."""
    values = {"reason": found.reason}
    if found.expires_at:
        values["until"] = formats.date_format(timezone.localtime(found.expires_at), "j F Y, H:i T")
        if editing:
            return _("You cannot edit your comments until %(until)s: %(reason)s") % values
        return _("You cannot comment until %(until)s: %(reason)s") % values
    if editing:
        return _("You cannot edit your comments any more: %(reason)s") % values
    return _("You cannot comment here any more: %(reason)s") % values

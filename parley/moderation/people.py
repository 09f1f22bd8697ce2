"""Who wrote a comment, as moderation sees them: a key, a trust level and a history.

An account is its id. A guest is their e-mail address when they gave one, else their
address (an IPv6 client's /64): the same keys bans and flags use.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import Lower

from parley.discussion.models import Comment

GUEST, VERIFIED, TRUSTED, STAFF = "guest", "verified", "trusted", "staff"


def network_of(ip: str | None) -> str:
    """The /64 of an IPv6 address, or the IPv4 address itself."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def key_of(comment: Comment) -> str:
    if comment.author_id is not None:
        return f"user:{comment.author_id}"
    if comment.author_email:
        return f"email:{comment.author_email.lower()}"
    if comment.ip_address:
        return f"ip:{network_of(comment.ip_address)}"
    return f"name:{comment.author_name.casefold()}"


def _same_author(comment: Comment) -> Q:
    if comment.author_id is not None:
        return Q(author_id=comment.author_id)
    if comment.author_email:
        return Q(author__isnull=True, author_email__iexact=comment.author_email)
    if comment.ip_address:
        return Q(author__isnull=True, ip_address=comment.ip_address)
    return Q(author__isnull=True, author_name=comment.author_name, ip_address__isnull=True)


@dataclass(frozen=True)
class History:
    published: int
    held: int
    rejected: int
    deleted: int

    @property
    def total(self) -> int:
        return self.published + self.held + self.rejected + self.deleted


def history(comment: Comment) -> History:
    """What the same commenter wrote before this comment, by status."""
    counts = (
        Comment.objects.filter(_same_author(comment))
        .exclude(pk=comment.pk)
        .aggregate(
            published=Count("pk", filter=Q(status=Comment.Status.PUBLISHED)),
            held=Count("pk", filter=Q(status=Comment.Status.PENDING)),
            rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
            deleted=Count("pk", filter=Q(status=Comment.Status.DELETED)),
        )
    )
    return History(**counts)


def trust(comment: Comment, *, trusted_after: int) -> str:
    """guest → verified (an account with an e-mail address) → trusted (that account with
    enough published comments and no rejection) → staff (moderators and the post's author)."""
    user = comment.author
    if user is None:
        # A guest's e-mail address is not verified: anyone could type a trusted one.
        return GUEST
    if user.moderates or user.pk == comment.thread.post.author_id:
        return STAFF
    if not user.email:
        return GUEST
    past = history(comment)
    if past.rejected == 0 and past.published >= trusted_after:
        return TRUSTED
    return VERIFIED


def _identity(author_id: int | None, email: str, ip: str | None, name: str) -> tuple:
    """What _same_author matches on, as a value."""
    if author_id is not None:
        return ("user", author_id)
    if email:
        return ("email", email.lower())
    if ip:
        return ("ip", ip)
    return ("name", name)


def histories(comments: list[Comment]) -> dict[int, History]:
    """history() of many comments in one query (the moderation queue's page)."""
    if not comments:
        return {}
    wanted = Q()
    for comment in comments:
        wanted |= _same_author(comment)
    counts: dict[tuple, dict[str, int]] = {}
    rows = (
        Comment.objects.filter(wanted)
        .annotate(email=Lower("author_email"))
        .values("author_id", "email", "ip_address", "author_name", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        who = _identity(row["author_id"], row["email"], row["ip_address"], row["author_name"])
        by_status = counts.setdefault(who, {})
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    out = {}
    for comment in comments:
        who = _identity(
            comment.author_id, comment.author_email, comment.ip_address, comment.author_name
        )
        by_status = dict(counts.get(who, {}))
        by_status[comment.status] = by_status.get(comment.status, 0) - 1  # not itself
        out[comment.pk] = History(
            published=by_status.get(Comment.Status.PUBLISHED, 0),
            held=by_status.get(Comment.Status.PENDING, 0),
            rejected=by_status.get(Comment.Status.REJECTED, 0),
            deleted=by_status.get(Comment.Status.DELETED, 0),
        )
    return out


def comments_by_key(key: str) -> Q | None:
    """The comments written by the commenter behind a key of key_of() (None for a key of no
    known kind). A guest keyed by an IPv6 network is matched by the comments' exact addresses
    in it only through their account or e-mail address: the network alone is not stored."""
    kind, _sep, value = key.partition(":")
    if kind == "user" and value.isdigit():
        return Q(author_id=int(value))
    if kind == "email" and value:
        return Q(author__isnull=True, author_email__iexact=value)
    if kind == "ip" and value and "/" not in value:
        return Q(author__isnull=True, author_email="", ip_address=value)
    if kind == "name" and value:
        return Q(author__isnull=True, ip_address__isnull=True, author_name__iexact=value)
    return None


# At most this many of a guest's published comments are read to compare their addresses.
KNOWN_SAMPLE = 20


def has_history(key: str, *, ip: str, before: datetime, exclude: int | None = None) -> bool:
    """Whether the commenter behind `key` had a comment published before `before`, and none
    rejected: someone readers already know, as opposed to a first-time commenter.

    An account is known by its own comments. A guest's typed e-mail address proves nothing
    (anyone can type a regular's), so only that address's comments sent from the same
    network count (an IPv6 client's /64; comments stored without an address, as importers
    and the demo store them, match each other). A guest without an address is known by the
    comments from the same address, one with neither by name alone."""
    kind, _sep, value = key.partition(":")
    if kind == "user" and value.isdigit():
        mine = Q(author_id=int(value))
    elif kind == "email":
        mine = Q(author__isnull=True, author_email__iexact=value)
    elif kind == "ip":
        mine = Q(author__isnull=True, author_email="", ip_address=ip or None)
    elif kind == "name":
        mine = Q(author__isnull=True, author_email="", ip_address__isnull=True)
        mine &= Q(author_name__iexact=value)
    else:
        return False
    earlier = Comment.objects.filter(mine, created_at__lt=before)
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude)
    if earlier.filter(status=Comment.Status.REJECTED).exists():
        return False
    published = earlier.filter(status=Comment.Status.PUBLISHED)
    if kind != "email":
        return published.exists()
    network = network_of(ip)
    addresses = published.order_by("-created_at").values_list("ip_address", flat=True)
    return any(network_of(seen) == network for seen in addresses[:KNOWN_SAMPLE])

"""Who is asking: the client's address, scheme and a stable key for rate limits and flags.

Behind a reverse proxy the peer is the proxy. When the peer is in PARLEY_TRUSTED_PROXIES,
`X-Forwarded-For` is read from the right past trusted hops only: the first address that is not
a trusted proxy is the client, and whatever a client wrote further left is never believed.
From any other peer the forwarded headers are ignored. This module is the one place that reads
REMOTE_ADDR (and, behind `parley serve`'s front door, X-Parley-Peer); everything else asks
`client_ip` or `client_key`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = ipaddress.IPv4Address("0.0.0.0")  # noqa: S104  (no usable peer address)
# The META key the scheme from a trusted proxy is written to; SECURE_PROXY_SSL_HEADER names it.
# A request header can only ever become an HTTP_* key, so no client can set this one.
SCHEME_KEY = "parley.forwarded_proto"
# Longer than any address a proxy writes ("[v6 with zone]:port"); longer entries are garbage.
_MAX_ENTRY = 64


def parse_address(raw: str) -> Address | None:
    """An address as servers and proxies write it, or None when it is not one.

    Accepted: "203.0.113.9", "203.0.113.9:4711", "2001:db8::1", "[2001:db8::1]",
    "[2001:db8::1]:443". An IPv4-mapped IPv6 address is its IPv4 address; a zone is dropped.
    """
    text = raw.strip()
    if not text or len(text) > _MAX_ENTRY:
        return None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        text = host
    elif text.count(":") == 1:
        text, port = text.split(":")
        if not port.isdigit():
            return None
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


def _peer(request: HttpRequest) -> Address:
    """The address at the other end of the connection. Behind `parley serve`'s front door the
    connection comes over a Unix socket (no REMOTE_ADDR), and the front door names the client
    in X-Parley-Peer, having removed any header of that name the client sent."""
    remote = request.META.get("REMOTE_ADDR") or ""
    if not remote and settings.PARLEY_FRONT_DOOR:
        remote = request.META.get("HTTP_X_PARLEY_PEER", "")
    return parse_address(remote) or UNKNOWN


def client_address(request: HttpRequest) -> Address:
    """The client: the peer, or the first untrusted hop of X-Forwarded-For from the right.

    When the chain holds an entry that is not an address, the nearest trusted hop stands
    for the client: nothing left of a broken entry can be checked."""
    networks: Sequence[Network] = settings.PARLEY_TRUSTED_PROXIES
    client = _peer(request)
    if not _trusted(client, networks):
        return client
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded is None:
        return client
    for entry in reversed(forwarded.split(",")):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return client


def client_ip(request: HttpRequest) -> str:
    """The client's address as text (for the stored comment, bans and the log)."""
    return str(client_address(request))


def forwarded_scheme(request: HttpRequest) -> str | None:
    """The scheme a trusted proxy reports in X-Forwarded-Proto ("https" or "http"), else None.

    With several values, the last one is the one the nearest proxy wrote."""
    if not _trusted(_peer(request), settings.PARLEY_TRUSTED_PROXIES):
        return None
    value = request.META.get("HTTP_X_FORWARDED_PROTO", "").rsplit(",", 1)[-1].strip().lower()
    return value if value in ("http", "https") else None


class ForwardedSchemeMiddleware:
    """Let `request.is_secure()` follow a trusted proxy's X-Forwarded-Proto (first in the list,
    so that every later middleware sees the right scheme)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop(SCHEME_KEY, None)
        if scheme := forwarded_scheme(request):
            request.META[SCHEME_KEY] = scheme
        return self.get_response(request)


def client_key(request: HttpRequest) -> str:
    """Accounts are keyed by id; guests by address (an IPv6 client by its /64)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    address = client_address(request)
    if address.version == 6:
        return "net:" + str(ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"


# The prefix of a client's network, where one counts for many addresses (flags, votes): what
# one person (or one host) can easily hold many addresses of.
NETWORK_PREFIX_V4, NETWORK_PREFIX_V6 = 24, 64


def network_of(address: str) -> str:
    """The network a client counts for: "203.0.113.0/24" for 203.0.113.9, the /64 of IPv6
    ("" for what is not an address)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = NETWORK_PREFIX_V4 if parsed.version == 4 else NETWORK_PREFIX_V6  # noqa: PLR2004
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))

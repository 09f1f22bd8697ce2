"""Who is asking: a stable key per client for rate limits and idempotency."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The peer's address. Behind a proxy, the proxy must set REMOTE_ADDR correctly."""
    raw = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return "0.0.0.0"  # noqa: S104


def client_key(request: HttpRequest) -> str:
    """Accounts are keyed by id; guests by address (an IPv6 client by its /64)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return "net:" + str(ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"

"""Where a form sends the reader back to: its `next` field, when it is an address of this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_address(request: HttpRequest, default: str) -> str:
    """The POSTed `next` when it stays on this host (and scheme, over HTTPS), else `default`:
    never an open redirect to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default

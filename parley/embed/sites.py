"""Which site a request comes from: the Site whose allowed origins hold its Origin header.

The Origin header is what a browser says about the page that sent a request; it keeps other
sites' pages from using a site's threads in a browser. It is no proof of anything outside a
browser (any program can send one), so it grants nothing a reader could not do anyway.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from parley.embed import addresses
from parley.embed.models import Site
from parley.lib.errors import Forbidden

_ON_REQUEST = "_parley_embed_site"


def origin_of(request: HttpRequest) -> str | None:
    """The request's Origin in canonical form; None when it has none or an unusable one."""
    header = request.headers.get("Origin", "")
    if not header or header == "null" or "*" in header:
        return None
    try:
        return addresses.canonical_origin(header)
    except ValueError:
        return None


def site_for_origin(origin: str | None) -> Site | None:
    """The site that allows the canonical origin (the first one added, if several do)."""
    if origin is None:
        return None
    # Origins are stored in canonical form, one a line: a site that lists this one holds
    # it as a substring, and wildcard sites hold "*.". Each candidate is then checked.
    candidates = Site.objects.filter(
        Q(allowed_origins__contains=origin) | Q(allowed_origins__contains="*.")
    ).order_by("id")
    return next((site for site in candidates if site.allows(origin)), None)


def for_request(request: HttpRequest) -> Site | None:
    """The requesting site, looked up once per request."""
    if not hasattr(request, _ON_REQUEST):
        setattr(request, _ON_REQUEST, site_for_origin(origin_of(request)))
    return getattr(request, _ON_REQUEST)


def require(request: HttpRequest) -> Site:
    """The requesting site, or 403 with a sentence saying why there is none."""
    site = for_request(request)
    if site is not None:
        return site
    header = request.headers.get("Origin", "")
    if not header:
        raise Forbidden(
            _(
                "The request has no Origin header: the embed API answers the pages of the "
                "sites added in Parley's admin, through a browser."
            ),
            code="origin",
        )
    raise Forbidden(
        _(
            "%(origin)s is not an allowed origin of any site: add it to the site's allowed "
            "origins in Parley's admin."
        )
        % {"origin": header[:200]},
        code="origin",
    )

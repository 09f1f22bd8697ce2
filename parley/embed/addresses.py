"""A page's canonical key from its address, and the origins a site may embed from.

Pure functions (their sentences translated): the same page reached through `HTTPS://Example.org:443/a?utm_source=x#top`
and `https://example.org/a` has one key, so it has one thread.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

# The longest page address taken (browsers accept longer ones; no page worth a thread needs it).
MAX_URL_LENGTH = 2000

# Query parameters that say how a reader arrived, not which page they read: dropped from keys.
# A name ending in "*" drops every parameter that starts with it.
TRACKING_PARAMETERS = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
    "ref_src",
)

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return any(
        lowered.startswith(p[:-1]) if p.endswith("*") else lowered == p for p in TRACKING_PARAMETERS
    )


def idna_host(host: str) -> str:
    """The host in lower case, a name's labels in their ASCII (IDNA) form."""
    host = host.lower().rstrip(".")
    if not host:
        raise ValueError(_("The address has no host name."))
    if ":" in host:  # an IPv6 address stays as written
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(_("“%(host)s” is not a valid host name.") % {"host": host}) from error


def _parts(url: str):
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(
            _("The address is %(n)s characters long; at most %(max)s are taken.")
            % {"n": f"{len(url):,}", "max": f"{MAX_URL_LENGTH:,}"}
        )
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in url.strip()):
        raise ValueError(
            _("The address holds a control character: send it as the browser shows it.")
        )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(_("“%(url)s” is not a valid web address.") % {"url": url[:100]}) from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(
            _("“%(url)s” is not a web page address: it must start with http:// or https://.")
            % {"url": url[:100]}
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(_("The address holds a user name or password: leave them out."))
    host = idna_host(parts.hostname or "")
    return scheme, host, port, parts


def _netloc(scheme: str, host: str, port: int | None) -> str:
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return host
    return f"{host}:{port}"


def canonical_key(url: str) -> str:
    """The page's key: scheme and host in lower case, the host in IDNA, the default port,
    the fragment and tracking parameters dropped, the other parameters sorted, "/" for an
    empty path. ValueError, with a sentence, for an address that is no web page's."""
    scheme, host, port, parts = _parts(url)
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(name)
    )
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")  # non-ASCII as %XX
    return urlunsplit((scheme, _netloc(scheme, host, port), path, urlencode(query), ""))


def digest(key: str) -> str:
    """A fixed-length fingerprint of a key (what the database indexes)."""
    return hashlib.sha256(key.encode()).hexdigest()


def host_of(url: str) -> str:
    """The page's host, as canonical_key writes it."""
    return _parts(url)[1]


def origin_host(origin: str) -> str:
    """The host of an origin, as host_of writes a page's."""
    return idna_host(urlsplit(origin).hostname or "")


def canonical_origin(origin: str) -> str:
    """`scheme://host[:port]` in canonical form; a leading `*.` on the host stands for any
    subdomain. ValueError, with a sentence, for anything else (a path, a query, a wildcard
    elsewhere)."""
    text = origin.strip()
    if not text:
        raise ValueError(_("An origin is empty."))
    if "*" in text:
        scheme, sep, rest = text.partition("://")
        if not sep or not rest.startswith("*.") or "*" in rest[2:]:
            raise ValueError(
                _("“%(origin)s”: a wildcard may only start the host, as in https://*.example.org.")
                % {"origin": text}
            )
        return _canonical_origin(f"{scheme}://{rest[2:]}", text, wildcard=True)
    return _canonical_origin(text, text, wildcard=False)


def _canonical_origin(text: str, shown: str, *, wildcard: bool) -> str:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ValueError(
            _("“%(origin)s” is not an origin such as https://example.org.") % {"origin": shown}
        ) from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            _(
                "“%(origin)s” is not an origin: write scheme://host[:port], such as https://example.org."
            )
            % {"origin": shown}
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            _("“%(origin)s”: an origin holds no user name or password.") % {"origin": shown}
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith("?"):
        raise ValueError(
            _(
                "“%(origin)s”: an origin has no path, query or fragment; write only scheme://host[:port]."
            )
            % {"origin": shown}
        )
    host = idna_host(parts.hostname)
    netloc = _netloc(scheme, host, port)
    return f"{scheme}://{'*.' if wildcard else ''}{netloc}"


def origin_matches(allowed: str, origin: str) -> bool:
    """Whether the canonical `origin` is the canonical `allowed` one or, for `*.host`, one
    of host's subdomains (never host itself) on the same scheme and port."""
    if "*." not in allowed:
        return allowed == origin
    scheme, _, rest = allowed.partition("://*.")
    prefix = f"{scheme}://"
    if not origin.startswith(prefix):
        return False
    return origin[len(prefix) :].endswith("." + rest)

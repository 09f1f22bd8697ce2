"""The one HTML allow-list. Every body Parley renders passes through clean_html()."""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"


def clean_html(fragment: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; links open safely."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        allowed_classes={"a": {"mention"}},
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment, without markup."""
    return html.unescape(nh3.clean(fragment, tags=set(), attributes={}))

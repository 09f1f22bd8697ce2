"""Quote directives in a comment's source, and the blocks they render as.

A quote is written in the source as

    :::quote comment 812
    the exact words quoted
    :::

or `:::quote document <anchor>` for a passage of one of the post's source
documents. The browser's "Quote" button and the no-JavaScript quote link both
write this form; the stored structure (models.Quote) is derived from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.lib.sanitize import plain_text

_BLOCK = re.compile(
    r"^:::quote[ \t]+(?P<kind>comment|document)[ \t]+(?P<target>[\w-]{1,80})[ \t]*\n"
    r"(?P<excerpt>.*?)\n:::[ \t]*$",
    re.MULTILINE | re.DOTALL,
)

MAX_QUOTES = 10
MAX_EXCERPT = 2_000
PREFILL_CHARS = 300
_QUOTE_BLOCK_HTML = re.compile(r'<blockquote class="quote.*?</blockquote>', re.DOTALL)


@dataclass(frozen=True)
class QuoteRef:
    kind: str  # "comment" or "document"
    target: str  # comment id, or document anchor
    excerpt: str


def split(source: str) -> list[str | QuoteRef]:
    """The source as Markdown segments and quote references, in order."""
    parts: list[str | QuoteRef] = []
    position = 0
    for match in _BLOCK.finditer(source):
        if text := source[position : match.start()].strip("\n"):
            parts.append(text)
        parts.append(QuoteRef(match["kind"], match["target"], match["excerpt"].strip()))
        position = match.end()
    if text := source[position:].strip("\n"):
        parts.append(text)
    return parts


def directive(kind: str, target: str | int, excerpt: str) -> str:
    """The source form of a quote, as the quote buttons insert it."""
    excerpt = "\n".join(line for line in excerpt.strip().splitlines() if line.strip() != ":::")
    return f":::quote {kind} {target}\n{excerpt}\n:::\n\n"


def quote_blocks(body_html: str) -> list[str]:
    """The rendered quote blocks of a comment's HTML, in order."""
    return _QUOTE_BLOCK_HTML.findall(body_html)


def own_html(body_html: str) -> str:
    """A comment's HTML without the quotes it holds."""
    return _QUOTE_BLOCK_HTML.sub("", body_html)


def own_text(body_html: str) -> str:
    """A comment's words without the quotes it holds, as plain text."""
    return plain_text(_QUOTE_BLOCK_HTML.sub("", body_html))


def opening_words(text: str, limit: int = PREFILL_CHARS) -> str:
    """The start of a text, cut at a word boundary: what a quote link pre-fills."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]

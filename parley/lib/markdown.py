"""Markdown to safe HTML, for comments and documents.

CommonMark with bare-URL linking and strikethrough; raw HTML in the source is
shown as text, images are not loaded (a link is shown instead) and the result
always passes through the sanitizer's allow-list. Nesting is capped, so a
5,000-level-deep quote or list renders in bounded time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from parley.lib.sanitize import clean_html

MAX_NESTING = 20


def _parser(*, linkify: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "maxNesting": MAX_NESTING})
    md.enable(["strikethrough", "table"])
    if linkify:
        md.enable("linkify")
    md.disable("image")
    md.core.ruler.after("linkify", "mentions", _mentions_rule)
    return md


@dataclass(frozen=True)
class Mentions:
    """Names that `@name` may refer to, mapped to the URL the mention links to."""

    targets: Mapping[str, str]

    def pattern(self) -> re.Pattern[str] | None:
        if not self.targets:
            return None
        names = sorted(self.targets, key=len, reverse=True)
        alternatives = "|".join(re.escape(name) for name in names)
        return re.compile(rf"(?<![\w@])@ ?({alternatives})(?!\w)", re.IGNORECASE)

    def url_for(self, name: str) -> str | None:
        lowered = name.casefold()
        for candidate, url in self.targets.items():
            if candidate.casefold() == lowered:
                return url
        return None


def _mentions_rule(state: StateCore) -> None:
    mentions: Mentions | None = state.env.get("mentions")
    if mentions is None:
        return
    pattern = mentions.pattern()
    if pattern is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            children.extend(_split_mentions(token, pattern, mentions))
        block.children = children


def _split_mentions(token: Token, pattern: re.Pattern[str], mentions: Mentions) -> list[Token]:
    out: list[Token] = []
    text = token.content
    position = 0
    for match in pattern.finditer(text):
        url = mentions.url_for(match.group(1))
        if url is None:
            continue
        if match.start() > position:
            out.append(_text(text[position : match.start()], token.level))
        link = Token("link_open", "a", 1, level=token.level)
        link.attrs = {"href": url, "class": "mention"}
        out.append(link)
        out.append(_text(match.group(0), token.level + 1))
        out.append(Token("link_close", "a", -1, level=token.level))
        position = match.end()
    if position < len(text):
        out.append(_text(text[position:], token.level))
    return out


def _text(content: str, level: int) -> Token:
    token = Token("text", "", 0, level=level)
    token.content = content
    return token


_MD = _parser()
_MD_WITHOUT_LINKIFY = _parser(linkify=False)
# Every link linkify can find has a scheme (":"), an e-mail "@" or a dot before a top-level
# domain; text with none of these renders the same without it, at a third of the cost.
_MAY_HOLD_LINK = re.compile(r"[:@]|\.[^\W\d_]{2,}")


def render(source: str, *, mentions: Mentions | None = None) -> str:
    """Safe HTML for a Markdown source."""
    env = {"mentions": mentions} if mentions else {}
    parser = _MD if _MAY_HOLD_LINK.search(source) else _MD_WITHOUT_LINKIFY
    return clean_html(parser.render(source, env))


def blocks(source: str) -> list[str]:
    """The source of each top-level block (paragraph, list, quote, table...), in order."""
    lines = source.splitlines()
    out = []
    for token in _MD.parse(source):
        if token.level == 0 and token.nesting in (0, 1) and token.map:
            start, end = token.map
            out.append("\n".join(lines[start:end]))
    return out

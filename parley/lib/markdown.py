"""Markdown to safe HTML, for comments and documents.

CommonMark with bare-URL linking and strikethrough; raw HTML in the source is
shown as text, images are not loaded (their alt text is shown as a link to the
image, never a stray "!") and the result always passes through the sanitizer's
allow-list. Nesting is capped, so a 5,000-level-deep quote or list renders in
bounded time. Comments are written one thought per line, so for them (`breaks`)
a single newline breaks the line, as in GitHub and Discourse comments; documents
keep CommonMark's paragraphs, where a newline inside one is a space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from parley.lib.sanitize import clean_html

MAX_NESTING = 20


def _parser(*, linkify: bool = True, breaks: bool = False) -> MarkdownIt:
    options = {"html": False, "linkify": linkify, "breaks": breaks, "maxNesting": MAX_NESTING}
    md = MarkdownIt("commonmark", options)
    md.enable(["strikethrough", "table"])
    if linkify:
        md.enable("linkify")
    md.add_render_rule("image", _image_as_link)
    md.core.ruler.after("linkify", "mentions", _mentions_rule)
    return md


def _image_as_link(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image is not loaded: its alt text (or, without one, its address) links to it."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    text = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escape(src)}">{escape(text)}</a>'


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
_MD_BREAKS = _parser(breaks=True)
_MD_BREAKS_WITHOUT_LINKIFY = _parser(linkify=False, breaks=True)
# Every link linkify can find has a scheme (":"), an e-mail "@" or a dot before a top-level
# domain; text with none of these renders the same without it, at a third of the cost.
_MAY_HOLD_LINK = re.compile(r"[:@]|\.[^\W\d_]{2,}")


def render(source: str, *, mentions: Mentions | None = None, breaks: bool = False) -> str:
    """Safe HTML for a Markdown source; with `breaks`, each newline breaks the line."""
    env = {"mentions": mentions} if mentions else {}
    if _MAY_HOLD_LINK.search(source):
        parser = _MD_BREAKS if breaks else _MD
    else:
        parser = _MD_BREAKS_WITHOUT_LINKIFY if breaks else _MD_WITHOUT_LINKIFY
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

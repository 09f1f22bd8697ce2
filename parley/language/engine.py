"""Route a translation to the configured engine, and translate Markdown safely.

A route is the list of engine pairs that turn one language into another: the
direct pair where the engine has it, else through English (pt → en → ru).
Markdown is translated block by block and line item by line item, so the
structure (paragraphs, lists, quotes, headings) survives; links, mentions,
addresses and inline code are kept out of the engine's reach and put back
unchanged, so they still work in the translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.language import providers
from parley.language.providers.base import Provider
from parley.lib import languages, markdown

PIVOT = "en"


@dataclass(frozen=True)
class Route:
    source: str  # stored language codes (languages.canonical)
    target: str
    steps: tuple[tuple[str, str], ...]  # the engine's pairs, in order
    provider: Provider

    @property
    def engine(self) -> str:
        return self.provider.name

    @property
    def label(self) -> str:
        return self.provider.label

    @property
    def model_version(self) -> str:
        return " + ".join(self.provider.model_version(s, t) for s, t in self.steps)

    def translate(self, sentences: list[str]) -> list[str]:
        for source, target in self.steps:
            sentences = self.provider.translate(sentences, source, target)
        return sentences


def route(source: str, target: str, provider: Provider | None = None) -> Route | None:
    """How to translate `source` into `target` with the engine, or None if it cannot."""
    if not source or not target or source == target:
        return None
    provider = provider or providers.current()
    pairs = provider.pairs()

    def direct(a: str, b: str) -> tuple[str, str] | None:
        for x in languages.members(a):
            for y in languages.members(b):
                if (x, y) in pairs:
                    return (x, y)
        return None

    if step := direct(source, target):
        return Route(source, target, (step,), provider)
    if PIVOT not in (source, target):
        first, second = direct(source, PIVOT), direct(PIVOT, target)
        if first and second:
            return Route(source, target, (first, second), provider)
    return None


# -- Markdown ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_PREFIX = re.compile(r"^(\s*(?:>\s?)*\s*(?:[-*+]\s+|\d{1,9}[.)]\s+|#{1,6}\s+)?)")
_ITEM_START = re.compile(r"^\s*(?:>\s?)*\s*(?:[-*+]\s+|\d{1,9}[.)]\s+|#{1,6}\s+)")
_KEEP = re.compile(
    r"\[[^\]\n]*\]\([^)\s]*\)"  # a Markdown link, text and all
    r"|<https?://[^>\s]+>"  # an autolink
    r"|(?:https?://|www\.)[^\s<>()]+[^\s<>().,;:!?'\"]"  # a bare address
    r"|`[^`\n]*`"  # inline code
    r"|\[\d+\]",  # something already looking like a placeholder
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"(\*\*|__|~~|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_PLACEHOLDER = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“«(¿¡]?[^\W\d_])")
MAX_SENTENCE_CHARS = 400


def _kept_spans(text: str, mentions: list[str]) -> list[tuple[int, int]]:
    spans = [m.span() for m in _KEEP.finditer(text)]
    for mention in mentions:
        pattern = re.compile(rf"(?<![\w@])@ ?{re.escape(mention)}(?!\w)", re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sentences(text: str) -> list[str]:
    """A paragraph cut into sentences (engines translate best one sentence at a time)."""
    out = []
    for sentence in _SENTENCE_END.split(text.strip()):
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else MAX_SENTENCE_CHARS
            out.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            out.append(sentence)
    return out


def translate_text(text: str, route: Route, *, mentions: list[str] = ()) -> str:  # type: ignore[assignment]
    """One line of prose; links, mentions, addresses and code come back unchanged."""
    text = " ".join(text.split())
    if not text:
        return text
    spans = _kept_spans(text, list(mentions))
    if not spans:
        return " ".join(route.translate(sentences(_EMPHASIS.sub("", text))))
    kept = [text[start:end] for start, end in spans]
    # First try: the whole line with numbered placeholders, which the engine keeps in place.
    masked, position = [], 0
    for number, (start, end) in enumerate(spans, start=1):
        masked.append(_EMPHASIS.sub("", text[position:start]))
        masked.append(f"[{number}]")
        position = end
    masked.append(_EMPHASIS.sub("", text[position:]))
    translated = " ".join(route.translate(sentences("".join(masked))))
    found = [int(n) for n in _PLACEHOLDER.findall(translated)]
    if sorted(found) == list(range(1, len(kept) + 1)):
        return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1)) - 1], translated)
    # The engine lost or repeated a placeholder: translate the words between kept parts.
    pieces, position = [], 0
    for (start, end), original in zip(spans, kept, strict=True):
        between = _EMPHASIS.sub("", text[position:start]).strip()
        if between:
            pieces.append(" ".join(route.translate(sentences(between))))
        pieces.append(original)
        position = end
    if rest := _EMPHASIS.sub("", text[position:]).strip():
        pieces.append(" ".join(route.translate(sentences(rest))))
    return " ".join(pieces)


def translate_block(block: str, route: Route, *, mentions: list[str] = ()) -> str:  # type: ignore[assignment]
    """One top-level Markdown block; code and tables are kept as written."""
    lines = block.split("\n")
    if _FENCE.match(lines[0]) or all(line.startswith("    ") for line in lines):
        return block
    if len(lines) > 1 and re.match(r"^\s*\|?\s*:?-{3,}", lines[1]):
        return block
    items: list[tuple[str, str]] = []  # (prefix, text) per list item, heading or paragraph
    for line in lines:
        if not line.strip():
            continue
        if items and not _ITEM_START.match(line):
            prefix, text = items[-1]
            rest = _PREFIX.match(line)
            items[-1] = (prefix, text + " " + line[rest.end() if rest else 0 :])
        else:
            match = _PREFIX.match(line)
            end = match.end() if match else 0
            items.append((line[:end], line[end:]))
    return "\n".join(
        prefix + translate_text(text, route, mentions=mentions) for prefix, text in items
    )


def translate_markdown(source: str, route: Route, *, mentions: list[str] = ()) -> str:  # type: ignore[assignment]
    """A Markdown text, translated block by block."""
    return "\n\n".join(
        translate_block(block, route, mentions=mentions) for block in markdown.blocks(source)
    )

"""What in a comment drove its score, and marking it where the queue shows the comment.

In the background task (screening.score_later), for a comment the classifier held or
questioned, each sentence of the commenter's own words (the first MAX_SENTENCES) is scored
alone, and the one the classifier finds most in need of review is stored beside the deciding
group's scores: ``scores["abuse"]["sentence"] = {"text": "...", "score": 0.93}``. The word
lists' hits are already stored by the rules signal (``scores["rules"]["marks"]``).

In the queue, mark() wraps those sentences and words in ``<mark>`` inside the comment's
sanitized HTML: only text is wrapped, each piece within one text node, so the markup stays
as it was; every text node is escaped again, so nothing of the comment's text is trusted.
Quotes of others are never marked (the score is of the commenter's own words).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from parley.moderation.signals.classifier import GROUPS

# Sentences scored at most per comment: a long comment costs a bounded time (~20 ms each).
MAX_SENTENCES = 12
# A comment of one sentence has no sentence to point at: the whole comment drove the score.
MIN_SENTENCES = 2
# Characters of a sentence kept.
MAX_CHARS = 500

# A sentence ends at . ! ? … (and their runs, with closing quotes or brackets) before
# whitespace, or at a line break.
_END = re.compile(r"([.!?…]+[\"'”’»)\]]*)\s+|\s*\n\s*")


def sentences(text: str) -> list[str]:
    """The text's sentences, in order, whitespace squashed; empty ones dropped."""
    pieces = _END.split(text)  # sentence, its end (None at a line break), sentence, ...
    found = ["".join(filter(None, pieces[i : i + 2])) for i in range(0, len(pieces), 2)]
    return [" ".join(part.split()) for part in found if part.strip()]


def deciding_group(scores: dict[str, Any]) -> str | None:
    """The classifier group that carries the hold or the review, if the classifier did."""
    for name in GROUPS:
        entry = scores.get(name)
        if isinstance(entry, dict) and (entry.get("hold") or entry.get("review")):
            return name
    return None


def add_sentence(scores: dict[str, Any], text: str) -> None:
    """Store the sentence that drove the classifier's score beside the deciding group's
    scores; nothing when the classifier neither held nor questioned the comment, when the
    text has fewer than MIN_SENTENCES sentences, or when no model is trained."""
    import parley.moderation.learning as learning

    group = deciding_group(scores)
    if group is None:
        return
    parts = sentences(text)[:MAX_SENTENCES]
    if len(parts) < MIN_SENTENCES:
        return
    best: tuple[str, float] | None = None
    for part in parts:
        probs = learning.scores(part)
        if probs is None:
            return
        value = learning.needs_review(probs)
        if best is None or value > best[1]:
            best = (part, value)
    assert best is not None
    scores[group]["sentence"] = {"text": best[0][:MAX_CHARS], "score": round(best[1], 3)}


def marks_of(scores: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The sentences and the words to mark in a comment with these stored scores."""
    phrases: list[str] = []
    words: list[str] = []
    for entry in scores.values():
        if not isinstance(entry, dict):
            continue
        sentence = entry.get("sentence")
        if isinstance(sentence, dict) and sentence.get("text"):
            phrases.append(str(sentence["text"]))
        words.extend(str(word) for word in entry.get("marks") or [])
    return phrases, words


class _Pieces(HTMLParser):
    """Sanitized HTML as a list of raw tags and unescaped text nodes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[bool, str, bool]] = []  # (is text, content, in a quote)
        self._quote_depth = 0
        self._blockquotes: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            quote = any(k == "class" and (v or "").startswith("quote") for k, v in attrs)
            self._blockquotes.append(quote)
            self._quote_depth += quote
        self.pieces.append((False, self.get_starttag_text() or "", False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append((False, self.get_starttag_text() or "", False))

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self._blockquotes:
            self._quote_depth -= self._blockquotes.pop()
        self.pieces.append((False, f"</{tag}>", False))

    def handle_data(self, data: str) -> None:
        self.pieces.append((True, data, self._quote_depth > 0))


def _ranges(plain: str, phrases: list[str], words: list[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for phrase in phrases:
        needle = " ".join(phrase.split())
        at = plain.find(needle) if needle else -1
        if at < 0 and needle:
            at = plain.casefold().find(needle.casefold())
        if at >= 0:
            found.append((at, at + len(needle)))
    for word in words:
        if word.strip():
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            found.extend(match.span() for match in pattern.finditer(plain))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(body_html: str, phrases: list[str], words: list[str]) -> SafeString:
    """The sanitized `body_html` with each of `phrases` (whitespace squashed) and each
    whole-word occurrence of `words` (any case) wrapped in <mark>, outside quotes of others."""
    parser = _Pieces()
    parser.feed(body_html)
    parser.close()
    pieces = parser.pieces
    # The visible text, whitespace squashed, and where each of its characters came from.
    plain: list[str] = []
    origin: list[tuple[int, int]] = []
    for index, (is_text, content, quoted) in enumerate(pieces):
        if not is_text or quoted:
            continue
        for offset, char in enumerate(content):
            if char.isspace():
                if not plain or plain[-1] == " ":
                    continue
                char = " "
            plain.append(char)
            origin.append((index, offset))
    cuts: dict[int, list[tuple[int, int]]] = {}  # piece → (start, end) offsets to wrap
    for start, end in _ranges("".join(plain), phrases, words):
        first, last = origin[start], origin[end - 1]
        for index in range(first[0], last[0] + 1):
            is_text, content, quoted = pieces[index]
            if not is_text or quoted:
                continue
            a = first[1] if index == first[0] else 0
            b = last[1] + 1 if index == last[0] else len(content)
            if content[a:b].strip():
                cuts.setdefault(index, []).append((a, b))
    out: list[str] = []
    for index, (is_text, content, _quoted) in enumerate(pieces):
        if not is_text:
            out.append(content)
            continue
        at = 0
        for a, b in cuts.get(index, []):
            out.append(html.escape(content[at:a], quote=False))
            out.append(f"<mark>{html.escape(content[a:b], quote=False)}</mark>")
            at = b
        out.append(html.escape(content[at:], quote=False))
    return mark_safe("".join(out))  # noqa: S308  (sanitized tags kept as they were, text escaped)

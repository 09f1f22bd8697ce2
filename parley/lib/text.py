"""Small text helpers shared by the apps."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim the ends."""
    return _SPACE.sub(" ", text).strip()


def comparable(text: str) -> str:
    """A form of text for "does this excerpt appear there" checks.

    Selections made in a browser differ from the source in whitespace, case,
    Unicode normalisation and typographic quotes; none of these change meaning.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES)
    return squash(text).casefold()


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


# Anything but whitespace, control characters and zero-width or invisible format characters.
_VISIBLE = re.compile(
    r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def is_blank(text: str) -> bool:
    """True for empty text and text of only whitespace or invisible characters."""
    return _VISIBLE.search(text) is None

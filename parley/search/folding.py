"""The one form of text the index holds and queries are matched in.

fold() is applied in Python to the indexed text and to every query alike, so SQLite and
PostgreSQL match the same things: case folded, combining marks removed after NFKD (so
`zeljko` finds `Željko`), and the letters that carry no mark but are commonly written
without their own letter mapped to it (đ → dj, so `djordje`, `dordje` and `đorđe` meet).
Cyrillic is kept as it is: folding only removes marks (`й` becomes `и`, as readers type it).
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose, written out as people type them without the key.
_LETTERS = str.maketrans(
    {
        "đ": "dj",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
    }
)

# A word: a run of letters and digits (underscores and punctuation separate words, as both
# engines' tokenizers do).
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Casefolded, without combining marks, with đ/ß/æ/ø/ł… spelled out."""
    text = text.casefold().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def indexable(*texts: str) -> str:
    """What the engines index: the folded words of the texts, separated by spaces."""
    return " ".join(word for text in texts for word in words(text))

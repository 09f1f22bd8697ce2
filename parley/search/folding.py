"""The one form of text the index holds and queries are matched in.

fold() is applied in Python to the indexed text and to every query alike, so SQLite and
PostgreSQL match the same things: case folded, combining marks removed after NFKD (so
`zeljko` finds `Željko`), and the letters that carry no mark but are commonly written
without their own letter mapped to it (đ → dj, so `djordje`, `dordje` and `đorđe` meet).

Cyrillic is spelled in Latin letters the way Serbian writes it without diacritics (ч, ћ → c;
ш → s; ж → z; ђ → dj; љ → lj; њ → nj; џ → dz; ј → j), so `pismo`, `писмо` and `Pismo` meet,
and `Вучић` finds `Vucic` and `Vučić`. Letters Serbian lacks follow the usual Latin spelling
of Russian, Ukrainian and Macedonian without marks (щ → sc, ы → y, ю → ju, я → ja, ъ and ь
dropped). A Cyrillic query still finds the same Cyrillic words, since both sides are spelled
alike; the cost is that a few short words of two scripts meet (`нет` and `net`).
"""

from __future__ import annotations

import functools
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

# Cyrillic in Latin letters, after casefolding (the Serbian Latin alphabet without marks).
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z",
        "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
        "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u",
        "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s",
        # Russian, Ukrainian, Belarusian and Macedonian letters Serbian lacks.
        "й": "i", "ё": "e", "щ": "sc", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju",
        "я": "ja", "є": "je", "і": "i", "ї": "ji", "ґ": "g", "ў": "u", "ѓ": "g", "ќ": "k",
        "ѕ": "dz",
    }
)  # fmt: skip

# Both tables in one pass (they map different letters).
_SPELLED = {**_LETTERS, **_CYRILLIC}

# Every combining mark (what NFKD splits off a letter), to delete in one translate().
_MARKS = dict.fromkeys(cp for cp in range(0x300, 0x20000) if unicodedata.combining(chr(cp)))

# A word: a run of letters and digits (underscores and punctuation separate words, as both
# engines' tokenizers do).
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Casefolded, without combining marks, with đ/ß/æ/ø/ł… spelled out and Cyrillic in
    Latin letters."""
    if text.isascii():  # much of what is indexed: case is all there is to fold
        return text.lower()
    text = unicodedata.normalize("NFC", text.casefold()).translate(_SPELLED)
    if text.isascii():
        return text
    stripped = unicodedata.normalize("NFKD", text).translate(_MARKS)
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def indexable(*texts: str) -> str:
    """What the engines index: the folded words of the texts, separated by spaces."""
    return " ".join(word for text in texts for word in words(text))


@functools.lru_cache(maxsize=65_536)
def fold_word(word: str) -> str:
    """fold() of one word, remembered: excerpts fold every word they show, and the words of
    a site's comments repeat."""
    return fold(word)

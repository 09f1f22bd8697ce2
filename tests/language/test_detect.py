"""Language detection: what is said as fact, and what is left "unknown"."""

from __future__ import annotations

import pytest

from parley.language.detect import detect


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The minister lied about the dam and nobody was held to account.", "en"),
        ("Isso é uma vergonha, o governo mentiu sobre a barragem.", "pt"),
        ("Ne slazem se sa tobom uopste, ovo je glupost od pocetka do kraja.", "hbs"),
        ("Ово је срамота, влада је лагала о брани.", "hbs"),
        ("Это позор, правительство лгало о плотине.", "ru"),
        ("Das ist eine Schande, die Regierung hat gelogen.", "de"),
        ("Αυτό είναι ντροπή", "el"),  # a script only one language writes, even when short
    ],
)
def test_detects_the_language_with_its_confidence(text, language):
    found = detect(text)
    assert (found.language, found.known) == (language, True)
    assert 0.5 <= found.confidence <= 1.0


@pytest.mark.parametrize("text", ["Source?", "Fonte?", "Bravo!", "Concordo plenamente.", "lol ok"])
def test_short_comments_are_unknown_not_a_guess(text):
    found = detect(text)
    assert found.language == ""
    assert not found.known


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "https://example.org/report.pdf",
        "12:45 2022-02-01 !!! ???",
        "`code` https://x.org @Ana",
        # Tifinagh: a script the model was not trained on.
        "ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵏⴰⵡⴰⵢⵜ ⵜⴰⵏⴰⵡⴰⵢⵜ ⵉⵙⵙⵏ",
    ],
)
def test_text_without_words_or_in_an_unsupported_script_is_unknown(text):
    assert detect(text).language == ""


def test_links_and_mentions_do_not_count_as_words():
    # Only two words of Serbian remain once the name and the link are set aside.
    assert detect("@Marko Petrovic https://example.org/a/b/c ne valja").language == ""
    long = "@John Smith https://example.org/x Isso é uma vergonha, o governo mentiu outra vez."
    assert detect(long).language == "pt"

import pytest

from parley.lib.errors import Invalid
from parley.search.backends.postgres import tsquery
from parley.search.backends.sqlite import match_expression
from parley.search.folding import fold, indexable, words
from parley.search.query import MAX_CHARS, MAX_TERMS, parse


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Željko", "zeljko"),
        ("ĐORĐE", "djordje"),
        ("đorđe", "djordje"),
        ("Straße", "strasse"),
        ("São João", "sao joao"),
        ("ﬁnal", "final"),  # NFKD ligature
        ("Øresund Łódź", "oresund lodz"),
        ("Москва", "moskva"),  # Cyrillic in Latin letters
        ("Йошкар", "ioskar"),
        ("Вучић", "vucic"),
        ("ЂОРЂЕ Џон љубав Њего", "djordje dzon ljubav njego"),
        ("щи ъыь эюя", "sci y ejuja"),
        ("\u0438\u0306", "i"),  # й written as и and a combining breve
    ],
)
def test_fold_casefolds_strips_marks_and_spells_out_letters(text, folded):
    assert fold(text) == folded


def test_djordje_dordje_and_dorde_written_with_d_stroke_meet():
    assert words("Đorđe")[0] == words("djordje")[0]
    assert indexable("Zdravo, Željko!") == "zdravo zeljko"


def test_serbian_in_either_script_with_or_without_diacritics_meets():
    for written in ("писмо Вучићу", "pismo Vučiću", "pismo Vucicu", "PISMO VUCICU"):
        assert indexable(written) == "pismo vucicu"


def test_words_and_phrases_are_parsed():
    query = parse('lastovo "the crossing" Lastovo')
    assert query.terms == (("lastovo",), ("the", "crossing"))
    assert query.words == {"lastovo", "the", "crossing"}


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unbalanced phrase',
        "foo*",
        "a NEAR b",
        "NEAR(a b)",
        "(((a",
        "a) OR (b",
        "folded: lastovo",
        "-lastovo ^x",
        "a AND NOT b",
        "'; DROP TABLE search_entry; --",
        "a & b | !c <-> d:*",
    ],
)
def test_fts_syntax_is_taken_as_plain_words(text):
    query = parse(text)
    for term in query.terms:
        for word in term:
            assert word.isalnum()
    # What reaches the engines is quoted terms of letters and digits, nothing else.
    expression = match_expression(query)
    assert all(ch.isalnum() or ch in ' "' for ch in expression)
    assert all(ch.isalnum() or ch in " '()&<->" for ch in tsquery(query))


def test_operators_are_words_to_search_for():
    assert parse("a NEAR b").terms == (("a",), ("near",), ("b",))


def test_an_empty_or_punctuation_only_query_has_no_terms():
    assert parse("").is_empty
    assert parse("   ").is_empty
    assert parse('"*" ()').is_empty


def test_a_query_past_the_character_limit_is_refused_with_a_sentence():
    with pytest.raises(Invalid) as refused:
        parse("word " * 1000)
    assert str(MAX_CHARS) in refused.value.message
    assert refused.value.field == "q"


def test_a_query_past_the_term_limit_is_refused():
    text = " ".join(f"w{i}" for i in range(MAX_TERMS + 1))
    with pytest.raises(Invalid) as refused:
        parse(text)
    assert str(MAX_TERMS) in refused.value.message
    assert len(parse(" ".join(f"w{i}" for i in range(MAX_TERMS))).terms) == MAX_TERMS

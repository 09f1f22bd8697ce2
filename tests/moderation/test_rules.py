"""The rules signal and the word lists it reads: each rule, folding, patterns, saving lists."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.lib.errors import Invalid
from parley.moderation import wordlists
from parley.moderation.models import Decision, WordList
from parley.moderation.signals import load
from parley.moderation.signals.base import Result, Settings, Subject
from parley.moderation.signals.rules import RulesSignal

RULES = RulesSignal()
CALM = "The crossing opened at noon and the ferry left on time."


@pytest.fixture(autouse=True)
def _fresh_lists():
    wordlists.forget()
    yield
    wordlists.forget()


def subject(text: str, *, language: str = "pt", links: int = 0, trust: str = "verified") -> Subject:
    return Subject(
        text=text,
        body=text,
        language=language,
        thread_id=1,
        comment_id=None,
        author_key="user:7",
        author_trust=trust,
        links=links,
        created_at=timezone.now(),
    )


def rules(text: str, settings: Settings | None = None, **fields) -> list[Result]:
    return RULES.score(subject(text, **fields), settings or Settings())


def only(results: list[Result]) -> Result:
    assert len(results) == 1
    assert results[0].signal == "rules"
    return results[0]


def test_the_signal_loads_by_its_folder_name():
    signal = load("rules")
    assert isinstance(signal, RulesSignal)
    assert signal.inline


# -- the rules ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_fires_for_a_calm_comment_not_even_for_a_guest():
    assert rules(CALM) == []
    assert rules(CALM, trust="guest") == []


@pytest.mark.django_db
def test_a_banned_word_holds_and_shows_the_text_as_written(ana):
    wordlists.save("", "banned", "pička\nšta", by=ana)
    result = only(rules("Ma ko te PICKA pita, Šta?"))
    assert result.hold
    assert result.score == 1.0
    assert result.reasons == ["banned word “PICKA”", "banned word “Šta”"]


@pytest.mark.django_db
def test_entries_without_diacritics_catch_text_with_them(ana):
    wordlists.save("hbs", "banned", "picka", by=ana)
    result = only(rules("ova pička materina", language="hbs"))
    assert result.reasons == ["banned word “pička”"]


@pytest.mark.django_db
def test_words_match_whole_words_only(ana):
    wordlists.save("", "banned", "ass\nson of a bitch", by=ana)
    assert rules("A classic assessment of the passage.") == []
    assert only(rules("You ass.")).reasons == ["banned word “ass”"]
    phrase = only(rules("What a SON  of a\nbitch!"))
    assert phrase.reasons == ["banned word “SON  of a\nbitch”"]


@pytest.mark.django_db
def test_a_pattern_entry_is_a_case_insensitive_regular_expression(ana):
    wordlists.save("", "banned", r"/fo+bar/" + "\n" + r"/\bbuy\s+\d+\s+pills\b/", by=ana)
    assert only(rules("FOOOOBAR is here")).reasons == ["banned word “FOOOOBAR”"]
    assert only(rules("Buy 100 pills now")).reasons == ["banned word “Buy 100 pills”"]
    assert rules("buy some pills") == []


@pytest.mark.django_db
def test_words_sharing_a_beginning_each_match_whole(ana):
    wordlists.save("", "suspect", "idi\nidiot\nidiots\nidiot box", by=ana)
    assert rules("An idiotic idea.") == []
    assert only(rules("Idiots!")).reasons == ["suspect word “Idiots”"]
    assert only(rules("idi, idiot")).reasons == ["suspect word “idi”", "suspect word “idiot”"]
    assert only(rules("that idiot  box")).reasons == ["suspect word “idiot  box”"]


@pytest.mark.django_db
def test_letters_with_diacritics_in_a_pattern_are_folded_too(ana):
    wordlists.save("", "banned", "/pi[cč]k[ae]/", by=ana)
    assert only(rules("PIČKE")).reasons == ["banned word “PIČKE”"]
    assert only(rules("picka")).reasons == ["banned word “picka”"]


@pytest.mark.django_db
def test_a_broken_entry_stored_some_other_way_is_skipped():
    WordList.objects.create(language="", kind="banned", entries="/foo(/\nporra\n/ca+ralho/")
    assert only(rules("porra, caaaralho")).reasons == [
        "banned word “porra”",
        "banned word “caaaralho”",
    ]


@pytest.mark.django_db
def test_a_language_gets_its_own_lists_and_the_lists_for_every_language(ana):
    wordlists.save("pt", "banned", "porra", by=ana)
    wordlists.save("", "banned", "spamword", by=ana)
    assert only(rules("porra e spamword", language="pt")).reasons == [
        "banned word “porra”",
        "banned word “spamword”",
    ]
    assert only(rules("porra e spamword", language="en")).reasons == ["banned word “spamword”"]
    assert only(rules("porra e spamword", language="")).reasons == ["banned word “spamword”"]


@pytest.mark.django_db
def test_serbian_croatian_and_bosnian_share_the_hbs_list(ana):
    saved = wordlists.save("hr", "suspect", "kreten", by=ana)
    assert saved.language == "hbs"
    assert only(rules("Kreten.", language="hbs")).reasons == ["suspect word “Kreten”"]
    assert only(rules("Kreten.", language="sr")).reasons == ["suspect word “Kreten”"]


@pytest.mark.django_db
def test_suspect_words_add_three_tenths_each_up_to_one(ana):
    wordlists.save("", "suspect", "idiot\nmoron\nclown\nfool", by=ana)
    one = only(rules("What an idiot."))
    assert (one.score, one.hold, one.reasons) == (0.3, False, ["suspect word “idiot”"])
    two = only(rules("Idiot, idiot and moron."))  # one word twice counts once
    assert two.score == 0.6
    assert two.reasons == ["suspect word “Idiot”", "suspect word “moron”"]
    four = only(rules("idiot moron clown fool"))
    assert four.score == 1.0
    assert not four.hold
    assert len(four.reasons) == 4


@pytest.mark.django_db
def test_more_links_than_allowed_hold():
    result = only(rules(CALM, links=4))
    assert (result.hold, result.score, result.reasons) == (True, 1.0, ["4 links"])
    assert rules(CALM, links=3) == []
    assert only(rules(CALM, Settings(max_links=1), links=2)).reasons == ["2 links"]
    assert rules(CALM, Settings(max_links=5), links=5) == []


@pytest.mark.parametrize(
    "text",
    ["Noooooooo, not again", "Why?!!!!!!", "ŠŠŠŠŠŠ", "spam spam spam spam", "Buy, BUY, buy; buy!"],
)
@pytest.mark.django_db
def test_repeated_characters_add_three_tenths(text):
    result = only(rules(text))
    assert (result.score, result.hold, result.reasons) == (0.3, False, ["repeated characters"])


@pytest.mark.parametrize(
    "text",
    ["Nooooo, five is fine", "It cost 1000000 kuna.", "very very very good", "ha  ha", CALM],
)
@pytest.mark.django_db
def test_short_runs_numbers_and_three_repeats_are_not_repetition(text):
    assert rules(text) == []


@pytest.mark.django_db
def test_shouting_needs_twenty_letters_mostly_in_capitals():
    result = only(rules("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT"))
    assert (result.score, result.hold, result.reasons) == (0.3, False, ["shouting"])
    assert only(rules("THE MINISTRY LIED AGAIN about it")).reasons == ["shouting"]
    assert rules("NATO AND EU AGREE") == []  # fewer than 20 letters
    assert rules("The EU and NATO and the UN agreed on the ferry schedule") == []


@pytest.mark.django_db
def test_a_guest_adds_a_tenth_without_a_line_of_its_own():
    result = only(rules("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT", trust="guest"))
    assert result.score == 0.4
    assert result.reasons == ["shouting"]


@pytest.mark.django_db
def test_every_rule_that_fired_is_listed_and_the_score_is_capped(ana):
    wordlists.save("", "banned", "scam", by=ana)
    wordlists.save("", "suspect", "cheap", by=ana)
    result = only(rules("CHEAP SCAM OFFER!!!!!!! CLICK THE LINKS NOW", links=9, trust="guest"))
    assert result.hold
    assert result.score == 1.0
    assert result.reasons == [
        "banned word “SCAM”",
        "suspect word “CHEAP”",
        "9 links",
        "repeated characters",
        "shouting",
    ]


# -- word lists ---------------------------------------------------------------------------------


def test_parse_skips_blank_lines_and_notes():
    patterns = wordlists.parse("# insults\n\n  idiot  \n#/not a pattern(/\n/x+y/\n")
    assert len(patterns) == 2
    assert patterns[0].search(wordlists.fold("You IDIOT!"))
    assert patterns[1].search("xxxy")


def test_folding_drops_case_diacritics_and_compatibility_forms():
    assert wordlists.fold("Pička ŠTA Ćevapi") == "picka sta cevapi"
    assert wordlists.fold("ﬁne Straße") == "fine strasse"
    assert wordlists.Folded("Ma ko te PIČKA").original(9, 14) == "PIČKA"
    decomposed = wordlists.Folded("\u0301pi\u0301c\u030cka! ﬁne")
    assert decomposed.folded == "picka! fine"
    assert decomposed.original(0, 5) == "pi\u0301c\u030cka"
    assert decomposed.original(7, 11) == "ﬁne"


def test_a_broken_pattern_names_its_line():
    with pytest.raises(Invalid) as caught:
        wordlists.parse("idiot\n# notes\n/foo(/\nmoron")
    assert caught.value.message == (
        "Line 3: “/foo(/” is not a valid pattern (missing ), unterminated subpattern at "
        "position 3)."
    )
    assert caught.value.field == "entries"


def test_a_pattern_that_matches_empty_text_is_refused():
    with pytest.raises(Invalid, match=r"^Line 1: “/a\*/” matches empty text"):
        wordlists.parse("/a*/")
    with pytest.raises(Invalid, match=r"^Line 2: “//” is an empty pattern\.$"):
        wordlists.parse("ok\n//")


def test_too_many_or_too_long_entries_are_refused():
    wordlists.parse("\n".join(f"word{i}" for i in range(2000)))
    with pytest.raises(Invalid) as caught:
        wordlists.parse("\n".join(f"word{i}" for i in range(2001)))
    assert caught.value.message == "The list has 2,001 entries; at most 2,000 are allowed."
    with pytest.raises(Invalid) as caught:
        wordlists.parse("fine\n" + "x" * 201)
    assert caught.value.message == "Line 2 is 201 characters long; an entry may have at most 200."


@pytest.mark.django_db
def test_saving_a_list_appends_a_decision(ana):
    saved = wordlists.save("PT", "banned", "porra\n# a note\ncaralho\n/merd[ao]s?/\n", by=ana)
    assert (saved.language, saved.kind) == ("pt", "banned")
    decision = Decision.objects.get()
    assert decision.action == "words"
    assert (decision.actor_id, decision.actor_name) == (ana.pk, "Ana Moderator")
    assert decision.reason == "banned words for pt: 3 entries"
    wordlists.save("", "suspect", "idiot", by=ana)
    latest = Decision.objects.first()
    assert latest is not None
    assert latest.reason == "suspect words for every language: 1 entry"


@pytest.mark.django_db
def test_saving_again_replaces_the_list(ana):
    wordlists.save("pt", "banned", "porra", by=ana)
    assert only(rules("porra"))
    wordlists.save("pt", "banned", "caralho", by=ana)
    assert WordList.objects.get().entries == "caralho"
    assert rules("porra") == []
    assert Decision.objects.count() == 2


@pytest.mark.django_db
def test_a_broken_list_changes_nothing(ana):
    wordlists.save("pt", "banned", "porra", by=ana)
    with pytest.raises(Invalid, match="^Line 4: "):
        wordlists.save("pt", "banned", "\n\ncaralho\n/(unclosed/", by=ana)
    assert WordList.objects.get().entries == "porra"
    assert Decision.objects.count() == 1
    with pytest.raises(Invalid) as caught:
        wordlists.save("en", "banned", "\n".join(f"w{i}" for i in range(2001)), by=ana)
    assert caught.value.field == "entries"
    assert WordList.objects.count() == 1
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("language", ["portuguese", "p", "pt-BR", "12"])
@pytest.mark.django_db
def test_a_language_must_be_a_code(ana, language):
    with pytest.raises(Invalid) as caught:
        wordlists.save(language, "banned", "x", by=ana)
    assert caught.value.field == "language"
    assert "is not a language code" in caught.value.message
    assert not WordList.objects.exists()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_kind_must_be_banned_or_suspect(ana):
    with pytest.raises(Invalid) as caught:
        wordlists.save("pt", "rude", "x", by=ana)
    assert caught.value.field == "kind"
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_lists_are_read_again_when_one_changes_elsewhere(ana, django_assert_num_queries):
    wordlists.save("pt", "banned", "porra", by=ana)
    banned, suspect = wordlists.patterns("pt")
    assert (len(banned), suspect) == (1, [])
    with django_assert_num_queries(0):  # checked at most every CHECK_EVERY seconds
        wordlists.patterns("pt")
    # Another process changes the list.
    WordList.objects.update(entries="caralho", updated_at=timezone.now() + timedelta(seconds=1))
    assert wordlists.patterns("pt")[0][0].search("porra")
    loaded = wordlists._loaded
    assert loaded is not None
    loaded.checked_at -= wordlists.CHECK_EVERY
    (pattern,) = wordlists.patterns("pt")[0]
    assert pattern.search("caralho") and not pattern.search("porra")


@pytest.mark.django_db
def test_a_long_list_is_searched_fast(ana):
    wordlists.save("", "banned", "\n".join(f"nasty{i}" for i in range(1000)), by=ana)
    wordlists.save("", "suspect", "\n".join(f"rude{i}" for i in range(1000)), by=ana)
    text = "Šta je ovo, the ferry was late again and nobody said why. " * 40  # 2,400 characters
    RULES.score(subject(text), Settings())  # loads and compiles the lists
    started = time.perf_counter()
    assert RULES.score(subject(text), Settings()) == []
    assert time.perf_counter() - started < 0.05

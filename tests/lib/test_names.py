"""parley.lib.names: cleaning, confusable skeletons, mixed scripts and staff look-alikes."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources

import pytest

from parley.lib import names

# -- cleaning ------------------------------------------------------------------------------------

INVISIBLE = {
    "\u202e": "right-to-left override",
    "\u202d": "left-to-right override",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "Arabic letter mark",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\u00ad": "soft hyphen",
    "\ufeff": "byte order mark",
    "\u2062": "invisible times",
    "\U000e0041": "tag latin capital a",
    "\x07": "bell",
    "\x1b": "escape",
    "\u3164": "Hangul filler",
    "\ufe0f": "variation selector 16",
    "\ue000": "private use",
}


@pytest.mark.parametrize("char", list(INVISIBLE), ids=list(INVISIBLE.values()))
def test_invisible_characters_are_removed(char):
    assert names.clean(f"Ana{char} Li{char}ma") == "Ana Lima"


def test_right_to_left_override_no_longer_reverses_the_name():
    assert names.clean("Ana\u202egnp.exe") == "Anagnp.exe"


def test_every_kind_of_space_is_squashed_to_one():
    assert names.clean("  Ana\u2003\u3000\u00a0Lima\t\n\u2028Reis  ") == "Ana Lima Reis"


def test_a_name_of_invisible_characters_only_is_empty():
    assert names.clean("\u200b\u202e\u2066 \u00ad\ufeff") == ""


def test_cleaning_composes_accents():
    assert names.clean("Jose\u0301") == "José"


# -- skeletons -----------------------------------------------------------------------------------


def _package_pairs() -> list[tuple[str, str]]:
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text()
    pairs = []
    for key, entries in json.loads(text).items():
        key = key.replace("\u200e", "")
        for entry in entries:
            pairs.append((key, entry["c"].replace("\u200e", "")))
    return pairs


def _nfd_stable(text: str) -> bool:
    return unicodedata.normalize("NFD", text) == text


def test_every_pair_unicode_lists_as_confusable_has_one_skeleton():
    # UTS #39 takes the NFD form first: lines for characters that NFD changes never apply.
    pairs = [(a, b) for a, b in _package_pairs() if _nfd_stable(a) and _nfd_stable(b)]
    assert len(pairs) > 10_000
    differ = [(a, b) for a, b in pairs if names.skeleton(a) != names.skeleton(b)]
    assert differ == []


def test_skeletons_are_idempotent():
    for a, b in _package_pairs():
        for text in (a, b):
            once = names.skeleton(text)
            assert names.skeleton(once) == once, text


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("paypal", "\u0440\u0430\u0443\u0440\u0430l"),  # Cyrillic р, а, у
        ("m", "rn"),
        ("O", "0"),
        ("l", "1"),
        ("l", "I"),
        ("a", "\u0430"),
        ("e", "\u0435"),
        ("A", "\u0391"),  # Greek capital alpha
    ],
)
def test_look_alikes_share_a_skeleton(one, other):
    assert names.skeleton(one) == names.skeleton(other)


@pytest.mark.parametrize(
    "variant",
    [
        "admin",
        "ADMIN",
        "Admln",  # small L for i
        "adm1n",
        "4dmin",
        "\u0430dmin",  # Cyrillic а
        "ＡＤＭＩＮ",  # fullwidth
        "𝐀𝐝𝐦𝐢𝐧",  # mathematical bold
        "Ádmín",
        "adrnin",  # r n for m
    ],
)
def test_fold_reads_look_alikes_as_one(variant):
    assert names.squashed(variant) == names.squashed("Admin")


def test_fold_keeps_different_names_apart():
    assert names.squashed("Ana Lima") != names.squashed("Ana Lina")
    assert names.squashed("Moderato") != names.squashed("Moderator")


# -- scripts -------------------------------------------------------------------------------------


def test_scripts_of_characters():
    assert [names.script(c) for c in "aаα山-"] == ["LATIN", "CYRILLIC", "GREEK", "HAN", "COMMON"]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("P\u0435tar Petrovi\u0107", "P\u0435tar"),  # Cyrillic е in a Latin word
        ("\u0410lexander", "\u0410lexander"),
        ("Алеkсей", "Алеkсей"),  # Latin k in a Cyrillic word
        ("Ana Pαula", "Pαula"),
    ],
)
def test_a_word_mixing_alphabets_is_found(name, word):
    assert names.mixed_script_word(name) == word


@pytest.mark.parametrize(
    "name",
    [
        "Ana Алексей",
        "山田 太郎",
        "山田たろう",
        "カタカナ漢字",
        "김민준 金",
        "Jean-Luc O'Brien",
        "R2-D2",
    ],
)
def test_words_in_one_writing_system_are_not_mixed(name):
    assert names.mixed_script_word(name) is None


# -- what a name may not imitate ---------------------------------------------------------------

REFUSED_WORDS = {
    "Moderator": "moderator",
    "Mod": "mod",
    "Admin": "admin",
    "Admin Team": "admin",
    "M0derator": "moderator",
    "Mod3rator": "moderator",
    "M o d e r a t o r": "moderator",
    "M.o.d": "mod",
    "S.T.A.F.F": "staff",
    "TheModerator": "moderator",
    "Ana (mod)": "mod",
    "Ana [Moderator]": "moderator",
    "Ana_admin_2": "admin",
    "Ad\u200bmin": "admin",
    "Модератор": "модератор",
    "модератора": "модератор",
    "Админ": "админ",
    "Администрация сайта": "администрация",
    "Moderador": "moderador",
    "Administração": "administração",
    "Moderatorka Jelena": "moderatorka",
    "Moderatorin": "moderatorin",
    "Administración": "administración",
    "Support Team": "support",
    "Team": "team",
    "Ana Author": "author",
    "Ana Lima (editor)": "editor",
    "Ana Lima | Official": "official",
    "Equipe Parley": "equipe",
    "Redakcija": "redakcija",
    "Поддержка": "поддержка",
    "Redaktion": "redaktion",
    "Soporte": "soporte",
}


@pytest.mark.parametrize(("name", "word"), list(REFUSED_WORDS.items()))
def test_words_for_the_staff_are_refused(name, word):
    problem = names.problem(names.clean(name))
    assert problem == names.Problem("staff_word", word)


@pytest.mark.parametrize("name", ["Ana ✔", "Ana ✓", "✅ Ana", "Ana ☑", "Ana 🛡", "Ana 📛", "Ana Ⓜ"])
def test_badge_symbols_are_refused(name):
    problem = names.problem(name)
    assert problem is not None and problem.kind == "badge_symbol"
    assert problem.found in name


def test_cyrillic_letter_in_a_latin_name_is_refused_as_mixed():
    assert names.problem("R\u043esa Lima") == names.Problem("mixed_script", "R\u043esa")


ALLOWED = [
    "Đorđe Petrović",
    "Djordje Petrovic",
    "Алексей",
    "Ирина Кузнецова",
    "Јелена Марковић",
    "José",
    "Zoë",
    "Lucía Fernández",
    "João Gonçalves",
    "Jürgen Müller",
    "Ελένη Παπαδοπούλου",
    "محمد علي",
    "דוד כהן",
    "山田太郎",
    "김민준",
    "Nguyễn Văn An",
    "Moderato Jones",
    "Modesto",
    "Modi",
    "Admiral Ackbar",
    "Tim Burton",
    "Тим Кук",
    "Edith",
    "Crypto Wealth Team",
    "I Support Peace",
    "Jean-Pierre Morel",
    "O'Brien",
    "Ana (PT)",
    "R2-D2",
]


@pytest.mark.parametrize("name", ALLOWED)
def test_names_in_every_script_pass(name):
    assert names.clean(name) == name
    assert names.problem(name) is None


def test_protected_names_match_however_they_are_spelled():
    protected = {names.protected_key("Ana Silva"): "Ana Silva"}
    for name in [
        "Ana Silva",
        "ana silva",
        "ANA.SILVA",
        "Ana  S i l v a",
        "\u0391\u039d\u0391 5ILVA",
    ]:  # Greek ΑΝΑ
        assert names.problem(name, protected=protected) == names.Problem("staff_name", "Ana Silva")
    assert names.problem("Ana Silva Reis", protected=protected) is None
    assert names.problem("Ana Silveira", protected=protected) is None

"""Names people comment under: cleaned of invisible characters, compared by how they look.

Pure functions, no models; `parley.accounts.names` applies them with the site's staff.

- `clean(name)` removes bidirectional controls, zero-width and other invisible characters
  (general categories Cc, Cf, Co, Cs, Cn and the default-ignorable fillers and variation
  selectors), turns every kind of space into one space and squashes runs of them.
- `fold(text)` is the comparison key: two texts that look alike fold to the same string.
  It is the Unicode confusable skeleton (UTS #39, from the confusables table that the
  `confusable-homoglyphs` package ships), taken case-insensitively and without accents,
  with the digits people use for letters (M0derator, 4dmin) read as those letters.
- `mixed_script_word(name)` finds a word that mixes alphabets (a Cyrillic "а" inside a
  Latin word); Japanese, Korean and Chinese writing that combine Han with their own
  scripts count as one.
- `problem(name, protected=...)` says what makes a name impersonate the site's staff: a
  word for a staff role in the site's languages, a symbol that looks like a staff badge, a
  word that mixes alphabets, or one of the protected (staff) names.

Words for staff roles (STAFF_WORDS) match whole words: "Mod", "Admin", "M.o.d", "Ana (mod)"
and "Moderator" spelled with a Cyrillic "о" or a zero are refused, "Moderato Jones" and
"Modesto" are not; the longer, unambiguous ones (eight letters or more, such as "moderator"
or "администратор") also match inside a longer word ("TheModerator", "модератора"). Words
that are also ordinary words (TITLE_WORDS: team, support, official, editor, author...) are
refused only where they read as a title: in a part of the name of at most two words
("Support Team", "Ana Author", "Ana Lima (editor)"), not in "Crypto Wealth Team". A protected
name matches when the whole name folds to it, ignoring spaces and punctuation ("Ana Silva",
"ana.silva", "ΑΝΑ Silva" in Greek capitals).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

# -- cleaning ------------------------------------------------------------------------------------

# Removed wherever they are: control and format characters (RLO, LRO, PDF, LRI, RLI, FSI,
# PDI, LRM, RLM, ALM, zero-width space, joiner and non-joiner, word joiner, soft hyphen,
# BOM, invisible operators, tags), private-use, surrogate and unassigned code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
# Default-ignorable characters of other categories: they show as nothing.
_INVISIBLE_EXTRA = frozenset(
    {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}
    | set(range(0x180B, 0x1810))  # Mongolian free variation selectors
    | set(range(0xFE00, 0xFE10))  # variation selectors
    | set(range(0xE0100, 0xE01F0))  # variation selectors supplement
)
_SPACES = re.compile(r"\s+")


def _visible(ch: str) -> bool:
    return unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ord(ch) not in _INVISIBLE_EXTRA


def clean(name: str) -> str:
    """The name without invisible characters, in NFC, with whitespace squashed to one space."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or _visible(ch))
    return _SPACES.sub(" ", text).strip()


# -- confusable skeletons -------------------------------------------------------------------------

_PACKAGE = "confusable_homoglyphs"
_MARKS = frozenset({"Mn", "Me"})
# Digits and signs written for the letters they resemble; applied before the skeleton, so
# only for comparison ("M0derator" already folds through the table: 0 looks like O).
_LEET = str.maketrans({"3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"})


def _data(filename: str) -> dict:
    return json.loads(resources.files(_PACKAGE).joinpath(filename).read_text(encoding="utf-8"))


def _nfd(text: str) -> str:
    # The package writes right-to-left characters between LRMs, as confusables.txt shows them.
    return unicodedata.normalize("NFD", text.replace("\u200e", "").replace("\u200f", ""))


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character's prototype, derived from the package's table.

    The table pairs every source of Unicode's confusables.txt with its prototype, in both
    directions. A prototype is never itself a source, and a source has exactly one entry:
    so a key with one entry whose partner has several (or is a sequence) is a source. Where
    two single characters only name each other, either can stand for both: the smaller is
    taken, which keeps the same characters together.
    """
    # Skeletons work on NFD text, as UTS #39 says: a key that NFD changes never meets the table.
    table = {
        nfd: [_nfd(e["c"]) for e in entries]
        for key, entries in _data("confusables.json").items()
        if (nfd := _nfd(key)) == key.replace("\u200e", "").replace("\u200f", "")
    }
    out: dict[str, str] = {}
    for key, targets in table.items():
        if len(key) != 1 or len(targets) != 1:
            continue
        target = targets[0]
        if target == key or not target:
            continue
        partners = table.get(target, [])
        if len(target) > 1 or len(partners) > 1:
            out[key] = target
        elif len(partners) == 1:
            out[max(key, target)] = min(key, target)
    # Make the mapping idempotent: a prototype's own characters map to themselves.
    for _ in range(3):
        changed = False
        for key, target in out.items():
            mapped = "".join(out.get(ch, ch) for ch in target)
            if mapped != target:
                out[key], changed = mapped, True
        if not changed:
            break
    return out


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, every character replaced by its prototype, NFD again."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in decomposed))


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """The key two look-alike texts share: skeleton, case-folded, without marks.

    Upper-cased first, so that case never matters: "ADMIN" has a capital I, which looks like
    a small L, and must fold as "Admin" and "Admln" do. The skeleton is taken again after
    case-folding for the look-alikes only small letters have ("rn" for "m").
    """
    text = unicodedata.normalize("NFKC", clean(text)).translate(_LEET)
    text = skeleton(skeleton(text.upper()).casefold())
    return "".join(ch for ch in text if unicodedata.category(ch) not in _MARKS)


# -- words -------------------------------------------------------------------------------------

# Digits and signs that stand for letters inside a word (the rest of the digits end words).
_LETTER_LIKE = frozenset("013457@$€")


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM" or ch in _LETTER_LIKE


def _words(text: str, *, camel: bool = False) -> list[str]:
    """Runs of letters (with their marks and letter-like digits); camelCase split if asked."""
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        if not _is_word_char(ch):
            if current:
                out.append("".join(current))
                current = []
            continue
        if camel and current and ch.isupper() and current[-1].islower():
            out.append("".join(current))
            current = []
        current.append(ch)
    if current:
        out.append("".join(current))
    return out


def _tokens(name: str, *, camel: bool) -> list[str]:
    """The folded words of a name; letters spelled one by one ("M o d", "S.T.A.F.F") join."""
    out: list[str] = []
    run: list[str] = []
    for word in _words(clean(name), camel=camel):
        token = fold(word)
        if len(word) == 1:
            run.append(token)
            continue
        if run:
            out.append("".join(run))
            run = []
        if token:
            out.append(token)
    if run:
        out.append("".join(run))
    return out


def squashed(name: str) -> str:
    """The folded name without spaces, punctuation or digits: how protected names compare."""
    return "".join(_tokens(name, camel=False))


# -- scripts -----------------------------------------------------------------------------------

_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED", "Unknown"})
# Writing systems that combine scripts in one word (UTS #39's Jpan, Kore and Hanb).
_COMBINED_SCRIPTS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)


@functools.cache
def _script_ranges() -> tuple[list[int], list[tuple[int, str]]]:
    data = _data("categories.json")
    aliases = data["iso_15924_aliases"]
    ranges = data["code_points_ranges"]
    return [r[0] for r in ranges], [(r[1], aliases[r[2]]) for r in ranges]


def script(ch: str) -> str:
    """The Unicode script of a character ("LATIN", "CYRILLIC", "COMMON"...)."""
    starts, ends = _script_ranges()
    point = ord(ch)
    index = bisect.bisect_right(starts, point) - 1
    if index >= 0 and point <= ends[index][0]:
        return ends[index][1]
    return "Unknown"


def mixed_script_word(name: str) -> str | None:
    """The first word that mixes alphabets, or None."""
    for word in _words(clean(name)):
        scripts = {script(ch) for ch in word} - _NEUTRAL_SCRIPTS
        if len(scripts) > 1 and not any(scripts <= combined for combined in _COMBINED_SCRIPTS):
            return word
    return None


# -- staff words and badges -------------------------------------------------------------------


def _list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Words that name the site's staff, in the site's languages: refused as any whole word of a
# name (after folding), and those of eight letters or more also inside a longer word.
STAFF_WORDS: dict[str, tuple[str, ...]] = {
    "en": _list(
        "moderator moderators moderation mod mods admin admins administrator "
        "administrators administration sysadmin sysop staff webmaster"
    ),
    "pt": _list(
        "moderador moderadora moderadores moderação administrador administradora "
        "administradores administração"
    ),
    "sr": _list(
        "moderatorka administratorka osoblje moderacija administracija модератор "
        "администратор модераторка администраторка особље"
    ),
    "ru": _list("модер модераторы модерация админ администрация персонал"),
    "de": _list("moderatorin administratorin moderatoren administratoren"),
    "es": _list("moderadoras administradoras administración moderación"),
}
# Words that read as a staff title or a badge beside a name, but are also ordinary words
# ("Crypto Wealth Team", "I Support Peace"): refused where they stand as a title, in a part of
# the name of at most two words ("Support", "Admin Team", "Ana Author", "Ana (team)",
# "Ana Lima | Official"); parts are separated by brackets, commas and dashes.
TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "en": _list("team official support editor editors author verified helpdesk"),
    "pt": _list("equipe equipa oficial suporte editora autor autora redação verificado verificada"),
    "sr": _list(
        "urednik urednica uredništvo redakcija ekipa zvanično službeno podrška autorka "
        "уредник уредница уредништво редакција подршка аутор званично"
    ),
    "ru": _list("редактор редакция команда официальный официально поддержка автор"),
    "de": _list("redaktion redakteur redakteurin offiziell autorin verwaltung"),
    "es": _list("equipo soporte redacción editor autores"),
}
SUBSTRING_MIN = 8
TITLE_PART_WORDS = 2

# Characters that look like a staff badge or a verification mark.
BADGE_SYMBOLS = frozenset(
    "\u2713\u2714\u2705\u2611\u2612\u237b\u221a\U0001f5f8\U0001f5f9\U0001f5f3"  # check marks
    "\U0001f6e1\u26e8\u26ca\u26c9"  # shields
    "\U0001f4db\U0001f396\U0001f3c5\U0001f530\U0001f451\u269c"  # name badge, medals, crown
    "\u24c2\U0001f17c\U0001f13c\U0001f15c"  # circled and squared M
)
# Where a name divides into parts, each of which can read as a title ("Ana Lima (editor)").
_PARTS = re.compile(
    r"[()\[\]{}<>\u3010\u3011\u300c\u300d\uff08\uff09|,;:/\\\u00b7\u2022\u2013\u2014]|\s-\s"
)


@dataclass(frozen=True)
class Problem:
    """Why a name is refused, for the message: what was found, and of which kind."""

    kind: str  # "staff_word" | "badge_symbol" | "mixed_script" | "staff_name"
    found: str


def _keys(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in words.values():
        for word in group:
            out.setdefault(squashed(word), word)
    return out


@functools.cache
def _word_keys() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Folded staff words, the long ones among them, and folded title words -> as written."""
    staff = _keys(STAFF_WORDS)
    long = {key: word for key, word in staff.items() if len(word) >= SUBSTRING_MIN}
    return staff, long, _keys(TITLE_WORDS)


def staff_word(name: str) -> str | None:
    """The word for the site's staff that the name holds (or looks like), or None."""
    staff, long, titles = _word_keys()
    for camel in (False, True):
        for token in _tokens(name, camel=camel):
            if token in staff:
                return staff[token]
    flat = squashed(name)
    if flat in staff:
        return staff[flat]
    for key, word in long.items():
        if key in flat:
            return word
    for part in _PARTS.split(clean(name)):
        tokens = _tokens(part, camel=True)
        if 0 < len(tokens) <= TITLE_PART_WORDS:
            for token in tokens:
                if token in titles:
                    return titles[token]
        if (flat := "".join(tokens)) in titles:
            return titles[flat]
    return None


def badge_symbol(name: str) -> str | None:
    for ch in clean(name):
        if ch in BADGE_SYMBOLS:
            return ch
    return None


def protected_key(name: str) -> str:
    """The key a protected (staff) name is stored under for `problem`."""
    return squashed(name)


def problem(name: str, *, protected: dict[str, str] | None = None) -> Problem | None:
    """What makes a cleaned name imitate the staff, or None for a name anyone may use.

    `protected` maps `protected_key(name)` to the name as shown, for the staff's names.
    """
    if symbol := badge_symbol(name):
        return Problem("badge_symbol", symbol)
    if word := mixed_script_word(name):
        return Problem("mixed_script", word)
    if word := staff_word(name):
        return Problem("staff_word", word)
    if protected:
        key = protected_key(name)
        if key and key in protected:
            return Problem("staff_name", protected[key])
    return None


__all__ = [
    "BADGE_SYMBOLS",
    "STAFF_WORDS",
    "TITLE_WORDS",
    "Problem",
    "clean",
    "fold",
    "mixed_script_word",
    "problem",
    "protected_key",
    "script",
    "skeleton",
    "squashed",
    "staff_word",
]

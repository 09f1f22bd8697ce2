"""Word lists: banned and suspect words of a language, kept by moderators, read by the rules.

A list is one entry a line. A plain word or phrase matches as whole words in any case and
with or without diacritics: the comment's text and the entry are both folded (see fold()),
so "pička" also catches "picka" and "šta" catches "STA". An entry written /.../ is a
regular expression, case-insensitive, that also searches the folded text (any letters with
diacritics in it are folded too). Blank lines and lines starting with # are notes.

A moderator's regular expression runs inside the posting transaction, so it runs with a time
limit (the `regex` package's `timeout=`): PATTERN_SECONDS for one pattern on one comment, and
TEXT_SECONDS for all of them on one comment. One that runs out finds nothing in that comment
(it holds nothing and adds no score) and is logged once per process. Saving a list refuses a
pattern that repeats a repetition, as (a+)+, and one that runs out of time on probe texts
built from its own letters (TRIAL_SECONDS), so most never reach a comment.

Compiled lists are kept per process and reloaded when a list changes: the newest
updated_at (and the number of lists) is checked at most every CHECK_EVERY seconds.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import regex
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from parley.lib.errors import Invalid
from parley.lib.languages import canonical
from parley.moderation.log import record
from parley.moderation.models import Decision, WordList

if TYPE_CHECKING:
    from parley.accounts.models import User

log = logging.getLogger(__name__)
# The standard library's own parser of regular expressions (re._parser has no type stubs).
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

MAX_ENTRIES = 2000
MAX_ENTRY_LENGTH = 200
# The whole list as typed, notes included: 60,000 characters fit the site's 256 KB limit on
# a form even in scripts of four bytes a character.
MAX_LENGTH = 60_000
CHECK_EVERY = 2.0  # seconds between checks for changed lists
PATTERN_SECONDS = 0.02  # one moderator's pattern on one comment
TEXT_SECONDS = 0.1  # all of them on one comment
TRIAL_SECONDS = 0.1  # a pattern on each probe text when a list is saved
PROBE_LENGTH = 500  # characters of each probe text: (a+)+ needs ~2^500 steps, a+b 125,000

# A word list's pattern: the standard library's for words and phrases (built here, always
# linear), the `regex` package's for a moderator's regular expression (searched with a limit).
type Pattern = re.Pattern[str] | regex.Pattern

_LANGUAGE = re.compile(r"[a-z]{2,3}")
_SPACE = re.compile(r"\s+")


# -- folding ------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text as word lists compare it: case-folded, compatibility-decomposed (NFKD), and
    without combining marks ("Pička" → "picka", "ﬁne" → "fine")."""
    if text.isascii():
        return text.lower()  # the same as the general case, only faster
    # The Unicode standard's compatibility caseless form, less its first NFD step.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Folded:
    """A text and its folded form, for searching the one and showing the other."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self._ends: list[int] | None = None  # folded length after each character of text

    def original(self, start: int, end: int) -> str:
        """The part of the text that became folded[start:end], as it was written."""
        if self.text.isascii():
            return self.text[start:end]
        if self._ends is None:
            self._ends = list(accumulate(len(fold(ch)) for ch in self.text))
        ends = self._ends
        if not ends or ends[-1] != len(self.folded):  # folding one character at a time differed
            return self.folded[start:end]
        begin = bisect_right(ends, start)
        stop = bisect_left(ends, end) + 1
        while stop < len(ends) and ends[stop] == ends[stop - 1]:  # marks that belong to the end
            stop += 1
        return self.text[begin:stop]


def _fold_pattern(source: str) -> str:
    """A regular expression's letters folded as the text is; ASCII is left alone, so escapes
    such as \\S and \\W keep their meaning."""
    if source.isascii():
        return source
    return "".join(ch if ch.isascii() else fold(ch) for ch in source)


# -- parsing -------------------------------------------------------------------------------------


def _plain(line: str) -> str:
    """A word or phrase entry, folded, one space between its words."""
    return _SPACE.sub(" ", fold(line)).strip()


def _is_pattern(line: str) -> bool:
    return len(line) >= 2 and line.startswith("/") and line.endswith("/")


def _words_pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """One pattern for many folded words and phrases, each matched as whole words.

    The entries are merged into a trie ("idiot", "idiots", "imbecile" → i(?:diots?|mbecile)):
    one search then costs about the same for a list of two thousand entries as for one."""
    root: dict[str, dict] = {}
    for entry in entries:
        node = root
        for ch in entry:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternatives(node: dict[str, dict]) -> str:
        ends_here = "" in node
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + alternatives(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        if len(branches) == 1 and not ends_here:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")

    return re.compile(r"(?<!\w)" + alternatives(root) + r"(?!\w)")


def _compile(number: int, line: str) -> Pattern:
    """One entry, `line` already stripped; raises Invalid naming the line."""
    shown = _("Line %(n)s: “%(entry)s”") % {"n": number, "entry": line}
    if len(line) > MAX_ENTRY_LENGTH:
        raise Invalid(
            _("Line %(n)s is %(length)s characters long; an entry may have at most %(max)s.")
            % {"n": number, "length": f"{len(line):,}", "max": MAX_ENTRY_LENGTH},
            field="entries",
        )
    if _is_pattern(line):
        source = line[1:-1]
        if not source:
            raise Invalid(_("%(line)s is an empty pattern.") % {"line": shown}, field="entries")
        try:
            re.compile(source, re.IGNORECASE)  # errors at the positions the person wrote
            pattern = regex.compile(_fold_pattern(source), regex.IGNORECASE)
        except (re.error, regex.error) as error:
            raise Invalid(
                _("%(line)s is not a valid pattern (%(error)s).") % {"line": shown, "error": error},
                field="entries",
            ) from None
        if pattern.search("") is not None:
            raise Invalid(
                _("%(line)s matches empty text, so it would match every comment.")
                % {"line": shown},
                field="entries",
            )
        if _repeats_a_repetition(_parser.parse(source).data):
            raise Invalid(
                _(
                    "%(line)s repeats a repetition, as in (a+)+: on some comments it would "
                    "take minutes to search. Write it without the outer repetition."
                )
                % {"line": shown},
                field="entries",
            )
        return pattern
    folded = _plain(line)
    if not folded:
        raise Invalid(
            _("%(line)s has nothing to match once accents are set aside.") % {"line": shown},
            field="entries",
        )
    return _words_pattern([folded])


def _repeats_a_repetition(items: list, inside: bool = False) -> bool:
    """Whether a parsed pattern repeats something that itself repeats without bound, as
    (a+)+ or (\\w+\\s?)*: such patterns take exponential time on text that almost matches."""
    repeat_ops = {_constants.MAX_REPEAT, _constants.MIN_REPEAT}
    if hasattr(_constants, "POSSESSIVE_REPEAT"):
        repeat_ops.add(_constants.POSSESSIVE_REPEAT)
    for op, value in items:
        if op in repeat_ops:
            _low, high, sub = value
            unbounded = high is _constants.MAXREPEAT
            if inside and unbounded:
                return True
            if _repeats_a_repetition(list(sub), inside or unbounded or high > 1):
                return True
        elif op is _constants.SUBPATTERN:
            if _repeats_a_repetition(list(value[-1]), inside):
                return True
        elif op is _constants.BRANCH:
            if any(_repeats_a_repetition(list(branch), inside) for branch in value[1]):
                return True
        elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
            if _repeats_a_repetition(list(value[1]), inside):
                return True
        elif op is _constants.ATOMIC_GROUP:
            if _repeats_a_repetition(list(value), inside):
                return True
    return False


def _entries(entries: str) -> list[tuple[int, str]]:
    """(line number, entry) for each line that is not blank or a note."""
    found = []
    for number, line in enumerate(entries.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            found.append((number, line))
    return found


def parse(entries: str) -> list[Pattern]:
    """The patterns of a list, each to be searched for in fold(text).

    Raises Invalid (field "entries") for a list that is too long, an entry that is too long
    and a regular expression that does not compile or matches empty text."""
    if len(entries) > MAX_LENGTH:
        raise Invalid(
            _(
                "The list is %(length)s characters long; a list may have at most %(max)s "
                "(%(entries)s entries of %(entry)s characters at most)."
            )
            % {
                "length": f"{len(entries):,}",
                "max": f"{MAX_LENGTH:,}",
                "entries": f"{MAX_ENTRIES:,}",
                "entry": MAX_ENTRY_LENGTH,
            },
            field="entries",
        )
    lines = _entries(entries)
    if len(lines) > MAX_ENTRIES:
        raise Invalid(
            _("The list has %(n)s entries; at most %(max)s are allowed.")
            % {"n": f"{len(lines):,}", "max": f"{MAX_ENTRIES:,}"},
            field="entries",
        )
    compiled_lines = [(number, line, _compile(number, line)) for number, line in lines]
    for number, line, pattern in compiled_lines:
        if isinstance(pattern, regex.Pattern):
            _try_on_probes(number, line, pattern)
    return [pattern for _number, _line, pattern in compiled_lines]


def _probes(source: str) -> list[str]:
    """Texts that make a slow pattern show itself: each letter of the pattern (and a few
    common ones) repeated PROBE_LENGTH times, then a character that breaks the match."""
    letters = sorted({ch for ch in fold(source) if ch.isalnum() or ch in " -_.'"})[:24]
    letters += [ch for ch in "a1 " if ch not in letters]
    return [ch * PROBE_LENGTH + end for ch in letters for end in ("!", "\n")]


def _try_on_probes(number: int, line: str, pattern: regex.Pattern) -> None:
    for probe in _probes(line[1:-1]):
        try:
            for _match in pattern.finditer(probe, timeout=TRIAL_SECONDS):
                pass
        except TimeoutError:
            raise Invalid(
                _(
                    "Line %(n)s: “%(entry)s” takes too long to search (over %(ms)s ms on a "
                    "text of %(length)s characters): comments wait for it while they are "
                    "posted. Write it with fewer nested or overlapping repetitions."
                )
                % {
                    "n": number,
                    "entry": line,
                    "ms": round(TRIAL_SECONDS * 1000),
                    "length": f"{PROBE_LENGTH:,}",
                },
                field="entries",
            ) from None


# -- saving -------------------------------------------------------------------------------------


def save(language: str, kind: str, entries: str, *, by: User) -> WordList | None:
    """Replace one list (validated first: on an error nothing changes) and log the change;
    an empty list (nothing but blank lines) removes the list.

    `language` is "" for every language, or a code such as "pt"; "sr", "hr" and "bs" are
    stored as their group "hbs", the code comments of those languages carry."""
    code = (language or "").strip().lower()
    if code and not _LANGUAGE.fullmatch(code):
        raise Invalid(
            _(
                "“%(code)s” is not a language code: use a two- or three-letter code such as "
                "“pt” or “hbs”, or leave it empty for every language."
            )
            % {"code": language.strip()[:20]},
            field="language",
        )
    code = canonical(code)
    if kind not in WordList.Kind.values:
        raise Invalid(_("Choose a list: banned or suspect."), field="kind")
    count = len(parse(entries))  # line numbers as the person wrote them
    entries = "\n".join(line.rstrip() for line in entries.splitlines()).strip("\n")
    if not entries.strip():
        clear(code, kind, by=by)
        return None
    with transaction.atomic():
        saved, _created = WordList.objects.update_or_create(
            language=code, kind=kind, defaults={"entries": entries}
        )
        record(
            Decision.Action.WORDS,
            by=by,
            reason=(
                f"{kind} words for {code or 'every language'}: "
                f"{count} {'entry' if count == 1 else 'entries'}"
            ),
        )
        transaction.on_commit(forget)
    forget()
    return saved


def clear(code: str, kind: str, *, by: User) -> None:
    """Remove a list (saving an empty one does this); logged when there was one."""
    with transaction.atomic():
        removed, _by_model = WordList.objects.filter(language=code, kind=kind).delete()
        if removed:
            record(
                Decision.Action.WORDS,
                by=by,
                reason=f"{kind} words for {code or 'every language'}: cleared",
            )
            transaction.on_commit(forget)
    forget()


# -- the lists in use ---------------------------------------------------------------------------


@dataclass
class _Loaded:
    state: tuple[int, object]  # (number of lists, newest updated_at)
    checked_at: float
    lists: dict[tuple[str, str], list[Pattern]]  # (language, kind) → patterns
    combined: dict[str, tuple[list[Pattern], list[Pattern]]] = field(default_factory=dict)


_loaded: _Loaded | None = None
_lock = threading.Lock()


def forget() -> None:
    """Drop the compiled lists; the next patterns() reads them again."""
    global _loaded
    _loaded = None
    _timed_out.clear()


# -- searching ----------------------------------------------------------------------------------

_timed_out: set[str] = set()  # patterns already logged for running out of time


def finditer(patterns: list[Pattern], folded: str) -> Iterable[re.Match[str] | regex.Match]:
    """Every match of the patterns in a folded text, a moderator's patterns within their time
    limits (PATTERN_SECONDS each, TEXT_SECONDS in all); one that runs out yields what it
    found before and is logged once."""
    deadline = None
    for pattern in patterns:
        if not isinstance(pattern, regex.Pattern):
            yield from pattern.finditer(folded)
            continue
        now = time.monotonic()
        deadline = deadline or now + TEXT_SECONDS
        limit = min(PATTERN_SECONDS, deadline - now)
        try:
            if limit <= 0:
                raise TimeoutError
            found = list(pattern.finditer(folded, timeout=limit))
        except TimeoutError:
            _log_timeout(pattern, len(folded), limit)
            continue
        yield from found


def _log_timeout(pattern: Pattern, length: int, limit: float) -> None:
    if pattern.pattern in _timed_out:
        return
    _timed_out.add(pattern.pattern)
    if limit <= 0:
        log.warning(
            "Word list pattern /%s/ was not searched in a comment of %s characters: the "
            "comment's %s ms for patterns were spent; it counts as not found.",
            pattern.pattern,
            length,
            round(TEXT_SECONDS * 1000),
        )
    else:
        log.warning(
            "Word list pattern /%s/ ran out of its %s ms on a comment of %s characters and "
            "counts as not found; rewrite it with fewer nested repetitions.",
            pattern.pattern,
            round(limit * 1000),
            length,
        )


def _state() -> tuple[int, object]:
    found = WordList.objects.aggregate(count=Count("id"), newest=Max("updated_at"))
    return found["count"], found["newest"]


def compiled(entries: str, *, where: str = "") -> list[Pattern]:
    """A list as few patterns as possible: its words and phrases in one, then each regular
    expression. An entry that does not compile (stored some other way than save()) is
    skipped, with a warning naming `where`."""
    words: list[str] = []
    patterns: list[Pattern] = []
    for number, line in _entries(entries):
        if not _is_pattern(line):
            if folded := _plain(line):
                words.append(folded)
            continue
        try:
            patterns.append(_compile(number, line))
        except Invalid as error:
            log.warning("Word list %s: %s", where, error.message)
    return ([_words_pattern(words)] if words else []) + patterns


def _list_patterns(row: WordList) -> list[Pattern]:
    return compiled(row.entries, where=f"{row.language!r} ({row.kind})")


def _load(state: tuple[int, object]) -> _Loaded:
    lists = {(row.language, row.kind): _list_patterns(row) for row in WordList.objects.all()}
    return _Loaded(state=state, checked_at=time.monotonic(), lists=lists)


def _current() -> _Loaded:
    global _loaded
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now - loaded.checked_at < CHECK_EVERY:
        return loaded
    with _lock:
        loaded = _loaded
        if loaded is not None and now - loaded.checked_at < CHECK_EVERY:
            return loaded
        state = _state()
        if loaded is not None and loaded.state == state:
            loaded.checked_at = now
        else:
            loaded = _load(state)
            _loaded = loaded
        return loaded


def patterns(language: str) -> tuple[list[Pattern], list[Pattern]]:
    """(banned, suspect) patterns for a comment in `language`: that language's lists and the
    lists for every language. Search them in fold(text); one pattern may stand for many
    entries (all the words and phrases of a list), so look for every match (finditer)."""
    loaded = _current()
    code = canonical(language)
    both = loaded.combined.get(code)
    if both is None:
        codes = [""] if not code else [code, ""]
        banned = [p for c in codes for p in loaded.lists.get((c, WordList.Kind.BANNED), [])]
        suspect = [p for c in codes for p in loaded.lists.get((c, WordList.Kind.SUSPECT), [])]
        both = loaded.combined[code] = (banned, suspect)
    return both

"""A reader's search, parsed in Python: words and "quoted phrases", nothing else.

Everything else a search engine would read as syntax (`*`, `NEAR`, `AND`, `OR`, `-`,
parentheses, `column:` filters, an unbalanced quote) is taken as plain words or dropped as
punctuation, so no query syntax ever reaches SQLite or PostgreSQL from a reader: the backends
receive lists of folded words made only of letters and digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from parley.lib.errors import Invalid
from parley.search.folding import words

MAX_CHARS = 500  # the most characters a search may have
MAX_TERMS = 32  # the most words and phrases, together
MAX_PHRASE_WORDS = 16  # the most words in one quoted phrase

_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Query:
    """Terms that must all match: each a tuple of folded words (one word, or a phrase)."""

    text: str
    terms: tuple[tuple[str, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def words(self) -> frozenset[str]:
        """Every folded word asked for (what excerpts mark)."""
        return frozenset(word for term in self.terms for word in term)


def parse(text: str) -> Query:
    """The terms of a search; Invalid (400) with a sentence past the stated limits."""
    text = (text or "").strip()
    if len(text) > MAX_CHARS:
        raise Invalid(
            _(
                "A search may have at most %(n)s characters; this one has %(m)s. "
                "Search for fewer words."
            )
            % {"n": MAX_CHARS, "m": len(text)},
            field="q",
            code="query_too_long",
        )
    terms: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    rest_at = 0
    pieces: list[tuple[bool, str]] = []
    for match in _PHRASE.finditer(text):
        pieces.append((False, text[rest_at : match.start()]))
        pieces.append((True, match.group(1)))
        rest_at = match.end()
    pieces.append((False, text[rest_at:]))  # an unbalanced quote is punctuation here
    for is_phrase, piece in pieces:
        found = words(piece)
        if is_phrase and len(found) > MAX_PHRASE_WORDS:
            raise Invalid(
                _("A quoted phrase may have at most %(n)s words. Quote a shorter part of it.")
                % {"n": MAX_PHRASE_WORDS},
                field="q",
                code="query_too_long",
            )
        candidates = [tuple(found)] if is_phrase and found else [(word,) for word in found]
        for term in candidates:
            if term not in seen:
                seen.add(term)
                terms.append(term)
    if len(terms) > MAX_TERMS:
        raise Invalid(
            _("A search may have at most %(n)s words and phrases; this one has %(m)s.")
            % {"n": MAX_TERMS, "m": len(terms)},
            field="q",
            code="query_too_long",
        )
    return Query(text=text, terms=tuple(terms))

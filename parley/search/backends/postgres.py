"""PostgreSQL full-text search: the generated tsvector column search_entry.folded_vector
(`simple` configuration: the text is folded in Python already) with a GIN index."""

from __future__ import annotations

from parley.search.backends.base import Backend
from parley.search.query import Query


def tsquery(query: Query) -> str:
    """A to_tsquery string: words quoted as lexemes, a phrase's words joined by <->, terms by &.
    Terms hold only folded letters and digits (query.py), so no operator comes from a reader."""
    terms = []
    for term in query.terms:
        lexemes = ["'" + word.replace("'", "''") + "'" for word in term]
        terms.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(terms)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def match(self, query: Query):
        expression = tsquery(query)
        return (
            "",
            "e.folded_vector @@ to_tsquery('simple', %s)",
            [expression],
            "-ts_rank(e.folded_vector, to_tsquery('simple', %s))",
            [expression],
        )

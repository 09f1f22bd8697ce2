"""SQLite FTS5: the external-content table `search_fts` over search_entry.folded, kept in
step by triggers (migration 0001)."""

from __future__ import annotations

from django.db import connection

from parley.search.backends.base import Backend
from parley.search.query import Query


def match_expression(query: Query) -> str:
    """An FTS5 MATCH string: each term a double-quoted string (a word or a phrase), all
    required. Terms hold only folded letters and digits (query.py), and are quoted all the
    same, so no FTS5 operator can come from a reader."""
    return " ".join('"' + " ".join(term).replace('"', '""') + '"' for term in query.terms)


class SqliteBackend(Backend):
    vendor = "sqlite"
    failed_statement_aborts = False
    # FTS5 walks a match's rows by rowid, the entry's id, either way: newest first is the
    # full-text index's own order, so the walk stops at the limit.
    newest_first = "search_fts.rowid DESC"

    def optimize(self) -> None:
        """Merge every segment of the FTS5 index into one (what a rebuild leaves)."""
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def match(self, query: Query):
        return (
            "JOIN search_fts ON search_fts.rowid = e.id",
            "search_fts MATCH %s",
            [match_expression(query)],
            "bm25(search_fts)",
            [],
        )

"""SQLite FTS5: the external-content table `search_fts` over search_entry.folded, kept in
step by triggers (migration 0001)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from parley.search.backends.base import Backend, Filters
from parley.search.query import Query

# How many of the best matches the fast path ranks, per result asked for (see query()).
FAST_PATH_SHARE = 3


def match_expression(query: Query) -> str:
    """An FTS5 MATCH string: each term a double-quoted string (a word or a phrase), all
    required. Terms hold only folded letters and digits (query.py), and are quoted all the
    same, so no FTS5 operator can come from a reader."""
    return " ".join('"' + " ".join(term).replace('"', '""') + '"' for term in query.terms)


class SqliteBackend(Backend):
    vendor = "sqlite"

    def match(self, query: Query):
        return (
            "JOIN search_fts ON search_fts.rowid = e.id",
            "search_fts MATCH %s",
            [match_expression(query)],
            "bm25(search_fts)",
            [],
        )

    def query(self, query: Query, filters: Filters, limit: int) -> list[tuple[int, str, int, str]]:
        """As Backend.query(), faster for a common word with no filter of the reader's.

        Joining every match to its entry and post before ranking costs two lookups per match:
        a word found in a quarter of 100,000 comments took 43 ms where ranking the matches in
        the FTS5 table alone takes 20 (bench/search.py). So the best `FAST_PATH_SHARE * limit`
        matches are ranked first, in the same order (bm25, then the newest id), and only they
        are joined; when at least `limit` of them are of published posts, they are exactly
        the best `limit` of the full query (any better visible match would be among them).
        Otherwise (few matches, or hidden posts' entries among the best), and with a filter
        of the reader's (which can leave out most of the best), the full query answers."""
        if query.is_empty:
            return []
        if filters == Filters():
            ids = self._best_first(query, limit)
            if len(ids) >= limit:
                return ids
        return super().query(query, filters, limit)

    def _best_first(self, query: Query, limit: int) -> list[tuple[int, str, int, str]]:
        where, where_params = self._filters(Filters())  # what every reader may see
        sql = (
            "SELECT e.id, e.source, e.object_id, e.anchor "  # noqa: S608  (our own SQL; values are parameters)
            "FROM (SELECT rowid AS id, bm25(search_fts) AS score FROM search_fts "
            "WHERE search_fts MATCH %s ORDER BY score, rowid DESC LIMIT %s) f "
            "JOIN search_entry e ON e.id = f.id JOIN publishing_post p ON p.id = e.post_id "
            f"WHERE {where} ORDER BY f.score, e.id DESC LIMIT %s"
        )
        params: list[Any] = [match_expression(query), FAST_PATH_SHARE * limit, *where_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [tuple(row) for row in cursor.fetchall()]

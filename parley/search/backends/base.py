"""The interface of a search engine: index(entries), remove(keys), query(...).

Entries live in one ordinary table (search.Entry) on every database; each engine keeps its
own full-text index of its `folded` column (made by the migration for that database) and
answers query() with the ids of the best matching entries, filters applied in SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from parley.search.models import Entry
from parley.search.query import Query

# How many of a query's newest matches are ranked (see Backend.query).
RANKED = 2000


# The columns an INSERT writes (all but the id), in order.
_FIELDS = [f for f in Entry._meta.concrete_fields if not f.primary_key]


# Entries per INSERT statement (15 parameters each, within both engines' limits).
INSERT_BATCH = 500


@functools.lru_cache(maxsize=64)
def _insert_sql(vendor: str, rows: int) -> str:
    """INSERT of `rows` entries (written once per database and row count)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in _FIELDS)
    row = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
    table = quote(Entry._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608  (our table and columns)


@dataclass(frozen=True)
class Filters:
    """What narrows a search: all optional."""

    author: str = ""  # an author's name, folded, matched whole
    language: str = ""
    since: datetime | None = None
    until: datetime | None = None
    post_id: int | None = None


class Backend:
    vendor = ""
    # Whether a statement that fails leaves the transaction unusable (until a savepoint's
    # rollback), as on PostgreSQL; SQLite undoes the failed statement alone.
    failed_statement_aborts = True

    # -- writing (the same on every database: the index follows the table) --------------------

    def index(self, entries: Iterable[Entry]) -> None:
        """Enter entries, INSERT_BATCH rows to a plain INSERT statement: the ORM's bulk_create
        costs more than the statement on the posting path, where a comment has one entry."""
        rows = list(entries)
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            values = [
                field.get_db_prep_save(getattr(entry, field.attname), connection)
                for entry in batch
                for field in _FIELDS
            ]
            with connection.cursor() as cursor:
                cursor.execute(_insert_sql(connection.vendor, len(batch)), values)

    def remove(self, source: str, object_ids: Sequence[int]) -> None:
        """Take out every entry of these objects, found through the column indexed for each
        source (models.Entry.Meta)."""
        if not object_ids:
            return
        ids = list(object_ids)
        if source == Entry.Source.COMMENT:
            rows = Entry.objects.filter(comment_id__in=ids)
        elif source == Entry.Source.DOCUMENT:
            rows = Entry.objects.filter(document_id__in=ids)
        else:
            rows = Entry.objects.filter(source=source, post_id__in=ids)
        rows.delete()

    def replace(self, source: str, object_ids: Sequence[int], entries: Iterable[Entry]) -> None:
        """Take out every entry of these objects and enter `entries` in their place."""
        self.remove(source, object_ids)
        self.index(entries)

    def clear(self) -> None:
        Entry.objects.all().delete()

    def optimize(self) -> None:
        """After a rebuild: leave the full-text index as compact as the engine can."""

    # -- reading ------------------------------------------------------------------------------

    def query(self, query: Query, filters: Filters, limit: int) -> list[tuple[int, str, int, str]]:
        """Up to `limit` entries matching every term, best first: (id, source, object id,
        anchor) each, so the caller can take a comment found in several languages once.

        Only the newest RANKED matches (filters applied) are ranked: a word in a quarter of
        a site's 100,000 comments would otherwise cost a rank for each of 28,000 matches
        (docs/benchmarks.md, "Search"). Each engine walks its index newest first and stops
        there, so a query costs at most RANKED ranks however common its words."""
        if query.is_empty:
            return []
        join_sql, match_sql, match_params, rank_sql, rank_params = self.match(query)
        where, where_params = self._filters(filters)
        sql = (
            "SELECT id, source, object_id, anchor FROM ("  # noqa: S608  (our own SQL; values are parameters)
            f"SELECT e.id, e.source, e.object_id, e.anchor, {rank_sql} AS score "
            f"FROM search_entry e {join_sql} JOIN publishing_post p ON p.id = e.post_id "
            f"WHERE {match_sql} AND {where} ORDER BY {self.newest_first} LIMIT %s"
            ") ranked ORDER BY score, id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            params: list[Any] = [*rank_params, *match_params, *where_params, RANKED, limit]
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    # The order of the engine's own index that walks matches newest first.
    newest_first = "e.id DESC"

    def match(self, query: Query) -> tuple[str, str, list[object], str, list[object]]:
        """The full-text match: (JOIN, WHERE clause, its parameters, a score that is lower
        for a better match, its parameters)."""
        raise NotImplementedError

    @staticmethod
    def _filters(filters: Filters) -> tuple[str, list[object]]:
        # Only what readers may see: the post is published and its time has come.
        clauses = ["p.is_published", "p.published_at <= %s"]
        params: list[object] = [timezone.now()]
        if filters.author:
            clauses.append("e.author_key = %s")
            params.append(filters.author)
        if filters.language:
            clauses.append("e.language = %s")
            params.append(filters.language)
        if filters.since is not None:
            clauses.append("e.created_at >= %s")
            params.append(filters.since)
        if filters.until is not None:
            clauses.append("e.created_at < %s")
            params.append(filters.until)
        if filters.post_id is not None:
            clauses.append("e.post_id = %s")
            params.append(filters.post_id)
        return " AND ".join(clauses), params

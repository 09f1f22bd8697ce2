"""The interface of a search engine: index(entries), remove(keys), query(...).

Entries live in one ordinary table (search.Entry) on every database; each engine keeps its
own full-text index of its `folded` column (made by the migration for that database) and
answers query() with the ids of the best matching entries, filters applied in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from parley.search.models import Entry
from parley.search.query import Query


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

    # -- writing (the same on every database: the index follows the table) --------------------

    def index(self, entries: Iterable[Entry]) -> None:
        Entry.objects.bulk_create(list(entries), batch_size=500)

    def remove(self, source: str, object_ids: Sequence[int]) -> None:
        if object_ids:
            Entry.objects.filter(source=source, object_id__in=list(object_ids)).delete()

    def replace(self, source: str, object_ids: Sequence[int], entries: Iterable[Entry]) -> None:
        """Take out every entry of these objects and enter `entries` in their place."""
        self.remove(source, object_ids)
        self.index(entries)

    def clear(self) -> None:
        Entry.objects.all().delete()

    # -- reading ------------------------------------------------------------------------------

    def query(self, query: Query, filters: Filters, limit: int) -> list[tuple[int, str, int, str]]:
        """Up to `limit` entries matching every term, best first: (id, source, object id,
        anchor) each, so the caller can take a comment found in several languages once."""
        if query.is_empty:
            return []
        join_sql, match_sql, match_params, rank_sql, rank_params = self.match(query)
        where, where_params = self._filters(filters)
        sql = (
            f"SELECT e.id, e.source, e.object_id, e.anchor FROM search_entry e {join_sql} "  # noqa: S608  (our own SQL; values are parameters)
            "JOIN publishing_post p ON p.id = e.post_id "
            f"WHERE {match_sql} AND {where} ORDER BY {rank_sql}, e.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            params: list[Any] = [*match_params, *where_params, *rank_params, limit]
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def match(self, query: Query) -> tuple[str, str, list[object], str, list[object]]:
        """The full-text match: (JOIN, WHERE clause, its parameters, ORDER BY expression,
        its parameters)."""
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

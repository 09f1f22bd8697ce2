"""The search engines, one module each, chosen by the database vendor: SQLite's FTS5 in the
embedded setup, PostgreSQL's full-text search when scaled out."""

from __future__ import annotations

from django.db import connection

from parley.search.backends.base import Backend


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from parley.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from parley.search.backends.sqlite import SqliteBackend

    return SqliteBackend()

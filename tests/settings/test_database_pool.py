"""PostgreSQL connections come from psycopg's pool, sized by PARLEY_DB_POOL_SIZE, and each is
checked before use, so one that the server closed is replaced instead of failing a request."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="connection pooling is for PostgreSQL"
)


def test_connections_come_from_a_pool_of_the_configured_size(transactional_db, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.pool is not None
    assert connection.pool.max_size == settings.PARLEY_DB_POOL_SIZE
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_pooled_connections_killed_by_the_server_are_replaced(transactional_db):
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (first,) = cursor.fetchone()
    connection.close()  # back to the pool, still open
    params = connection.get_connection_params()
    params.pop("pool", None)
    with psycopg.connect(**params, autocommit=True) as other:
        # Every connection of this test database but this one: all the pool holds.
        killed = other.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in killed:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert (first,) in killed
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (replacement,) = cursor.fetchone()
    assert (replacement,) not in killed

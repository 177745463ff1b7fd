"""The embedded database is tuned for many readers beside one writer, and connections persist."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's pragmas; PostgreSQL is tuned on its server"
)


def _pragma(name: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@sqlite_only
def test_sqlite_connection_is_tuned_for_readers_beside_the_writer() -> None:
    assert _pragma("synchronous") == 1  # NORMAL, safe with WAL
    assert _pragma("cache_size") == -32000  # 32 MB of pages kept per connection
    assert _pragma("temp_store") == 2  # MEMORY
    # (WAL and the memory map apply to the database file; the test database lives in memory.)


def test_connections_persist_and_are_checked_before_reuse() -> None:
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["ATOMIC_REQUESTS"] is False

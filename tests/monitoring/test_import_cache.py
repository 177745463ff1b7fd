"""A bulk import gets a larger SQLite page cache while it runs, and the site's comes back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from ravabet.monitoring import pipeline


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_import_cache_is_larger_during_the_import_and_restored(settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's cache is the server's")
    settings.RAVABET_MONITORING_IMPORT_CACHE_MB = 64
    before = _cache_size()
    with pipeline.import_cache():
        assert _cache_size() == -64 * 1024
    assert _cache_size() == before


@pytest.mark.django_db
def test_import_cache_is_restored_after_a_failed_import(settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's cache is the server's")
    before = _cache_size()
    with pytest.raises(RuntimeError), pipeline.import_cache():
        raise RuntimeError("the import failed")
    assert _cache_size() == before

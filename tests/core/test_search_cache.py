"""Popular searches come from the cache (core/search/cache.py): whatever the spelling, never
stale, and bounded however many one-off queries arrive."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.db import connection, transaction

from ravabet.core.search import (
    Document,
    Filters,
    index_documents,
    rebuild,
    remove_documents,
    search,
)
from ravabet.core.search import cache as search_cache
from tests.conftest import clear_cache

# The documents of the search tests, so that both read alike.
from tests.core.test_search import NOW, PR_TITLE, SCOPE, doc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_search_caches() -> None:
    clear_cache(search_cache.RESULTS_ALIAS)
    clear_cache(search_cache.SEEN_ALIAS)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Index as a request would: the test's transaction never commits, so the callbacks a
    commit would run are run here."""

    def write(call: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return write


@contextmanager
def search_statements() -> Iterator[list[str]]:
    """The SQL statements that read the search tables meanwhile."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "core_search" in sql:
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def entries(alias: str) -> int:
    """How many keys the cache alias holds (LocMem in the embedded default, Redis in CI)."""
    store = caches[alias]
    if "RedisCache" in settings.CACHES[alias]["BACKEND"]:
        client = store._cache.get_client()  # type: ignore[attr-defined]
        return sum(1 for _ in client.scan_iter(f"{settings.CACHES[alias]['KEY_PREFIX']}:*"))
    return len(store._cache)  # type: ignore[attr-defined]


def found(query: str, **kwargs: Any) -> list[int]:
    return search(SCOPE, query, **kwargs).object_ids


# --- served from the cache ---------------------------------------------------------------


def test_a_search_asked_twice_is_then_served_from_the_cache_whatever_the_spelling(
    committed: Any,
) -> None:
    committed(index_documents, [doc(1, PR_TITLE), doc(2, "بازدید استاندار از راه‌سازی")])
    assert found("روابط عمومی ها") == [1]  # first ask: searched, only marked
    assert entries(search_cache.RESULTS_ALIAS) == 0
    assert found("روابط‌عمومی‌ها") == [1]  # the same words: asked twice, stored
    assert entries(search_cache.RESULTS_ALIAS) == 1
    with search_statements() as statements:
        for spelling in ("روابط عمومیها", "روابط عمومي‌ها", "  روابط   عمومی‌ها "):
            results = search(SCOPE, spelling)
            assert results.object_ids == [1] and results.total == 1
    assert statements == []


def test_a_one_off_search_is_not_stored(committed: Any) -> None:
    committed(index_documents, [doc(1, PR_TITLE)])
    found("اجرایی")
    found("استان")
    assert entries(search_cache.RESULTS_ALIAS) == 0
    with search_statements() as statements:
        found("اجرایی")
    assert statements  # the second ask searched (and stored it)
    with search_statements() as statements:
        found("اجرایی")
    assert statements == []


def test_pages_filters_and_page_sizes_have_their_own_entries(committed: Any) -> None:
    committed(
        index_documents,
        [doc(i, f"نشست خبری شمارهٔ {i}", agency_id=1 + i % 2) for i in range(1, 46)],
    )
    for _ in range(2):
        first, second = search(SCOPE, "نشست", page=1), search(SCOPE, "نشست", page="۲")
        agency = search(SCOPE, "نشست", filters=Filters(agency_ids=[1]))
        small = search(SCOPE, "نشست", per_page=5)
    assert set(first.object_ids).isdisjoint(second.object_ids)
    assert agency.total == 22 and first.total == 45
    assert len(small.hits) == 5
    with search_statements() as statements:
        assert search(SCOPE, "نشست", page=2).object_ids == second.object_ids
        assert search(SCOPE, "نشست", filters=Filters(agency_ids=[1])).total == 22
    assert statements == []


def test_deep_pages_are_never_stored(committed: Any) -> None:
    committed(index_documents, [doc(i, f"نشست خبری شمارهٔ {i}") for i in range(1, 200)])
    deep = search_cache.MAX_CACHED_PAGE + 1
    for _ in range(3):
        assert search(SCOPE, "نشست", page=deep).page == deep
    assert entries(search_cache.RESULTS_ALIAS) == 0


def test_the_cache_is_off_at_zero_seconds(committed: Any, settings: Any) -> None:
    settings.RAVABET_SEARCH_CACHE_SECONDS = 0
    committed(index_documents, [doc(1, PR_TITLE)])
    for _ in range(3):
        with search_statements() as statements:
            assert found("استان") == [1]
        assert statements


# --- never stale ---------------------------------------------------------------------------


def _hot(query: str) -> list[int]:
    """Asked three times: the third answer comes from the cache."""
    found(query)
    found(query)
    with search_statements() as statements:
        ids = found(query)
    assert statements == []
    return ids


def test_a_new_document_is_found_at_once(committed: Any) -> None:
    committed(index_documents, [doc(1, "بازگشایی جادهٔ چالوس")])
    assert _hot("بازگشایی") == [1]
    committed(index_documents, [doc(2, "بازگشایی مدرسهٔ روستا", published_at=NOW)])
    assert found("بازگشایی") == [2, 1]


def test_a_removed_or_rebuilt_document_leaves_at_once(committed: Any) -> None:
    committed(index_documents, [doc(1, "سد کرج"), doc(2, "سد لار")])
    assert sorted(_hot("سد")) == [1, 2]
    committed(remove_documents, SCOPE, [1])
    assert found("سد") == [2]
    assert _hot("سد") == [2]
    committed(rebuild, SCOPE, [doc(3, "سد طالقان")], progress=False)
    assert found("سد") == [3]


def test_a_change_to_another_scope_keeps_the_entries(committed: Any) -> None:
    committed(index_documents, [doc(1, "سد کرج")])
    _hot("سد")
    committed(index_documents, [Document(scope="article", object_id=1, title="سد", body="")])
    with search_statements() as statements:
        assert found("سد") == [1]
    assert statements == []


def test_the_writing_transaction_sees_its_write_and_a_rollback_leaves_nothing(
    committed: Any,
) -> None:
    committed(index_documents, [doc(1, "سد کرج")])
    assert _hot("سد") == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        index_documents([doc(2, "سد لار", published_at=NOW)])
        for _ in range(3):  # inside: the index as written, never from (or into) the cache
            assert found("سد") == [2, 1]
        raise RuntimeError("the release could not be saved")
    assert found("سد") == [1]


def test_an_evicted_version_never_brings_old_entries_back(committed: Any) -> None:
    committed(index_documents, [doc(1, "سد کرج")])
    before = search_cache.version(SCOPE)
    assert _hot("سد") == [1]
    committed(index_documents, [doc(2, "سد لار", published_at=NOW)])
    default_cache.delete("search:version:" + SCOPE)  # evicted: a new version, never `before`
    assert search_cache.version(SCOPE) != before
    assert found("سد") == [2, 1]


# --- bounded -------------------------------------------------------------------------------


def test_a_flood_of_one_off_queries_stores_nothing_and_keeps_the_hot_entry(
    committed: Any,
) -> None:
    committed(index_documents, [doc(1, PR_TITLE)])
    assert _hot("روابط عمومی") == [1]
    rng = random.Random(1404)
    for _ in range(10_000):
        # Random numbers: searched for real (and found nowhere), each asked once.
        search(SCOPE, f"{rng.randrange(10**12)} {rng.randrange(10**12)}")
    assert entries(search_cache.RESULTS_ALIAS) == 1
    assert entries(search_cache.SEEN_ALIAS) <= search_cache.ADMISSION_SLOTS
    with search_statements() as statements:
        assert found("روابط عمومی") == [1]
    assert statements == []


@pytest.mark.skipif(
    "RedisCache" in settings.CACHES["search"]["BACKEND"],
    reason="Redis bounds memory by its own policy, not by a number of entries",
)
def test_the_results_cache_keeps_to_its_bound(committed: Any, settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "search": {**settings.CACHES["search"], "OPTIONS": {"MAX_ENTRIES": 30}},
    }
    committed(index_documents, [doc(1, "سد کرج")])
    for page in range(1, 4):
        for per_page in range(1, 30):  # 87 different searches, each asked twice
            search(SCOPE, "سد", page=page, per_page=per_page)
            search(SCOPE, "سد", page=page, per_page=per_page)
    assert 0 < entries(search_cache.RESULTS_ALIAS) <= 30

"""Search at /search/: the seed is found whatever spelling the user types; bad input is calm."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from ravabet.newsroom import importer
from tests.factories import make_release

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_355124c2ea71b728.txt"
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(world: Any) -> Any:
    release = importer.import_release(
        actor=world.directorate_staff,
        agency=world.directorate,
        text=SEED.read_text(encoding="utf-8"),
        publish=True,
    )
    make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="بهسازی جاده فیروزکوه",
        status="published",
    )
    return release


@pytest.mark.parametrize(
    "query", ["روابط عمومیهای", "روابط‌عمومی‌های", "دستگاه هاي اجرايي", "بين الملل", "۱۴۰۴", "1404"]
)
def test_search_finds_the_seed_by_every_spelling(seed: Any, query: str) -> None:
    body = Client().get("/search/", {"q": query}).content.decode()
    assert seed.headline in body, query
    assert "بهسازی جاده فیروزکوه" not in body


def test_results_have_highlighted_snippets_and_persian_count(seed: Any) -> None:
    body = Client().get("/search/", {"q": "بين الملل"}).content.decode()
    assert "<mark>" in body
    assert "۱ نتیجه" in body


def test_filters_by_agency_and_kind(seed: Any) -> None:
    assert (
        seed.headline
        not in Client().get("/search/", {"q": "۱۴۰۴", "agency": "roads"}).content.decode()
    )
    assert (
        seed.headline
        in Client().get("/search/", {"q": "۱۴۰۴", "agency": "pr-directorate"}).content.decode()
    )
    assert (
        seed.headline
        not in Client().get("/search/", {"q": "۱۴۰۴", "kind": "rebuttal"}).content.decode()
    )


def test_filter_by_jalali_date_range(seed: Any) -> None:
    # The seed was published today in this test; a range in 1390 excludes it.
    body = (
        Client()
        .get("/search/", {"q": "۱۴۰۴", "since": "۱۳۹۰/۰۱/۰۱", "until": "1390/12/29"})
        .content.decode()
    )
    assert seed.headline not in body
    body = Client().get("/search/", {"q": "۱۴۰۴", "since": "۱۳۹۰/۰۱/۰۱"}).content.decode()
    assert seed.headline in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "ب" * 2000},
        {"q": '"'},
        {"q": "*"},
        {"q": "NEAR"},
        {"q": "OR"},
        {"q": "'"},
        {"q": "؟!،."},
        {"q": "روابط", "agency": "no-such-agency"},
        {"q": "روابط", "page": "9999"},
        {"q": "روابط", "page": "-3"},
        {"q": "روابط", "since": "دیروز"},
    ],
)
def test_bad_search_input_never_breaks(seed: Any, params: dict[str, str]) -> None:
    response = Client().get("/search/", params)
    assert response.status_code == 200


def test_empty_query_says_what_to_do(seed: Any) -> None:
    body = Client().get("/search/", {"q": "   "}).content.decode()
    assert "برای جست‌وجو" in body or "بنویسید" in body


def test_unknown_agency_filter_is_explained(seed: Any) -> None:
    body = Client().get("/search/", {"q": "۱۴۰۴", "agency": "no-such"}).content.decode()
    assert "دستگاهی با این نام پیدا نشد" in body
    assert seed.headline in body


def test_withdrawn_release_leaves_search(seed: Any, world: Any) -> None:
    from ravabet.newsroom import services

    services.release_withdraw(actor=world.directorate_staff, release=seed, reason="تکراری")
    assert seed.headline not in Client().get("/search/", {"q": "1404"}).content.decode()


def test_search_rebuild_command_restores_a_lost_index(seed: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from ravabet.core.search import remove_documents

    remove_documents("release", [seed.pk])
    assert seed.headline not in Client().get("/search/", {"q": "1404"}).content.decode()
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert "indexed 2 documents of scope release" in out.getvalue()
    assert seed.headline in Client().get("/search/", {"q": "1404"}).content.decode()


def test_until_date_includes_the_whole_day(seed: Any) -> None:
    from ravabet.core.jalali import format_short

    today = format_short(seed.published_at)
    assert seed.headline in Client().get("/search/", {"q": "1404", "until": today}).content.decode()
    assert seed.headline in Client().get("/search/", {"q": "1404", "since": today}).content.decode()


def test_stale_index_is_rebuilt_after_a_search_key_change(seed: Any) -> None:
    """Entries keyed by an older SEARCH_KEY_VERSION (an upgrade) are made again, once."""
    from ravabet.core.search.models import SearchEntry
    from ravabet.core.search.sources import rebuild_stale
    from ravabet.newsroom import search
    from ravabet.persian import SEARCH_KEY_VERSION

    entries = SearchEntry.objects.filter(scope=search.SCOPE)
    entries.update(key_version=SEARCH_KEY_VERSION - 1)
    assert rebuild_stale() == {"release": 2}
    assert set(entries.values_list("key_version", flat=True)) == {SEARCH_KEY_VERSION}
    body = Client().get("/search/", {"q": "فیروزکوه"}).content.decode()
    assert "بهسازی جاده فیروزکوه" in body
    # Nothing stale any more: nothing is indexed, and the command says so.
    assert rebuild_stale() == {}
    out = io.StringIO()
    call_command("search_rebuild", "--if-stale", stdout=out)
    assert "up to date" in out.getvalue()


# --- a broad search, and repeated ones ------------------------------------------------------


def _index_many(count: int) -> None:
    """`count` entries of the release scope holding «گزارش» (entries only: cheap to make)."""
    from ravabet.core.search import Document, index_documents

    index_documents(
        Document(scope="release", object_id=i, title=f"گزارش شمارهٔ {i}", body="")
        for i in range(1, count + 1)
    )


def test_a_broad_search_says_more_than_a_thousand_and_pages_within_them(db: Any) -> None:
    _index_many(1500)
    body = Client().get("/search/", {"q": "گزارش"}).content.decode()
    assert "بیش از ۱۰۰۰ نتیجه" in body
    assert "صفحهٔ ۱ از ۵۰" in body
    last = Client().get("/search/", {"q": "گزارش", "page": "51"}).content.decode()
    assert "صفحهٔ ۵۰ از ۵۰" in last and 'rel="next"' not in last
    one = Client().get("/search/", {"q": "گزارش شمارهٔ ۱۴۹۹"}).content.decode()
    assert '<p class="muted">۱ نتیجه</p>' in one


def _search_tables_read(queries: Any) -> list[str]:
    return [q["sql"] for q in queries if "core_search" in q["sql"]]


def test_a_repeated_search_is_answered_without_searching(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.RAVABET_PAGE_CACHE_SECONDS = 0  # the search's own cache, not the page's
    with django_capture_on_commit_callbacks(execute=True):
        make_release(
            actor=world.head_roads,
            agency=world.roads,
            headline="نشست روابط عمومی‌های دستگاه‌های اجرایی",
            status="published",
        )
    Client().get("/search/", {"q": "روابط عمومی ها"})
    Client().get("/search/", {"q": "روابط‌عمومی‌ها"})
    with CaptureQueriesContext(connection) as queries:
        body = Client().get("/search/", {"q": "روابط عمومیها"}).content.decode()
    assert "نشست روابط عمومی‌های دستگاه‌های اجرایی" in body
    assert '<p class="muted">۱ نتیجه</p>' in body
    assert _search_tables_read(queries.captured_queries) == []


def test_a_publish_shows_in_the_next_search_at_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def publish(headline: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            make_release(
                actor=world.head_roads, agency=world.roads, headline=headline, status="published"
            )

    publish("بهسازی جادهٔ فیروزکوه")
    for _ in range(3):  # popular now: kept by the search cache and the page cache
        body = Client().get("/search/", {"q": "بهسازی"}).content.decode()
    assert '<p class="muted">۱ نتیجه</p>' in body
    publish("بهسازی پل‌های روستایی")
    body = Client().get("/search/", {"q": "بهسازي"}).content.decode()
    assert "بهسازی پل‌های روستایی" in body
    assert '<p class="muted">۲ نتیجه</p>' in body
    assert "بهسازی پل‌های روستایی" in Client().get("/search/", {"q": "بهسازی"}).content.decode()


@pytest.mark.parametrize("field", ["since", "until"])
@pytest.mark.parametrize("day", ["۱۳۹۰/۰۱/۰۱", "۱۳۸۹/۱۲/۲۹"])
def test_a_date_on_the_day_clocks_jumped_searches_instead_of_failing(
    seed: Any, field: str, day: str
) -> None:
    """Tehran's midnight of 1 Farvardin 1390 never existed (clocks went to 01:00)."""
    assert Client().get("/search/", {"q": "1404", field: day}).status_code == 200

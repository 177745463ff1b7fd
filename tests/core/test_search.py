"""The search index as its users meet it: any spelling, filters, ranking, pages, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ravabet.core.search import (
    Document,
    Filters,
    Results,
    backends,
    highlight,
    index_documents,
    rebuild,
    remove_documents,
    search,
    stale_count,
)
from ravabet.core.search.models import SearchEntry

pytestmark = pytest.mark.django_db

SCOPE = "release"
NOW = datetime(2025, 5, 20, 8, 30, tzinfo=UTC)

PR_TITLE = "نشست روابط عمومی‌های دستگاه‌های اجرایی استان"
PR_BODY = (
    "مدیران روابط عمومی‌های دستگاه‌های اجرایی استان در همایش بین‌الملل رسانه گرد هم آمدند "
    "و برنامهٔ اطلاع‌رسانی سال ۱۴۰۴ را بررسی کردند."
)


def doc(object_id: int, title: str = "", body: str = "", **fields: Any) -> Document:
    fields.setdefault("published_at", NOW - timedelta(days=object_id))
    return Document(scope=SCOPE, object_id=object_id, title=title, body=body, **fields)


def found(query: str, **kwargs: Any) -> list[int]:
    return search(SCOPE, query, **kwargs).object_ids


@pytest.fixture
def pr_release() -> None:
    index_documents(
        [
            doc(1, PR_TITLE, PR_BODY),
            doc(2, "بازدید استاندار از پروژه‌های راه‌سازی", "پیشرفت ۶۰ درصدی جادهٔ روستایی."),
        ]
    )


# --- spelling variants -------------------------------------------------------------------


@pytest.mark.usefixtures("pr_release")
@pytest.mark.parametrize(
    "query",
    [
        "روابط عمومیهای",  # suffix glued without a half-space
        "روابط‌عمومی‌های",  # half-spaces everywhere
        "روابط عمومی‌های",  # as written
        "دستگاه هاي اجرايي",  # Arabic yeh, suffix split by a space
        "دستگاه‌های اجرایی",
        "بين الملل",  # Arabic yeh, space instead of a half-space
        "بین‌الملل",
        "۱۴۰۴",  # Persian digits
        "1404",  # Latin digits
        "  اجرایی  ",
    ],
)
def test_any_spelling_of_the_words_finds_the_release(query: str) -> None:
    assert found(query) == [1]


@pytest.mark.usefixtures("pr_release")
def test_every_word_must_match() -> None:
    assert found("استان روستایی") == []
    assert found("استاندار روستایی") == [2]


@pytest.mark.usefixtures("pr_release")
def test_a_partly_typed_last_word_still_finds() -> None:
    assert found("همایش بین‌المل") == [1]
    assert found("بازدید استاندا") == [2]


def test_search_keeps_to_its_scope() -> None:
    index_documents(
        [doc(1, PR_TITLE), Document(scope="article", object_id=1, title="استان", body="")]
    )
    assert found("استان") == [1]
    assert search("article", "استان").object_ids == [1]
    assert search("opportunity", "استان").object_ids == []


# --- filters -----------------------------------------------------------------------------


@pytest.fixture
def filterable() -> None:
    index_documents(
        [
            doc(1, "بازگشایی جاده", agency_id=10, county_id=100, kind="news"),
            doc(2, "بازگشایی مدرسه", agency_id=20, county_id=100, kind="news"),
            doc(3, "بازگشایی بیمارستان", agency_id=20, county_id=200, kind="interview"),
            doc(4, "بازگشایی پل", agency_id=30, county_id=None, kind="report", published_at=None),
        ]
    )


@pytest.mark.usefixtures("filterable")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), [1, 2, 3, 4]),
        (Filters(agency_ids=[20]), [2, 3]),
        (Filters(agency_ids=[10, 30]), [1, 4]),
        (Filters(kinds=["news"]), [1, 2]),
        (Filters(county_ids=[100]), [1, 2]),
        (Filters(agency_ids=[20], county_ids=[100]), [2]),
        (Filters(since=NOW - timedelta(days=2)), [1, 2]),
        (Filters(until=NOW - timedelta(days=2)), [3]),  # until is exclusive
        (Filters(since=NOW - timedelta(days=3), until=NOW - timedelta(days=1)), [2, 3]),
        (Filters(kinds=["photo"]), []),
        # Bounds beyond every entry still leave out the one without a date.
        (Filters(since=NOW - timedelta(days=999)), [1, 2, 3]),
        (Filters(until=NOW + timedelta(days=999)), [1, 2, 3]),
    ],
)
def test_filters_narrow_the_results(filters: Filters, expected: list[int]) -> None:
    assert sorted(found("بازگشایی", filters=filters)) == expected


def test_filters_take_any_kind_name() -> None:
    odd = "خبر «فوری» it's \\ & | ! : *"
    index_documents([doc(1, "زلزله", kind=odd), doc(2, "زلزله", kind="news")])
    assert found("زلزله", filters=Filters(kinds=[odd])) == [1]
    assert found("زلزله", filters=Filters(kinds=["خبر"])) == []


def test_a_changed_agency_is_filtered_by_its_new_value() -> None:
    index_documents([doc(1, "سد", agency_id=10, county_id=1, kind="news")])
    index_documents([doc(1, "سد", agency_id=20, county_id=2, kind="report")])
    assert found("سد", filters=Filters(agency_ids=[10])) == []
    assert found("سد", filters=Filters(agency_ids=[20], county_ids=[2], kinds=["report"])) == [1]


def test_date_bounds_beyond_every_entry_filter_nothing() -> None:
    index_documents([doc(1, "باران"), doc(2, "باران"), doc(3, "باران")])
    far = Filters(since=NOW - timedelta(days=999), until=NOW + timedelta(days=1))
    assert sorted(found("باران", filters=far)) == [1, 2, 3]
    near = Filters(since=NOW - timedelta(days=2), until=NOW + timedelta(days=1))
    assert sorted(found("باران", filters=near)) == [1, 2]


@pytest.mark.usefixtures("filterable")
def test_a_naive_date_filter_is_read_in_tehran_time() -> None:
    # 11:00 in Tehran (+03:30) is 07:30 UTC: document 1 (08:30 UTC less one day) is after it.
    since = datetime(2025, 5, 19, 11, 0)  # noqa: DTZ001 (what a form may hand over)
    assert found("بازگشایی", filters=Filters(since=since)) == [1]


# --- ranking -----------------------------------------------------------------------------


def test_a_title_match_ranks_above_body_matches() -> None:
    index_documents(
        [
            doc(1, "گزارش هفتگی", "سیلاب در شهرستان؛ سیلاب خسارت زد؛ هشدار سیلاب و سیلاب."),
            doc(2, "هشدار سیلاب در شهرستان‌های شمالی", "مردم از رودخانه فاصله بگیرند."),
            doc(3, "خبر دیگر", "گفت‌وگو دربارهٔ سیلاب."),
        ]
    )
    assert found("سیلاب")[0] == 2


def test_equal_matches_come_newest_first() -> None:
    index_documents(
        [
            doc(1, "افتتاح کتابخانه", published_at=NOW - timedelta(days=5)),
            doc(2, "افتتاح کتابخانه", published_at=NOW),
            doc(3, "افتتاح کتابخانه", published_at=NOW - timedelta(days=1)),
        ]
    )
    assert found("کتابخانه") == [2, 3, 1]


# --- pages -------------------------------------------------------------------------------


@pytest.fixture
def many() -> None:
    index_documents(doc(i, f"نشست خبری شمارهٔ {i}") for i in range(1, 46))


@pytest.mark.usefixtures("many")
@pytest.mark.parametrize(
    ("page", "expected_page", "expected_hits"),
    [
        (1, 1, 20),
        (2, 2, 20),
        (3, 3, 5),
        (4, 3, 5),  # past the end: the last page
        (9999999999999, 3, 5),
        (0, 1, 20),
        (-2, 1, 20),
        ("2", 2, 20),
        ("۲", 2, 20),
        ("abc", 1, 20),
        ("", 1, 20),
        (None, 1, 20),
        ("1e9999", 1, 20),
    ],
)
def test_pages_are_clamped(page: Any, expected_page: int, expected_hits: int) -> None:
    results = search(SCOPE, "نشست", page=page)
    assert (results.page, len(results.hits)) == (expected_page, expected_hits)
    assert (results.total, results.num_pages, results.per_page) == (45, 3, 20)


@pytest.mark.usefixtures("many")
def test_pages_do_not_overlap_and_cover_everything() -> None:
    seen = [hit for page in (1, 2, 3) for hit in found("نشست", page=page)]
    assert sorted(seen) == list(range(1, 46))


@pytest.mark.usefixtures("many")
def test_matches_beyond_the_ranking_window_follow_newest_first(monkeypatch: Any) -> None:
    monkeypatch.setattr(backends, "RANK_WINDOW", 12)
    pages = [found("نشست", page=page, per_page=5) for page in range(1, 10)]
    assert [len(page) for page in pages] == [5] * 9
    seen = [hit for page in pages for hit in page]
    assert sorted(seen) == list(range(1, 46))
    # Documents were indexed 1..45, so the window holds 34..45 and 33 comes next.
    assert sorted(seen[:12]) == list(range(34, 46))
    assert seen[12:] == list(range(33, 0, -1))


@pytest.mark.usefixtures("many")
@pytest.mark.parametrize(("per_page", "expected"), [(0, 1), (-5, 1), (1000, 100), ("x", 20)])
def test_page_size_is_clamped(per_page: Any, expected: int) -> None:
    assert search(SCOPE, "نشست", per_page=per_page).per_page == expected


# --- the bound on the count ----------------------------------------------------------------


@pytest.fixture
def broad() -> None:
    """3,000 entries holding «گزارش», indexed in id order (short titles: cheap to key)."""
    index_documents(doc(i, f"گزارش شمارهٔ {i}") for i in range(1, 3001))


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and their parameters) run meanwhile."""
    seen: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.mark.usefixtures("broad")
def test_a_broad_query_counts_to_a_thousand_and_says_more() -> None:
    results = search(SCOPE, "گزارش")
    assert (results.total, results.total_is_lower_bound) == (1000, True)
    assert (results.num_pages, len(results.hits)) == (50, 20)
    assert search(SCOPE, "گزارش", page=51).page == 50  # the pages stop at the bound
    # The pages hold the 1,000 most recently indexed matches, each once.
    seen = [hit for page in range(1, 51) for hit in found("گزارش", page=page)]
    assert sorted(seen) == list(range(2001, 3001))


@pytest.mark.usefixtures("broad")
def test_a_broad_query_asks_the_database_for_no_more_than_the_bound() -> None:
    with statements() as seen:
        assert search(SCOPE, "گزارش").total == 1000
    matching = [(sql, params) for sql, params in seen if "MATCH" in sql or "@@" in sql]
    assert matching
    assert all("LIMIT" in sql for sql, _ in matching), matching
    assert not any("count(" in sql.lower() for sql, _ in seen)
    # The statement finding the matches stops after 1,001: one more than the bound tells
    # «more than 1,000» from «1,000».
    assert any(params[-1] == backends.MAX_TOTAL + 1 for _, params in matching)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's virtual machine steps")
def test_a_broad_query_costs_no_more_with_twice_the_matches() -> None:
    index_documents(doc(i, f"گزارش شمارهٔ {i}" + (" ویژه" if i % 2 else "")) for i in range(1, 3001))

    def steps(query: str) -> int:
        """SQLite's virtual machine steps in the full-text statements of one search."""
        count = [0]

        def tick() -> int:
            count[0] += 1
            return 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if "MATCH" not in sql:
                return execute(sql, params, many, context)
            connection.connection.set_progress_handler(tick, 1)
            try:
                return execute(sql, params, many, context)
            finally:
                connection.connection.set_progress_handler(None, 1)

        with connection.execute_wrapper(counted):
            assert search(SCOPE, query).total_is_lower_bound
        return count[0]

    # «گزارش» is in 3,000 entries, «ویژه» in 1,500. Counting them all cost about 1.4 steps
    # per match (2,100 more steps for «گزارش» before the bound); bounded, about the same.
    assert abs(steps("گزارش") - steps("ویژه")) < 500


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
@pytest.mark.usefixtures("broad")
def test_with_statistics_a_broad_query_looks_among_the_newest_ids_only() -> None:
    from ravabet.core.search import postgres

    postgres.forget_stats(connection)
    without = [search(SCOPE, "گزارش", page=page).object_ids for page in (1, 2, 50)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_searchentry")
    postgres.forget_stats(connection)
    try:
        with statements() as seen:
            results = search(SCOPE, "گزارش")
        assert any("e.id > %s" in sql for sql, _ in seen)
        assert (results.total, results.total_is_lower_bound) == (1000, True)
        assert [search(SCOPE, "گزارش", page=page).object_ids for page in (1, 2, 50)] == without
    finally:
        postgres.forget_stats(connection)


@pytest.mark.usefixtures("many")
@pytest.mark.parametrize(
    ("bound", "total", "more"), [(10, 10, True), (44, 44, True), (45, 45, False), (100, 45, False)]
)
def test_the_total_is_exact_up_to_the_bound(
    monkeypatch: Any, bound: int, total: int, more: bool
) -> None:
    monkeypatch.setattr(backends, "MAX_TOTAL", bound)
    results = search(SCOPE, "نشست", per_page=5, page=99)
    assert (results.total, results.total_is_lower_bound) == (total, more)
    assert (results.num_pages, results.page) == (-(-total // 5), -(-total // 5))
    pages = [found("نشست", per_page=5, page=page) for page in range(1, results.num_pages + 1)]
    assert sorted(hit for page in pages for hit in page) == list(range(46 - total, 46))


# --- bad input ---------------------------------------------------------------------------

EMPTY_MESSAGE = "عبارتی برای جست‌وجو بنویسید."


@pytest.mark.usefixtures("pr_release")
@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\u200c"])
def test_an_empty_query_asks_for_words(query: str) -> None:
    results = search(SCOPE, query)
    assert results.hits == [] and results.total == 0
    assert results.message == EMPTY_MESSAGE


@pytest.mark.usefixtures("pr_release")
@pytest.mark.parametrize("query", ["!!!", "؟،؛«»", "...", "()*^:-", '"', "'"])
def test_a_query_of_only_punctuation_says_so(query: str) -> None:
    results = search(SCOPE, query)
    assert results.hits == []
    assert results.message and results.message != EMPTY_MESSAGE


@pytest.mark.usefixtures("pr_release")
def test_a_very_long_query_is_cut_and_says_so() -> None:
    results = search(SCOPE, "اجرایی " * 400)
    assert results.object_ids == [1]
    assert "بلند" in results.message
    many_words = " ".join(f"واژه{i}" for i in range(300))
    assert "بلند" in search(SCOPE, many_words).message
    assert len(search(SCOPE, many_words).tokens) <= 20


@pytest.mark.usefixtures("pr_release")
@pytest.mark.parametrize(
    "query",
    [
        '"استان',
        'استان"',
        "استان*",
        "*",
        "استان NEAR همایش",
        "NEAR(استان همایش)",
        "استان OR هیچ",
        "استان AND",
        "NOT استان",
        "- استان",
        "استان -همایش",
        "title:استان",
        "^استان",
        "(استان",
        "استان)",
        "استان' OR '1'='1",
        "استان'); DROP TABLE core_searchentry; --",
        "استان & | ! <->",
        "استان:*",
        "\\استان\\",
        "\x00استان",
    ],
)
def test_search_syntax_in_a_query_is_just_text(query: str) -> None:
    results = search(SCOPE, query)
    assert isinstance(results, Results)
    assert all(hit.object_id in (1, 2) for hit in results.hits)
    assert SearchEntry.objects.count() == 2


@pytest.mark.usefixtures("pr_release")
def test_quotes_and_operators_around_words_still_find_them() -> None:
    assert found('"اجرایی"') == [1]
    assert found("(دستگاه‌های) -اجرایی*") == [1]


@pytest.mark.usefixtures("pr_release")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80))
def test_no_query_makes_search_fail(query: str) -> None:
    results = search(SCOPE, query, page=query)
    assert isinstance(results, Results)
    assert 1 <= results.page <= results.num_pages


# --- near misses -------------------------------------------------------------------------


@pytest.mark.usefixtures("pr_release")
def test_a_misspelled_word_finds_near_misses_and_says_so() -> None:
    results = search(SCOPE, "دستگاهای اجرایی")
    assert results.object_ids == [1]
    assert results.near_miss
    assert results.message


@pytest.mark.usefixtures("pr_release")
def test_correct_words_that_never_meet_are_not_near_misses() -> None:
    results = search(SCOPE, "همایش جاده")
    assert (results.hits, results.near_miss) == ([], False)
    assert results.message


@pytest.mark.usefixtures("pr_release")
def test_gibberish_finds_nothing() -> None:
    results = search(SCOPE, "ژژژژژژ")
    assert (results.hits, results.near_miss) == ([], False)


# --- index upkeep ------------------------------------------------------------------------


def test_indexing_again_replaces_the_entry() -> None:
    index_documents([doc(1, "عنوان نخست", "متن نخست")])
    index_documents([doc(1, "عنوان تازه", "متن تازه", kind="news")])
    assert found("نخست") == []
    assert found("تازه") == [1]
    assert found("تازه", filters=Filters(kinds=["news"])) == [1]
    assert SearchEntry.objects.count() == 1


def test_the_last_version_in_one_call_wins() -> None:
    written = index_documents([doc(1, "نسخهٔ یکم"), doc(1, "نسخهٔ دوم")])
    assert written == 1
    assert (found("یکم"), found("دوم")) == ([], [1])


def test_removed_documents_are_no_longer_found() -> None:
    index_documents([doc(1, "سد کرج"), doc(2, "سد لار"), doc(3, "سد طالقان")])
    assert remove_documents(SCOPE, [1, 3, 99]) == 2
    assert found("سد") == [2]
    assert remove_documents(SCOPE, []) == 0
    assert remove_documents("article", [2]) == 0


def test_indexing_rolls_back_with_the_callers_transaction() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        index_documents([doc(1, "پیش‌نویس محرمانه")])
        raise RuntimeError("the release could not be saved")
    assert found("محرمانه") == []


def test_rebuild_replaces_one_scope_only() -> None:
    index_documents([doc(1, "کهنه"), Document(scope="article", object_id=1, title="کهنه", body="")])
    assert rebuild(SCOPE, [doc(5, "تازه"), doc(6, "تازه‌تر")], progress=False) == 2
    assert found("کهنه") == []
    assert sorted(found("تازه")) == [5, 6]
    assert search("article", "کهنه").object_ids == [1]


def test_rebuild_refuses_documents_of_another_scope() -> None:
    stray = Document(scope="article", object_id=1, title="x", body="")
    with pytest.raises(ValueError, match="scope"):
        rebuild(SCOPE, [stray], progress=False)


def test_stale_entries_are_counted() -> None:
    index_documents([doc(1, "یک"), doc(2, "دو"), doc(3, "سه")])
    assert stale_count(SCOPE) == 0
    SearchEntry.objects.filter(object_id__in=[1, 2]).update(key_version=0)
    assert stale_count(SCOPE) == 2
    assert stale_count("article") == 0


def test_documents_refuse_naive_dates_and_bad_scopes() -> None:
    with pytest.raises(ValueError, match="aware"):
        doc(1, "x", published_at=datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="scope"):
        Document(scope="", object_id=1, title="x", body="")


def test_the_full_text_side_exists_after_all_migrations() -> None:
    # A later migration that makes Django rebuild core_searchentry on SQLite would drop
    # the triggers silently; this catches it.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")
            triggers = {row[0] for row in cursor.fetchall()}
            assert {
                "core_searchentry_fts_insert",
                "core_searchentry_fts_delete",
                "core_searchentry_fts_update",
                "core_searchterm_trigram_insert",
                "core_searchterm_trigram_delete",
                "core_searchentry_fts_content",
            } <= triggers
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'core_search%%'")
            indexes = {row[0] for row in cursor.fetchall()}
            assert {"core_search_document", "core_search_term_trgm"} <= indexes
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.usefixtures("pr_release")
def test_search_gives_the_planner_setting_back() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        assert found("اجرایی") == [1]
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone() == ("on",)


# --- highlight ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        (PR_TITLE, "دستگاه هاي اجرايي", ["دستگاه‌های", "اجرایی"]),
        (PR_TITLE, "روابط عمومیهای", ["روابط", "عمومی‌های"]),
        ("نشست دستگاه هاي اجرايي استان", "دستگاه‌های", ["دستگاه هاي"]),
        ("همایش بین الملل در سال 1404", "بین‌الملل ۱۴۰۴", ["بین", "الملل", "1404"]),
        ("همایش بین‌الملل در سال ۱۴۰۴", "بين الملل 1404", ["بین‌الملل", "۱۴۰۴"]),
    ],
)
def test_highlight_marks_the_words_whatever_the_spelling(
    text: str, query: str, marked: list[str]
) -> None:
    html = str(highlight(text, query))
    marks = [part.split("</mark>")[0] for part in html.split("<mark>")[1:]]
    assert " ".join(marks).split() == " ".join(marked).split()


def test_highlight_leaves_other_words_alone() -> None:
    html = str(highlight(PR_TITLE, "اجرایی"))
    assert html.count("<mark>") == 1
    assert "<mark>اجرایی</mark>" in html


def test_highlight_escapes_html() -> None:
    html = str(highlight('<script>alert("استان")</script> & <b>استان</b>', "استان"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;<mark>استان</mark>&lt;/b&gt;" in html


def test_highlight_shows_the_part_of_a_long_text_around_the_match() -> None:
    text = "آغاز متن " + "واژه‌ای دیگر " * 100 + "سرانجام سیلاب آمد " + "پایان " * 100
    html = str(highlight(text, "سیلاب", max_chars=120))
    assert "<mark>سیلاب</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert "آغاز" not in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_highlight_without_a_match_shows_the_start() -> None:
    text = "آغاز متن " + "واژه‌ای دیگر " * 100
    html = str(highlight(text, "سیلاب", max_chars=60))
    assert html.startswith("آغاز متن") and html.endswith("…")
    assert "<mark>" not in html
    assert str(highlight("متن کوتاه", "")) == "متن کوتاه"

"""The desk's public figures (/desk/stats/): each figure computed right on a small hand-built
set, the ranking and its minimum-volume rule, the Jalali period (presets, Tehran days, bad and
hostile periods refused in Persian), the charts, the CSV, and the page cache renewed by an
answer."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.desk import selectors, services
from ravabet.desk.models import Message, Status
from ravabet.desk.views.stats import preset_period
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits
from tests.desk.test_services import make_message
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

_codes = itertools.count(100_000_000_001)
URL = "/desk/stats/"


def _at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Tehran wall-clock moment of a Jalali day."""
    return jalali.make_aware_local(
        dt.datetime.combine(pdates.to_gregorian(year, month, day), dt.time(hour, minute))
    )


def _message(
    agency: Any,
    created: dt.datetime,
    *,
    days: int | None = None,
    in_time: bool | None = None,
    rating: int | None = None,
    reopened: bool = False,
    status: str | None = None,
    due: dt.datetime | None = None,
    kind: str = "request",
) -> Message:
    """A message as the services leave it, with its historical times written directly."""
    answered_at = created + dt.timedelta(days=days or 0) if days is not None else None
    if status is None:
        if answered_at is None:
            status = Status.RECEIVED if agency else Status.TRIAGE
        else:
            status = Status.CLOSED if rating else Status.ANSWERED
    message = Message.objects.create(
        tracking_code=str(next(_codes)),
        kind=kind,
        status=status,
        agency=agency,
        subject="چاله در خیابان",
        body="متن پیام",
        sla_days=7,
        due_at=due or created + dt.timedelta(days=9),
        answer="پاسخ" if answered_at else "",
        answered_at=answered_at,
        first_answered_at=answered_at,
        first_answer_days=days,
        answered_in_time=in_time if answered_at else None,
        rating=rating,
        reopen_count=1 if reopened else 0,
    )
    Message.objects.filter(pk=message.pk).update(created_at=created)
    return message


def _recent(days_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


# --- the figures -------------------------------------------------------------------------------


def test_median_of_counted_values() -> None:
    assert selectors._median({}) is None
    assert selectors._median({4: 1}) == 4
    assert selectors._median({1: 1, 3: 1, 10: 1}) == 3
    assert selectors._median({1: 1, 3: 1, 5: 1, 10: 1}) == 4
    assert selectors._median({2: 3, 9: 1}) == 2
    assert selectors._median({0: 2, 6: 2}) == 3


def test_figures_of_one_agency(world: Any) -> None:
    roads = world.roads
    base = _at(1405, 2, 5)
    _message(roads, base, days=1, in_time=True, rating=5)
    _message(roads, base, days=3, in_time=True, rating=4, reopened=True)
    _message(roads, base, days=5, in_time=True)
    _message(roads, base, days=10, in_time=False, rating=2)
    # Unanswered: one past its deadline (owed, late), one still within it (not counted yet).
    _message(roads, base, due=base + dt.timedelta(days=3))
    _message(roads, base, due=timezone.now() + dt.timedelta(days=3))
    stats = selectors.statistics_between(
        pdates.to_gregorian(1405, 1, 1), pdates.to_gregorian(1405, 6, 31)
    )
    (figures,) = stats.agencies
    assert figures.agency == roads
    assert (figures.received, figures.answered) == (6, 4)
    assert figures.answered_share == pytest.approx(4 / 6)
    assert figures.median_days == 4  # (3 + 5) / 2 working days
    assert figures.due == 5
    assert figures.in_time_share == pytest.approx(3 / 5)
    assert figures.satisfaction == pytest.approx(11 / 3)
    assert figures.reopen_rate == pytest.approx(1 / 4)


def test_triage_counts_for_the_province_only_and_spam_and_merged_not_at_all(world: Any) -> None:
    base = _at(1405, 3, 10)
    kept = _message(world.roads, base, days=2, in_time=True, rating=4)
    _message(None, base)  # in triage: the citizen did not know the agency
    _message(world.roads, base, status=Status.SPAM)
    _message(world.health, base, status=Status.MERGED)
    _message(world.health, base, days=6, in_time=False, rating=1)
    Message.objects.filter(status=Status.MERGED).update(merged_into=kept)
    stats = selectors.statistics_between(
        pdates.to_gregorian(1405, 3, 1), pdates.to_gregorian(1405, 3, 31)
    )
    assert stats.province.received == 3
    assert stats.province.answered == 2
    assert stats.province.satisfaction == pytest.approx(2.5)
    assert stats.province.median_days == 4
    by_agency = {f.agency: f.received for f in stats.agencies}
    assert by_agency == {world.roads: 1, world.health: 1}


def test_the_period_is_whole_tehran_days(world: Any) -> None:
    # 1 Farvardin 1405, 00:10 Tehran is still 29 Esfand in UTC.
    first_moment = _at(1405, 1, 1, 0, 10)
    assert first_moment.astimezone(dt.UTC).date() < first_moment.date()
    _message(world.roads, first_moment)
    _message(world.roads, _at(1404, 12, 29, 23, 50))  # the evening before: outside
    _message(world.roads, _at(1405, 1, 31, 23, 59))  # the last minute of the last day: inside
    _message(world.roads, _at(1405, 2, 1, 0, 0))  # the next day: outside
    stats = selectors.statistics_between(
        pdates.to_gregorian(1405, 1, 1), pdates.to_gregorian(1405, 1, 31)
    )
    assert stats.province.received == 2


def test_ranking_and_the_minimum_volume_rule(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_MIN_VOLUME = 3
    base = _at(1405, 4, 2)
    fast = AgencyFactory(name="شرکت آب و فاضلاب استان تهران")
    slow = AgencyFactory(name="شهرداری تهران")
    few = AgencyFactory(name="اداره‌کل میراث فرهنگی استان تهران")
    # roads and health: all in time; roads better rated. fast: all in time, same rating as
    # health but answers sooner. slow: one in three in time. few: perfect, but two messages.
    for _ in range(3):
        _message(world.roads, base, days=4, in_time=True, rating=5)
        _message(world.health, base, days=4, in_time=True, rating=4)
        _message(fast, base, days=1, in_time=True, rating=4)
    _message(slow, base, days=2, in_time=True, rating=3)
    _message(slow, base, days=12, in_time=False, rating=1)
    _message(slow, base, days=15, in_time=False)
    _message(few, base, days=0, in_time=True, rating=5)
    _message(few, base, days=1, in_time=True, rating=5)
    stats = selectors.statistics_between(
        pdates.to_gregorian(1405, 4, 1), pdates.to_gregorian(1405, 4, 31)
    )
    assert [(f.rank, f.agency) for f in stats.ranked] == [
        (1, world.roads),
        (2, fast),
        (3, world.health),
        (4, slow),
    ]
    assert [(f.agency, f.ranked, f.rank) for f in stats.unranked] == [(few, False, None)]
    assert stats.agencies[-1].agency == few
    assert stats.min_volume == 3


def test_monthly_series_counts_receipts_and_first_answers_per_jalali_month(world: Any) -> None:
    _message(world.roads, _at(1405, 1, 20), days=15, in_time=False)  # answered in Ordibehesht
    _message(world.roads, _at(1405, 2, 3), days=1, in_time=True)
    _message(world.roads, _at(1405, 2, 30))
    _message(world.roads, _at(1405, 2, 12), status=Status.SPAM)
    months = selectors.monthly_series(
        pdates.to_gregorian(1405, 1, 15), pdates.to_gregorian(1405, 3, 10)
    )
    assert [(m.label, m.received, m.answered) for m in months] == [
        ("فروردین ۱۴۰۵", 1, 0),
        ("اردیبهشت ۱۴۰۵", 2, 2),
        ("خرداد ۱۴۰۵", 0, 0),
    ]


def test_presets_are_jalali_periods() -> None:
    today = pdates.to_gregorian(1405, 9, 11)
    expect = {
        "month": ((1405, 9, 1), (1405, 9, 11)),
        "quarter": ((1405, 7, 1), (1405, 9, 11)),
        "year": ((1405, 1, 1), (1405, 9, 11)),
        "last-year": ((1404, 1, 1), (1404, 12, 29)),
    }
    for key, (start, end) in expect.items():
        assert preset_period(key, today) == (pdates.to_gregorian(*start), pdates.to_gregorian(*end))
    # Three months back across the year's turn.
    assert preset_period("quarter", pdates.to_gregorian(1405, 2, 3))[0] == pdates.to_gregorian(
        1404, 12, 1
    )
    assert preset_period("<script>", today) is None


# --- the page ----------------------------------------------------------------------------------


def _page(query: str = "") -> str:
    response = Client().get(URL + query)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


def test_page_ranks_with_charts_and_states_the_rule(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_MIN_VOLUME = 2
    few = AgencyFactory(name="اداره‌کل میراث فرهنگی استان تهران", short_name="میراث فرهنگی")
    for days in (2, 3):
        _message(world.roads, _recent(20), days=days, in_time=True, rating=5)
        _message(world.health, _recent(20), days=days + 6, in_time=False, rating=3)
    _message(few, _recent(20), days=1, in_time=True, rating=5)
    body = _page()
    assert "دستگاه‌هایی با کمتر از ۲ پیام در این دوره رتبه‌بندی نمی‌شوند تا چند پیام اندک" in body
    assert "روز کاری" in body and "رتبه‌بندی" in body
    ranked = body.split('id="ranked-title"', 1)[1].split('id="unranked-title"', 1)[0]
    assert ranked.index(world.roads.name) < ranked.index(world.health.name)
    assert few.name not in ranked
    unranked = body.split('id="unranked-title"', 1)[1].split('id="monthly-title"', 1)[0]
    assert few.name in unranked
    assert body.count('role="img"') == 3
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<svg" in main and "<script" not in main and 'style="' not in main
    assert "۱۰۰٪" in body and "۵٫۰" in body  # roads: all in time, rated 5
    today = pdates.to_jalali(jalali.to_local(timezone.now()).date())
    assert f"۱ فروردین {_fa(today.year)}" in body  # the default: this Jalali year to today


def test_page_with_no_messages_says_so(world: Any) -> None:
    body = _page()
    assert "هیچ دستگاهی" in body and "رقمی برای نمایش نیست" not in body.split("<svg", 1)[0]


def test_a_chosen_period_in_persian_or_latin_digits(world: Any) -> None:
    _message(world.roads, _at(1404, 5, 10), days=1, in_time=True)
    body = _page("?start=۱۴۰۴/۰۵/۰۱&end=1404/05/31")
    assert "۱ مرداد ۱۴۰۴" in body and "۳۱ مرداد ۱۴۰۴" in body
    assert world.roads.name in body
    assert (
        world.roads.name
        not in _page("?start=1404/06/01&end=1404/06/30").split('id="ranked-title"')[1]
    )


def test_a_preset_link_sets_the_period(world: Any) -> None:
    body = _page("?period=last-year")
    last = pdates.to_jalali(jalali.to_local(timezone.now()).date()).year - 1
    assert f"۱ فروردین {_fa(last)}" in body
    assert 'aria-current="page">سال گذشته' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=1405/02/01&end=1405/01/01", "تاریخ پایان پیش از تاریخ آغاز است"),
        ("?start=1400/01/01&end=1404/01/01", "بازهٔ آمار حداکثر ۳ سال است"),
        ("?start=1405/13/01", "تاریخ را به شکل"),
        ("?start=1405/07/31", "تاریخ را به شکل"),
        ("?end=1600/01/01", "تاریخ را به شکل"),
    ],
)
def test_bad_periods_are_refused_in_persian(world: Any, query: str, message: str) -> None:
    response = Client().get(URL + query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "error-summary" in body and 'id="ranked-title"' not in body


def test_three_years_exactly_is_accepted(world: Any) -> None:
    assert Client().get(URL + "?start=1401/01/01&end=1403/12/30").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?start=<script>alert(1)</script>",
        "?start=" + "9" * 5000,
        "?end=%00",
        "?start=1405/01/01%00",
        "?period=<script>&format=<b>",
        "?period=" + "x" * 3000,
        "?start=1405/01/01&start=1404/01/01&end=۱۴۰۵/۰۱/۰۲",
        "?start=%D9%A1%D9%A4%D9%A0%D9%A5/%D9%A0%D9%A1/%D9%A0%D9%A1",  # Arabic-Indic digits
        "?start=-1/-1/-1&end=0/0/0",
        "?format=csv&start=bad",
        "?start=1405/01/01&end=&format=xml",
        "?" + "&".join(f"x{i}=1" for i in range(500)),
    ],
)
def test_hostile_query_strings_are_never_errors(world: Any, query: str) -> None:
    response = Client().get(URL + query)
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "<script>alert" not in body and "<b>" not in body


# --- CSV and the cache ------------------------------------------------------------------------


def test_csv_has_the_same_figures_and_a_bom_for_excel(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_MIN_VOLUME = 1
    _message(world.roads, _at(1405, 2, 5), days=3, in_time=True, rating=4)
    _message(world.roads, _at(1405, 2, 6), days=5, in_time=False, rating=2, reopened=True)
    response = Client().get(URL + "?start=1405/02/01&end=1405/02/31&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="desk-stats-1405-02-01_1405-02-31.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("رتبه,دستگاه,پیام‌های رسیده")
    assert lines[1].startswith(",کل استان,2,2,100.0,4.0,50.0,3.00,2,50.0")
    assert lines[2].startswith(f"1,{world.roads.name},2,2,100.0,4.0,50.0,3.00,2,50.0")


def test_an_answer_renews_the_cached_page(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = make_message(world.roads)
    first = Client().get(URL)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert Client().get(URL)["X-Page-Cache"] == "hit"
    province = first.content.decode().split('id="province-title"', 1)[1].split("</dl>", 1)[0]
    assert "<dd>۰ <span" in province  # none answered yet
    with django_capture_on_commit_callbacks(execute=True):
        services.message_answer(
            actor=world.officer_roads, message=message, text="گروه راهداری اعزام شد."
        )
    again = Client().get(URL)
    assert again["X-Page-Cache"] == "miss"
    province = again.content.decode().split('id="province-title"', 1)[1].split("</dl>", 1)[0]
    assert "<dd>۱ <span" in province and "۱۰۰٪" in province

"""ravabet.persian.dates: conversion, display and dates in prose."""

import datetime

import pytest

from ravabet.persian.dates import (
    find_dates,
    format_date,
    format_datetime,
    parse_jalali_date,
    to_gregorian,
    to_jalali,
)

from .paths import SEED

TUESDAY = datetime.date(2025, 5, 20)


def test_conversion_both_ways() -> None:
    jalali = to_jalali(TUESDAY)
    assert (jalali.year, jalali.month, jalali.day) == (1404, 2, 30)
    assert to_gregorian(1404, 2, 30) == TUESDAY
    just_after_midnight = datetime.datetime(2025, 3, 21, 0, 30)  # noqa: DTZ001
    assert to_jalali(just_after_midnight).month == 1


def test_format_for_people() -> None:
    assert format_date(TUESDAY) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴"
    assert format_date(TUESDAY, weekday=False) == "۳۰ اردیبهشت ۱۴۰۴"
    # A naive datetime is formatted as the wall-clock time it holds.
    naive = datetime.datetime(2025, 5, 20, 10, 0)  # noqa: DTZ001
    assert format_datetime(naive) == ("سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰")


def test_format_datetime_uses_wall_clock_of_aware_datetime() -> None:
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    aware = datetime.datetime(2025, 5, 20, 23, 45, tzinfo=tehran)
    assert format_datetime(aware) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۲۳:۴۵"


@pytest.mark.parametrize(
    "text",
    [
        "۱۴۰۴/۰۲/۳۰",
        "1404/02/30",
        "1404-2-30",
        "۱۴۰۴-۲-۳۰",
        "30 اردیبهشت 1404",
        "۳۰ اردیبهشت ۱۴۰۴",
        "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴",
        " ۳۰ اردیبهشت ماه ۱۴۰۴ ",
    ],
)
def test_parse_jalali_date(text: str) -> None:
    assert parse_jalali_date(text) == TUESDAY


@pytest.mark.parametrize(
    "text", ["", "فردا", "1404/13/01", "۳۰ اسفند ۱۴۰۴", "۳۰ اردیبهشت", "2025-05-20"]
)
def test_parse_rejects_with_a_persian_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"[آ-ی]"):
        parse_jalali_date(text)


def test_seed_date_with_year_from_context() -> None:
    seed = SEED.read_text("utf-8")
    found = find_dates(seed)
    assert len(found) == 1
    date = found[0]
    assert date.text == "روز سه شنبه ۳۰ اردیبهشت ماه"
    assert seed[date.start : date.end] == date.text
    assert (date.year, date.month, date.day) == (1404, 2, 30)
    assert date.date == TUESDAY
    assert date.date.weekday() == 1  # a Tuesday, as the release says
    assert date.weekday_agrees is True


def test_find_dates_in_prose() -> None:
    text = "نشست اول خرداد برگزار شد و گزارش آن ۱۴۰۴/۰۲/۳۰ و 30 اردیبهشت 1404 منتشر شد."
    found = find_dates(text, default_year=1404)
    assert [f.text for f in found] == ["اول خرداد", "۱۴۰۴/۰۲/۳۰", "30 اردیبهشت 1404"]
    assert [f.date for f in found] == [datetime.date(2025, 5, 22), TUESDAY, TUESDAY]


def test_date_without_any_year_has_no_gregorian_date() -> None:
    [found] = find_dates("جلسه بیست و یکم خرداد")
    assert (found.year, found.month, found.day, found.date) == (None, 3, 21, None)


def test_wrong_weekday_is_reported() -> None:
    [found] = find_dates("جمعه ۳۰ اردیبهشت ۱۴۰۴")
    assert found.weekday_agrees is False


def test_plain_numbers_are_not_dates() -> None:
    assert find_dates("۳۰ نفر در ۱۲ استان و تلفن 021-88776655") == []


def test_many_dates_in_one_text() -> None:
    # Overlaps and years are looked up by bisection: 20,000 dates in one text come back,
    # each with the year of the «سال …» nearest before it.
    text = "در سال ۱۴۰۳ روز اول خرداد و ۱۴۰۴/۰۲/۳۰ برگزار شد. " * 10_000
    found = find_dates(text)
    assert len(found) == 20_000
    assert {f.year for f in found} == {1403, 1404}
    assert [f.text for f in found[:2]] == ["اول خرداد", "۱۴۰۴/۰۲/۳۰"]

"""Jalali dates on screen, aware UTC in the database, Tehran's old daylight saving time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from ravabet.core import jalali
from ravabet.core.forms import JalaliDateField, JalaliDateTimeField

UTC = dt.UTC


def render(template: str, **context: object) -> str:
    return Template(template).render(Context(context))


def test_jdate_filter_formats_the_seed_meeting_day() -> None:
    assert render("{{ d|jdate }}", d=dt.date(2025, 5, 20)) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴"


def test_jdatetime_filter_shows_tehran_wall_clock_after_dst_ended() -> None:
    # 1404: no daylight saving any more, Tehran is UTC+3:30 all year.
    moment = dt.datetime(2025, 5, 20, 6, 30, tzinfo=UTC)
    assert render("{{ m|jdatetime }}", m=moment) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰"


def test_jdatetime_filter_uses_daylight_saving_in_1400() -> None:
    # Summer 1400 (2021): Tehran was UTC+4:30.
    moment = dt.datetime(2021, 6, 1, 5, 30, tzinfo=UTC)
    assert render("{{ m|jdatetime }}", m=moment).endswith("ساعت ۱۰:۰۰")


def test_date_near_midnight_utc_is_next_day_in_tehran() -> None:
    moment = dt.datetime(2025, 5, 19, 21, 0, tzinfo=UTC)  # 00:30 on the 20th in Tehran
    assert render("{{ m|jdate }}", m=moment) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴"


def test_number_filter_uses_persian_digits_and_separators() -> None:
    assert render("{{ n|fa_number }}", n=1234567) == "۱٬۲۳۴٬۵۶۷"
    assert render("{{ n|fa_number }}", n=12.5) == "۱۲٫۵"
    assert render("{{ s|fa_digits }}", s="021-88") == "۰۲۱-۸۸"


def test_relative_time_and_full_date_on_hover() -> None:
    now = dt.datetime(2025, 5, 20, 12, 0, tzinfo=UTC)
    assert jalali.format_relative(now - dt.timedelta(hours=3), now=now) == "۳ ساعت پیش"
    assert jalali.format_relative(now - dt.timedelta(minutes=5), now=now) == "۵ دقیقه پیش"
    assert jalali.format_relative(now - dt.timedelta(days=30), now=now) == "یک‌شنبه ۳۱ فروردین ۱۴۰۴"
    html = render("{{ m|jtime }}", m=now - dt.timedelta(days=1))
    assert 'datetime="2025-05-19T12:00:00+00:00"' in html
    assert 'title="دوشنبه ۲۹ اردیبهشت ۱۴۰۴، ساعت ۱۵:۳۰"' in html


@pytest.mark.parametrize(
    "text", ["۱۴۰۴/۰۲/۳۰", "1404/02/30", "1404-2-30", "۳۰ اردیبهشت ۱۴۰۴", "30 اردیبهشت 1404"]
)
def test_date_field_accepts_persian_and_latin_digits(text: str) -> None:
    assert JalaliDateField().clean(text) == dt.date(2025, 5, 20)


@pytest.mark.parametrize("text", ["۱۴۰۴/۱۳/۰۱", "1404/12/31", "دیروز", "2025-05-20x"])
def test_date_field_refuses_bad_dates_in_persian(text: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        JalaliDateField().clean(text)
    assert "تاریخ را به شکل" in info.value.messages[0]


def test_datetime_field_gives_aware_utc_after_dst() -> None:
    value = JalaliDateTimeField().clean("۱۴۰۴/۰۲/۳۰ ۱۰:۰۰")
    assert value.astimezone(UTC) == dt.datetime(2025, 5, 20, 6, 30, tzinfo=UTC)


def test_datetime_field_gives_aware_utc_during_old_dst() -> None:
    value = JalaliDateTimeField().clean("1400/03/11 10:00")  # 2021-06-01, UTC+4:30
    assert value.astimezone(UTC) == dt.datetime(2021, 6, 1, 5, 30, tzinfo=UTC)


def test_datetime_field_refuses_time_skipped_by_spring_forward() -> None:
    from django.core.exceptions import ValidationError

    # On 1 Farvardin 1400 (2021-03-22) clocks jumped from 00:00 to 01:00.
    with pytest.raises(ValidationError) as info:
        JalaliDateTimeField().clean("1400/01/02 00:30")
    assert "وجود نداشته" in info.value.messages[0]


def test_datetime_widget_shows_stored_value_in_jalali() -> None:
    field = JalaliDateTimeField()
    html = field.widget.render("when", dt.datetime(2025, 5, 20, 6, 30, tzinfo=UTC))
    assert 'value="۱۴۰۴/۰۲/۳۰ ۱۰:۰۰"' in html


def test_start_of_a_day_whose_midnight_never_existed() -> None:
    """1 Farvardin 1390 (2011-03-22): Tehran's clocks went from 00:00 straight to 01:00."""
    import datetime as dt

    from ravabet.core.jalali import start_of_day, to_local

    start = start_of_day(dt.date(2011, 3, 22))
    local = to_local(start)
    assert (local.date(), local.hour, local.minute) == (dt.date(2011, 3, 22), 1, 0)
    assert start_of_day(dt.date(2025, 5, 20)).hour == 0  # an ordinary day starts at midnight

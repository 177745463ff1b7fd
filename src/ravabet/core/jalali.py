"""Jalali dates for people, aware UTC for the database: the Django side of ravabet.persian.dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change (e.g. 00:30 on 1 Farvardin 1400)."""


# The dates people may type or send: Jalali years 1300 to 1499 (1921 to 2121). Nothing is
# published or searched outside them, and at the ends of Python's calendar (years 1 and 9999)
# moving a time between Tehran and UTC overflows: a form, the API and the services all refuse
# such a date with this one message instead.
FIRST_YEAR, LAST_YEAR = 1300, 1499
EARLIEST = pdates.to_gregorian(FIRST_YEAR, 1, 1)
LATEST = pdates.to_gregorian(LAST_YEAR + 1, 1, 1) - dt.timedelta(days=1)
OUT_OF_RANGE_MESSAGE = (
    f"تاریخ باید میان سال‌های {to_persian_digits(str(FIRST_YEAR))} و "
    f"{to_persian_digits(str(LAST_YEAR))} خورشیدی باشد."
)


NONEXISTENT_MESSAGE = (
    "این ساعت به‌خاطر تغییر ساعت رسمی در آن روز وجود نداشته است؛ ساعت دیگری را بنویسید."
)


def in_supported_range(value: dt.date | dt.datetime) -> bool:
    """Whether a date (a datetime's own wall-clock date) lies in Jalali years 1300 to 1499."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= LATEST


def local_tz() -> ZoneInfo:
    return ZoneInfo(timezone.get_default_timezone_name())


def to_local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Tehran wall-clock time (naive values are taken as UTC)."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_tz())


def make_aware_local(value: dt.datetime) -> dt.datetime:
    """Attach Tehran's offset to a naive wall-clock time, refusing times that never existed."""
    tz = local_tz()
    aware = value.replace(tzinfo=tz)
    # A time in the spring-forward gap does not survive the round trip through UTC.
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(value)
    return aware


def start_of_day(day: dt.date) -> dt.datetime:
    """The first moment of a Tehran day, aware: midnight, or, on a day whose midnight never
    existed (clocks went from 00:00 to 01:00 in spring until 1401), the moment they jumped."""
    tz = local_tz()
    # A nonexistent wall-clock time takes the offset from before the jump (fold=0); through UTC
    # and back it lands on the first existing moment.
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def format_date(value: dt.date | dt.datetime | None) -> str:
    """«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴»; datetimes are first moved to Tehran time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return pdates.format_date(value)


def format_datetime(value: dt.datetime | None) -> str:
    """«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰» in Tehran time."""
    if value is None:
        return ""
    return pdates.format_datetime(to_local(value).replace(tzinfo=None))


def format_short(value: dt.date | dt.datetime | None) -> str:
    """«۱۴۰۴/۰۲/۳۰» for tables."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    j = pdates.to_jalali(value)
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


def format_time(value: dt.datetime) -> str:
    """«۱۰:۰۰»: the Tehran wall-clock time."""
    return to_persian_digits(to_local(value).strftime("%H:%M"))


def format_short_datetime(value: dt.datetime | None) -> str:
    """«۱۴۰۴/۰۲/۳۰ ۱۰:۰۰» in Tehran time, for tables and form fields."""
    if value is None:
        return ""
    return f"{format_short(value)} {format_time(value)}"


def format_relative(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """«۳ ساعت پیش» for recent times, the full date for older ones."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < 0:
        return format_datetime(value)
    if seconds < 60:
        return "لحظاتی پیش"
    for size, unit in ((86400, "روز"), (3600, "ساعت"), (60, "دقیقه")):
        if seconds >= size:
            count = seconds // size
            if unit == "روز" and count > 6:
                return format_date(value)
            return to_persian_digits(f"{count} {unit} پیش")
    return format_datetime(value)  # pragma: no cover - the loop always returns


def format_number(value: int | float | str | None) -> str:
    """Persian digits with the Persian thousands separator (٬) and decimal separator (٫)."""
    if value is None or value == "":
        return ""
    number: int | float
    if isinstance(value, str):
        try:
            number = float(value) if "." in value else int(value)
        except ValueError:
            return to_persian_digits(value)
    else:
        number = value
    text = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))

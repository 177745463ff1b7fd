"""Jalali dates: conversion, display for people, and dates found in Persian prose."""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass

import jdatetime  # type: ignore[import-untyped, unused-ignore]

from ravabet.persian._chars import ZWNJ
from ravabet.persian.normalizer import normalize_characters, to_latin_digits, to_persian_digits

MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
# datetime.date.weekday(): Monday is 0.
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه", "یک‌شنبه")

_ORDINALS = {
    "اول": 1, "یکم": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6, "هفتم": 7,
    "هشتم": 8, "نهم": 9, "دهم": 10, "یازدهم": 11, "دوازدهم": 12, "سیزدهم": 13,
    "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16, "هفدهم": 17, "هجدهم": 18, "هیجدهم": 18,
    "نوزدهم": 19, "بیستم": 20, "بیست و یکم": 21, "بیست و دوم": 22, "بیست و سوم": 23,
    "بیست و چهارم": 24, "بیست و پنجم": 25, "بیست و ششم": 26, "بیست و هفتم": 27,
    "بیست و هشتم": 28, "بیست و نهم": 29, "سی‌ام": 30, "سی ام": 30, "سی و یکم": 31,
}  # fmt: skip

_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(MONTHS)}
# Written weekday names, with the half-space missing, a space instead, or glued.
_WEEKDAY_FORMS = {
    "شنبه": 5, "یکشنبه": 6, "یک شنبه": 6, "یک‌شنبه": 6, "دوشنبه": 0, "دو شنبه": 0,
    "سه‌شنبه": 1, "سه شنبه": 1, "سهشنبه": 1, "چهارشنبه": 2, "چهار شنبه": 2,
    "پنج‌شنبه": 3, "پنجشنبه": 3, "پنج شنبه": 3, "جمعه": 4,
}  # fmt: skip


def _alternation(words: list[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"[ \u200c]+") for w in ordered)


_DIGIT = r"[0-9۰-۹]"
_WEEKDAY = f"(?P<weekday>{_alternation(list(_WEEKDAY_FORMS))})"
_DAY = rf"(?P<day>{_DIGIT}{{1,2}}(?:ام|م)?|{_alternation(list(_ORDINALS))})"
_MONTH = f"(?P<month>{_alternation(list(MONTHS))})"
_YEAR = r"(?P<year>1[34][0-9]{2}|۱[۳۴][۰-۹]{2})"
_TEXT_DATE = re.compile(
    rf"(?:(?:روز[ {ZWNJ}]+)?{_WEEKDAY}[ ،,{ZWNJ}]+)?"
    rf"(?<![\w]){_DAY}[ {ZWNJ}]+{_MONTH}(?:[ {ZWNJ}]*ماه)?"
    rf"(?:[ ,،{ZWNJ}]+(?:سال[ {ZWNJ}]+)?{_YEAR}(?![0-9۰-۹]))?(?![\w])"
)
_NUMERIC_DATE = re.compile(
    rf"(?<![0-9۰-۹/\-.])(?P<year>1[234]{_DIGIT}{{2}}|[۱][۲۳۴]{_DIGIT}{{2}})"
    rf"(?P<sep>[/\-.])(?P<month>{_DIGIT}{{1,2}})(?P=sep)(?P<day>{_DIGIT}{{1,2}})(?![0-9۰-۹])"
)
_YEAR_MENTION = re.compile(
    rf"(?:سال|سالِ)[ {ZWNJ}]+(?P<year>1[34]{_DIGIT}{{2}}|[۱][۳۴]{_DIGIT}{{2}})"
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date written in a text: where it is, what it says, and the day it names."""

    start: int
    end: int
    text: str
    year: int | None  # Jalali; None when neither the text nor the caller gives one
    month: int
    day: int
    date: datetime.date | None  # Gregorian, when the year is known and the date exists
    weekday_written: int | None  # the weekday the text names (Monday = 0), if any

    @property
    def weekday_agrees(self) -> bool | None:
        """Whether a written weekday matches the date (None when either is unknown)."""
        if self.weekday_written is None or self.date is None:
            return None
        return self.weekday_written == self.date.weekday()


def to_jalali(value: datetime.date | datetime.datetime) -> jdatetime.date:
    """The Jalali date of a Gregorian date or datetime (its wall-clock date)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise TypeError(f"to_jalali() expects a date, got {type(value).__name__}")
    return jdatetime.date.fromgregorian(date=value)


class NonexistentDate(ValueError):
    """A Jalali day past the end of its month (۳۱ مهر, ۳۰ اسفند of a common year); the message
    says how many days the month has."""


def month_length(year: int, month: int) -> int:
    """Days in a Jalali month: 31 in the first six, 30 after, Esfand 29 or 30 in a leap year."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of a Jalali year, month and day; ValueError if it does not exist
    (NonexistentDate when only the day is past its month's end)."""
    if 1 <= month <= 12 and 28 < day <= 31 and 1 <= year <= 9000:
        length = month_length(year, month)
        if day > length:
            name = MONTHS[month - 1]
            raise NonexistentDate(
                to_persian_digits(
                    f"{day} {name} {year} در تقویم نیست؛ {name} سال {year} {length} روز دارد."
                )
            )
    try:
        result: datetime.date = jdatetime.date(year, month, day).togregorian()
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(f"تاریخ نامعتبر است: {year}/{month}/{day}") from error
    return result


def format_date(value: datetime.date | datetime.datetime, *, weekday: bool = True) -> str:
    """«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴» for a Gregorian date (or a datetime's wall-clock date)."""
    jalali = to_jalali(value)
    day = value.date() if isinstance(value, datetime.datetime) else value
    text = f"{jalali.day} {MONTHS[jalali.month - 1]} {jalali.year}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    return to_persian_digits(text)


def format_datetime(value: datetime.datetime) -> str:
    """«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰»: the wall-clock time, naive or aware.

    Time zones are the caller's business: convert an aware datetime to Asia/Tehran first.
    """
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"format_datetime() expects a datetime, got {type(value).__name__}")
    clock = to_persian_digits(f"{value.hour:02d}:{value.minute:02d}")
    return f"{format_date(value)}، ساعت {clock}"


def parse_jalali_date(text: str) -> datetime.date:
    """The Gregorian date of a written Jalali date: «۱۴۰۴/۰۲/۳۰», «1404-2-30», «30 اردیبهشت 1404».

    Raises ValueError (with a Persian message) when the text is not one whole date.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_jalali_date() expects str, got {type(text).__name__}")
    cleaned = normalize_characters(text).strip()
    for pattern in (_NUMERIC_DATE, _TEXT_DATE):
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        year, month, day = _parts(match)
        if year is None:
            raise ValueError(f"سال در تاریخ «{text}» نیامده است")
        return to_gregorian(year, month, day)
    raise ValueError(f"«{text}» یک تاریخ شمسی نیست؛ نمونه: ۱۴۰۴/۰۲/۳۰ یا ۳۰ اردیبهشت ۱۴۰۴")


def find_dates(text: str, default_year: int | None = None) -> list[FoundDate]:
    """Jalali dates written in `text`, in order.

    A date without a year takes the year of the nearest «سال ۱۴۰۴» before it, else
    `default_year`, else the first «سال ...» after it; with none of these its `date` is
    None. Offsets refer to `text` as given.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_dates() expects str, got {type(text).__name__}")
    # Letter forms are unified character for character, so offsets stay valid.
    scan = text.translate(_SAME_LENGTH)
    years = [
        (m.start(), int(to_latin_digits(m.group("year")))) for m in _YEAR_MENTION.finditer(scan)
    ]
    year_positions = [position for position, _year in years]
    found: list[FoundDate] = []
    # Numeric dates are found first; a written date overlapping one is skipped. Both lists
    # come in text order, so overlaps and years are looked up by bisection (linear overall).
    numeric_starts: list[int] = []
    numeric_ends: list[int] = []
    for pattern in (_NUMERIC_DATE, _TEXT_DATE):
        for match in pattern.finditer(scan):
            if pattern is _TEXT_DATE:
                i = bisect.bisect_left(numeric_starts, match.end())
                if i and numeric_ends[i - 1] > match.start():
                    continue
            year, month, day = _parts(match)
            if year is None:
                year = _year_from_context(years, year_positions, match.start(), default_year)
            date = None
            if year is not None:
                try:
                    date = to_gregorian(year, month, day)
                except ValueError:
                    continue
            weekday = match.groupdict().get("weekday")
            written = _WEEKDAY_BY_WORDS.get(_squash(weekday)) if weekday else None
            if pattern is _NUMERIC_DATE:
                numeric_starts.append(match.start())
                numeric_ends.append(match.end())
            found.append(
                FoundDate(
                    start=match.start(),
                    end=match.end(),
                    text=text[match.start() : match.end()],
                    year=year,
                    month=month,
                    day=day,
                    date=date,
                    weekday_written=written,
                )
            )
    found.sort(key=lambda f: f.start)
    return found


_SAME_LENGTH = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "٠": "۰", "١": "۱", "٢": "۲",
                              "٣": "۳", "٤": "۴", "٥": "۵", "٦": "۶", "٧": "۷", "٨": "۸",
                              "٩": "۹"})  # fmt: skip


def _squash(words: str) -> str:
    """Half-spaces and runs of spaces as one space, for looking written words up."""
    return " ".join(words.replace(ZWNJ, " ").split())


_WEEKDAY_BY_WORDS = {_squash(k): v for k, v in _WEEKDAY_FORMS.items()}
_ORDINAL_BY_WORDS = {_squash(k): v for k, v in _ORDINALS.items()}


def _parts(match: re.Match[str]) -> tuple[int | None, int, int]:
    groups = match.groupdict()
    month_text = groups["month"]
    month = _MONTH_NUMBER.get(month_text) or int(to_latin_digits(month_text))
    day_text = groups["day"]
    day_digits = to_latin_digits(day_text).removesuffix("ام").removesuffix("م")
    if day_digits.isdigit():
        day = int(day_digits)
    else:
        day = _ORDINAL_BY_WORDS[_squash(day_text)]
    year_text = groups.get("year")
    year = None
    if year_text:
        year = int(to_latin_digits(year_text))
        if year < 100:
            year += 1300
    return year, month, day


def _year_from_context(
    years: list[tuple[int, int]], positions: list[int], at: int, default: int | None
) -> int | None:
    """The year of the nearest «سال …» before `at`, else `default`, else the first after."""
    i = bisect.bisect_left(positions, at)
    if i:
        return years[i - 1][1]
    if default is not None:
        return default
    j = bisect.bisect_right(positions, at)
    return years[j][1] if j < len(years) else None

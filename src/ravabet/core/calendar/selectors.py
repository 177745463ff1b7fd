"""Reads of the calendar: the occasions of a span of days, the holidays, and the working-day
clock (`WorkingCalendar`) the citizen desk's answer deadlines run on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.calendar.models import DEFAULT_WORKING_WEEKDAYS, Occasion, WorkingWeek
from ravabet.persian import dates as pdates

# More occasions than any calendar has: a bound on the rows read, not a rule.
MAX_OCCASIONS = 1_000
# A clock never looks further than this for its next working day (a week with no working day
# is refused when saved; this only stops a loop if the table says otherwise).
MAX_SCAN_DAYS = 3 * 366


@dataclass(frozen=True)
class OccasionDay:
    occasion: Occasion
    starts_on: dt.date  # Gregorian
    ends_on: dt.date

    @property
    def title(self) -> str:
        return self.occasion.title

    @property
    def is_holiday(self) -> bool:
        return self.occasion.is_holiday


def occurrence(occasion: Occasion, jalali_year: int) -> dt.date:
    """The Gregorian date of an occasion in a Jalali year (30 Esfand in a common year → 29)."""
    day = min(occasion.day, pdates.month_length(jalali_year, occasion.month))
    return pdates.to_gregorian(jalali_year, occasion.month, day)


def occasions_between(
    start: dt.date, end: dt.date, *, holidays_only: bool = False
) -> list[OccasionDay]:
    """Active occasions that touch the Gregorian days [start, end], in date order."""
    days: list[OccasionDay] = []
    first = pdates.to_jalali(start).year
    last = pdates.to_jalali(end).year
    # Only the rows of the years asked about count against the bound: the lunar holidays of
    # years gone by must not push this year's late occasions past it.
    occasions = Occasion.objects.filter(is_active=True).filter(
        Q(year__isnull=True) | Q(year__gte=first - 1, year__lte=last)
    )
    if holidays_only:
        occasions = occasions.filter(is_holiday=True)
    rows = list(occasions.order_by("month", "day", "pk")[:MAX_OCCASIONS])
    for year in range(first - 1, last + 1):
        if not jalali.FIRST_YEAR <= year <= jalali.LAST_YEAR:
            continue
        for occasion in rows:
            if occasion.year is not None and occasion.year != year:
                continue
            begins = occurrence(occasion, year)
            ends = begins + dt.timedelta(days=occasion.length_days - 1)
            if ends >= start and begins <= end:
                days.append(OccasionDay(occasion, begins, ends))
    return sorted(days, key=lambda d: (d.starts_on, d.occasion.pk))


def occasions_upcoming(*, days: int = 90, today: dt.date | None = None) -> list[OccasionDay]:
    """The occasions of the coming days (and those under way), for the side of event pages."""
    today = today or jalali.to_local(timezone.now()).date()
    return occasions_between(today, today + dt.timedelta(days=days))


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Every official holiday in [start, end]: date → its title."""
    found: dict[dt.date, str] = {}
    for occasion_day in occasions_between(start, end, holidays_only=True):
        day = occasion_day.starts_on
        while day <= occasion_day.ends_on:
            if start <= day <= end:
                found.setdefault(day, occasion_day.title)
            day += dt.timedelta(days=1)
    return found


def working_weekdays() -> list[int]:
    """Python weekday numbers (Monday 0) the offices work: the directorate's, or Saturday to
    Wednesday."""
    week = WorkingWeek.objects.order_by("pk").first()
    if week is None or not week.weekdays:
        return list(DEFAULT_WORKING_WEEKDAYS)
    return [int(day) for day in week.weekdays if 0 <= int(day) <= 6]


class WorkingCalendar:
    """Working days between two dates: the working week minus the holidays. Reads the holidays
    of the span it is asked about once and keeps them; make one per request or task."""

    def __init__(self, weekdays: list[int] | None = None) -> None:
        self.weekdays = frozenset(working_weekdays() if weekdays is None else weekdays)
        self._holidays: dict[dt.date, str] = {}
        self._loaded: tuple[dt.date, dt.date] | None = None

    def _load(self, start: dt.date, end: dt.date) -> None:
        if self._loaded and self._loaded[0] <= start and end <= self._loaded[1]:
            return
        if self._loaded:
            start, end = min(start, self._loaded[0]), max(end, self._loaded[1])
        # Read a little wider than asked, so a clock walking forward rarely reads twice.
        start, end = start - dt.timedelta(days=7), end + dt.timedelta(days=60)
        start, end = max(start, jalali.EARLIEST), min(end, jalali.LATEST)
        self._holidays = holidays_between(start, end)
        self._loaded = (start, end)

    def holiday(self, day: dt.date) -> str | None:
        """The title of the holiday on that day, or None."""
        self._load(day, day)
        return self._holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and self.holiday(day) is None

    def add_working_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """The deadline `days` working days after `moment`: the end (Tehran midnight) of the
        `days`-th working day after the day of `moment` (that day itself does not count)."""
        if not self.weekdays:
            raise ValueError("هیچ روز کاری در هفته تعریف نشده است.")
        day = jalali.to_local(moment).date()
        self._load(day, day + dt.timedelta(days=days * 2 + 14))
        left = max(0, days)
        for _ in range(MAX_SCAN_DAYS):
            if left == 0:
                break
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return self.end_of(day)

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days after the day of `start` up to and including the day of `end`: 0 for an
        answer the same day, 1 for the next working day."""
        first = jalali.to_local(start).date()
        last = jalali.to_local(end).date()
        if last <= first:
            return 0
        self._load(first, last)
        count = 0
        day = first
        for _ in range(min((last - first).days, 10 * MAX_SCAN_DAYS)):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    @staticmethod
    def end_of(day: dt.date) -> dt.datetime:
        """The first moment after a Tehran day: its end, as an aware datetime."""
        following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return following.replace(tzinfo=jalali.local_tz())

    @cached_property
    def weekday_names(self) -> list[str]:
        order = [5, 6, 0, 1, 2, 3, 4]
        return [pdates.WEEKDAYS[d] for d in order if d in self.weekdays]

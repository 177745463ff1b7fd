"""The citizen desk's indicators of a PR office (core.registry.Indicator), for coordination's
scorecards and ranking, over a period of Tehran days [start, end): the share answered within
the deadline, the median working days to the first answer, and satisfaction. All three read the
desk's own figures (`selectors.statistics_between`, `Figures`: the same counting as the public
figures page, two grouped queries for every agency), taken as they stood at the end of the
period (or now, for a period not yet over). An agency with no figure is absent (no data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ravabet.core import charts, jalali, registry
from ravabet.core.registry import Indicator, IndicatorValue
from ravabet.desk import selectors


def _figures(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, selectors.Figures]:
    """The desk's figures of messages received on [start, end), as they stood at the end."""
    if end <= start:
        return {}
    at = min(timezone.now(), jalali.start_of_day(end))
    statistics = selectors.statistics_between(start, end - dt.timedelta(days=1), now=at)
    wanted = {a.pk for a in agencies}
    return {
        f.agency.pk: f
        for f in statistics.agencies
        if f.agency is not None and f.agency.pk in wanted
    }


def _link(agency_id: int) -> str:
    """The back office's inbox of the agency, every state (it has no date filter)."""
    return f"{reverse('desk:bo_inbox')}?{urlencode({'agency': agency_id, 'status': 'all'})}"


def _each(
    agencies: list[Any],
    start: dt.date,
    end: dt.date,
    value: Callable[[selectors.Figures], IndicatorValue | None],
) -> dict[int, IndicatorValue]:
    answer = {}
    for agency_id, figures in _figures(agencies, start, end).items():
        item = value(figures)
        if item is not None:
            answer[agency_id] = item
    return answer


def _n(value: int) -> str:
    return jalali.format_number(value)


def in_time(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    def value(f: selectors.Figures) -> IndicatorValue | None:
        share = f.in_time_share
        if share is None:
            return None
        return IndicatorValue(
            value=share * 100,
            volume=f.due,
            detail=f"{_n(f.in_time)} از {_n(f.due)} پیام در مهلت پاسخ داده شد",
            link=_link(f.agency.pk if f.agency else 0),
        )

    return _each(agencies, start, end, value)


def median_days(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    def value(f: selectors.Figures) -> IndicatorValue | None:
        median = f.median_days
        if median is None:
            return None
        answered = sum(f.days.values())
        return IndicatorValue(
            value=float(median),
            volume=answered,
            detail=(
                f"میانهٔ {charts.decimal(median)} روز کاری تا نخستین پاسخ "
                f"در {_n(answered)} پیام پاسخ‌داده"
            ),
            link=_link(f.agency.pk if f.agency else 0),
        )

    return _each(agencies, start, end, value)


def satisfaction(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    def value(f: selectors.Figures) -> IndicatorValue | None:
        mean = f.satisfaction
        if mean is None:
            return None
        return IndicatorValue(
            value=mean,
            volume=f.rated,
            detail=f"میانگین {charts.decimal(mean)} از ۵ در {_n(f.rated)} ارزیابی شهروندان",
            link=_link(f.agency.pk if f.agency else 0),
        )

    return _each(agencies, start, end, value)


def register() -> None:
    registry.register_indicator(
        Indicator(
            key="desk.in_time",
            label="پاسخ در مهلت",
            unit="٪",
            higher_is_better=True,
            compute=in_time,
            order=20,
            min_volume=5,
            description=(
                "از پیام‌های مردمی رسیده در دوره که تا پایان دوره پاسخشان بدهکار بود (پاسخ‌داده‌ها "
                "و بی‌پاسخ‌های گذشته از مهلت)، درصد آن‌ها که نخستین پاسخشان در مهلت داده شد."
            ),
        )
    )
    registry.register_indicator(
        Indicator(
            key="desk.median_days",
            label="میانهٔ زمان پاسخ",
            unit="روز کاری",
            higher_is_better=False,
            compute=median_days,
            order=21,
            min_volume=5,
            description=(
                "میانهٔ شمار روزهای کاری از دریافت تا نخستین پاسخ، در پیام‌های رسیده در دوره "
                "که پاسخ گرفته‌اند (کمتر، بهتر)."
            ),
        )
    )
    registry.register_indicator(
        Indicator(
            key="desk.satisfaction",
            label="رضایت",
            unit="از ۵",
            higher_is_better=True,
            compute=satisfaction,
            order=22,
            min_volume=3,
            description=(
                "میانگین امتیاز ۱ تا ۵ شهروندان به پاسخ پیام‌های رسیده در دوره، "
                "از میان پیام‌هایی که ارزیابی شده‌اند."
            ),
        )
    )

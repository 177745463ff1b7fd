"""Monitoring's indicator of a PR office (core.registry.Indicator), for coordination's
scorecards and ranking: «روند لحن رسانه‌ها», over a period of Tehran days [start, end).

The value is the share of the agency's mentions that are not negative (positive or neutral),
among the mentions whose tone is decided (by the lexicon, the classifier or an editor), of the
articles published in the period; higher is better. A share rather than a difference from the
previous period: a difference is undefined for an office with no mentions before and swings
with a handful of articles, while the share ranks offices on the same footing. The trend is in
the detail line: the same share over the previous period of equal length, beside it. Volume:
the decided mentions. One grouped query for all the agencies asked, both periods at once; an
agency without a decided mention in the period is absent (no data)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from ravabet.core import charts, jalali, registry
from ravabet.core.registry import Indicator, IndicatorValue
from ravabet.monitoring.models import Mention
from ravabet.persian import to_latin_digits


def _day_param(day: dt.date) -> str:
    """«1404/01/31»: what the mentions page's date filter reads."""
    return to_latin_digits(jalali.format_short(day))


def _link(agency_id: int, start: dt.date, end: dt.date) -> str:
    query = {
        "agency": agency_id,
        "since": _day_param(start),
        "until": _day_param(end - dt.timedelta(days=1)),
    }
    return f"{reverse('monitoring:mentions')}?{urlencode(query)}"


def tone(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    wanted = {a.pk for a in agencies}
    before = start - (end - start)
    this_period = Q(article__published_at__gte=jalali.start_of_day(start))
    negative = Q(tone=Mention.Tone.NEGATIVE)
    rows = (
        Mention.objects.filter(
            agency_id__in=wanted,
            tone__isnull=False,
            article__published_at__gte=jalali.start_of_day(before),
            article__published_at__lt=jalali.start_of_day(end),
        )
        .values("agency_id")
        .annotate(
            now=Count("pk", filter=this_period),
            now_negative=Count("pk", filter=this_period & negative),
            then=Count("pk", filter=~this_period),
            then_negative=Count("pk", filter=~this_period & negative),
        )
        .order_by()
    )
    answer = {}
    for row in rows:
        total, negatives = row["now"], row["now_negative"]
        if not total:
            continue
        share = (total - negatives) / total
        detail = (
            f"{jalali.format_number(negatives)} بازتاب منفی از {jalali.format_number(total)}؛ "
            f"نامنفی {charts.percent(share)}"
        )
        if row["then"]:
            previous = (row["then"] - row["then_negative"]) / row["then"]
            detail += f" (دورهٔ پیش {charts.percent(previous)})"
        else:
            detail += " (دورهٔ پیش بی‌بازتاب)"
        answer[row["agency_id"]] = IndicatorValue(
            value=share * 100,
            volume=total,
            detail=detail,
            link=_link(row["agency_id"], start, end),
        )
    return answer


def register() -> None:
    registry.register_indicator(
        Indicator(
            key="monitoring.tone",
            label="روند لحن رسانه‌ها",
            unit="٪",
            higher_is_better=True,
            compute=tone,
            order=50,
            min_volume=5,
            description=(
                "از بازتاب‌های دستگاه در خبرهای منتشرشده در دوره که لحنشان تعیین شده، درصد "
                "بازتاب‌های نامنفی (مثبت یا خنثی)؛ همین درصد در دورهٔ پیشینِ هم‌اندازه برای "
                "مقایسه در شرح می‌آید."
            ),
        )
    )

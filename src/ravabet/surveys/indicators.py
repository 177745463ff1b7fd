"""The surveys' indicator of a PR office (core.registry.Indicator), for coordination's
scorecards and ranking: «فعالیت نظرسنجی», the complete responses that the agency's own surveys
collected over a period of Tehran days [start, end) — what the office actually heard, rather
than how many surveys it opened (an empty survey asks nobody anything). One grouped query for
all the agencies asked; an agency whose surveys collected nothing is absent (no data)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from ravabet.core import jalali, registry
from ravabet.core.registry import Indicator, IndicatorValue
from ravabet.surveys.models import Response


def activity(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    """Complete responses submitted in [start, end) to surveys owned by each agency (drafts and
    unfinished answers do not count; a network survey counts for the agency that owns it)."""
    wanted = {a.pk for a in agencies}
    rows = (
        Response.objects.filter(
            survey__agency_id__in=wanted,
            status=Response.Status.COMPLETE,
            submitted_at__gte=jalali.start_of_day(start),
            submitted_at__lt=jalali.start_of_day(end),
        )
        .values("survey__agency_id")
        .annotate(n=Count("pk"), surveys=Count("survey_id", distinct=True))
        .order_by()
    )
    answer = {}
    for row in rows:
        agency_id, n = row["survey__agency_id"], row["n"]
        answer[agency_id] = IndicatorValue(
            value=float(n),
            volume=n,
            detail=(
                f"{jalali.format_number(n)} پاسخ کامل به "
                f"{jalali.format_number(row['surveys'])} نظرسنجی"
            ),
            link=f"{reverse('surveys:bo_list')}?{urlencode({'agency': agency_id})}",
        )
    return answer


def register() -> None:
    registry.register_indicator(
        Indicator(
            key="surveys.activity",
            label="فعالیت نظرسنجی",
            unit="پاسخ",
            higher_is_better=True,
            compute=activity,
            order=30,
            min_volume=1,
            description=(
                "شمار پاسخ‌نامه‌های کاملی که نظرسنجی‌های خود دستگاه در دوره گرد آوردند "
                "(پاسخ‌های نیمه‌کاره شمرده نمی‌شوند)."
            ),
        )
    )

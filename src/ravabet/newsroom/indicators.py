"""The newsroom's indicators of a PR office (core.registry.Indicator), for coordination's
scorecards and ranking: releases published and their page views over a period of Tehran days
[start, end). One grouped query each for all the agencies asked; an agency with nothing in the
period is absent from the answer (no data), never zero."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from ravabet.core import jalali, registry
from ravabet.core.registry import Indicator, IndicatorValue
from ravabet.newsroom.models import Release, ReleaseViews


def _list_link(agency: Any) -> str:
    """The back office's release list of the agency, published ones (it has no date filter)."""
    query = urlencode({"agency": agency.slug, "status": Release.Status.PUBLISHED})
    return f"{reverse('newsroom:bo_list')}?{query}"


def published(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    """Releases of each agency published in [start, end) and still published (a withdrawn
    release does not count)."""
    by_id = {a.pk: a for a in agencies}
    rows = (
        Release.objects.filter(
            agency_id__in=by_id,
            status=Release.Status.PUBLISHED,
            published_at__gte=jalali.start_of_day(start),
            published_at__lt=jalali.start_of_day(end),
        )
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    answer = {}
    for row in rows:
        n = row["n"]
        answer[row["agency_id"]] = IndicatorValue(
            value=float(n),
            volume=n,
            detail=f"{jalali.format_number(n)} خبر منتشرشده در دوره",
            link=_list_link(by_id[row["agency_id"]]),
        )
    return answer


def page_views(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    """Views of the public pages of each agency's releases (whenever published) on the days
    [start, end), as counted by newsroom/pageviews.py."""
    by_id = {a.pk: a for a in agencies}
    rows = (
        ReleaseViews.objects.filter(
            release__agency_id__in=by_id, day__gte=start, day__lt=end, count__gt=0
        )
        .values("release__agency_id")
        .annotate(total=Sum("count"), releases=Count("release_id", distinct=True))
        .order_by()
    )
    answer = {}
    for row in rows:
        total, releases = int(row["total"] or 0), row["releases"]
        answer[row["release__agency_id"]] = IndicatorValue(
            value=float(total),
            volume=total,
            detail=(
                f"{jalali.format_number(total)} بازدید از "
                f"{jalali.format_number(releases)} خبر در دوره"
            ),
            link=_list_link(by_id[row["release__agency_id"]]),
        )
    return answer


def register() -> None:
    registry.register_indicator(
        Indicator(
            key="newsroom.published",
            label="خبرهای منتشرشده",
            unit="خبر",
            higher_is_better=True,
            compute=published,
            order=10,
            min_volume=1,
            description=(
                "شمار خبرها و اطلاعیه‌های دستگاه که در دوره منتشر شده‌اند و هنوز منتشرشده‌اند "
                "(خبر پس‌گرفته شمرده نمی‌شود)."
            ),
        )
    )
    registry.register_indicator(
        Indicator(
            key="newsroom.views",
            label="بازدید خبرها",
            unit="بازدید",
            higher_is_better=True,
            compute=page_views,
            order=11,
            min_volume=20,
            description=(
                "شمار بازدیدهای صفحهٔ عمومی خبرهای دستگاه در روزهای دوره (بی‌شمار ربات‌ها و "
                "پیش‌نمایش‌ها؛ هر درخواست صفحه یک بازدید)."
            ),
        )
    )

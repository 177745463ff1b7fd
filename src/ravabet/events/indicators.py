"""The events' indicators of a PR office (core.registry.Indicator), for coordination's
scorecards and ranking, over a period of Tehran days [start, end):

- «حضور در جلسات»: of the people the agency registered for the network's meetings (kind
  «جلسهٔ شبکهٔ روابط عمومی», not cancelled) that began in the period and have begun, the share
  checked in at the door (`Registration.attended_at`). Only meetings where attendance was taken
  (someone was checked in) count: a meeting without a check-in says nothing about anyone.
- «مصوبات انجام‌شده در مهلت»: of the resolutions given to the agency whose deadline falls in
  the period and which are owed (done, or still open past the deadline; cancelled ones and open
  ones not yet due are left out), the share done by the deadline (the Tehran day of the report
  «انجام‌شده» in the audit log, on or before the deadline).

A few grouped queries for all the agencies asked; an agency with nothing to count is absent
(no data), never zero."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ravabet.core import charts, jalali, registry
from ravabet.core.models import AuditEntry
from ravabet.core.registry import Indicator, IndicatorValue
from ravabet.events.models import Event, Registration, Resolution


def _n(value: int) -> str:
    return jalali.format_number(value)


def attendance(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
    wanted = {a.pk for a in agencies}
    now = timezone.now()
    checked_in = Registration.objects.filter(event=OuterRef("event"), attended_at__isnull=False)
    rows = (
        Registration.objects.filter(
            agency_id__in=wanted,
            status=Registration.Status.REGISTERED,
            event__kind=Event.Kind.NETWORK_MEETING,
            event__status=Event.Status.SCHEDULED,
            event__starts_at__gte=jalali.start_of_day(start),
            event__starts_at__lt=min(jalali.start_of_day(end), now),
        )
        .filter(Exists(checked_in))
        .values("agency_id")
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(attended_at__isnull=False)),
            meetings=Count("event_id", distinct=True),
        )
        .order_by()
    )
    link = f"{reverse('events:bo_list')}?{urlencode({'when': 'past'})}"
    answer = {}
    for row in rows:
        registered, attended = row["registered"], row["attended"]
        answer[row["agency_id"]] = IndicatorValue(
            value=100 * attended / registered,
            volume=registered,
            detail=(
                f"{_n(attended)} از {_n(registered)} ثبت‌نام‌شده در "
                f"{_n(row['meetings'])} جلسهٔ شبکه حاضر شدند"
            ),
            link=link,
        )
    return answer


def _done_days(ids: list[int]) -> dict[int, dt.date]:
    """The Tehran day each resolution was last reported done, from the audit log."""
    if not ids:
        return {}
    rows = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Resolution),
            object_id__in=[str(pk) for pk in ids],
            action="resolution.report",
            to_state=Resolution.Status.DONE,
        )
        .values("object_id")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    return {int(row["object_id"]): jalali.to_local(row["at"]).date() for row in rows}


def resolutions_on_time(
    agencies: list[Any], start: dt.date, end: dt.date
) -> dict[int, IndicatorValue]:
    wanted = {a.pk for a in agencies}
    today = jalali.to_local(timezone.now()).date()
    owed = list(
        Resolution.objects.filter(responsible_id__in=wanted, deadline__gte=start, deadline__lt=end)
        .filter(
            Q(status=Resolution.Status.DONE)
            | Q(status__in=Resolution.OPEN_STATES, deadline__lt=today)
        )
        .values_list("pk", "responsible_id", "status", "deadline", "updated_at")
    )
    done_on = _done_days([pk for pk, _, status, _, _ in owed if status == Resolution.Status.DONE])
    counts: dict[int, list[int]] = {}
    for pk, agency_id, status, deadline, updated_at in owed:
        tally = counts.setdefault(agency_id, [0, 0])
        tally[1] += 1
        if status == Resolution.Status.DONE:
            # Without a report in the log (made outside the services): its last change.
            day = done_on.get(pk) or jalali.to_local(updated_at).date()
            if day <= deadline:
                tally[0] += 1
    link = f"{reverse('events:bo_resolutions')}"
    answer = {}
    for agency_id, (on_time, total) in counts.items():
        answer[agency_id] = IndicatorValue(
            value=100 * on_time / total,
            volume=total,
            detail=(
                f"{_n(on_time)} از {_n(total)} مصوبهٔ سررسیده در مهلت انجام شد "
                f"({charts.percent(on_time / total)})"
            ),
            link=link,
        )
    return answer


def register() -> None:
    registry.register_indicator(
        Indicator(
            key="events.attendance",
            label="حضور در جلسات",
            unit="٪",
            higher_is_better=True,
            compute=attendance,
            order=40,
            min_volume=3,
            description=(
                "از کسانی که دستگاه برای جلسه‌های شبکهٔ روابط عمومی برگزارشده در دوره ثبت‌نام "
                "کرد، درصد حاضرشدگان (تنها جلسه‌هایی که حضور در آن‌ها ثبت شده است)."
            ),
        )
    )
    registry.register_indicator(
        Indicator(
            key="events.resolutions_on_time",
            label="مصوبات انجام‌شده در مهلت",
            unit="٪",
            higher_is_better=True,
            compute=resolutions_on_time,
            order=41,
            min_volume=3,
            description=(
                "از مصوبه‌های سپرده به دستگاه که مهلتشان در دوره است و سررسیده‌اند (انجام‌شده یا "
                "باز و گذشته از مهلت؛ لغوشده‌ها به حساب نمی‌آیند)، درصد آن‌ها که تا روز مهلت "
                "انجام شدند."
            ),
        )
    )

"""Alerts: the episodes a person may see (their agencies', every agency's for the directorate,
their own saved searches'), one alert with its daily counts against the threshold and the
mentions of its window, and acknowledging it. Another agency's alert is a 404."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.core import charts, jalali
from ravabet.core.pagination import paginate
from ravabet.monitoring import alerts as service
from ravabet.monitoring.models import Alert
from ravabet.monitoring.narratives import short_day
from ravabet.monitoring.views import monitor_required

PER_PAGE = 25
STATES = (("open", "باز"), ("all", "همه"))


def _alert_for(request: HttpRequest, pk: int) -> Alert:
    alert = service.by_pk(request.user, pk)
    if alert is None:
        raise Http404
    return alert


@monitor_required
def alerts(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "all")
    if state not in dict(STATES):
        state = "all"
    rows = service.visible(request.user)
    if state == "open":
        rows = rows.filter(ended_at__isnull=True)
    # Open episodes first, then the latest ended.
    rows = rows.order_by(F("ended_at").desc(nulls_first=True), "-started_at", "-id")
    page = paginate(request, rows, PER_PAGE)
    return render(
        request,
        "monitoring/alerts.html",
        {
            "page": page,
            "state": state,
            "states": STATES,
            "open_count": service.open_alert_count(request.user),
            "min_count": service.MIN_COUNT,
            "history_days": service.HISTORY_DAYS,
        },
    )


@monitor_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    item = _alert_for(request, pk)
    periods, level = service.alert_history(item)

    names = [
        short_day(periods.first_day + dt.timedelta(days=i)) for i in range(len(level.days))
    ] + ["۲۴ ساعت اخیر"]
    counts = [float(n) for n in level.days] + [float(level.count)]
    chart = charts.column_chart(
        names,
        [
            charts.Series("شمار خبرها", counts),
            charts.Series("آستانهٔ هشدار", [level.threshold] * len(names)),
        ],
        title=item.title,
        summary=(
            f"شمار روزانهٔ خبرها در {jalali.format_number(len(level.days))} روز گذشته و "
            f"۲۴ ساعت اخیر، در برابر آستانهٔ {jalali.format_number(math.ceil(level.threshold))}"
        ),
        kind="line",
        ident=f"alert-{item.pk}",
        width=720,
    )
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": item,
            "level": level,
            "threshold": math.ceil(item.threshold),
            "chart": chart,
            "mentions": service.alert_mentions(item),
            "may_acknowledge": item.acknowledged_at is None
            and service.may_acknowledge(request.user, item),
            "subject_name": service.subject_name(item),
        },
    )


@require_POST
@monitor_required
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    item = _alert_for(request, pk)
    try:
        service.acknowledge(actor=request.user, alert=item, request=request)
    except service.AlertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "دیدن هشدار ثبت شد.")
    return redirect("monitoring:alert", pk=item.pk)


urlpatterns = [
    path("alerts/", alerts, name="alerts"),
    path("alerts/<int:pk>/", alert, name="alert"),
    path("alerts/<int:pk>/ack/", alert_ack, name="alert_ack"),
]

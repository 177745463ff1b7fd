"""The pipeline of investors' inquiries at /backoffice/investment/pipeline/: per opportunity or
programme, the inquiries of a period, how fast the agency answered (the desk's clock) and what
became of them, as a chart and a table; the inquiries themselves, each with a small form to
record its outcome.

Who sees what: the directorate (core.permissions.can_see_investment_pipeline) the whole
province; any other back-office member the inquiries of the agencies they work for (their
own pipeline, the same page); a person with no role gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from ravabet.core import charts, jalali, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.pagination import paginate
from ravabet.investment import selectors, services
from ravabet.investment.models import Inquiry

STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = JalaliDateField(label="از تاریخ", required=False)
    end = JalaliDateField(label="تا تاریخ", required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="نتیجه",
        choices=Inquiry.Outcome.choices,
        error_messages={"invalid_choice": "نتیجه را از فهرست برگزینید."},
    )
    reason = forms.CharField(
        label="توضیح (برای «منتفی شد» لازم است)",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "2000"}),
    )


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), STAFF_ONLY)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, PeriodForm]:
    today = jalali.to_local(timezone.now()).date()
    form = PeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=MAX_DAYS))
    return start, end, form


def _chart(rows: list[selectors.PipelineRow]) -> Any:
    bars = [
        charts.Bar(
            label=row.title,
            value=row.received,
            note=f"(تفاهم‌نامه {charts.number(row.mous)})" if row.mous else "",
        )
        for row in rows[:20]
    ]
    return charts.bar_chart(
        bars,
        title="درخواست‌های سرمایه‌گذاران برای هر فرصت",
        summary="شمار درخواست‌های دورهٔ برگزیده برای هر فرصت یا حمایت؛ بیست مورد نخست.",
        empty_text="در این دوره درخواستی نرسیده است.",
        ident="pipeline-chart",
    )


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    start, end, form = _period(request)
    report = selectors.pipeline(request.user, start, end)
    inquiries = paginate(request, selectors.inquiries_for(request.user, start, end), 50)
    return render(
        request,
        "investment/pipeline.html",
        {
            "report": report,
            "form": form,
            "chart": _chart(report.rows),
            "page": inquiries,
            "outcomes": Inquiry.Outcome.choices,
            "start": start,
            "end": end,
        },
    )


@login_required
@require_POST
def set_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    inquiry = (
        Inquiry.objects.filter(agency__in=permissions.visible_agencies(request.user))
        .filter(pk=pk)
        .first()
    )
    if inquiry is None:
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            services.inquiry_set_outcome(
                actor=request.user,
                inquiry=inquiry,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, f"درخواست {inquiry.code_display}: {error}")
        else:
            messages.success(request, f"نتیجهٔ درخواست {inquiry.code_display} ثبت شد.")
    back = request.POST.get("next", "")
    if back.startswith("/backoffice/investment/pipeline/") and "//" not in back:
        return redirect(back)
    return redirect("investment:pipeline")


urlpatterns = [
    path("pipeline/", pipeline, name="pipeline"),
    path("pipeline/inquiries/<int:pk>/outcome/", set_outcome, name="inquiry_outcome"),
]

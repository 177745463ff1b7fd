"""The needs report (/backoffice/surveys/needs/): for one agency and a Jalali period, what
people want to know from it, joined from every needs source (surveys.needs).

Read-only and GET only: the agency and the period come from the query string. An agency's
staff choose among their own agencies, the directorate among all; another agency asked for
by id is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ravabet.core import charts, jalali, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency, Membership
from ravabet.persian import to_latin_digits, to_persian_digits
from ravabet.surveys import needs as report_of

DEFAULT_DAYS = 90
MAX_DAYS = 2 * 366
CHART_TOPICS = 10


class NeedsForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="دستگاه",
        queryset=Agency.objects.none(),
        empty_label="— یک دستگاه برگزینید —",
        error_messages={
            "required": "دستگاه را برگزینید.",
            "invalid_choice": "این دستگاه در فهرست دستگاه‌های شما نیست.",
        },
    )
    start = JalaliDateField(label="از تاریخ")
    end = JalaliDateField(label="تا تاریخ")

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field: Any = self.fields["agency"]
        agency_field.queryset = agencies
        self.fields["start"].error_messages["required"] = "تاریخ آغاز را بنویسید."
        self.fields["end"].error_messages["required"] = "تاریخ پایان را بنویسید."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise ValidationError(
                    "تاریخ آغاز پس از تاریخ پایان است؛ «از تاریخ» باید پیش از «تا تاریخ» باشد.",
                    code="reversed",
                )
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError(
                    f"دورهٔ گزارش حداکثر {to_persian_digits(str(MAX_DAYS))} روز است؛ "
                    "دورهٔ کوتاه‌تری برگزینید.",
                    code="too_long",
                )
        return data


def _default_agency(user: Any, agencies: Any) -> Agency | None:
    """The person's own agency (their first membership), or the only one they see."""
    own = (
        Membership.objects.filter(user=user, agency__in=agencies)
        .order_by("pk")
        .values_list("agency_id", flat=True)
        .first()
    )
    if own is not None:
        return agencies.filter(pk=own).first()
    return agencies.first() if agencies.count() == 1 else None


def _asked_agency(request: HttpRequest, agencies: Any) -> str:
    """The agency id asked for; one the person may not see is a 404, not a form error."""
    raw = to_latin_digits(request.GET.get("agency", "").strip())[:20]
    if raw.isdigit() and not agencies.filter(pk=int(raw)).exists():
        raise Http404("دستگاه پیدا نشد.")
    return raw


def _chart(topics: list[report_of.Topic]) -> str:
    top = topics[:CHART_TOPICS]
    summary = ""
    if top:
        summary = (
            f"پروزن‌ترین موضوع «{top[0].name}» با وزن {charts.decimal(top[0].weight, 2)} "
            f"از {to_persian_digits(str(len(top)))} موضوع نخست."
        )
    return charts.bar_chart(
        [charts.Bar(t.name, t.weight) for t in top],
        title="موضوع‌های پروزن: وزن ترکیبی از همهٔ منبع‌ها",
        summary=summary,
        value_format=lambda v: charts.decimal(v, 2),
        empty_text="در این دوره موضوعی یافته نشد.",
        ident="chart-needs",
    )


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.is_staff_member(user):
        raise PermissionDenied("این گزارش ویژهٔ کارکنان روابط عمومی است.")
    agencies = permissions.visible_agencies(user).order_by("name")
    today = jalali.to_local(timezone.now()).date()
    asked = _asked_agency(request, agencies)
    default = _default_agency(user, agencies)
    data = {
        "agency": asked or (str(default.pk) if default else ""),
        "start": request.GET.get("start", "")[:40]
        or jalali.format_short(today - dt.timedelta(days=DEFAULT_DAYS - 1)),
        "end": request.GET.get("end", "")[:40] or jalali.format_short(today),
    }
    form = NeedsForm(data if data["agency"] else None, agencies=agencies, initial=data)
    context: dict[str, Any] = {"form": form, "report": None}
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["agency"]
        start_day, end_day = form.cleaned_data["start"], form.cleaned_data["end"]
        report = report_of.report(
            user,
            agency,
            jalali.start_of_day(start_day),
            jalali.start_of_day(end_day + dt.timedelta(days=1)),
        )
        context.update(
            report=report,
            start_day=start_day,
            end_day=end_day,
            chart=_chart(report.topics),
            chart_topics=report.topics[:CHART_TOPICS],
        )
    return render(request, "surveys/bo_needs.html", context)


urlpatterns = [path("needs/", needs, name="needs")]

"""The ranking's pages under /backoffice/coordination/: the weights, the ranking (table, the
formula, computing and releasing, XLSX and PDF exports), an office's scorecard, and the
«امروز» dashboard.

Who sees what: the directorate (permissions.can_see_ranking / can_set_weights) the weights,
every ranking and the exports; an office's own staff its scorecard once the ranking is
released (before: 404), never another office's (404); the dashboard the directorate and
agency heads.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ravabet.coordination import selectors, services
from ravabet.coordination.models import Ranking
from ravabet.core import charts, jalali, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency
from ravabet.persian import dates as pdates
from ravabet.persian import to_latin_digits, to_persian_digits

DIRECTORATE_ONLY = "رتبه‌بندی روابط عمومی‌ها ویژهٔ اداره‌کل روابط عمومی استانداری است."
WEIGHTS_ONLY = "وزن شاخص‌ها را فقط اداره‌کل روابط عمومی استانداری تعیین می‌کند."
DASHBOARD_ONLY = "این پیشخوان ویژهٔ اداره‌کل روابط عمومی و مدیران روابط عمومی دستگاه‌هاست."

PERIODS = [
    ("year", "کل سال"),
    ("1", "فصل بهار"),
    ("2", "فصل تابستان"),
    ("3", "فصل پاییز"),
    ("4", "فصل زمستان"),
    ("custom", "بازهٔ دلخواه"),
]


def _this_year() -> int:
    return pdates.to_jalali(jalali.to_local(timezone.now()).date()).year


class ComputeForm(forms.Form):
    year = forms.TypedChoiceField(label="سال", coerce=int, choices=())
    period = forms.ChoiceField(label="دوره", choices=PERIODS, initial="year")
    start = JalaliDateField(label="از تاریخ (بازهٔ دلخواه)", required=False)
    end = JalaliDateField(label="تا تاریخ (بازهٔ دلخواه، خود این روز هم)", required=False)
    title = forms.CharField(
        label="عنوان (اختیاری)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"maxlength": "200"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = _this_year()
        years = [(y, to_persian_digits(str(y))) for y in range(year, year - 6, -1)]
        year_field: Any = self.fields["year"]
        year_field.choices = years
        year_field.initial = year
        for name in ("year", "period"):
            self.fields[name].error_messages["invalid_choice"] = "از فهرست برگزینید."

    def dates(self) -> tuple[dt.date, dt.date]:
        """[start, end) of the chosen period (after is_valid())."""
        data = self.cleaned_data
        if data["period"] == "custom":
            if not data.get("start") or not data.get("end"):
                raise ValidationError({"start": "آغاز و پایان بازه را بنویسید."})
            return data["start"], data["end"] + dt.timedelta(days=1)
        quarter = None if data["period"] == "year" else int(data["period"])
        return selectors.jalali_period(data["year"], quarter)


def _require_directorate(request: HttpRequest) -> None:
    permissions.require(permissions.can_see_ranking(request.user), DIRECTORATE_ONLY)


# --- weights ----------------------------------------------------------------------------------


@login_required
def weights(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_set_weights(request.user), WEIGHTS_ONLY)
    rows = selectors.weight_rows()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, dict[str, Any]] = {
            row["key"]: {
                "weight": to_latin_digits(request.POST.get(f"weight_{row['key']}", "")).strip()
                or "0",
                "min_volume": to_latin_digits(
                    request.POST.get(f"min_volume_{row['key']}", "")
                ).strip(),
            }
            for row in rows
        }
        try:
            services.weights_save(actor=request.user, data=data, request=request)
        except ValidationError as exc:
            errors = exc.message_dict
            for row in rows:
                row["weight"] = data[row["key"]]["weight"]
                row["min_volume"] = data[row["key"]]["min_volume"] or None
        else:
            messages.success(request, "وزن شاخص‌ها ذخیره شد.")
            return redirect("coordination:weights")
    for row in rows:
        row["weight_errors"] = errors.get(f"weight_{row['key']}", [])
        row["volume_errors"] = errors.get(f"min_volume_{row['key']}", [])
    return render(
        request,
        "coordination/score_weights.html",
        {
            "rows": rows,
            "errors": errors.get("__all__", []),
            "total": sum(int(r["weight"]) for r in rows if str(r["weight"]).isdigit()),
            "unavailable": selectors.unavailable_indicators(),
        },
        status=400 if errors else 200,
    )


# --- the ranking ----------------------------------------------------------------------------


def _score_chart(table: selectors.RankingTable) -> Any:
    return charts.bar_chart(
        [charts.Bar(row.agency.display_name, row.card.score) for row in table.ranked],
        title=f"امتیاز دستگاه‌ها در «{table.ranking.title}»",
        summary="امتیاز هر دستگاه رتبه‌بندی‌شده از ۱۰۰؛ جدول زیر همین ارقام را با جزئیات دارد.",
        maximum=100,
        value_format=lambda v: charts.decimal(v, 1),
        ident="ranking-chart",
    )


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    _require_directorate(request)
    chosen = selectors.ranking_for_page(request.GET.get("ranking"))
    if chosen is None and request.GET.get("ranking"):
        raise Http404
    table = selectors.ranking_table(chosen) if chosen else None
    return render(
        request,
        "coordination/score_ranking.html",
        {
            "table": table,
            "ranking": chosen,
            "rankings": selectors.ranking_list(),
            "chart": _score_chart(table) if table and table.ranked else None,
            "form": ComputeForm(),
            "unavailable": selectors.unavailable_indicators(),
            "ranked_share": int(services.RANKED_SHARE * 100),
        },
    )


@login_required
@require_POST
def ranking_compute(request: HttpRequest) -> HttpResponse:
    _require_directorate(request)
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            start, end = form.dates()
            made = services.ranking_compute(
                actor=request.user,
                start=start,
                end=end,
                title=form.cleaned_data.get("title", ""),
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"رتبه‌بندی «{made.title}» محاسبه شد.")
            return redirect(reverse("coordination:ranking") + f"?ranking={made.pk}")
    chosen = selectors.ranking_for_page()
    table = selectors.ranking_table(chosen) if chosen else None
    return render(
        request,
        "coordination/score_ranking.html",
        {
            "table": table,
            "ranking": chosen,
            "rankings": selectors.ranking_list(),
            "chart": _score_chart(table) if table and table.ranked else None,
            "form": form,
            "unavailable": selectors.unavailable_indicators(),
            "ranked_share": int(services.RANKED_SHARE * 100),
        },
        status=400,
    )


@login_required
@require_POST
def ranking_release(request: HttpRequest, pk: int) -> HttpResponse:
    _require_directorate(request)
    found = get_object_or_404(Ranking, pk=pk)
    try:
        services.ranking_release(actor=request.user, ranking=found, request=request)
    except services.RankingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "رتبه‌بندی منتشر شد؛ هر دستگاه اکنون کارنامهٔ خود را می‌بیند.")
    return redirect(reverse("coordination:ranking") + f"?ranking={found.pk}")


def _export_ranking(request: HttpRequest) -> Ranking:
    _require_directorate(request)
    chosen = selectors.ranking_for_page(request.GET.get("ranking"))
    if chosen is None:
        raise Http404
    return chosen


def _download(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    kind = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _text_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula
    return cell


def ranking_rows(table: selectors.RankingTable) -> list[list[Any]]:
    """The export's rows: a header, then one row per office (ranked first)."""
    header: list[Any] = ["رتبه", "دستگاه", "امتیاز"]
    for meta in table.indicators:
        label = meta.get("label", meta["key"])
        header += [
            f"{label}: مقدار ({meta.get('unit', '')})",
            f"{label}: حجم",
            f"{label}: نمرهٔ ۰ تا ۱۰۰",
            f"{label}: وزن",
        ]
    header.append("توضیح")
    rows: list[list[Any]] = [header]
    for row in [*table.ranked, *table.unranked]:
        line: list[Any] = [
            row.card.rank if row.card.ranked else "رتبه‌بندی نشد",
            row.agency.name,
            row.card.score,
        ]
        for cell in row.cells:
            line += [
                cell["value"] if cell["value"] is not None else "بدون داده",
                cell["volume"],
                cell["normalized"] if cell["counted"] else (cell["why"] or "—"),
                cell["weight"],
            ]
        line.append(row.reason)
        rows.append(line)
    return rows


@login_required
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    """The chosen (or latest) ranking as a right-to-left sheet, one row per office."""
    from openpyxl import Workbook

    chosen = _export_ranking(request)
    services.ranking_export_record(actor=request.user, ranking=chosen, fmt="xlsx", request=request)
    table = selectors.ranking_table(chosen)
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("رتبه‌بندی")
    sheet.sheet_view.rightToLeft = True
    for line in ranking_rows(table):
        sheet.append([_text_cell(sheet, value) for value in line])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _download(response, f"ranking-{chosen.pk}.xlsx")


@login_required
def ranking_pdf(request: HttpRequest) -> HttpResponse:
    """The chosen (or latest) ranking as a PDF for the annual evaluation."""
    from ravabet.core.pdf import font_faces, write_pdf

    chosen = _export_ranking(request)
    services.ranking_export_record(actor=request.user, ranking=chosen, fmt="pdf", request=request)
    table = selectors.ranking_table(chosen)
    html = render_to_string(
        "coordination/pdf/ranking.html",
        {
            "table": table,
            "ranking": chosen,
            "fonts": font_faces(),
            "today": jalali.format_date(timezone.now()),
            "chart": _score_chart(table) if table.ranked else None,
            "ranked_share": int(services.RANKED_SHARE * 100),
        },
    )
    response = HttpResponse(write_pdf(html), content_type="application/pdf")
    return _download(response, f"ranking-{chosen.pk}.pdf", inline=True)


# --- an office's scorecard ------------------------------------------------------------------


def _trend_chart(agency: Agency, trend: list[dict[str, Any]]) -> Any:
    return charts.column_chart(
        [jalali.format_short(selectors.last_day(row["ranking"])) for row in trend],
        [charts.Series("امتیاز", [row["score"] for row in trend])],
        title=f"روند امتیاز {agency.display_name} در رتبه‌بندی‌های منتشرشده",
        summary="امتیاز از ۱۰۰ در هر رتبه‌بندی منتشرشده؛ جدول کنار نمودار همین ارقام را دارد.",
        kind="line",
        whole=False,
        value_format=lambda v: charts.decimal(v, 0),
        ident="scorecard-trend",
    )


@login_required
def scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=slug)
    user = request.user
    directorate = permissions.sees_all_agencies(user)
    if not permissions.can_see_scorecard(user, agency, released=True):
        raise Http404  # another office's scorecard does not exist for this person
    found, card, count = selectors.scorecard_get(user, agency, request.GET.get("ranking"))
    if card is None and not directorate:
        raise Http404  # nothing released yet: the office has no scorecard to see
    cells = []
    if found is not None and card is not None:
        weighted, _ = selectors.ranking_indicators(found)
        cells = selectors.scorecard_cells(card, weighted)
    trend = selectors.scorecard_trend(agency)
    return render(
        request,
        "coordination/score_scorecard.html",
        {
            "agency": agency,
            "ranking": found,
            "card": card,
            "cells": cells,
            "count": count,
            "last_day": selectors.last_day(found) if found else None,
            "trend": trend,
            "trend_chart": _trend_chart(agency, trend) if trend else None,
            "directorate": directorate,
            "unavailable": selectors.unavailable_indicators(),
            "ranked_share": int(services.RANKED_SHARE * 100),
            "reason": selectors.unranked_reason(cells, found) if card and not card.ranked else "",
        },
    )


# --- the dashboard ----------------------------------------------------------------------------


def _mean_chart(trend: list[dict[str, Any]]) -> Any:
    return charts.column_chart(
        [jalali.format_short(selectors.last_day(row["ranking"])) for row in trend],
        [charts.Series("میانگین امتیاز", [row["mean"] for row in trend])],
        title="روند میانگین امتیاز دستگاه‌ها در رتبه‌بندی‌های منتشرشده",
        summary="میانگین امتیاز دستگاه‌های رتبه‌بندی‌شده در هر رتبه‌بندی منتشرشده؛ جدول کنار "
        "نمودار بهترین و ضعیف‌ترین دستگاه هر دوره را هم دارد.",
        kind="line",
        whole=False,
        value_format=lambda v: charts.decimal(v, 0),
        ident="mean-trend",
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    permissions.require(selectors.may_see_dashboard(request.user), DASHBOARD_ONLY)
    day = selectors.today_for(request.user)
    cards = [
        {**card, "chart": _trend_chart(card["agency"], card["trend"]) if card["trend"] else None}
        for card in day.cards
    ]
    return render(
        request,
        "coordination/score_dashboard.html",
        {
            "day": day,
            "cards": cards,
            "mean_chart": _mean_chart(day.trend) if day.trend else None,
        },
    )


urlpatterns = [
    path("weights/", weights, name="weights"),
    path("ranking/", ranking, name="ranking"),
    path("ranking/compute/", ranking_compute, name="ranking_compute"),
    path("ranking/<int:pk>/release/", ranking_release, name="ranking_release"),
    path("ranking.xlsx", ranking_xlsx, name="ranking_xlsx"),
    path("ranking.pdf", ranking_pdf, name="ranking_pdf"),
    path("scorecards/<slug:slug>/", scorecard, name="scorecard"),
    path("today/", dashboard, name="dashboard"),
]

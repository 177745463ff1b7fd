"""The public figures of the desk (/desk/stats/): how each agency and the province answered
the messages received in a Jalali period, ranked under the minimum-volume rule, with charts
and the same figures as CSV.

The period comes from the query string only (`start`, `end` as Jalali dates, or a `period`
preset), so the page is the same for every visitor and is served from the page cache; the
services bump `services.PUBLIC_TOPIC` when a message is received, answered, rated or reopened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ravabet.core import charts, jalali
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.forms import JalaliDateField
from ravabet.core.pagecache import cached_page
from ravabet.desk import selectors, services
from ravabet.persian import dates as pdates
from ravabet.persian import to_latin_digits, to_persian_digits

# The longest period shown: three Jalali years.
MAX_YEARS = 3
PARAMS = ("start", "end", "period", "format")
# The bar charts sit two abreast on a wide screen.
CHART_WIDTH = 400


@dataclass(frozen=True)
class Preset:
    key: str
    label: str


PRESETS = (
    Preset("month", "ماه جاری"),
    Preset("quarter", "سه ماه اخیر"),
    Preset("year", "امسال"),
    Preset("last-year", "سال گذشته"),
)


def _today() -> dt.date:
    return jalali.to_local(timezone.now()).date()


def _year_start(day: dt.date) -> dt.date:
    return pdates.to_gregorian(pdates.to_jalali(day).year, 1, 1)


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the Jalali month `months` before the month of `day`."""
    j = pdates.to_jalali(day)
    index = j.year * 12 + (j.month - 1) - months
    return pdates.to_gregorian(index // 12, index % 12 + 1, 1)


def preset_period(key: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of a preset: this month, the last three months (this one and the two before),
    this year to date, or the whole of last year."""
    if key == "month":
        return _months_back(today, 0), today
    if key == "quarter":
        return _months_back(today, 2), today
    if key == "year":
        return _year_start(today), today
    if key == "last-year":
        this_year = _year_start(today)
        return _year_start(this_year - dt.timedelta(days=1)), this_year - dt.timedelta(days=1)
    return None


def _latest_end(start: dt.date) -> dt.date:
    """The last day of a period of MAX_YEARS Jalali years that begins on `start`."""
    j = pdates.to_jalali(start)
    year = j.year + MAX_YEARS
    day = min(j.day, pdates.month_length(year, j.month))
    return pdates.to_gregorian(year, j.month, day) - dt.timedelta(days=1)


class PeriodForm(forms.Form):
    start = JalaliDateField(label="از تاریخ", required=False)
    end = JalaliDateField(label="تا تاریخ", required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start"].help_text = "روز نخست، مانند ۱۴۰۴/۰۱/۰۱"
        self.fields["end"].help_text = "روز پایانی؛ خالی: امروز"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        end = data.get("end") or self.today
        start = data.get("start") or _year_start(end)
        if end < start:
            raise ValidationError(
                "تاریخ پایان پیش از تاریخ آغاز است؛ تاریخ‌ها را جابه‌جا کنید.", code="reversed"
            )
        if end > _latest_end(start):
            raise ValidationError(
                f"بازهٔ آمار حداکثر {to_persian_digits(str(MAX_YEARS))} سال است؛ "
                "بازهٔ کوتاه‌تری برگزینید.",
                code="too_long",
            )
        data["start"], data["end"] = start, end
        return data


def _period(request: HttpRequest, today: dt.date) -> tuple[PeriodForm, str]:
    """The form of the page (bound when dates were given) and the preset chosen, if any."""
    key = request.GET.get("period", "")
    if preset_period(key, today) is not None:
        start, end = preset_period(key, today) or (today, today)
        form = PeriodForm({"start": start, "end": end}, today=today)
        return form, key
    if request.GET.get("start") or request.GET.get("end"):
        data = {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")}
        return PeriodForm(data, today=today), ""
    return PeriodForm({"start": _year_start(today), "end": today}, today=today), ""


def _label(figures: selectors.Figures) -> str:
    agency = figures.agency
    return (agency.short_name or agency.name) if agency else figures.name


def _ranked_chart(
    rows: list[selectors.Figures],
    value: Callable[[selectors.Figures], float | None],
    *,
    what: str,
    fmt: charts.Formatter,
    **options: Any,
) -> str:
    """A bar per agency, in the order given; its summary names the first and the last."""
    bars = [charts.Bar(_label(f), value(f)) for f in rows]
    summary = ""
    if rows:
        first, last = (value(rows[0]) or 0.0), (value(rows[-1]) or 0.0)
        summary = (
            f"{what}: بیشترین {_label(rows[0])} ({fmt(first)}) "
            f"و کمترین {_label(rows[-1])} ({fmt(last)})."
        )
    return charts.bar_chart(bars, summary=summary, value_format=fmt, width=CHART_WIDTH, **options)


def _in_time_chart(stats: selectors.Statistics) -> str:
    return _ranked_chart(
        stats.ranked,
        lambda f: f.in_time_share,
        what="سهم پاسخ در مهلت دستگاه‌های رتبه‌بندی‌شده",
        fmt=charts.percent,
        title="سهم پیام‌هایی که در مهلت پاسخ گرفتند، به ترتیب رتبه",
        maximum=1.0,
        empty_text="در این دوره هیچ دستگاهی به حد نصاب رتبه‌بندی نرسید.",
        ident="chart-in-time",
    )


def _satisfaction_chart(stats: selectors.Statistics) -> str:
    rated = [f for f in stats.ranked if f.satisfaction is not None]
    rated.sort(key=lambda f: (-(f.satisfaction or 0.0), f.name))
    return _ranked_chart(
        rated,
        lambda f: f.satisfaction,
        what="میانگین رضایت از ۱ تا ۵",
        fmt=charts.decimal,
        title="میانگین رضایت شهروندان از پاسخ (از ۱ تا ۵)",
        maximum=5.0,
        empty_text="در این دوره هنوز پاسخی ارزیابی نشده است.",
        ident="chart-satisfaction",
    )


def _monthly_chart(months: list[selectors.MonthFigures]) -> str:
    received = sum(m.received for m in months)
    answered = sum(m.answered for m in months)
    # The month's name, with its year under the first month and under each Farvardin.
    names = [
        f"{pdates.MONTHS[m.month - 1]}\n{to_persian_digits(str(m.year))}"
        if index == 0 or m.month == 1
        else pdates.MONTHS[m.month - 1]
        for index, m in enumerate(months)
    ]
    return charts.column_chart(
        names,
        [
            charts.Series("پیام‌های رسیده", [m.received for m in months]),
            charts.Series("نخستین پاسخ‌ها", [m.answered for m in months]),
        ],
        title="پیام‌های رسیده و پاسخ‌داده در کل استان، ماه به ماه",
        summary=(
            f"در این دوره {charts.number(received)} پیام رسید و به "
            f"{charts.number(answered)} پیام نخستین پاسخ داده شد."
        ),
        ident="chart-monthly",
        width=720,
        height=300,
    )


def _csv_number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _csv_percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def _csv_text(value: str) -> str:
    """A cell a spreadsheet will not take for a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(stats: selectors.Statistics) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "رتبه",
            "دستگاه",
            "پیام‌های رسیده",
            "پاسخ‌داده",
            "سهم پاسخ‌داده (٪)",
            "میانهٔ روزهای کاری تا نخستین پاسخ",
            "سهم پاسخ در مهلت (٪)",
            "میانگین رضایت (۱ تا ۵)",
            "ارزیابی‌ها",
            "نرخ بازگشایی (٪)",
            "رتبه‌بندی",
        ]
    )
    for figures in [stats.province, *stats.agencies]:
        if figures.agency is None:
            standing = "کل استان"
        elif figures.ranked:
            standing = "رتبه‌بندی‌شده"
        else:
            standing = f"کمتر از {stats.min_volume} پیام"
        writer.writerow(
            [
                figures.rank or "",
                _csv_text(figures.name),
                figures.received,
                figures.answered,
                _csv_number(
                    None if figures.answered_share is None else figures.answered_share * 100
                ),
                _csv_number(figures.median_days),
                _csv_percent(figures.in_time_share),
                _csv_number(figures.satisfaction, 2),
                figures.rated,
                _csv_percent(figures.reopen_rate),
                standing,
            ]
        )
    # A byte-order mark, so Excel reads the file as UTF-8 (and the Persian as Persian).
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    start, end = (jalali.format_short(d).replace("/", "-") for d in (stats.start, stats.end))
    name = to_latin_digits(f"desk-stats-{start}_{end}")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@cached_page(topics=(services.PUBLIC_TOPIC, "agencies"), params=PARAMS)
def stats(request: HttpRequest) -> HttpResponse:
    today = _today()
    form, preset = _period(request, today)
    context: dict[str, Any] = {
        "form": form,
        "presets": PRESETS,
        "preset": preset,
        "min_volume": settings.RAVABET_DESK_MIN_VOLUME,
        "weekdays": "، ".join(WorkingCalendar().weekday_names),
    }
    if not form.is_valid():
        return render(request, "desk/stats.html", context, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = selectors.statistics_between(start, end)
    if request.GET.get("format") == "csv":
        return _csv(figures)
    months = selectors.monthly_series(start, end)
    query = f"start={jalali.format_short(start)}&end={jalali.format_short(end)}"
    context.update(
        {
            "stats": figures,
            "start": start,
            "end": end,
            "months": months,
            "min_volume": figures.min_volume,
            "in_time_chart": _in_time_chart(figures),
            "satisfaction_chart": _satisfaction_chart(figures),
            "monthly_chart": _monthly_chart(months),
            "csv_query": to_latin_digits(query),
        }
    )
    return render(request, "desk/stats.html", context)

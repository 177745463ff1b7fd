"""The calendar's back office (/backoffice/calendar/): occasions and official holidays, and the
working week. Every staff member reads it; the directorate edits it
(`permissions.can_edit_occasions`, 403 for the others); anonymous visitors are sent to log in.

Thin views: parse with a form, call one service, render. The services' ValidationError is keyed
by the forms' own field names and goes back beside the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ravabet.core import jalali, permissions
from ravabet.core.calendar import selectors, services
from ravabet.core.calendar.forms import OccasionForm, WorkingWeekForm
from ravabet.core.calendar.models import Occasion
from ravabet.core.pagination import paginate
from ravabet.persian import dates as pdates
from ravabet.persian import to_latin_digits

STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
PER_PAGE = 50
KINDS = (("", "همه"), ("holidays", "تعطیلات رسمی"), ("occasions", "مناسبت‌ها"))
_YEAR = re.compile(r"[0-9]{4}")


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), STAFF_ONLY)


def _require_editor(request: HttpRequest) -> None:
    _require_staff(request)
    permissions.require(permissions.can_edit_occasions(request.user), services.ONLY_DIRECTORATE)


def _submit(request: HttpRequest, form: Any, call: Callable[[], Any], success: str) -> bool:
    """Run one service when the form is valid (the success message is shown); its
    ValidationError goes beside the form's fields."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, success)
    return True


def _filters(query: Mapping[str, str]) -> tuple[str, int | None]:
    """The kind (all, holidays, occasions) and the Jalali year asked for; anything else is no
    filter, never an error."""
    kind = query.get("kind", "")
    if kind not in dict(KINDS):
        kind = ""
    year_text = to_latin_digits(query.get("year", "")[:10]).strip()
    year = int(year_text) if _YEAR.fullmatch(year_text) else None
    if year is not None and not jalali.FIRST_YEAR <= year <= jalali.LAST_YEAR:
        year = None
    return kind, year


def _occasions(kind: str, year: int | None) -> QuerySet[Occasion]:
    rows = Occasion.objects.all()
    if kind == "holidays":
        rows = rows.filter(is_holiday=True)
    elif kind == "occasions":
        rows = rows.filter(is_holiday=False)
    if year is not None:
        rows = rows.filter(Q(year__isnull=True) | Q(year=year))
    return rows.order_by("month", "day", "year", "pk")


def _calendar_page(request: HttpRequest, week_form: WorkingWeekForm | None = None) -> HttpResponse:
    kind, year = _filters(request.GET)
    this_year = pdates.to_jalali(jalali.to_local(timezone.now()).date()).year
    years = set(Occasion.objects.exclude(year=None).values_list("year", flat=True).distinct())
    can_edit = permissions.can_edit_occasions(request.user)
    weekdays = selectors.working_weekdays()
    if can_edit and week_form is None:
        week_form = WorkingWeekForm(initial={"weekdays": weekdays})
    page = paginate(request, _occasions(kind, year), PER_PAGE)
    return render(
        request,
        "core/calendar/calendar.html",
        {
            "page": page,
            "rows": [(o, pdates.MONTHS[o.month - 1]) for o in page.object_list],
            "kinds": KINDS,
            "kind": kind,
            "year": year,
            "years": sorted(years | {this_year} | ({year} if year else set())),
            "can_edit": can_edit,
            "week_names": selectors.WorkingCalendar(weekdays).weekday_names,
            "week_form": week_form,
        },
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The occasions and holidays, filtered; the working week beside them."""
    _require_staff(request)
    return _calendar_page(request)


@login_required
def occasion_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_editor(request)
    occasion = get_object_or_404(Occasion, pk=pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = OccasionForm(data, initial=OccasionForm.initial_for(occasion) if occasion else None)
    if data is not None and _submit(
        request,
        form,
        lambda: services.occasion_save(
            actor=request.user, data=form.to_input(), occasion=occasion, request=request
        ),
        "مناسبت ذخیره شد.",
    ):
        return redirect("core:calendar")
    return render(request, "core/calendar/occasion_edit.html", {"form": form, "occasion": occasion})


@login_required
@require_POST
def occasion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    occasion = get_object_or_404(Occasion, pk=pk)
    services.occasion_delete(actor=request.user, occasion=occasion, request=request)
    messages.success(request, f"مناسبت «{occasion.title}» حذف شد.")
    return redirect("core:calendar")


@login_required
@require_POST
def working_week(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = WorkingWeekForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.working_week_save(
            actor=request.user, weekdays=form.cleaned_data["weekdays"], request=request
        ),
        "هفتهٔ کاری ذخیره شد.",
    ):
        return redirect("core:calendar")
    return _calendar_page(request, week_form=form)

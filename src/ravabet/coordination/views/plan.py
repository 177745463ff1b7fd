"""The annual plan's pages at /backoffice/coordination/plan/: the plans, a year's plan (goals →
programmes and campaigns → agencies' own plans, status badges, a chart per goal, filters by
agency and status), the directorate's forms (plan, goals, programmes and campaigns), an
agency's own plan under a programme, the quarterly progress form.

Thin: parse, call one service or selector, render. Every back-office member sees an adopted
plan; the services decide who changes what (a refusal is a 403, a plan one may not see a 404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.coordination.models import Goal, Plan, PlanItem, Progress
from ravabet.coordination.selectors import plan as plan_selectors
from ravabet.coordination.services import plan as plan_services
from ravabet.core import charts, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency
from ravabet.persian import to_latin_digits, to_persian_digits

_STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# The chart's colour per status (blue, red, green, grey), as the badges.
_COLOURS = {
    plan_selectors.ON_TRACK: "#0a5294",
    plan_selectors.LATE: "#b00020",
    plan_selectors.DONE: "#0b5c55",
    plan_selectors.NOT_STARTED: "#9aa3ab",
}


# --- forms: parse and show; the services refuse --------------------------------------------


class _Text(forms.CharField):
    """Text the service checks (length, characters)."""

    def __init__(self, *, limit: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if limit and not isinstance(self.widget, forms.Textarea):
            self.widget.attrs["maxlength"] = str(plan_services.MAX_CHARS[limit])


class _Number(forms.CharField):
    """A whole number typed with Persian or Latin digits; None when empty, the text when not a
    number (the service or the form says why)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "dir": "ltr"})

    def to_python(self, value: Any) -> Any:
        text = to_latin_digits(str(value or "")).strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError as exc:
            raise ValidationError("عدد بنویسید.", code="invalid") from exc


class PlanForm(forms.Form):
    year = _Number(label="سال (خورشیدی)", help_text="مثلاً ۱۴۰۵")
    title = _Text(label="عنوان برنامه", limit="title")
    summary = _Text(label="خلاصه", widget=forms.Textarea(attrs={"rows": 4}))

    def to_input(self) -> plan_services.PlanInput:
        d = self.cleaned_data
        return plan_services.PlanInput(
            year=d.get("year"), title=d.get("title") or "", summary=d.get("summary") or ""
        )


class GoalForm(forms.Form):
    title = _Text(label="هدف", limit="title")


class _ItemFields(forms.Form):
    title = _Text(label="عنوان", limit="title")
    description = _Text(label="شرح", widget=forms.Textarea(attrs={"rows": 4}))
    target = _Text(label="هدف کمّی", limit="target", help_text="مثلاً «۱۲ نشست خبری»")
    starts_on = JalaliDateField(label="آغاز", required=False)
    ends_on = JalaliDateField(label="پایان", required=False)


class ItemForm(_ItemFields):
    """A programme or campaign of the province's plan (the directorate's)."""

    kind = forms.ChoiceField(
        label="نوع",
        choices=[
            (PlanItem.Kind.PROGRAMME, "برنامه"),
            (PlanItem.Kind.CAMPAIGN, "پویش (کارزار)"),
        ],
    )
    owners = forms.ModelMultipleChoiceField(
        label="دستگاه‌های مسئول",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    occasion = forms.TypedChoiceField(
        label="مناسبت (برای پویش)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="اگر تاریخ‌ها خالی بماند، تاریخ‌های مناسبت گذاشته می‌شود.",
    )
    field_order = ["kind", "title", "description", "owners", "occasion", "target"]

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        occasion: Any = self.fields["occasion"]
        occasion.choices = [("", "— بدون مناسبت —"), *plan_selectors.plan_occasions(year)]

    def to_input(self) -> plan_services.ItemInput:
        d = self.cleaned_data
        return plan_services.ItemInput(
            title=d.get("title") or "",
            description=d.get("description") or "",
            target=d.get("target") or "",
            starts_on=d.get("starts_on"),
            ends_on=d.get("ends_on"),
            kind=d.get("kind") or "",
            owner_ids=[a.pk for a in d.get("owners") or []],
            occasion_id=d.get("occasion"),
        )

    @classmethod
    def initial_for(cls, item: PlanItem) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "target": item.target,
            "starts_on": item.starts_on,
            "ends_on": item.ends_on,
            "owners": list(item.owners.all()),
            "occasion": item.occasion_id or "",
        }


class OwnItemForm(_ItemFields):
    """An agency's own plan under a programme or campaign."""

    agency = forms.ModelChoiceField(
        label="دستگاه", queryset=Agency.objects.none(), required=False, empty_label=None
    )
    field_order = ["agency", "title", "description", "target"]

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            agency: Any = self.fields["agency"]
            agency.queryset = agencies

    def to_input(self) -> plan_services.ItemInput:
        d = self.cleaned_data
        return plan_services.ItemInput(
            title=d.get("title") or "",
            description=d.get("description") or "",
            target=d.get("target") or "",
            starts_on=d.get("starts_on"),
            ends_on=d.get("ends_on"),
        )


class ProgressForm(forms.Form):
    quarter = _Number(label="فصل")
    percent = _Number(label="درصد پیشرفت", help_text="از ۰ تا ۱۰۰")
    status = forms.ChoiceField(
        label="وضعیت", choices=[("", "—"), *Progress.Status.choices], required=False
    )
    note = _Text(label="توضیح", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any number reaches the service, which says in Persian why a quarter is refused.
        self.fields["quarter"].widget = forms.Select(
            choices=[
                (q, f"{plan_selectors.QUARTER_NAMES[q]} {to_persian_digits(str(year))}")
                for q in plan_selectors.reportable_quarters(year)
            ]
        )

    def to_input(self) -> plan_services.ProgressInput:
        d = self.cleaned_data
        return plan_services.ProgressInput(
            quarter=d.get("quarter"),
            percent=d.get("percent"),
            status=d.get("status") or "",
            note=d.get("note") or "",
        )


# --- helpers ------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), _STAFF_ONLY)


def _plan(request: HttpRequest, year: int) -> Plan:
    _require_staff(request)
    try:
        return plan_selectors.plan_get_for(request.user, year)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def _item(request: HttpRequest, pk: int) -> PlanItem:
    _require_staff(request)
    item = (
        PlanItem.objects.select_related("goal__plan", "agency", "parent")
        .filter(pk=pk, goal__plan__in=plan_selectors.plan_list_for(request.user))
        .first()
    )
    if item is None:
        raise Http404
    return item


def _goal(request: HttpRequest, pk: int) -> Goal:
    _require_staff(request)
    goal = (
        Goal.objects.select_related("plan")
        .filter(pk=pk, plan__in=plan_selectors.plan_list_for(request.user))
        .first()
    )
    if goal is None:
        raise Http404
    return goal


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = "occasion" if name == "occasion_id" else name
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _back(item_or_plan: Any) -> HttpResponse:
    plan = item_or_plan if isinstance(item_or_plan, Plan) else item_or_plan.goal.plan
    return redirect("coordination:plan", year=plan.year)


def _act(
    request: HttpRequest, action: Callable[[], object], success: str, back: Any
) -> HttpResponse:
    """A one-button step: the service's refusal or `success` as a flash, back to the plan."""
    try:
        action()
    except plan_services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        if success:
            messages.success(request, success)
    return _back(back)


# --- pages --------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    plans = plan_selectors.plan_list_for(request.user)
    return render(
        request,
        "coordination/plan_list.html",
        {"plans": plans, "can_edit": plan_services.can_edit_plan(request.user)},
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    permissions.require(plan_services.can_edit_plan(request.user), plan_services.ONLY_DIRECTORATE)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.plan_create(
                actor=request.user, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "برنامهٔ سال ساخته شد؛ هدف‌ها را بنویسید.")
            return redirect("coordination:plan", year=plan.year)
    return render(request, "coordination/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request, year)
    permissions.require(plan_services.can_edit_plan(request.user), plan_services.ONLY_DIRECTORATE)
    form = PlanForm(request.POST or None, initial={"title": plan.title, "summary": plan.summary})
    del form.fields["year"]
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.plan_update(
                actor=request.user, plan=plan, data=form.to_input(), request=request
            )
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(plan)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات ذخیره شد.")
            return _back(plan)
    return render(request, "coordination/plan_form.html", {"form": form, "plan": plan})


def _chart(view: plan_selectors.PlanView) -> Any:
    goals = [g for g in view.goals if g.total]
    return charts.column_chart(
        [g.goal.title for g in goals],
        [
            charts.Series(
                plan_selectors.STATUS_LABELS[s], [g.counts[s] for g in goals], _COLOURS[s]
            )
            for s in plan_selectors.STATUS_ORDER
        ],
        title="وضعیت برنامه‌ها و پویش‌ها در هر هدف",
        summary=(
            f"{to_persian_digits(str(view.total))} مورد: "
            + "، ".join(f"{to_persian_digits(str(n))} {label}" for _, label, n in view.count_rows())
        ),
        empty_text="هنوز برنامه یا پویشی ثبت نشده است.",
        ident="plan-chart",
    )


@login_required
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request, year)
    user = request.user
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    agency = None
    slug = request.GET.get("agency", "")
    if _SLUG.fullmatch(slug):
        agency = agencies.filter(slug=slug).first()
    status = request.GET.get("status", "")
    if status not in plan_selectors.STATUS_LABELS:
        status = ""
    view = plan_selectors.plan_page(plan, agency=agency, status=status)
    writable = (
        list(permissions.writable_agencies(user)) if plan.status == Plan.Status.ADOPTED else []
    )
    return render(
        request,
        "coordination/plan_detail.html",
        {
            "plan": plan,
            "view": view,
            "chart": _chart(view),
            "agencies": agencies,
            "agency": agency,
            "status": status,
            "statuses": [(s, plan_selectors.STATUS_LABELS[s]) for s in plan_selectors.STATUS_ORDER],
            "quarters": plan_selectors.quarters(plan.year),
            "can_edit": plan_services.can_edit_plan(user) and plan.status != Plan.Status.CLOSED,
            "can_add_own": bool(writable),
            "is_adopted": plan.status == Plan.Status.ADOPTED,
            "reporter_ids": _reporter_ids(user, view)
            if plan.status == Plan.Status.ADOPTED
            else set(),
            "editable_ids": _editable_ids(user, view)
            if plan.status != Plan.Status.CLOSED
            else set(),
        },
    )


def _all_views(view: plan_selectors.PlanView) -> list[plan_selectors.ItemView]:
    return [v for g in view.goals for item in g.items for v in [item, *item.children]]


def _reporter_ids(user: Any, view: plan_selectors.PlanView) -> set[int]:
    if permissions.sees_all_agencies(user):
        return {v.item.pk for v in _all_views(view)}
    return {
        v.item.pk
        for v in _all_views(view)
        if any(permissions.can_write_for(user, a) for a in v.agencies)
    }


def _editable_ids(user: Any, view: plan_selectors.PlanView) -> set[int]:
    return {v.item.pk for v in _all_views(view) if plan_services.can_edit_item(user, v.item)}


@login_required
@require_POST
def plan_adopt(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request, year)
    return _act(
        request,
        lambda: plan_services.plan_adopt(actor=request.user, plan=plan, request=request),
        "برنامه مصوب شد؛ دستگاه‌ها اکنون آن را می‌بینند.",
        plan,
    )


@login_required
@require_POST
def plan_close(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(request, year)
    return _act(
        request,
        lambda: plan_services.plan_close(actor=request.user, plan=plan, request=request),
        "برنامهٔ سال بسته شد.",
        plan,
    )


# --- goals --------------------------------------------------------------------------------


def _goal_form(request: HttpRequest, plan: Plan, goal: Goal | None) -> HttpResponse:
    permissions.require(plan_services.can_edit_plan(request.user), plan_services.ONLY_DIRECTORATE)
    form = GoalForm(request.POST or None, initial={"title": goal.title} if goal else None)
    if request.method == "POST" and form.is_valid():
        data = plan_services.GoalInput(title=form.cleaned_data.get("title") or "")
        try:
            if goal is None:
                plan_services.goal_add(actor=request.user, plan=plan, data=data, request=request)
            else:
                plan_services.goal_edit(actor=request.user, goal=goal, data=data, request=request)
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(plan)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "هدف ذخیره شد.")
            return _back(plan)
    return render(
        request, "coordination/plan_goal_form.html", {"form": form, "plan": plan, "goal": goal}
    )


@login_required
def goal_create(request: HttpRequest, year: int) -> HttpResponse:
    return _goal_form(request, _plan(request, year), None)


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    return _goal_form(request, goal.plan, goal)


@login_required
@require_POST
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    return _act(
        request,
        lambda: plan_services.goal_delete(actor=request.user, goal=goal, request=request),
        "هدف برداشته شد.",
        goal.plan,
    )


@login_required
@require_POST
def goal_move(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    up = request.POST.get("direction") == "up"
    return _act(
        request,
        lambda: plan_services.goal_move(actor=request.user, goal=goal, up=up, request=request),
        "",
        goal.plan,
    )


# --- items --------------------------------------------------------------------------------


@login_required
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    permissions.require(plan_services.can_edit_plan(request.user), plan_services.ONLY_DIRECTORATE)
    form = ItemForm(request.POST or None, year=goal.plan.year)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.item_create(
                actor=request.user, goal=goal, data=form.to_input(), request=request
            )
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(goal.plan)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "ذخیره شد.")
            return _back(goal.plan)
    return render(
        request,
        "coordination/plan_item_form.html",
        {"form": form, "plan": goal.plan, "goal": goal, "item": None, "parent": None},
    )


@login_required
def item_own(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency's own plan under a programme or campaign."""
    parent = _item(request, pk)
    if parent.kind == PlanItem.Kind.AGENCY:
        raise Http404
    writable = permissions.writable_agencies(request.user).filter(is_active=True).order_by("name")
    first = writable.first()
    permissions.require(first is not None, "شما برای هیچ دستگاهی برنامه نمی‌نویسید.")
    choices = writable if writable.count() > 1 else None
    form = OwnItemForm(request.POST or None, agencies=choices, initial={"agency": first})
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or first
        try:
            plan_services.item_create(
                actor=request.user,
                parent=parent,
                agency=agency,
                data=form.to_input(),
                request=request,
            )
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(parent)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "برنامهٔ دستگاه ذخیره شد.")
            return _back(parent)
    return render(
        request,
        "coordination/plan_item_form.html",
        {
            "form": form,
            "plan": parent.goal.plan,
            "goal": parent.goal,
            "item": None,
            "parent": parent,
        },
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    permissions.require(
        plan_services.can_edit_item(request.user, item), plan_services.NOT_YOUR_ITEM
    )
    plan = item.goal.plan
    form: ItemForm | OwnItemForm
    if item.kind == PlanItem.Kind.AGENCY:
        form = OwnItemForm(request.POST or None, initial=ItemForm.initial_for(item))
    else:
        form = ItemForm(request.POST or None, year=plan.year, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.item_update(
                actor=request.user,
                item=item,
                data=form.to_input(),
                request=request,
            )
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(item)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات ذخیره شد.")
            return _back(item)
    return render(
        request,
        "coordination/plan_item_form.html",
        {"form": form, "plan": plan, "goal": item.goal, "item": item, "parent": item.parent},
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _act(
        request,
        lambda: plan_services.item_delete(actor=request.user, item=item, request=request),
        "برداشته شد.",
        item,
    )


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarterly progress form of an item, with its reports so far."""
    item = _item(request, pk)
    permissions.require(
        plan_services.can_report_progress(request.user, item), plan_services.NOT_YOUR_REPORT
    )
    plan = item.goal.plan
    reports = {p.quarter: p for p in item.progress.all()}
    quarter = to_latin_digits(request.GET.get("quarter", ""))[:2]
    initial: dict[str, Any] = {}
    if quarter.isdigit() and int(quarter) in plan_selectors.reportable_quarters(plan.year):
        initial["quarter"] = int(quarter)
        if int(quarter) in reports:
            found = reports[int(quarter)]
            initial.update(
                percent=to_persian_digits(str(found.percent)), status=found.status, note=found.note
            )
    form = ProgressForm(request.POST or None, year=plan.year, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.progress_report(
                actor=request.user, item=item, data=form.to_input(), request=request
            )
        except plan_services.PlanError as exc:
            messages.error(request, str(exc))
            return _back(item)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "گزارش فصل ثبت شد.")
            return _back(item)
    return render(
        request,
        "coordination/plan_progress.html",
        {
            "form": form,
            "plan": plan,
            "item": item,
            "rows": [(q, plan_selectors.QUARTER_NAMES[q], reports.get(q)) for q in range(1, 5)],
        },
    )


urlpatterns = [
    path("plan/", plan_list, name="plan_list"),
    path("plan/new/", plan_create, name="plan_create"),
    path("plan/<int:year>/", plan_detail, name="plan"),
    path("plan/<int:year>/edit/", plan_edit, name="plan_edit"),
    path("plan/<int:year>/adopt/", plan_adopt, name="plan_adopt"),
    path("plan/<int:year>/close/", plan_close, name="plan_close"),
    path("plan/<int:year>/goals/new/", goal_create, name="plan_goal_create"),
    path("plan/goals/<int:pk>/edit/", goal_edit, name="plan_goal_edit"),
    path("plan/goals/<int:pk>/delete/", goal_delete, name="plan_goal_delete"),
    path("plan/goals/<int:pk>/move/", goal_move, name="plan_goal_move"),
    path("plan/goals/<int:pk>/items/new/", item_create, name="plan_item_create"),
    path("plan/items/<int:pk>/edit/", item_edit, name="plan_item_edit"),
    path("plan/items/<int:pk>/delete/", item_delete, name="plan_item_delete"),
    path("plan/items/<int:pk>/own/", item_own, name="plan_item_own"),
    path("plan/items/<int:pk>/progress/", progress, name="plan_progress"),
]

"""Writes of the annual plan. The directorate drafts a year's plan, its goals and the
programmes and campaigns under them (owners, targets, dates, an occasion), adopts it, and
closes it at the year's end. Once adopted, an agency's writers add their own plans under a
programme or campaign, and the owners report each quarter's progress (one report per item and
quarter, corrected in place). A closed plan changes no more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from ravabet.coordination.models import Goal, Plan, PlanItem, Progress
from ravabet.coordination.selectors.plan import (
    QUARTER_NAMES,
    plan_bounds,
    quarter_bounds,
    reportable_quarters,
    today_local,
)
from ravabet.core import audit, jalali, permissions, validation, workflow
from ravabet.core.calendar import selectors as calendar_selectors
from ravabet.core.calendar.models import Occasion
from ravabet.core.organisation.models import Agency
from ravabet.persian import normalize, to_persian_digits

__all__ = [
    "GoalInput",
    "ItemInput",
    "PlanError",
    "PlanInput",
    "ProgressInput",
    "can_add_own_item",
    "can_edit_item",
    "can_edit_plan",
    "can_report_progress",
    "goal_add",
    "goal_delete",
    "goal_edit",
    "goal_move",
    "goal_reorder",
    "item_create",
    "item_delete",
    "item_update",
    "plan_adopt",
    "plan_close",
    "plan_create",
    "plan_update",
    "progress_report",
]

ONLY_DIRECTORATE = "برنامهٔ سالانهٔ استان را اداره‌کل روابط عمومی استانداری می‌نویسد."
NOT_YOUR_ITEM = "این برنامه از آنِ دستگاه دیگری است؛ شما اجازهٔ تغییر آن را ندارید."
NOT_YOUR_REPORT = "گزارش پیشرفت این برنامه با دستگاه‌های مسئول آن است."

MAX_CHARS = {"title": 300, "summary": 5_000, "description": 5_000, "target": 300, "note": 2_000}
LABELS = {
    "title": "عنوان",
    "summary": "خلاصه",
    "description": "شرح",
    "target": "هدف کمّی",
    "note": "توضیح",
}
MAX_GOALS, MAX_OWNERS = 20, 100


class PlanError(workflow.StateError):
    """The plan's state does not allow this (a Persian message)."""


def _texts(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalized texts and the refusals of length and characters, keyed by field."""
    errors: dict[str, list[str]] = {}
    try:
        validation.check_texts((k, v, LABELS[k], MAX_CHARS[k]) for k, v in values.items())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned: dict[str, Any] = {
        k: normalize(v or "").strip() for k, v in values.items() if k not in errors
    }
    return cleaned, errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _year_text(year: int) -> str:
    return to_persian_digits(str(year))


# --- who may ----------------------------------------------------------------------------------


# The rules are the kernel's (core/permissions.py), named here as the services use them.
can_edit_plan = permissions.can_edit_plan
can_add_own_item = permissions.can_add_own_plan_for


@permissions.question(reason="may this person edit the plan item", actor="user")
def can_edit_item(user: Any, item: PlanItem) -> bool:
    if item.kind == PlanItem.Kind.AGENCY and item.agency is not None:
        return can_add_own_item(user, item.agency)
    return can_edit_plan(user)


@permissions.question(reason="may this person report the item's progress", actor="user")
def can_report_progress(user: Any, item: PlanItem) -> bool:
    """The owners' writers (the agency's, for its own plan), and the directorate."""
    if permissions.sees_all_agencies(user):
        return True
    if item.agency is not None:
        return permissions.can_write_for(user, item.agency)
    return any(permissions.can_write_for(user, a) for a in item.owners.all())


def _open(plan: Plan) -> None:
    if plan.status == Plan.Status.CLOSED:
        raise PlanError("برنامهٔ این سال پایان یافته است و دیگر تغییر نمی‌کند.")


def _adopted(plan: Plan) -> None:
    _open(plan)
    if plan.status != Plan.Status.ADOPTED:
        raise PlanError("برنامه هنوز مصوب نشده است؛ پس از تصویب، دستگاه‌ها برنامه و گزارش می‌دهند.")


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


# --- plans ------------------------------------------------------------------------------------


@dataclass
class PlanInput:
    year: int | None = None
    title: str = ""
    summary: str = ""

    def check(self, *, new: bool) -> dict[str, Any]:
        fields, errors = _texts({"title": self.title, "summary": self.summary})
        if "title" not in errors and not fields["title"]:
            errors["title"] = ["عنوان برنامه را بنویسید."]
        if new:
            if self.year is None:
                errors["year"] = ["سال برنامه را بنویسید (مثلاً ۱۴۰۵)."]
            elif not jalali.FIRST_YEAR <= self.year <= jalali.LAST_YEAR:
                errors["year"] = [jalali.OUT_OF_RANGE_MESSAGE]
            elif Plan.objects.filter(year=self.year).exists():
                errors["year"] = [f"برنامهٔ سال {_year_text(self.year)} پیش‌تر ساخته شده است."]
            fields["year"] = self.year
        _raise(errors)
        return fields


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def plan_create(*, actor: Any, data: PlanInput, request: HttpRequest | None = None) -> Plan:
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    fields = data.check(new=True)
    with transaction.atomic():
        plan = Plan.objects.create(**fields)
        audit.record(
            actor=actor, action="plan.create", obj=plan, to_state=plan.status, request=request
        )
    return plan


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def plan_update(
    *, actor: Any, plan: Plan, data: PlanInput, request: HttpRequest | None = None
) -> Plan:
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    fields = data.check(new=False)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _open(locked)
        locked.title, locked.summary = fields["title"], fields["summary"]
        locked.save(update_fields=["title", "summary", "updated_at"])
        audit.record(actor=actor, action="plan.update", obj=locked, request=request)
    return locked


def _move(plan: Plan, *, actor: Any, to: str, sources: set[str], action: str, request: Any) -> Plan:
    with transaction.atomic():
        locked = workflow.transition(
            actor=actor,
            obj=plan,
            allowed_from=sources,
            to=to,
            action=action,
            allowed=lambda who, _plan: can_edit_plan(who),
            refused=ONLY_DIRECTORATE,
            request=request,
            error=PlanError,
            select_related=(),
        )
        locked.save(update_fields=["status", "updated_at"])
    return locked


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def plan_adopt(*, actor: Any, plan: Plan, request: HttpRequest | None = None) -> Plan:
    """Draft → adopted: the agencies see it, add their own plans and report."""
    if not plan.goals.exists():
        raise PlanError("برنامه‌ای بی‌هدف مصوب نمی‌شود؛ نخست هدف‌ها را بنویسید.")
    return _move(
        plan,
        actor=actor,
        to=Plan.Status.ADOPTED,
        sources={Plan.Status.DRAFT},
        action="adopt",
        request=request,
    )


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def plan_close(*, actor: Any, plan: Plan, request: HttpRequest | None = None) -> Plan:
    """Adopted → closed, at the year's end: nothing changes afterwards."""
    return _move(
        plan,
        actor=actor,
        to=Plan.Status.CLOSED,
        sources={Plan.Status.ADOPTED},
        action="close",
        request=request,
    )


# --- goals ------------------------------------------------------------------------------------


@dataclass
class GoalInput:
    title: str = ""

    def check(self) -> str:
        fields, errors = _texts({"title": self.title})
        if "title" not in errors and not fields["title"]:
            errors["title"] = ["هدف را بنویسید."]
        _raise(errors)
        return fields["title"]


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def goal_add(
    *, actor: Any, plan: Plan, data: GoalInput, request: HttpRequest | None = None
) -> Goal:
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    title = data.check()
    with transaction.atomic():
        locked = _lock_plan(plan)
        _open(locked)
        if locked.goals.count() >= MAX_GOALS:
            raise ValidationError(
                {"title": [f"برنامه بیش از {jalali.format_number(MAX_GOALS)} هدف ندارد."]}
            )
        last = locked.goals.aggregate(last=Max("position"))["last"]
        goal = Goal.objects.create(plan=locked, title=title, position=(last or 0) + 1)
        audit.record(actor=actor, action="plan.goal_add", obj=goal, request=request)
    return goal


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def goal_edit(
    *, actor: Any, goal: Goal, data: GoalInput, request: HttpRequest | None = None
) -> Goal:
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    title = data.check()
    with transaction.atomic():
        _open(_lock_plan(goal.plan))
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        locked.title = title
        locked.save(update_fields=["title"])
        audit.record(actor=actor, action="plan.goal_edit", obj=locked, request=request)
    return locked


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def goal_reorder(
    *, actor: Any, plan: Plan, order: list[int], request: HttpRequest | None = None
) -> None:
    """Put the plan's goals in this order (their ids; goals left out keep their turn after)."""
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _open(locked)
        goals = {g.pk: g for g in locked.goals.select_for_update()}
        wanted = [pk for pk in dict.fromkeys(order) if pk in goals]
        rest = [
            pk for pk in sorted(goals, key=lambda k: (goals[k].position, k)) if pk not in wanted
        ]
        for position, pk in enumerate(wanted + rest, start=1):
            if goals[pk].position != position:
                goals[pk].position = position
                goals[pk].save(update_fields=["position"])
        audit.record(
            actor=actor,
            action="plan.goal_reorder",
            obj=locked,
            data={"order": wanted + rest},
            request=request,
        )


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def goal_move(*, actor: Any, goal: Goal, up: bool, request: HttpRequest | None = None) -> None:
    """Swap a goal with the one before it (`up`) or after it; at either end, nothing moves.
    The order is read under the plan's lock, so two people moving goals at once never lose a
    move."""
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        locked = _lock_plan(goal.plan)
        order = list(locked.goals.order_by("position", "id").values_list("pk", flat=True))
        index = order.index(goal.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
        goal_reorder(actor=actor, plan=locked, order=order, request=request)


@permissions.guarded(permissions.can_edit_plan, message=ONLY_DIRECTORATE)
def goal_delete(*, actor: Any, goal: Goal, request: HttpRequest | None = None) -> None:
    """Only an empty goal goes: its programmes and campaigns would go with it."""
    permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        plan = _lock_plan(goal.plan)
        _open(plan)
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.items.exists():
            raise PlanError("این هدف برنامه یا پویش دارد؛ نخست آن‌ها را بردارید یا جابه‌جا کنید.")
        audit.record(actor=actor, action="plan.goal_delete", obj=locked, request=request)
        locked.delete()


# --- items ------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """A programme or campaign (kind, owners, an occasion for a campaign), or an agency's own
    plan (the kind and agency come from where it is added)."""

    title: str = ""
    description: str = ""
    target: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    kind: str = PlanItem.Kind.PROGRAMME
    owner_ids: list[int] = field(default_factory=list)
    occasion_id: int | None = None

    def check(self, *, year: int, own: bool) -> dict[str, Any]:
        """The model's fields (owners under "owners"), or ValidationError keyed by field."""
        fields: dict[str, Any]
        fields, errors = _texts(
            {"title": self.title, "description": self.description, "target": self.target}
        )
        if "title" not in errors and not fields["title"]:
            errors["title"] = ["عنوان را بنویسید."]
        starts_on, ends_on = self.starts_on, self.ends_on
        if not own:
            if self.kind not in (PlanItem.Kind.PROGRAMME, PlanItem.Kind.CAMPAIGN):
                errors["kind"] = ["نوع را از میان «برنامه» و «پویش» انتخاب کنید."]
            fields["kind"] = self.kind
            owners = list(dict.fromkeys(self.owner_ids))
            found = list(Agency.objects.filter(pk__in=owners[:MAX_OWNERS]))
            if not owners:
                errors["owners"] = ["دست‌کم یک دستگاه مسئول انتخاب کنید."]
            elif len(owners) > MAX_OWNERS or len(found) != len(owners):
                errors["owners"] = ["دستگاه‌های مسئول را از فهرست انتخاب کنید."]
            fields["owners"] = found
            fields["occasion_id"] = None
            if self.occasion_id is not None:
                occasion = self._occasion(self.occasion_id, year, errors)
                if occasion is not None:
                    fields["occasion_id"] = occasion[0]
                    starts_on = starts_on or occasion[1]
                    ends_on = ends_on or occasion[2]
        first, last = plan_bounds(year)
        span = (
            f"میان {jalali.format_date(first)} و {jalali.format_date(last)} "
            f"(سال {_year_text(year)}) باشد."
        )
        if starts_on is None:
            errors["starts_on"] = ["تاریخ آغاز را بنویسید."]
        elif not first <= starts_on <= last:
            errors["starts_on"] = [f"تاریخ آغاز باید {span}"]
        if ends_on is None:
            errors["ends_on"] = ["تاریخ پایان را بنویسید."]
        elif not first <= ends_on <= last:
            errors["ends_on"] = [f"تاریخ پایان باید {span}"]
        elif starts_on is not None and ends_on < starts_on:
            errors["ends_on"] = ["پایان نمی‌تواند پیش از آغاز باشد."]
        fields["starts_on"], fields["ends_on"] = starts_on, ends_on
        _raise(errors)
        return fields

    def _occasion(
        self, occasion_id: int, year: int, errors: dict[str, list[str]]
    ) -> tuple[int, dt.date, dt.date] | None:
        if self.kind != PlanItem.Kind.CAMPAIGN:
            errors["occasion_id"] = ["فقط پویش به مناسبتی از تقویم پیوند می‌خورد."]
            return None
        occasion = Occasion.objects.filter(pk=occasion_id, is_active=True).first()
        if occasion is None or (occasion.year is not None and occasion.year != year):
            errors["occasion_id"] = [f"این مناسبت در تقویم سال {_year_text(year)} نیست."]
            return None
        start = calendar_selectors.occurrence(occasion, year)
        return occasion.pk, start, start + dt.timedelta(days=occasion.length_days - 1)


def _audit_item(actor: Any, action: str, item: PlanItem, request: Any, **data: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=item,
        agency=item.agency,
        data=data or None,
        request=request,
    )


@permissions.guarded(
    permissions.can_add_own_plan_for,
    agency=lambda kw: kw["agency"] if kw["parent"] is not None else None,
    message=lambda kw: NOT_YOUR_ITEM if kw["parent"] is not None else ONLY_DIRECTORATE,
)
def item_create(
    *,
    actor: Any,
    data: ItemInput,
    goal: Goal | None = None,
    parent: PlanItem | None = None,
    agency: Agency | None = None,
    request: HttpRequest | None = None,
) -> PlanItem:
    """A programme or campaign under `goal` (the directorate), or an agency's own plan under
    `parent`, a programme or campaign (the agency's writers, once the plan is adopted)."""
    if parent is not None:
        if agency is None:
            raise ValidationError({"agency": ["دستگاهی را که این برنامه از آنِ اوست انتخاب کنید."]})
        permissions.require(can_add_own_item(actor, agency), NOT_YOUR_ITEM)
        if parent.kind == PlanItem.Kind.AGENCY:
            raise PlanError("برنامهٔ دستگاه زیر برنامه یا پویشی از برنامهٔ استان می‌آید.")
        goal = parent.goal
    elif goal is None:
        raise ValueError("item_create needs a goal or a parent")
    else:
        permissions.require(can_edit_plan(actor), ONLY_DIRECTORATE)
    plan = goal.plan
    fields = data.check(year=plan.year, own=parent is not None)
    owners = fields.pop("owners", [])
    with transaction.atomic():
        locked = _lock_plan(plan)
        if parent is not None:
            _adopted(locked)
            fields["kind"] = PlanItem.Kind.AGENCY
        else:
            _open(locked)
        item = PlanItem.objects.create(
            goal=goal, parent=parent, agency=agency if parent else None, created_by=actor, **fields
        )
        if owners:
            item.owners.set(owners)
        _audit_item(actor, "plan.item_create", item, request)
    return item


@permissions.guarded(
    permissions.can_add_own_plan_for,
    agency=lambda kw: kw["item"].agency if kw["item"].kind == PlanItem.Kind.AGENCY else None,
    message=lambda kw: (
        NOT_YOUR_ITEM if kw["item"].kind == PlanItem.Kind.AGENCY else ONLY_DIRECTORATE
    ),
)
def item_update(
    *, actor: Any, item: PlanItem, data: ItemInput, request: HttpRequest | None = None
) -> PlanItem:
    own = item.kind == PlanItem.Kind.AGENCY
    permissions.require(can_edit_item(actor, item), NOT_YOUR_ITEM if own else ONLY_DIRECTORATE)
    plan = item.goal.plan
    fields = data.check(year=plan.year, own=own)
    owners = fields.pop("owners", None)
    with transaction.atomic():
        _open(_lock_plan(plan))
        locked = PlanItem.objects.select_for_update().get(pk=item.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        if owners is not None:
            locked.owners.set(owners)
        _audit_item(actor, "plan.item_update", locked, request)
    return locked


@permissions.guarded(
    permissions.can_add_own_plan_for,
    agency=lambda kw: kw["item"].agency if kw["item"].kind == PlanItem.Kind.AGENCY else None,
    message=lambda kw: (
        NOT_YOUR_ITEM if kw["item"].kind == PlanItem.Kind.AGENCY else ONLY_DIRECTORATE
    ),
)
def item_delete(*, actor: Any, item: PlanItem, request: HttpRequest | None = None) -> None:
    own = item.kind == PlanItem.Kind.AGENCY
    permissions.require(can_edit_item(actor, item), NOT_YOUR_ITEM if own else ONLY_DIRECTORATE)
    with transaction.atomic():
        _open(_lock_plan(item.goal.plan))
        locked = PlanItem.objects.select_for_update().get(pk=item.pk)
        if locked.children.exists():
            raise PlanError(
                "برنامه‌های دستگاه‌ها زیر این مورد ثبت شده است؛ نخست آن‌ها باید برداشته شوند."
            )
        _audit_item(actor, "plan.item_delete", locked, request, title=locked.title)
        locked.delete()


# --- quarterly progress -----------------------------------------------------------------------


@dataclass
class ProgressInput:
    quarter: int | None = None
    percent: int | None = None
    status: str = ""
    note: str = ""

    def check(self, *, item: PlanItem, year: int, today: dt.date) -> dict[str, Any]:
        fields: dict[str, Any]
        fields, errors = _texts({"note": self.note})
        allowed = reportable_quarters(year, today)
        if self.quarter is None:
            errors["quarter"] = ["فصل گزارش را انتخاب کنید."]
        elif not 1 <= self.quarter <= 4:
            errors["quarter"] = ["فصل گزارش یکی از چهار فصل سال است."]
        elif self.quarter not in allowed:
            start = quarter_bounds(year, self.quarter)[0]
            errors["quarter"] = [
                f"{QUARTER_NAMES[self.quarter]} سال {_year_text(year)} هنوز نرسیده است "
                f"(از {jalali.format_date(start)}); گزارش فصل جاری یا فصل‌های گذشته را بدهید."
            ]
        elif quarter_bounds(year, self.quarter)[1] < item.starts_on:
            errors["quarter"] = [
                f"این برنامه در {QUARTER_NAMES[self.quarter]} هنوز آغاز نشده بود "
                f"(آغاز: {jalali.format_date(item.starts_on)})."
            ]
        if self.percent is None:
            errors["percent"] = ["درصد پیشرفت را بنویسید."]
        elif not 0 <= self.percent <= 100:
            errors["percent"] = ["درصد پیشرفت عددی از ۰ تا ۱۰۰ است."]
        if self.status not in Progress.Status.values:
            errors["status"] = ["وضعیت را انتخاب کنید: طبق برنامه، عقب‌تر از برنامه یا انجام‌شده."]
        elif (
            self.status == Progress.Status.DONE and self.percent is not None and self.percent < 100
        ):
            errors["percent"] = ["برنامهٔ انجام‌شده پیشرفت ۱۰۰ درصد دارد."]
        if self.status == Progress.Status.LATE and "note" not in errors and not fields["note"]:
            errors["note"] = ["بنویسید چرا از برنامه عقب است و چه می‌کنید."]
        _raise(errors)
        fields.update(quarter=self.quarter, percent=self.percent, status=self.status)
        return fields


@permissions.guarded(permissions.is_staff_member, message=NOT_YOUR_REPORT)
def progress_report(
    *,
    actor: Any,
    item: PlanItem,
    data: ProgressInput,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Progress:
    """A quarter's report on an item: written once, corrected in place afterwards."""
    permissions.require(can_report_progress(actor, item), NOT_YOUR_REPORT)
    plan = item.goal.plan
    fields = data.check(item=item, year=plan.year, today=today or today_local())
    with transaction.atomic():
        _adopted(_lock_plan(plan))
        existing = (
            Progress.objects.select_for_update()
            .filter(item=item, quarter=fields["quarter"])
            .first()
        )
        before = existing.status if existing else ""
        if existing is None:
            report = Progress.objects.create(item=item, reported_by=actor, **fields)
        else:
            report = existing
            report.percent, report.status, report.note = (
                fields["percent"],
                fields["status"],
                fields["note"],
            )
            report.reported_by = actor
            report.save()
        audit.record(
            actor=actor,
            action="plan.progress",
            obj=item,
            agency=item.agency,
            from_state=before,
            to_state=report.status,
            data={"quarter": report.quarter, "percent": report.percent},
            request=request,
        )
    return report

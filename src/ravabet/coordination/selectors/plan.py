"""Reads of the annual plan: Jalali quarters, the one rule that says whether an item is on
track, late, done or not started (`item_status`), the plan page (goals → programmes and
campaigns → agencies' own plans, each with its latest report and status, counts per goal),
what an agency owns, the year's occasions for the form, and the agencies' «گزارش فصل» to-do.

Who sees: every back-office member sees an adopted or closed plan (it is the province's); a
draft is the directorate's until it is adopted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from ravabet.coordination.models import Goal, Plan, PlanItem, Progress
from ravabet.core import jalali, permissions, todo
from ravabet.core.calendar import selectors as calendar_selectors
from ravabet.core.organisation.models import Agency
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits

__all__ = [
    "DONE",
    "LATE",
    "NOT_STARTED",
    "ON_TRACK",
    "QUARTER_NAMES",
    "STATUS_CSS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "GoalView",
    "ItemView",
    "PlanView",
    "item_status",
    "items_owned_by",
    "plan_bounds",
    "plan_get_for",
    "plan_list_for",
    "plan_occasions",
    "plan_page",
    "plan_todo_lists",
    "quarter_bounds",
    "quarter_of",
    "quarters",
    "reportable_quarters",
    "today_local",
]

# The statuses an item shows on the plan page (the three of a report and one more).
DONE, LATE, ON_TRACK, NOT_STARTED = "done", "late", "on_track", "not_started"
STATUS_ORDER = (ON_TRACK, LATE, DONE, NOT_STARTED)
STATUS_LABELS = {
    ON_TRACK: "طبق برنامه",
    LATE: "عقب‌تر از برنامه",
    DONE: "انجام‌شده",
    NOT_STARTED: "آغاز نشده",
}
# The kernel stylesheet's badge colours: blue, red, green, grey.
STATUS_CSS = {ON_TRACK: "scheduled", LATE: "overdue", DONE: "done", NOT_STARTED: "withdrawn"}
QUARTER_NAMES = {1: "فصل اول", 2: "فصل دوم", 3: "فصل سوم", 4: "فصل چهارم"}
# A bound on the rows one plan page reads (a plan has tens of items, not thousands).
MAX_ITEMS = 2_000


def today_local() -> dt.date:
    """Today in Tehran."""
    return jalali.to_local(timezone.now()).date()


# --- quarters ---------------------------------------------------------------------------------


def plan_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last Gregorian days of a Jalali year (1 Farvardin … 29/30 Esfand)."""
    return quarter_bounds(year, 1)[0], quarter_bounds(year, 4)[1]


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last days of a quarter of a Jalali year: Q1 Farvardin–Khordad, Q2
    Tir–Shahrivar, Q3 Mehr–Azar, Q4 Dey–Esfand."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter} is not 1..4")
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    start = pdates.to_gregorian(year, first_month, 1)
    end = pdates.to_gregorian(year, last_month, pdates.month_length(year, last_month))
    return start, end


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(Jalali year, quarter 1–4) of a Gregorian day."""
    j = pdates.to_jalali(day)
    return j.year, (j.month - 1) // 3 + 1


def quarters(year: int) -> list[dict[str, Any]]:
    """The four quarters of a plan year for the page: number, name, first and last day."""
    rows = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter)
        rows.append({"number": quarter, "name": QUARTER_NAMES[quarter], "start": start, "end": end})
    return rows


def reportable_quarters(year: int, today: dt.date | None = None) -> list[int]:
    """The quarters of the plan year one may report on: the current one and those before it."""
    today = today or today_local()
    now_year, now_quarter = quarter_of(today)
    if now_year < year:
        return []
    if now_year > year:
        return [1, 2, 3, 4]
    return list(range(1, now_quarter + 1))


# --- the status rule --------------------------------------------------------------------------


def item_status(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    reports: Mapping[int, str],
    year: int,
    today: dt.date,
) -> str:
    """The status an item shows, from its reports ({quarter: status}) on `today`:
    - done, if its latest report (the highest quarter) says done;
    - late, if its latest report says late, or a quarter of the plan year that has ended and
      in which the item ran has no report, or its end has passed without «done»;
    - not started, if it starts after today;
    - on track otherwise."""
    latest = reports[max(reports)] if reports else None
    if latest == DONE:
        return DONE
    if latest == LATE:
        return LATE
    if ends_on < today:
        return LATE
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter)
        if end >= today:
            break  # this quarter and the ones after it have not ended
        if starts_on <= end and ends_on >= start and quarter not in reports:
            return LATE
    if starts_on > today:
        return NOT_STARTED
    return ON_TRACK


# --- the plan page ----------------------------------------------------------------------------


def plan_list_for(user: Any) -> QuerySet[Plan]:
    """The plans this person may open: all for the directorate, adopted and closed ones for
    every other back-office member, none for anyone else."""
    if permissions.sees_all_agencies(user):
        return Plan.objects.all()
    if not permissions.is_staff_member(user):
        return Plan.objects.none()
    return Plan.objects.exclude(status=Plan.Status.DRAFT)


def plan_get_for(user: Any, year: int) -> Plan:
    """The plan of a year, if this person may see it (Plan.DoesNotExist otherwise)."""
    return plan_list_for(user).get(year=year)


@dataclass
class ItemView:
    item: PlanItem
    status: str
    latest: Progress | None
    reports: dict[int, Progress]
    owners: list[Agency]
    children: list[ItemView] = field(default_factory=list)
    occasion: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def percent(self) -> int | None:
        return self.latest.percent if self.latest else None

    @property
    def agencies(self) -> list[Agency]:
        """Who answers for it: the owners of a programme or campaign, the agency of its own."""
        return [self.item.agency] if self.item.agency else self.owners

    def quarter_rows(self) -> list[tuple[int, str, Progress | None]]:
        return [(q, QUARTER_NAMES[q], self.reports.get(q)) for q in range(1, 5)]


@dataclass
class GoalView:
    goal: Goal
    items: list[ItemView]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_rows(self) -> list[tuple[str, str, int]]:
        return [(s, STATUS_LABELS[s], self.counts[s]) for s in STATUS_ORDER]


@dataclass
class PlanView:
    plan: Plan
    goals: list[GoalView]
    counts: dict[str, int]
    today: dt.date
    agency: Agency | None = None
    status: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_rows(self) -> list[tuple[str, str, int]]:
        return [(s, STATUS_LABELS[s], self.counts[s]) for s in STATUS_ORDER]


def _occasion_titles(ids: Iterable[int]) -> dict[int, str]:
    from ravabet.core.calendar.models import Occasion

    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(Occasion.objects.filter(pk__in=wanted).values_list("pk", "title"))


def _view(item: PlanItem, *, year: int, today: dt.date, occasions: dict[int, str]) -> ItemView:
    reports = {p.quarter: p for p in item.progress.all()}
    latest = reports[max(reports)] if reports else None
    status = item_status(
        starts_on=item.starts_on,
        ends_on=item.ends_on,
        reports={q: p.status for q, p in reports.items()},
        year=year,
        today=today,
    )
    return ItemView(
        item=item,
        status=status,
        latest=latest,
        reports=reports,
        owners=list(item.owners.all()),
        occasion=occasions.get(item.occasion_id or 0, ""),
    )


def _concerns(view: ItemView, agency: Agency | None) -> bool:
    return agency is None or any(a.pk == agency.pk for a in view.agencies)


def plan_page(
    plan: Plan,
    *,
    agency: Agency | None = None,
    status: str = "",
    today: dt.date | None = None,
) -> PlanView:
    """Goals → programmes and campaigns → agencies' own plans, each with its reports, latest
    report and status. `agency` keeps the items it answers for (and a programme whose agencies'
    plans include one of its own); the counts follow it. `status` then keeps the items of that
    status (a programme stays, with just those children, when one of them has it)."""
    today = today or today_local()
    progress = Prefetch("progress", queryset=Progress.objects.order_by("quarter"))
    owners = Prefetch("owners", queryset=Agency.objects.order_by("name"))
    rows = list(
        PlanItem.objects.filter(goal__plan=plan)
        .select_related("agency")
        .prefetch_related(progress, owners)
        .order_by("starts_on", "id")[:MAX_ITEMS]
    )
    occasions = _occasion_titles(r.occasion_id for r in rows if r.occasion_id)
    views = {r.pk: _view(r, year=plan.year, today=today, occasions=occasions) for r in rows}
    for row in rows:
        if row.parent_id and row.parent_id in views:
            views[row.parent_id].children.append(views[row.pk])
    overall = dict.fromkeys(STATUS_ORDER, 0)
    goals: list[GoalView] = []
    for goal in plan.goals.order_by("position", "id"):
        top = [v for v in views.values() if v.item.goal_id == goal.pk and not v.item.parent_id]
        counts = dict.fromkeys(STATUS_ORDER, 0)
        shown: list[ItemView] = []
        for view in top:
            mine = _concerns(view, agency)
            children = [c for c in view.children if mine or _concerns(c, agency)]
            if not mine and not children:
                continue
            counted = ([view] if mine else []) + children
            for each in counted:
                counts[each.status] += 1
            if status:
                kept = [c for c in children if c.status == status]
                if not kept and not (mine and view.status == status):
                    continue
                children = kept
            shown.append(
                ItemView(
                    item=view.item,
                    status=view.status,
                    latest=view.latest,
                    reports=view.reports,
                    owners=view.owners,
                    children=children,
                    occasion=view.occasion,
                )
            )
        for key in STATUS_ORDER:
            overall[key] += counts[key]
        goals.append(GoalView(goal=goal, items=shown, counts=counts))
    return PlanView(
        plan=plan, goals=goals, counts=overall, today=today, agency=agency, status=status
    )


def items_owned_by(agency: Agency, plan: Plan | None = None) -> QuerySet[PlanItem]:
    """The items an agency answers for: programmes and campaigns it owns, its own plans."""
    items = PlanItem.objects.filter(Q(owners=agency) | Q(agency=agency))
    if plan is not None:
        items = items.filter(goal__plan=plan)
    return items.distinct().order_by("starts_on", "id")


def plan_occasions(year: int) -> list[tuple[int, str]]:
    """The occasions of the calendar in a Jalali year, for the campaign form: (id, «title —
    date»), in date order, each once."""
    start, end = plan_bounds(year)
    seen: set[int] = set()
    rows: list[tuple[int, str]] = []
    for day in calendar_selectors.occasions_between(start, end):
        if day.occasion.pk in seen or not start <= day.starts_on <= end:
            continue
        seen.add(day.occasion.pk)
        rows.append((day.occasion.pk, f"{day.title} — {jalali.format_date(day.starts_on)}"))
    return rows


# --- the agencies' to-do: «گزارش فصل» ---------------------------------------------------------


def _own_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies the person works in (their memberships): the directorate's own owned
    items too, but not every agency it may see."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


def plan_todo_lists(user: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """«گزارش فصل»: the items of this year's adopted plan that the person's agencies answer
    for, running in the current quarter and not yet reported for it (nor done)."""
    if not permissions.is_staff_member(user):
        return []
    today = today or today_local()
    year, quarter = quarter_of(today)
    plan = Plan.objects.filter(year=year, status=Plan.Status.ADOPTED).first()
    agencies = list(_own_agencies(user))
    if plan is None or not agencies:
        return []
    start, end = quarter_bounds(year, quarter)
    due = (
        PlanItem.objects.filter(goal__plan=plan, starts_on__lte=end, ends_on__gte=start)
        .filter(Q(owners__in=agencies) | Q(agency__in=agencies))
        .exclude(progress__quarter=quarter)
        .exclude(progress__status=Progress.Status.DONE)
        .distinct()
        .select_related("agency")
        .order_by("ends_on", "id")
    )
    deadline = jalali.format_date(end)

    def entry(item: PlanItem) -> dict[str, Any]:
        return {
            "label": item.title,
            "url": reverse("coordination:plan_progress", kwargs={"pk": item.pk})
            + f"?quarter={quarter}",
            "meta": item.get_kind_display(),
            "detail": f"گزارش {QUARTER_NAMES[quarter]} تا {deadline}",
        }

    found = todo.todo_list(
        label=f"گزارش فصل ({QUARTER_NAMES[quarter]} {to_persian_digits(str(year))})",
        queryset=due,
        entry=entry,
        url=reverse("coordination:plan", kwargs={"year": year}),
        empty="گزارش فصلی در انتظار شما نیست.",
        urgent=today >= end - dt.timedelta(days=14),
    )
    return [found] if found["count"] else []

"""Helpers of the annual plan's tests: a plan with a goal, a programme owned by roads and an
agency's own plan, made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ravabet.coordination.models import Goal, Plan, PlanItem
from ravabet.coordination.services import plan as services
from ravabet.persian import dates as pdates

YEAR = 1404
TITLE = "برنامهٔ ارتباطات و روابط عمومی استان تهران در سال ۱۴۰۴"


def jday(year: int, month: int, day: int) -> dt.date:
    return pdates.to_gregorian(year, month, day)


@dataclass
class PlanSet:
    plan: Plan
    goal: Goal
    programme: PlanItem  # owned by roads
    own: PlanItem | None  # roads' own plan under it (once adopted)


def make_plan(
    world: Any, *, year: int = YEAR, adopt: bool = True, start: tuple[int, int] = (1, 15)
) -> PlanSet:
    actor = world.directorate_staff
    plan = services.plan_create(
        actor=actor,
        data=services.PlanInput(year=year, title=TITLE.replace("۱۴۰۴", str(year)), summary=""),
    )
    goal = services.goal_add(
        actor=actor, plan=plan, data=services.GoalInput(title="تبیین سیاست‌های دولت")
    )
    programme = services.item_create(
        actor=actor,
        goal=goal,
        data=services.ItemInput(
            title="نشست‌های خبری ماهانهٔ مدیران",
            kind=PlanItem.Kind.PROGRAMME,
            owner_ids=[world.roads.pk],
            target="۱۲ نشست خبری",
            starts_on=jday(year, *start),
            ends_on=jday(year, 12, 25),
        ),
    )
    if not adopt:
        return PlanSet(plan, goal, programme, None)
    plan = services.plan_adopt(actor=actor, plan=plan)
    own = services.item_create(
        actor=world.officer_roads,
        parent=programme,
        agency=world.roads,
        data=services.ItemInput(
            title="بازدید خبرنگاران از پروژه‌های آزادراهی",
            starts_on=jday(year, 2, 1),
            ends_on=jday(year, 8, 30),
        ),
    )
    return PlanSet(plan, goal, programme, own)

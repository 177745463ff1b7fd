"""The plan's demo: the 1404 plan (closed, every quarter reported) and the current year's
under way, through the services, in every status; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from freezegun import freeze_time

from ravabet.coordination import demo_plan
from ravabet.coordination.models import Plan, PlanItem, Progress
from ravabet.coordination.selectors import plan as selectors
from ravabet.core.calendar.models import Occasion
from ravabet.core.organisation import demo as organisation_demo

pytestmark = pytest.mark.django_db


@freeze_time("2026-12-02 09:00:00")  # 11 Azar 1405: the third quarter
def test_demo_makes_the_1404_plan_and_the_current_one() -> None:
    organisation_demo.load()
    for title, month, day, length in (
        ("روز ارتباطات و روابط عمومی", 2, 27, 1),
        ("هفتهٔ دولت", 6, 2, 7),
        ("دههٔ فجر", 11, 12, 11),
    ):
        Occasion.objects.create(title=title, month=month, day=day, length_days=length)
    demo_plan.load()
    demo_plan.load()
    old = Plan.objects.get(year=1404)
    assert old.title == "برنامهٔ ارتباطات و روابط عمومی استان تهران در سال ۱۴۰۴"
    assert old.status == Plan.Status.CLOSED
    assert old.goals.count() == 5
    items = PlanItem.objects.filter(goal__plan=old)
    assert 10 <= items.exclude(kind="agency").count() <= 15
    assert items.filter(kind="agency").count() >= 5
    assert items.filter(occasion_id__isnull=False).count() == 3
    assert set(Progress.objects.filter(item__goal__plan=old).values_list("status", flat=True)) == {
        "on_track",
        "late",
        "done",
    }
    view = selectors.plan_page(old)
    assert view.counts["done"] > 0 and view.counts["late"] > 0
    now = Plan.objects.get(year=1405)
    assert now.status == Plan.Status.ADOPTED
    current = selectors.plan_page(now)
    assert all(current.counts[s] > 0 for s in ("on_track", "late", "not_started"))
    assert Plan.objects.count() == 2
    # the roads officer is asked for the third quarter's reports
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="officer.roads")
    todo = selectors.plan_todo_lists(officer)
    assert todo and todo[0]["count"] > 0
    client = Client()
    client.force_login(officer)
    assert client.get("/backoffice/coordination/plan/1404/").status_code == 200
    assert client.get("/backoffice/coordination/plan/1405/").status_code == 200

"""The annual plan: who may do what (role × action), validation messages in Persian, the
status rule against hand-made cases, Jalali quarters, reports in place, the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from ravabet.coordination.models import Goal, Plan, PlanItem, Progress
from ravabet.coordination.selectors import plan as selectors
from ravabet.coordination.services import plan as services
from ravabet.core import registry
from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from tests.coordination.fixtures_plan import YEAR, jday, make_plan

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "directorate_staff",
    "head_roads",
    "officer_roads",
    "officer_health",
    "outsider",
]
DIRECTORATE = {"admin", "directorate_staff"}
ROADS_WRITERS = DIRECTORATE | {"head_roads", "officer_roads"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- quarters -------------------------------------------------------------------------------


def test_quarters_follow_the_jalali_seasons() -> None:
    assert selectors.quarter_of(jday(1404, 3, 31)) == (1404, 1)
    assert selectors.quarter_of(jday(1404, 4, 1)) == (1404, 2)  # the first of Tir is Q2
    assert selectors.quarter_of(jday(1404, 6, 31)) == (1404, 2)
    assert selectors.quarter_of(jday(1404, 7, 1)) == (1404, 3)
    assert selectors.quarter_of(jday(1404, 12, 29)) == (1404, 4)
    assert selectors.quarter_bounds(1404, 2) == (jday(1404, 4, 1), jday(1404, 6, 31))
    assert selectors.quarter_bounds(1403, 4) == (jday(1403, 10, 1), jday(1403, 12, 30))  # leap
    assert selectors.plan_bounds(1404) == (dt.date(2025, 3, 21), dt.date(2026, 3, 20))


def test_reportable_quarters_are_the_current_and_past_ones() -> None:
    assert selectors.reportable_quarters(1404, jday(1404, 4, 1)) == [1, 2]
    assert selectors.reportable_quarters(1404, jday(1404, 3, 31)) == [1]
    assert selectors.reportable_quarters(1404, jday(1405, 1, 1)) == [1, 2, 3, 4]
    assert selectors.reportable_quarters(1405, jday(1404, 12, 1)) == []


# --- the status rule ------------------------------------------------------------------------


def _status(reports: dict[int, str], today: dt.date, start=(1, 15), end=(12, 20)) -> str:  # type: ignore[no-untyped-def]
    return selectors.item_status(
        starts_on=jday(1404, *start),
        ends_on=jday(1404, *end),
        reports=reports,
        year=1404,
        today=today,
    )


def test_status_rule_each_status() -> None:
    in_q2 = jday(1404, 5, 10)
    # on track: Q1 reported, Q2 is running
    assert _status({1: "on_track"}, in_q2) == selectors.ON_TRACK
    # done: the latest report says so, whatever came before
    assert _status({1: "late", 2: "done"}, in_q2) == selectors.DONE
    # late: the latest report says so
    assert _status({1: "on_track", 2: "late"}, in_q2) == selectors.LATE
    # late: Q1 ended with no report while the item ran in it
    assert _status({}, in_q2) == selectors.LATE
    # late: a past quarter without its report, even if a later one is on track
    assert _status({2: "on_track"}, jday(1404, 7, 5)) == selectors.LATE
    # late: its end passed without «done»
    assert _status({1: "on_track", 2: "on_track"}, in_q2, end=(5, 1)) == selectors.LATE
    # not started: it starts later (and no quarter it ran in has ended)
    assert _status({}, in_q2, start=(9, 1)) == selectors.NOT_STARTED
    # an item that starts in Q2 owes no Q1 report
    assert _status({}, in_q2, start=(4, 10)) == selectors.ON_TRACK
    # the last day of a quarter is still inside it: no report owed yet
    assert _status({}, jday(1404, 3, 31)) == selectors.ON_TRACK
    assert _status({}, jday(1404, 4, 1)) == selectors.LATE


# --- role × action --------------------------------------------------------------------------


def _act(world: Any, action: str, actor: Any) -> None:
    s = make_plan(world)
    if action == "plan_create":
        services.plan_create(actor=actor, data=services.PlanInput(year=1405, title="برنامهٔ ۱۴۰۵"))
    elif action == "plan_update":
        services.plan_update(actor=actor, plan=s.plan, data=services.PlanInput(title="تازه"))
    elif action == "plan_close":
        services.plan_close(actor=actor, plan=s.plan)
    elif action == "goal_add":
        services.goal_add(actor=actor, plan=s.plan, data=services.GoalInput(title="انسجام رسانه‌ای"))
    elif action == "programme_create":
        services.item_create(
            actor=actor,
            goal=s.goal,
            data=services.ItemInput(
                title="پویش روز ارتباطات",
                kind="campaign",
                owner_ids=[world.health.pk],
                starts_on=jday(YEAR, 2, 20),
                ends_on=jday(YEAR, 2, 27),
            ),
        )
    elif action == "own_create":
        services.item_create(
            actor=actor,
            parent=s.programme,
            agency=world.roads,
            data=services.ItemInput(
                title="گزارش تصویری طرح‌های راه",
                starts_on=jday(YEAR, 3, 1),
                ends_on=jday(YEAR, 4, 1),
            ),
        )
    elif action == "own_update":
        assert s.own is not None
        services.item_update(
            actor=actor,
            item=s.own,
            data=services.ItemInput(
                title="عنوان تازه", starts_on=s.own.starts_on, ends_on=s.own.ends_on
            ),
        )
    elif action == "progress":
        services.progress_report(
            actor=actor,
            item=s.programme,
            data=services.ProgressInput(quarter=1, percent=20, status="on_track"),
        )


ACTIONS = {
    "plan_create": DIRECTORATE,
    "plan_update": DIRECTORATE,
    "plan_close": DIRECTORATE,
    "goal_add": DIRECTORATE,
    "programme_create": DIRECTORATE,
    "own_create": ROADS_WRITERS,
    "own_update": ROADS_WRITERS,
    "progress": ROADS_WRITERS,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_role_action_matrix(world: Any, role: str, action: str) -> None:
    actor = getattr(world, role)
    before = (Plan.objects.count(), Goal.objects.count(), PlanItem.objects.count())
    if role in ACTIONS[action]:
        _act(world, action, actor)
        return
    with pytest.raises(AgencyPermissionDenied):
        _act(world, action, actor)
    # the refused action changed nothing (make_plan itself wrote 1 plan, 1 goal, 2 items)
    assert (Plan.objects.count(), Goal.objects.count(), PlanItem.objects.count()) == (
        before[0] + 1,
        before[1] + 1,
        before[2] + 2,
    )
    assert not Progress.objects.exists()
    s_plan = Plan.objects.get()
    assert s_plan.title.startswith("برنامهٔ ارتباطات")
    assert s_plan.status == Plan.Status.ADOPTED


def test_agency_cannot_touch_another_agencys_item(world: Any) -> None:
    s = make_plan(world)
    assert s.own is not None
    with pytest.raises(AgencyPermissionDenied):
        services.item_delete(actor=world.officer_health, item=s.own)
    with pytest.raises(AgencyPermissionDenied):
        services.progress_report(
            actor=world.officer_health,
            item=s.own,
            data=services.ProgressInput(quarter=1, percent=10, status="on_track"),
        )
    client = _client(world.officer_health)
    assert client.get(f"/backoffice/coordination/plan/items/{s.own.pk}/edit/").status_code == 403
    response = client.post(
        f"/backoffice/coordination/plan/items/{s.own.pk}/edit/",
        {"title": "ربوده", "starts_on": "1404/02/01", "ends_on": "1404/03/01"},
    )
    assert response.status_code == 403
    assert (
        client.get(f"/backoffice/coordination/plan/items/{s.own.pk}/progress/").status_code == 403
    )
    s.own.refresh_from_db()
    assert s.own.title == "بازدید خبرنگاران از پروژه‌های آزادراهی"
    # nor may an agency's writer edit the directorate's programme it owns
    with pytest.raises(AgencyPermissionDenied):
        services.item_delete(actor=world.head_roads, item=s.programme)


# --- validation ------------------------------------------------------------------------------


def test_item_validation_messages_keyed_by_field(world: Any) -> None:
    s = make_plan(world, adopt=False)
    with pytest.raises(ValidationError) as caught:
        services.item_create(
            actor=world.directorate_staff,
            goal=s.goal,
            data=services.ItemInput(
                title="  ",
                kind="programme",
                owner_ids=[],
                starts_on=jday(1403, 12, 1),
                ends_on=jday(1404, 5, 1),
            ),
        )
    errors = caught.value.message_dict
    assert errors["title"] == ["عنوان را بنویسید."]
    assert errors["owners"] == ["دست‌کم یک دستگاه مسئول انتخاب کنید."]
    assert "سال ۱۴۰۴" in errors["starts_on"][0]
    with pytest.raises(ValidationError) as caught:
        services.item_create(
            actor=world.directorate_staff,
            goal=s.goal,
            data=services.ItemInput(
                title="پویش",
                kind="campaign",
                owner_ids=[world.roads.pk],
                starts_on=jday(1404, 5, 1),
                ends_on=jday(1404, 4, 1),
                target="x" * 301,
            ),
        )
    errors = caught.value.message_dict
    assert errors["ends_on"] == ["پایان نمی‌تواند پیش از آغاز باشد."]
    assert "هدف کمّی" in errors["target"][0]
    assert PlanItem.objects.count() == 1


def test_campaign_takes_its_occasion_dates(world: Any) -> None:
    from ravabet.core.calendar.models import Occasion

    day = Occasion.objects.create(title="روز ارتباطات و روابط عمومی", month=2, day=27)
    s = make_plan(world, adopt=False)
    assert (
        day.pk,
        f"روز ارتباطات و روابط عمومی — {selectors.jalali.format_date(jday(1404, 2, 27))}",
    ) in (selectors.plan_occasions(1404))
    item = services.item_create(
        actor=world.directorate_staff,
        goal=s.goal,
        data=services.ItemInput(
            title="پویش روز ارتباطات",
            kind="campaign",
            owner_ids=[world.roads.pk],
            occasion_id=day.pk,
        ),
    )
    assert (item.occasion_id, item.starts_on, item.ends_on) == (
        day.pk,
        jday(1404, 2, 27),
        jday(1404, 2, 27),
    )
    with pytest.raises(ValidationError) as caught:
        services.item_create(
            actor=world.directorate_staff,
            goal=s.goal,
            data=services.ItemInput(
                title="برنامه", kind="programme", owner_ids=[world.roads.pk], occasion_id=day.pk
            ),
        )
    assert caught.value.message_dict["occasion_id"] == [
        "فقط پویش به مناسبتی از تقویم پیوند می‌خورد."
    ]


def test_progress_is_one_row_per_quarter_updated_in_place_and_audited(world: Any) -> None:
    s = make_plan(world)
    data = services.ProgressInput(quarter=2, percent=40, status="on_track", note="شش نشست")
    services.progress_report(actor=world.officer_roads, item=s.programme, data=data)
    again = services.ProgressInput(quarter=2, percent=45, status="late", note="دو نشست لغو شد")
    services.progress_report(actor=world.head_roads, item=s.programme, data=again)
    report = Progress.objects.get()
    assert (report.quarter, report.percent, report.status) == (2, 45, "late")
    assert report.reported_by == world.head_roads
    entries = AuditEntry.objects.filter(action="plan.progress").order_by("id")
    assert [(e.from_state, e.to_state) for e in entries] == [("", "on_track"), ("on_track", "late")]


def test_progress_refusals(world: Any) -> None:
    s = make_plan(world)

    def refused(today: dt.date | None = None, **data: Any) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=world.officer_roads,
                item=s.programme,
                data=services.ProgressInput(**data),
                today=today,
            )
        return caught.value.message_dict

    errors = refused(today=jday(1404, 4, 1), quarter=3, percent=10, status="on_track")
    assert "هنوز نرسیده است" in errors["quarter"][0]
    assert refused(quarter=5, percent=10, status="on_track")["quarter"] == [
        "فصل گزارش یکی از چهار فصل سال است."
    ]
    assert refused(quarter=1, percent=101, status="on_track")["percent"] == [
        "درصد پیشرفت عددی از ۰ تا ۱۰۰ است."
    ]
    assert refused(quarter=1, percent=80, status="done")["percent"] == [
        "برنامهٔ انجام‌شده پیشرفت ۱۰۰ درصد دارد."
    ]
    assert "چرا" in refused(quarter=1, percent=10, status="late")["note"][0]
    assert "وضعیت" in refused(quarter=1, percent=10, status="")["status"][0]
    # the first of Tir is the second quarter: its report is allowed on that day
    services.progress_report(
        actor=world.officer_roads,
        item=s.programme,
        data=services.ProgressInput(quarter=2, percent=30, status="on_track"),
        today=jday(1404, 4, 1),
    )
    assert not Progress.objects.filter(quarter__in=[1, 3, 5]).exists()


def test_closed_plan_and_draft_plan_refuse_reports(world: Any) -> None:
    draft = make_plan(world, year=1403, adopt=False)
    with pytest.raises(services.PlanError):
        services.progress_report(
            actor=world.directorate_staff,
            item=draft.programme,
            data=services.ProgressInput(quarter=1, percent=10, status="on_track"),
        )
    s = make_plan(world)
    services.plan_close(actor=world.directorate_staff, plan=s.plan)
    with pytest.raises(services.PlanError):
        services.goal_add(
            actor=world.directorate_staff, plan=s.plan, data=services.GoalInput(title="هدف")
        )


def test_goals_reorder_and_delete_only_when_empty(world: Any) -> None:
    s = make_plan(world, adopt=False)
    actor = world.directorate_staff
    second = services.goal_add(
        actor=actor, plan=s.plan, data=services.GoalInput(title="انسجام رسانه‌ای")
    )
    services.goal_reorder(actor=actor, plan=s.plan, order=[second.pk, s.goal.pk])
    assert list(s.plan.goals.values_list("title", flat=True)) == [
        "انسجام رسانه‌ای",
        "تبیین سیاست‌های دولت",
    ]
    with pytest.raises(services.PlanError):
        services.goal_delete(actor=actor, goal=s.goal)
    services.goal_delete(actor=actor, goal=second)
    assert list(s.plan.goals.values_list("pk", flat=True)) == [s.goal.pk]


def test_a_goal_moves_up_from_the_page_and_stays_at_the_top(world: Any, client: Any) -> None:
    s = make_plan(world, adopt=False)
    actor = world.directorate_staff
    second = services.goal_add(
        actor=actor, plan=s.plan, data=services.GoalInput(title="انسجام رسانه‌ای")
    )
    client.force_login(actor)
    url = reverse("coordination:plan_goal_move", args=[second.pk])
    for _ in range(2):  # the second time it is first already: nothing moves
        assert client.post(url, {"direction": "up"}).status_code == 302
        assert list(s.plan.goals.values_list("pk", flat=True)) == [second.pk, s.goal.pk]
    with pytest.raises(AgencyPermissionDenied):
        services.goal_move(actor=world.officer_roads, goal=s.goal, up=True)


# --- pages and the to-do ---------------------------------------------------------------------


def test_plan_page_renders_with_counts_and_filters(world: Any) -> None:
    s = make_plan(world)
    services.progress_report(
        actor=world.officer_roads,
        item=s.programme,
        data=services.ProgressInput(quarter=1, percent=100, status="done"),
    )
    client = _client(world.officer_health)
    response = client.get("/backoffice/coordination/plan/1404/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "نشست‌های خبری ماهانهٔ مدیران" in body
    assert "بازدید خبرنگاران از پروژه‌های آزادراهی" in body
    assert "<svg" in body and 'data-label="انجام‌شده"' in body
    view = selectors.plan_page(s.plan)
    # the programme is done; roads' own plan (Ordibehesht–Aban 1404) has no report: late
    assert view.counts == {"on_track": 0, "late": 1, "done": 1, "not_started": 0}
    assert response.context["view"].counts == view.counts
    # an officer of another agency sees no buttons to change or report
    assert f"/plan/items/{s.programme.pk}/progress/" not in body
    # filters
    late = client.get("/backoffice/coordination/plan/1404/?status=late&agency=roads")
    assert "بازدید خبرنگاران از پروژه‌های آزادراهی" in late.content.decode()
    health = client.get("/backoffice/coordination/plan/1404/?agency=tums").context["view"]
    assert health.total == 0
    hostile = client.get("/backoffice/coordination/plan/1404/?agency=%00&status=" + "x" * 5000)
    assert hostile.status_code == 200
    # the roads officer gets the report link
    mine = _client(world.officer_roads).get("/backoffice/coordination/plan/1404/").content.decode()
    assert f"/plan/items/{s.programme.pk}/progress/" in mine


def test_draft_plan_is_the_directorates(world: Any) -> None:
    make_plan(world, adopt=False)
    assert (
        _client(world.officer_roads).get("/backoffice/coordination/plan/1404/").status_code == 404
    )
    assert (
        _client(world.directorate_staff).get("/backoffice/coordination/plan/1404/").status_code
        == 200
    )
    assert _client(world.outsider).get("/backoffice/coordination/plan/").status_code == 403


def test_forms_through_the_pages(world: Any) -> None:
    client = _client(world.directorate_staff)
    response = client.post(
        "/backoffice/coordination/plan/new/",
        {"year": "۱۴۰۴", "title": "برنامهٔ ارتباطات ۱۴۰۴", "summary": ""},
    )
    assert response.status_code == 302
    client.post("/backoffice/coordination/plan/1404/goals/new/", {"title": "روایت پیشرفت"})
    goal = Goal.objects.get()
    response = client.post(
        f"/backoffice/coordination/plan/goals/{goal.pk}/items/new/",
        {
            "kind": "programme",
            "title": "گزارش عملکرد دولت",
            "owners": [world.roads.pk],
            "starts_on": "۱۴۰۴/۰۶/۰۱",
            "ends_on": "1404/05/01",
        },
    )
    assert response.status_code == 200
    assert "پایان نمی‌تواند پیش از آغاز باشد." in response.content.decode()
    assert not PlanItem.objects.exists()
    client.post(
        f"/backoffice/coordination/plan/goals/{goal.pk}/items/new/",
        {
            "kind": "programme",
            "title": "گزارش عملکرد دولت",
            "owners": [world.roads.pk],
            "starts_on": "۱۴۰۴/۰۶/۰۱",
            "ends_on": "1404/06/31",
        },
    )
    item = PlanItem.objects.get()
    client.post("/backoffice/coordination/plan/1404/adopt/")
    officer = _client(world.officer_roads)
    response = officer.post(
        f"/backoffice/coordination/plan/items/{item.pk}/own/",
        {"title": "ویژه‌نامهٔ هفتهٔ دولت", "starts_on": "1404/06/01", "ends_on": "1404/06/08"},
    )
    assert response.status_code == 302
    own = PlanItem.objects.get(kind="agency")
    assert (own.agency, own.parent) == (world.roads, item)
    response = officer.post(
        f"/backoffice/coordination/plan/items/{own.pk}/progress/",
        {"quarter": "2", "percent": "۱۰۰", "status": "done", "note": ""},
    )
    assert response.status_code == 302
    assert Progress.objects.get().percent == 100


def test_todo_card_asks_owners_for_the_quarter_report(world: Any) -> None:
    with freeze_time("2025-07-10 08:00:00"):  # 19 Tir 1404: the second quarter
        s = make_plan(world)
        cards = registry.dashboard_cards(world.officer_roads)
        plan_cards = [c for c in cards if c["key"] == "coordination.plan"]
        assert plan_cards
        todo = plan_cards[0]["figures"][0]
        assert todo["count"] == 2
        assert "گزارش فصل" in todo["label"]
        assert not [
            c
            for c in registry.dashboard_cards(world.officer_health)
            if c["key"] == "coordination.plan"
        ]
        assert s.own is not None
        for item in (s.programme, s.own):
            services.progress_report(
                actor=world.officer_roads,
                item=item,
                data=services.ProgressInput(quarter=2, percent=30, status="on_track"),
            )
        assert not [
            c
            for c in registry.dashboard_cards(world.officer_roads)
            if c["key"] == "coordination.plan"
        ]


def test_progress_form_refuses_hostile_input_in_persian(world: Any) -> None:
    s = make_plan(world)
    client = _client(world.officer_roads)
    url = f"/backoffice/coordination/plan/items/{s.programme.pk}/progress/"
    assert client.get(url + "?quarter=۲").status_code == 200
    assert client.get(url + "?quarter=" + "9" * 5000).status_code == 200
    response = client.post(url, {"quarter": "9", "percent": "بسیار", "status": "x", "note": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "عدد بنویسید." in body
    response = client.post(url, {"quarter": "9", "percent": "50", "status": "on_track"})
    assert "فصل گزارش یکی از چهار فصل سال است." in response.content.decode()
    response = client.post(
        url, {"quarter": "1", "percent": "50", "status": "on_track", "note": "\x00"}
    )
    assert response.status_code == 200
    assert not Progress.objects.exists()
    # an agency's own plan cannot have another one under it
    assert s.own is not None
    assert client.get(f"/backoffice/coordination/plan/items/{s.own.pk}/own/").status_code == 404

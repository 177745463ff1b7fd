"""GET /api/v1/surveys: the public surveys (open or closed, never drafts or staff surveys),
their complete responses counted, paged like the other lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from ravabet.surveys.models import Response, Survey
from tests.surveys.conftest import make_survey


def _responses(survey: Survey, complete: int, drafts: int = 0) -> None:
    for i in range(complete + drafts):
        Response.objects.create(
            survey=survey,
            browser_key=f"{survey.pk}-{i}",
            status=Response.Status.COMPLETE if i < complete else Response.Status.DRAFT,
            submitted_at=timezone.now() if i < complete else None,
        )


def test_the_list_holds_public_surveys_with_their_counts(world: Any) -> None:
    open_survey = make_survey(world.roads, title="رضایت از راه‌ها", kinds=["rating5"])
    closed = make_survey(
        world.directorate, title="نظرسنجی بسته", kinds=["rating5"], state=Survey.State.CLOSED
    )
    later = make_survey(
        world.health,
        title="هنوز باز نشده",
        kinds=["rating5"],
        opens_at=timezone.now() + dt.timedelta(days=2),
    )
    make_survey(world.roads, title="پیش‌نویس", kinds=["rating5"], state=Survey.State.DRAFT)
    make_survey(
        world.roads, title="کارکنان راه", kinds=["rating5"], audience=Survey.Audience.AGENCY
    )
    make_survey(
        world.directorate, title="شبکه", kinds=["rating5"], audience=Survey.Audience.NETWORK
    )
    _responses(open_survey, complete=3, drafts=2)
    _responses(closed, complete=1)

    body = Client().get("/api/v1/surveys").json()
    assert body["count"] == 3
    items = {item["id"]: item for item in body["items"]}
    assert set(items) == {open_survey.pk, closed.pk, later.pk}
    assert items[open_survey.pk]["is_open"] is True
    assert items[open_survey.pk]["response_count"] == 3  # drafts not counted
    assert items[open_survey.pk]["agency"] == world.roads.name
    assert items[open_survey.pk]["title"] == "رضایت از راه‌ها"
    assert items[open_survey.pk]["closes_at"] is not None
    assert items[closed.pk]["is_open"] is False and items[closed.pk]["response_count"] == 1
    assert items[later.pk]["is_open"] is False and items[later.pk]["response_count"] == 0


def test_the_list_is_paged(world: Any) -> None:
    for n in range(3):
        make_survey(world.roads, title=f"نظرسنجی {n}", kinds=["rating5"])
    body = Client().get("/api/v1/surveys", {"limit": 2, "offset": 0}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    rest = Client().get("/api/v1/surveys", {"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1
    assert {i["id"] for i in body["items"]}.isdisjoint({i["id"] for i in rest["items"]})

"""The surveys' indicator «فعالیت نظرسنجی» on hand-counted responses of Farvardin 1404: complete
responses to the agency's own surveys only, Tehran-day edges, drafts not counted, another
agency's surveys not counted, and an agency whose surveys heard nothing left without data."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from ravabet.core import jalali, registry
from ravabet.persian import dates as pdates
from ravabet.surveys import indicators
from ravabet.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db

START = pdates.to_gregorian(1404, 1, 1)
END = pdates.to_gregorian(1404, 2, 1)  # Farvardin 1404 is [START, END)
_keys = itertools.count(1)


def _at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return jalali.make_aware_local(
        dt.datetime.combine(START + dt.timedelta(days=day - 1), dt.time(hour, minute))
    )


def _survey(agency: Any, title: str = "نظرسنجی رضایت از اطلاع‌رسانی") -> Survey:
    return Survey.objects.create(agency=agency, title=title, state=Survey.State.OPEN)


def _response(survey: Survey, submitted: dt.datetime | None, *, complete: bool = True) -> None:
    Response.objects.create(
        survey=survey,
        status=Response.Status.COMPLETE if complete else Response.Status.DRAFT,
        browser_key=f"browser-{next(_keys)}",
        started_at=(submitted or _at(15)) - dt.timedelta(minutes=5),
        submitted_at=submitted if complete else None,
    )


def test_registered() -> None:
    indicator = {i.key: i for i in registry.indicators()}["surveys.activity"]
    assert indicator.label == "فعالیت نظرسنجی"
    assert indicator.higher_is_better


def test_complete_responses_to_the_agencys_surveys_in_the_period(world: Any) -> None:
    first, second = _survey(world.roads), _survey(world.roads, "نظرسنجی طرح زمستانی")
    _response(first, _at(1, 0, 30))
    _response(first, _at(12))
    _response(second, _at(31, 23, 30))  # 23:30 on the last day: counts
    _response(second, _at(32, 0, 30))  # 00:30 the next day: does not
    _response(first, _at(0, 23, 59))  # the day before the period: does not
    _response(first, None, complete=False)  # a draft: does not
    _survey(world.directorate)  # a survey nobody answered
    _response(_survey(world.health), _at(5))

    answer = indicators.activity([world.roads, world.health, world.directorate], START, END)

    roads = answer[world.roads.pk]
    assert (roads.value, roads.volume) == (3, 3)
    assert roads.detail == "۳ پاسخ کامل به ۲ نظرسنجی"
    assert f"agency={world.roads.pk}" in roads.link
    assert answer[world.health.pk].value == 1
    assert world.directorate.pk not in answer  # no responses: no data, not zero


def test_a_network_survey_counts_for_its_owner_not_the_answering_offices(world: Any) -> None:
    network = Survey.objects.create(
        agency=world.directorate,
        title="نظرسنجی شبکهٔ روابط عمومی‌ها",
        audience=Survey.Audience.NETWORK,
        anonymous=False,
        state=Survey.State.OPEN,
    )
    Response.objects.create(
        survey=network,
        status=Response.Status.COMPLETE,
        respondent=world.officer_roads,
        agency=world.roads,
        submitted_at=_at(3),
    )
    answer = indicators.activity([world.roads, world.directorate], START, END)
    assert answer[world.directorate.pk].value == 1
    assert world.roads.pk not in answer


def test_one_query_for_many_agencies_and_the_link_opens(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    _response(_survey(world.roads), _at(3))
    with django_assert_max_num_queries(1):
        answer = indicators.activity([world.roads, world.health], START, END)
    client = Client()
    client.force_login(world.admin)
    assert client.get(answer[world.roads.pk].link).status_code == 200

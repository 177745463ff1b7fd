"""The desk's indicators (answered in time, median working days, satisfaction) on a hand-counted
set of messages of Farvardin 1404: the values and volumes, Tehran-day edges, "due by the end of
the period", another agency's messages, and an agency with no messages left without data."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from ravabet.core import jalali, registry
from ravabet.desk import indicators
from ravabet.desk.models import Message, Status
from ravabet.persian import dates as pdates

pytestmark = pytest.mark.django_db

_codes = itertools.count(200_000_000_001)
START = pdates.to_gregorian(1404, 1, 1)
END = pdates.to_gregorian(1404, 2, 1)  # Farvardin 1404 is [START, END)


def _at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Tehran wall-clock moment of the day-th day of the period (day 32 is the next month)."""
    return jalali.make_aware_local(
        dt.datetime.combine(START + dt.timedelta(days=day - 1), dt.time(hour, minute))
    )


def _message(
    agency: Any,
    created: dt.datetime,
    *,
    days: int | None = None,
    in_time: bool | None = None,
    rating: int | None = None,
    due: dt.datetime | None = None,
) -> Message:
    answered_at = created + dt.timedelta(days=days) if days is not None else None
    if answered_at is None:
        status = Status.RECEIVED
    else:
        status = Status.CLOSED if rating else Status.ANSWERED
    message = Message.objects.create(
        tracking_code=str(next(_codes)),
        kind="request",
        status=status,
        agency=agency,
        subject="چاله در خیابان",
        body="متن پیام",
        sla_days=7,
        due_at=due or created + dt.timedelta(days=9),
        answer="پاسخ" if answered_at else "",
        answered_at=answered_at,
        first_answered_at=answered_at,
        first_answer_days=days,
        answered_in_time=in_time if answered_at else None,
        rating=rating,
    )
    Message.objects.filter(pk=message.pk).update(created_at=created)
    return message


@pytest.fixture
def messages(world: Any) -> Any:
    roads, health = world.roads, world.health
    _message(roads, _at(2), days=2, in_time=True, rating=5)
    _message(roads, _at(5), days=4, in_time=True, rating=4)
    _message(roads, _at(10), days=12, in_time=False, rating=1)
    _message(roads, _at(20), due=_at(29))  # unanswered, past its deadline by the end: late
    _message(roads, _at(28))  # unanswered, due after the period's end: not owed yet
    _message(roads, _at(31, 23, 30), days=1, in_time=True)  # 23:30 on the last day: counts
    _message(roads, _at(32, 0, 30), days=0, in_time=True, rating=1)  # 00:30 next day: not
    _message(roads, _at(0, 23, 30), days=0, in_time=False, rating=2)  # the day before: not
    _message(health, _at(3), days=3, in_time=True)
    return world


def test_the_three_are_registered_with_their_orientation() -> None:
    keys = {i.key: i for i in registry.indicators()}
    assert keys["desk.in_time"].higher_is_better
    assert not keys["desk.median_days"].higher_is_better
    assert keys["desk.satisfaction"].min_volume == 3
    assert keys["desk.in_time"].min_volume == 5


def test_share_answered_in_time_of_the_messages_owed_by_the_end(messages: Any) -> None:
    world = messages
    answer = indicators.in_time([world.roads, world.health, world.directorate], START, END)
    roads = answer[world.roads.pk]
    # Owed: four answered and one unanswered past its deadline; three of them in time.
    assert roads.value == pytest.approx(60.0)
    assert roads.volume == 5
    assert roads.detail == "۳ از ۵ پیام در مهلت پاسخ داده شد"
    assert f"agency={world.roads.pk}" in roads.link
    assert answer[world.health.pk].value == pytest.approx(100.0)
    assert world.directorate.pk not in answer


def test_median_working_days_to_the_first_answer(messages: Any) -> None:
    world = messages
    answer = indicators.median_days([world.roads, world.health, world.directorate], START, END)
    # Roads: 1, 2, 4, 12 working days: the middle two averaged.
    assert answer[world.roads.pk].value == pytest.approx(3.0)
    assert answer[world.roads.pk].volume == 4
    assert answer[world.health.pk].value == pytest.approx(3.0)
    assert world.directorate.pk not in answer


def test_satisfaction_is_the_mean_of_the_rated(messages: Any) -> None:
    world = messages
    answer = indicators.satisfaction([world.roads, world.health, world.directorate], START, END)
    assert answer[world.roads.pk].value == pytest.approx(10 / 3)
    assert answer[world.roads.pk].volume == 3
    assert answer[world.roads.pk].detail == "میانگین ۳٫۳ از ۵ در ۳ ارزیابی شهروندان"
    assert world.health.pk not in answer  # answered, never rated: no data, not zero
    assert world.directorate.pk not in answer


def test_only_the_agencies_asked_are_answered(messages: Any) -> None:
    world = messages
    answer = indicators.in_time([world.health], START, END)
    assert set(answer) == {world.health.pk}


def test_few_queries_for_many_agencies_and_the_link_opens(
    messages: Any, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    world = messages
    with django_assert_max_num_queries(3):
        answer = indicators.in_time([world.roads, world.health, world.directorate], START, END)
    client = Client()
    client.force_login(world.admin)
    assert client.get(answer[world.roads.pk].link).status_code == 200

"""The events' indicators (attendance at the network's meetings, resolutions done on time) on a
hand-counted Farvardin 1404: values and volumes, Tehran-day edges, meetings without a check-in
and other kinds of events left out, cancelled and not-yet-due resolutions left out, another
agency's records apart, and an agency with nothing left without data."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from ravabet.core import audit, jalali, registry
from ravabet.core.models import AuditEntry
from ravabet.events import indicators
from ravabet.events.models import Event, Registration, Resolution
from ravabet.persian import dates as pdates

pytestmark = pytest.mark.django_db

START = pdates.to_gregorian(1404, 1, 1)
END = pdates.to_gregorian(1404, 2, 1)  # Farvardin 1404 is [START, END)
_phones = itertools.count(9121000001)
_numbers = itertools.count(1)


def _day(day: int) -> dt.date:
    return START + dt.timedelta(days=day - 1)


def _at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return jalali.make_aware_local(dt.datetime.combine(_day(day), dt.time(hour, minute)))


def _meeting(world: Any, starts: dt.datetime, kind: str = Event.Kind.NETWORK_MEETING) -> Event:
    return Event.objects.create(
        title="نشست شبکهٔ روابط عمومی‌ها",
        kind=kind,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="سالن همایش‌های استانداری",
        organizer=world.directorate,
    )


def _register(event: Event, agency: Any, *, attended: bool, cancelled: bool = False) -> None:
    Registration.objects.create(
        event=event,
        agency=agency,
        name="مریم احمدی",
        phone=f"0{next(_phones)}",
        status=Registration.Status.CANCELLED if cancelled else Registration.Status.REGISTERED,
        attended_at=event.starts_at + dt.timedelta(minutes=5) if attended else None,
    )


def test_registered() -> None:
    keys = {i.key: i for i in registry.indicators()}
    assert keys["events.attendance"].label == "حضور در جلسات"
    assert keys["events.resolutions_on_time"].label == "مصوبات انجام‌شده در مهلت"


def test_attendance_at_the_networks_meetings_held_in_the_period(world: Any) -> None:
    roads, health = world.roads, world.health
    first = _meeting(world, _at(5))
    for attended in (True, True, False):
        _register(first, roads, attended=attended)
    _register(first, roads, attended=False, cancelled=True)  # cancelled: not counted
    _register(first, health, attended=True)
    _register(first, health, attended=False)
    last_evening = _meeting(world, _at(31, 23, 30))  # 23:30 on the last day: counts
    _register(last_evening, roads, attended=True)
    next_day = _meeting(world, _at(32, 0, 30))  # 00:30 the next day: does not
    _register(next_day, roads, attended=False)
    _register(next_day, world.directorate, attended=True)
    no_check_in = _meeting(world, _at(10))  # attendance never taken: left out
    _register(no_check_in, roads, attended=False)
    _register(no_check_in, roads, attended=False)
    training = _meeting(world, _at(8), kind=Event.Kind.TRAINING)  # not a network meeting
    _register(training, roads, attended=False)
    _register(training, health, attended=True)

    answer = indicators.attendance([roads, health, world.directorate], START, END)

    assert answer[roads.pk].value == pytest.approx(75.0)
    assert answer[roads.pk].volume == 4
    assert answer[roads.pk].detail == "۳ از ۴ ثبت‌نام‌شده در ۲ جلسهٔ شبکه حاضر شدند"
    assert answer[health.pk].value == pytest.approx(50.0)
    assert world.directorate.pk not in answer  # registered for nothing in the period


def test_a_meeting_yet_to_come_says_nothing(world: Any) -> None:
    now = timezone.now()
    soon = _meeting(world, now + dt.timedelta(hours=3))
    _register(soon, world.roads, attended=False)
    _register(soon, world.health, attended=True)  # an early check-in, say
    today = jalali.to_local(now).date()
    answer = indicators.attendance([world.roads], today, today + dt.timedelta(days=2))
    assert answer == {}


def _resolution(
    event: Event, agency: Any, deadline: dt.date, status: str = "open", *, done: Any = None
) -> Resolution:
    resolution = Resolution.objects.create(
        event=event,
        number=next(_numbers),
        text="تهیهٔ گزارش عملکرد روابط عمومی",
        responsible=agency,
        deadline=deadline,
        status=status,
    )
    if done is not None:
        entry = audit.record(
            actor=None,
            action="resolution.report",
            obj=resolution,
            agency=agency,
            from_state="open",
            to_state="done",
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=done)
    return resolution


def test_resolutions_done_by_their_deadline(world: Any) -> None:
    roads, health = world.roads, world.health
    meeting = _meeting(world, _at(1))
    _resolution(meeting, roads, _day(10), "done", done=_at(9))  # on time
    _resolution(meeting, roads, _day(31), "done", done=_at(31, 23, 30))  # on the day: on time
    _resolution(meeting, roads, _day(20), "done", done=_at(21, 0, 30))  # a day late
    _resolution(meeting, roads, _day(15), "in_progress")  # open past its deadline: late
    _resolution(meeting, roads, _day(12), "cancelled")  # cancelled: left out
    _resolution(meeting, roads, _day(32), "done", done=_at(30))  # due next month: left out
    _resolution(meeting, roads, _day(0), "open")  # due the month before: left out
    _resolution(meeting, health, _day(5), "done", done=_at(4))

    answer = indicators.resolutions_on_time([roads, health, world.directorate], START, END)

    assert answer[roads.pk].value == pytest.approx(50.0)
    assert answer[roads.pk].volume == 4
    assert answer[roads.pk].detail == "۲ از ۴ مصوبهٔ سررسیده در مهلت انجام شد (۵۰٪)"
    assert answer[health.pk].value == pytest.approx(100.0)
    assert world.directorate.pk not in answer


def test_an_open_resolution_not_yet_due_is_not_counted(world: Any) -> None:
    today = jalali.to_local(timezone.now()).date()
    meeting = _meeting(world, timezone.now() - dt.timedelta(days=3))
    _resolution(meeting, world.health, today + dt.timedelta(days=5))
    _resolution(meeting, world.health, today)  # due today: not late yet
    period = (today - dt.timedelta(days=10), today + dt.timedelta(days=20))
    assert indicators.resolutions_on_time([world.health], *period) == {}


def test_few_queries_for_many_agencies_and_the_links_open(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    meeting = _meeting(world, _at(5))
    _register(meeting, world.roads, attended=True)
    _resolution(meeting, world.roads, _day(10), "done", done=_at(9))
    agencies = [world.roads, world.health, world.directorate]
    with django_assert_max_num_queries(1):
        attended = indicators.attendance(agencies, START, END)
    with django_assert_max_num_queries(3):
        done = indicators.resolutions_on_time(agencies, START, END)
    client = Client()
    client.force_login(world.admin)
    assert client.get(attended[world.roads.pk].link).status_code == 200
    assert client.get(done[world.roads.pk].link).status_code == 200

"""The events' demo data: the seed's meeting as the seed describes it, five resolutions (one
overdue), events around today, the occasions calendar; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.calendar import selectors as calendar
from ravabet.core.calendar.models import Occasion
from ravabet.core.models import AuditEntry
from ravabet.core.organisation import demo as organisation_demo
from ravabet.events import demo, selectors
from ravabet.events.models import AgendaItem, Event, Registration, Resolution
from ravabet.persian import normalize

pytestmark = pytest.mark.django_db


def _seed() -> Event:
    return Event.objects.get(title=normalize(demo.SEED_TITLE))


def _title(occasion: tuple[Any, ...]) -> str:
    return normalize(occasion[0])


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _snapshot() -> dict[str, Any]:
    return {
        "events": sorted(
            Event.objects.values_list("title", "status", "starts_at", "capacity", "sequence")
        ),
        "registrations": sorted(
            Registration.objects.values_list("event__title", "phone", "status", "attended_at")
        ),
        "agenda": sorted(AgendaItem.objects.values_list("event_id", "position", "title")),
        "resolutions": sorted(
            Resolution.objects.values_list("event_id", "number", "status", "progress", "deadline")
        ),
        "occasions": sorted(Occasion.objects.values_list("title", "month", "day", "length_days")),
    }


def test_the_demo_command_loads_the_seed_meeting_as_the_seed_describes_it() -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    event = _seed()
    assert event.starts_at == dt.datetime(2025, 5, 20, 6, 30, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2025, 5, 20, 8, 30, tzinfo=dt.UTC)
    assert jalali.format_datetime(event.starts_at) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰"
    assert event.venue == "سالن همایش استانداری تهران"
    assert "فرصتی برای هم‌افزایی، هماهنگی و هم‌اندیشی" in event.description
    assert "هفتهٔ ارتباطات و روابط عمومی" in event.description
    assert event.organizer.slug == "pr-directorate"
    assert event.created_by is not None and event.created_by.username == "directorate"
    assert (event.kind, event.status, event.is_public) == ("network_meeting", "scheduled", True)
    assert event.invite_mode == Event.Invite.ALL
    assert "<p>" in event.minutes and "مصوبات" in event.minutes


def test_the_seed_meeting_has_its_agenda_attendees_and_five_resolutions() -> None:
    organisation_demo.load()
    demo.load()
    event = _seed()

    agenda = list(event.agenda.all())
    assert len(agenda) == 5
    assert all(item.speaker for item in agenda)
    assert agenda[0].starts_at == event.starts_at
    assert agenda[-1].ends_at == event.ends_at
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(agenda))

    registrations = list(event.registrations.select_related("agency"))
    assert 8 <= len(registrations) <= 12
    assert len({r.agency_id for r in registrations}) >= 6
    assert len({r.phone for r in registrations}) == len(registrations)
    assert all(event.invites(r.agency) and r.is_active for r in registrations)
    assert all(r.created_at < event.starts_at for r in registrations)
    present = [r for r in registrations if r.attended_at is not None]
    assert len(registrations) / 2 < len(present) < len(registrations)
    assert all(event.starts_at <= r.attended_at <= event.ends_at for r in present)  # type: ignore[operator]

    resolutions = list(selectors.resolutions_of(event))
    assert [r.number for r in resolutions] == [1, 2, 3, 4, 5]
    by_status: dict[str, list[Resolution]] = {}
    for resolution in resolutions:
        by_status.setdefault(resolution.status, []).append(resolution)
    assert {k: len(v) for k, v in by_status.items()} == {
        "open": 2,
        "in_progress": 1,
        "done": 1,
        "cancelled": 1,
    }
    assert by_status["in_progress"][0].progress == 40
    assert by_status["done"][0].evidence and by_status["done"][0].progress == 100
    assert by_status["cancelled"][0].cancel_reason
    overdue = [r for r in resolutions if r.is_overdue()]
    assert len(overdue) == 1 and overdue[0].status == "open"
    assert overdue[0].owner is not None and overdue[0].owner.username == "multi"
    assert list(selectors.resolution_list_for(_user("directorate"), overdue=True)) == overdue
    assert AuditEntry.objects.filter(action="resolution.report").count() == 3


def test_events_around_today_and_the_occasions() -> None:
    organisation_demo.load()
    assert demo.load() == 1 + len(demo.EVENTS)
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert kinds == {"network_meeting", "training", "press_conference", "public_event"}
    assert Event.objects.filter(status=Event.Status.CANCELLED).count() == 1
    upcoming = selectors.event_list_for(_user("directorate"), when="upcoming").filter(
        kind="network_meeting", is_public=False
    )
    meeting = upcoming.get()
    assert meeting.capacity == 30 and meeting.registration_deadline is not None
    assert meeting.registration_open
    registered = meeting.registrations.select_related("registered_by")
    assert {r.registered_by.username for r in registered if r.registered_by} == {
        "officer.roads",
        "officer.health",
    }
    # Made through the service: audited like any registration.
    assert AuditEntry.objects.filter(action="registration.create").count() == 2

    def occasion(title: str) -> tuple[int, int, int]:
        found = Occasion.objects.get(title=normalize(title))
        return found.month, found.day, found.length_days

    assert occasion("روز ارتباطات و روابط عمومی") == (2, 27, 1)
    assert occasion("روز خبرنگار") == (5, 17, 1)
    assert occasion("هفتهٔ دولت") == (6, 2, 7)
    assert occasion("دههٔ فجر") == (11, 12, 11)
    assert occasion("روز ملی صنعت و معدن") == (4, 10, 1)
    # Made through the kernel's calendar service, audited; none is a holiday.
    assert AuditEntry.objects.filter(action="occasion.create").count() == len(demo.OCCASIONS)
    assert not Occasion.objects.filter(
        title__in=[_title(o) for o in demo.OCCASIONS], is_holiday=True
    )
    # The official holidays are the calendar's own (its migration), not repeated by the demo.
    assert occasion("عید نوروز") == (1, 1, 4)
    assert Occasion.objects.filter(month=1, day=1, year=None).count() == 1
    days = calendar.occasions_between(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert "روز ارتباطات و روابط عمومی" in {d.title for d in days}
    communication = next(d for d in days if d.title == "روز ارتباطات و روابط عمومی")
    assert communication.starts_on == dt.date(2025, 5, 17)


def test_the_public_api_shows_the_seed_meeting_with_its_agenda() -> None:
    organisation_demo.load()
    demo.load()
    event = _seed()
    past = Client().get("/api/v1/events", {"when": "past"}).json()
    assert event.pk in {e["id"] for e in past["items"]}
    data = Client().get(f"/api/v1/events/{event.pk}").json()
    assert data["starts_at"] == "2025-05-20T10:00:00+03:30"
    assert data["venue"] == "سالن همایش استانداری تهران"
    assert data["organizer"]["slug"] == "pr-directorate"
    assert len(data["agenda"]) == 5
    assert data["registered"] == event.registrations.count()
    internal = Event.objects.filter(is_public=False).values_list("pk", flat=True)
    upcoming = Client().get("/api/v1/events").json()
    assert not set(internal) & {e["id"] for e in upcoming["items"]}


def test_loading_twice_changes_nothing() -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    before = _snapshot()
    audit = AuditEntry.objects.count()
    call_command("demo", "--quiet-logins", stdout=StringIO())
    assert demo.load() == 0
    assert _snapshot() == before
    assert AuditEntry.objects.count() == audit
    assert Event.objects.filter(title=normalize(demo.SEED_TITLE)).count() == 1


def test_a_change_made_in_the_demo_survives_loading_again() -> None:
    organisation_demo.load()
    demo.load()
    Event.objects.filter(pk=_seed().pk).update(venue="سالن دیگر")
    Occasion.objects.filter(title=normalize("روز خبرنگار")).update(is_active=False)
    demo.load()
    assert _seed().venue == "سالن دیگر"
    assert not Occasion.objects.get(title=normalize("روز خبرنگار")).is_active


def test_without_the_kernels_demo_it_loads_nothing() -> None:
    assert demo.load() == 0
    assert not Event.objects.exists()


@pytest.mark.parametrize("shift", range(7))
def test_events_fall_on_working_days_in_tehran(shift: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever day of the week the demo is loaded on, no event is on a Thursday or Friday."""
    today = jalali.to_local(timezone.now()).date() + dt.timedelta(days=shift)
    monkeypatch.setattr(demo, "_today", lambda: today)
    organisation_demo.load()
    demo.load()
    for event in Event.objects.all():
        weekday = jalali.to_local(event.starts_at).weekday()
        assert weekday not in (3, 4), f"{event.title} is on a Thursday or a Friday"

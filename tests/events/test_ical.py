"""Events as iCalendar: parsed back with icalendar, the instant in UTC, the VTIMEZONE, the
feeds' contents and RFC 5545's form (CRLF, folded lines)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from ravabet.events import ical, services
from ravabet.events.models import Event
from tests.factories import make_event

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
BASE = "http://ravabet.example"


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.RAVABET_BASE_URL = BASE


def _parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    return calendar


def _tuesday_meeting(world: Any, **extra: Any) -> Event:
    return make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ شورای اطلاع‌رسانی استان",
        starts_at=dt.datetime(2025, 5, 20, 10, 0, tzinfo=TEHRAN),
        ends_at=dt.datetime(2025, 5, 20, 12, 0, tzinfo=TEHRAN),
        venue="سالن شهید رجایی استانداری",
        address="تهران، خیابان پاستور",
        description="بررسی برنامهٔ اطلاع‌رسانی هفتهٔ دولت",
        **extra,
    )


def test_event_ics_parses_back_to_the_right_instant_with_the_tehran_timezone(world: Any) -> None:
    event = _tuesday_meeting(world)
    response = Client().get(f"/events/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    cached = Client().get(f"/events/{event.pk}.ics")  # from the page cache: the same headers
    assert cached.get("X-Page-Cache") == "hit" and cached.content == response.content
    assert cached["Content-Type"] == response["Content-Type"]
    assert cached["Content-Disposition"] == response["Content-Disposition"]
    calendar = _parse(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Tehran"
    assert "PRODID" in calendar and "METHOD" not in calendar
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Tehran"
    (vevent,) = calendar.walk("VEVENT")
    start = vevent.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 5, 20, 6, 30, tzinfo=dt.UTC)
    assert vevent.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(
        2025, 5, 20, 8, 30, tzinfo=dt.UTC
    )
    # Written in Tehran wall-clock time with its TZID, not converted to UTC.
    assert b"DTSTART;TZID=Asia/Tehran:20250520T100000" in response.content
    assert str(vevent["UID"]) == event.ical_uid == f"event-{event.pk}@ravabet"
    assert vevent["SEQUENCE"] == 0
    assert "DTSTAMP" in vevent
    assert str(vevent["SUMMARY"]) == "جلسهٔ شورای اطلاع‌رسانی استان"
    assert "هفتهٔ دولت" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "سالن شهید رجایی استانداری، تهران، خیابان پاستور"
    assert str(vevent["URL"]) == f"{BASE}/events/{event.pk}/"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    organizer = vevent["ORGANIZER"]
    assert str(organizer) == f"mailto:{world.directorate.email}"
    assert organizer.params["CN"] == world.directorate.name


def test_vtimezone_without_a_client_database_gives_the_instant(world: Any) -> None:
    """A client that knows no zone names resolves the TZID through the VTIMEZONE given."""
    event = _tuesday_meeting(world)
    body = ical.event_calendar([event]).decode()
    zone = body.split("BEGIN:VTIMEZONE", 1)[1].split("END:VTIMEZONE", 1)[0]
    assert "TZOFFSETTO:+0330" in zone


def test_vtimezone_covers_daylight_saving_of_past_years(world: Any) -> None:
    """Iran kept summer time until 1401: an event of June 2021 is at +04:30."""
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        starts_at=dt.datetime(2021, 6, 1, 10, 0, tzinfo=TEHRAN),
    )
    calendar = _parse(ical.event_calendar([event]))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2021, 6, 1, 5, 30, tzinfo=dt.UTC
    )
    assert "TZOFFSETTO:+0430" in calendar.walk("VTIMEZONE")[0].to_ical().decode()


def test_lines_are_crlf_and_folded_at_75_octets_without_cutting_a_character(world: Any) -> None:
    event = _tuesday_meeting(world)
    body = ical.event_calendar([event])
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the Persian description is folded
    for line in lines:
        line.decode("utf-8")  # every physical line is whole UTF-8


def test_cancelled_event_ics_says_cancelled_with_the_raised_sequence(world: Any) -> None:
    event = _tuesday_meeting(world)
    services.event_cancel(actor=world.directorate_staff, event=event, reason="همزمانی با سفر")
    response = Client().get(f"/events/{event.pk}.ics")
    (vevent,) = _parse(response.content).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1
    assert "همزمانی با سفر" in str(vevent["DESCRIPTION"])


def test_internal_event_ics_and_page_are_404(world: Any) -> None:
    event = _tuesday_meeting(world, is_public=False)
    client = Client()
    assert client.get(f"/events/{event.pk}.ics").status_code == 404
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get("/events/999999.ics").status_code == 404
    # Not even for staff who may see it: the public page is for public events.
    client.force_login(world.directorate_staff)
    assert client.get(f"/events/{event.pk}.ics").status_code == 404


def test_calendar_feed_lists_upcoming_public_events_only(world: Any) -> None:
    now = timezone.now()
    coming = make_event(
        actor=world.directorate_staff, organizer=world.directorate, title="همایش آینده"
    )
    internal = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ درونی",
        is_public=False,
    )
    recent = make_event(
        actor=world.head_roads,
        organizer=world.roads,
        title="نشست هفتهٔ پیش",
        starts_at=now - dt.timedelta(days=7),
    )
    old = make_event(
        actor=world.head_roads,
        organizer=world.roads,
        title="نشست پارسال",
        starts_at=now - dt.timedelta(days=300),
    )
    cancelled = make_event(
        actor=world.head_roads,
        organizer=world.roads,
        title="نشست لغوشده",
        starts_at=now + dt.timedelta(days=3),
    )
    services.event_cancel(actor=world.head_roads, event=cancelled, reason="نبود سالن")
    response = Client().get("/events.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = _parse(response.content)
    events = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    assert set(events) == {e.ical_uid for e in (coming, recent, cancelled)}
    assert internal.ical_uid not in events and old.ical_uid not in events
    assert str(events[cancelled.ical_uid]["STATUS"]) == "CANCELLED"
    assert calendar.walk("VTIMEZONE")
    # Soonest first.
    starts = [v.decoded("DTSTART") for v in calendar.walk("VEVENT")]
    assert starts == sorted(starts)


def test_empty_feed_is_still_a_valid_calendar(world: Any) -> None:
    calendar = _parse(Client().get("/events.ics").content)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")


def test_feed_is_stable_bytes_for_the_same_rows(world: Any) -> None:
    """A feed stamps each event with its last change: the page cache's ETag holds."""
    _tuesday_meeting(world)
    events = list(Event.objects.all())
    assert ical.event_calendar(events) == ical.event_calendar(events)


def test_invitation_has_method_request_and_the_accepted_attendee(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    registration = services.registration_create(
        actor=world.head_roads,
        event=event,
        agency=world.roads,
        data=services.AttendeeInput(
            name="مریم احمدی", phone="09121234567", email="maryam@roads.example"
        ),
    )
    calendar = _parse(ical.event_calendar([event], ical.REQUEST, attendee=registration))
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:maryam@roads.example"
    assert attendee.params["CN"] == "مریم احمدی"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    # A cancellation for this attendee alone: above the event's sequence.
    calendar = _parse(ical.event_calendar([event], ical.CANCEL, attendee=registration))
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == event.sequence + 1


def test_organizer_without_email_falls_back_to_the_site_sender(world: Any, settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "سامانهٔ روابط <noreply@ravabet.example>"
    world.roads.email = ""
    world.roads.save()
    event = make_event(actor=world.head_roads, organizer=world.roads)
    (vevent,) = _parse(ical.event_calendar([event])).walk("VEVENT")
    assert str(vevent["ORGANIZER"]) == "mailto:noreply@ravabet.example"
    assert vevent["ORGANIZER"].params["CN"] == world.roads.name


def test_unknown_method_is_refused(world: Any) -> None:
    with pytest.raises(ValueError):
        ical.event_calendar([], "PUBLISH-ALL")

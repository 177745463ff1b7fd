"""The events' e-mails through the real services and tasks: the confirmation carries the
invitation (METHOD:REQUEST with the attendee), an update the raised SEQUENCE, a cancellation
METHOD:CANCEL; reminders once per event; overdue resolutions to their owner, weekly."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from ravabet.events import mail, services
from ravabet.events.models import Event, Registration, Resolution
from tests.factories import AgencyFactory, make_attendee, make_event

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
BASE = "http://ravabet.example"


@pytest.fixture(autouse=True)
def _immediate(settings: Any) -> None:
    # Tasks run as they are enqueued (the default backend keeps them in the database).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RAVABET_BASE_URL = BASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _calendar(message: EmailMultiAlternatives) -> icalendar.Calendar:
    """The text/calendar alternative, parsed; the attachment must say the same."""
    parts = [(c, m) for c, m in message.alternatives if str(m).startswith("text/calendar")]
    assert len(parts) == 1, message.alternatives
    content, mimetype = parts[0]
    calendar = icalendar.Calendar.from_ical(content)
    assert isinstance(calendar, icalendar.Calendar)
    assert mimetype == f"text/calendar; method={calendar['METHOD']}"
    (attachment,) = message.attachments
    assert attachment[0] == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment[1]) == calendar
    return calendar


def _register(
    world: Any, capture: Any, event: Event, email: str = "maryam@roads.example", **extra: Any
) -> Registration:
    with capture(execute=True):
        return services.registration_create(
            actor=world.head_roads,
            event=event,
            agency=world.roads,
            data=make_attendee(email=email, **extra),
        )


def _meeting(world: Any, **extra: Any) -> Event:
    extra.setdefault("starts_at", dt.datetime(2031, 5, 20, 10, 0, tzinfo=TEHRAN))
    return make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ شورای اطلاع‌رسانی استان",
        venue="سالن شهید رجایی استانداری",
        **extra,
    )


def test_confirmation_carries_the_invitation_with_the_attendee(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _meeting(world)
    registration = _register(world, django_capture_on_commit_callbacks, event)
    (message,) = mailoutbox
    assert message.to == ["maryam@roads.example"]
    assert message.subject == "تأیید ثبت‌نام: جلسهٔ شورای اطلاع‌رسانی استان"
    assert message.reply_to == [world.directorate.email]
    assert "مریم احمدی" in message.body
    assert "سه‌شنبه ۳۰ اردیبهشت ۱۴۱۰، ساعت ۱۰:۰۰" in message.body  # Jalali, Persian digits
    assert "سالن شهید رجایی استانداری" in message.body
    assert "لغو کند" in message.body  # how to cancel
    assert f"{BASE}/events/{event.pk}/" in message.body
    html = next(c for c, m in message.alternatives if m == "text/html")
    assert 'dir="rtl"' in html
    calendar = _calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event.ical_uid and vevent["SEQUENCE"] == 0
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:maryam@roads.example"
    assert attendee.params["CN"] == registration.name
    assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"
    # As sent: multipart/alternative with the text/calendar part that carries method=REQUEST.
    sent = message_from_bytes(message.message().as_bytes())
    types = [(p.get_content_type(), p.get_param("method")) for p in sent.walk()]
    assert ("text/calendar", "REQUEST") in types
    assert ("multipart/alternative", None) in types


def test_no_email_no_mail(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _register(world, django_capture_on_commit_callbacks, _meeting(world), email="")
    assert mailoutbox == []


def test_event_update_sends_request_with_sequence_one(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _meeting(world)
    _register(world, django_capture_on_commit_callbacks, event)
    _register(
        world, django_capture_on_commit_callbacks, event, email="", phone="09120000001", name="ب"
    )
    _register(
        world,
        django_capture_on_commit_callbacks,
        event,
        email="reza@roads.example",
        phone="09120000002",
        name="رضا کریمی",
    )
    mailoutbox.clear()
    new_start = event.starts_at + dt.timedelta(days=1)
    data = services.EventInput(
        title=event.title,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=2),
        venue=event.venue,
        organizer=world.directorate,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=world.directorate_staff, event=event, data=data)
    assert sorted(m.to[0] for m in mailoutbox) == ["maryam@roads.example", "reza@roads.example"]
    for message in mailoutbox:
        assert message.subject.startswith("تغییر در رویداد")
        assert "چهارشنبه ۳۱ اردیبهشت ۱۴۱۰، ساعت ۱۰:۰۰" in message.body
        calendar = _calendar(message)
        assert calendar["METHOD"] == "REQUEST"
        (vevent,) = calendar.walk("VEVENT")
        assert vevent["SEQUENCE"] == 1
        assert vevent.decoded("DTSTART") == new_start
        assert str(vevent["ATTENDEE"]) == f"mailto:{message.to[0]}"


def test_update_that_changes_nothing_in_calendars_sends_nothing(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _meeting(world, description="شرح نخست")
    _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    data = services.EventInput(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        organizer=world.directorate,
        description="شرح دیگر",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=world.directorate_staff, event=event, data=data)
    assert mailoutbox == []


def test_event_cancellation_sends_method_cancel_with_the_reason(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _meeting(world)
    _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(
            actor=world.directorate_staff, event=event, reason="همزمانی با سفر استاندار"
        )
    (message,) = mailoutbox
    assert message.subject == "لغو رویداد: جلسهٔ شورای اطلاع‌رسانی استان"
    assert "همزمانی با سفر استاندار" in message.body
    calendar = _calendar(message)
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1
    assert str(vevent["ATTENDEE"]) == "mailto:maryam@roads.example"


def test_registration_cancellation_sends_cancel_to_that_attendee(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _meeting(world)
    registration = _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=world.head_roads, registration=registration)
    (message,) = mailoutbox
    assert message.to == ["maryam@roads.example"]
    assert message.subject.startswith("لغو ثبت‌نام")
    calendar = _calendar(message)
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == event.sequence + 1  # above the attendee's copy
    assert str(vevent["ATTENDEE"]) == "mailto:maryam@roads.example"


def test_reminders_go_to_registrants_and_agencies_that_registered_nobody_once(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.RAVABET_EVENT_REMINDER_HOURS = 48
    now = timezone.now()
    starts = now + dt.timedelta(days=5)
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="دورهٔ آموزشی خبرنویسی",
        starts_at=starts,
        registration_deadline=starts - dt.timedelta(hours=2),
    )
    silent = AgencyFactory(slug="silent", name="اداره‌کل بی‌نشانی", email="")
    _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    # Not yet within the window: nothing.
    assert services.event_send_reminders(now=now) == []
    assert mailoutbox == []
    # Within 48 hours of the start.
    at = starts - dt.timedelta(hours=30)
    assert services.event_send_reminders(now=at) == [event.pk]
    by_address = {m.to[0]: m for m in mailoutbox}
    # The registrant; health registered nobody; roads did, the organizer runs it, silent has
    # no address.
    assert set(by_address) == {"maryam@roads.example", world.health.email}
    reminder = by_address["maryam@roads.example"]
    assert reminder.subject == "یادآوری: دورهٔ آموزشی خبرنویسی"
    assert "سالن همایش‌های استانداری" in reminder.body
    nudge = by_address[world.health.email]
    assert "هنوز کسی را ثبت‌نام نکرده‌اید" in nudge.subject
    assert "مهلت ثبت‌نام" in nudge.body and "۱۴" in nudge.body
    assert f"{BASE}/backoffice/events/{event.pk}/" in nudge.body
    assert silent.email == ""
    event.refresh_from_db()
    assert event.reminded_at is not None
    # Once: a second run sends nothing.
    mailoutbox.clear()
    assert services.event_send_reminders(now=at + dt.timedelta(minutes=15)) == []
    assert mailoutbox == []


def test_reminders_do_not_nudge_agencies_after_the_deadline(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    starts = timezone.now() + dt.timedelta(hours=20)
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        starts_at=starts,
        registration_deadline=timezone.now() + dt.timedelta(hours=1),
    )
    _register(world, django_capture_on_commit_callbacks, event)
    Event.objects.filter(pk=event.pk).update(registration_deadline=timezone.now())
    mailoutbox.clear()
    assert services.event_send_reminders() == [event.pk]
    assert [m.to[0] for m in mailoutbox] == ["maryam@roads.example"]


def test_a_failing_mail_server_keeps_the_state_and_the_others(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """Reminders are recorded before the mail; one refused message does not stop the rest."""
    starts = timezone.now() + dt.timedelta(hours=20)
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, starts_at=starts)
    _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    real_send = EmailMultiAlternatives.send

    def flaky(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        if self.to == ["maryam@roads.example"]:
            raise ConnectionRefusedError("smtp down")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    assert services.event_send_reminders() == [event.pk]
    assert [m.to[0] for m in mailoutbox] == [world.health.email]
    event.refresh_from_db()
    assert event.reminded_at is not None


def _resolution(world: Any, *, owner: Any = None, deadline: dt.date) -> Resolution:
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ هماهنگی اطلاع‌رسانی طرح ترافیک",
        starts_at=timezone.now() - dt.timedelta(days=60),
    )
    return services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="تهیهٔ بستهٔ خبری طرح ترافیک برای رسانه‌ها",
            responsible=world.roads,
            deadline=deadline,
            owner=owner,
        ),
    )


def test_overdue_resolution_mails_its_owner_once_then_after_a_week(
    world: Any, mailoutbox: list[Any]
) -> None:
    deadline = dt.date(2030, 3, 1)
    resolution = _resolution(world, owner=world.officer_roads, deadline=deadline)
    done = _resolution(world, owner=world.officer_roads, deadline=deadline)
    services.resolution_report(
        actor=world.officer_roads,
        resolution=done,
        report=services.ResolutionReport(status="done", evidence="بسته فرستاده شد"),
    )
    on = deadline + dt.timedelta(days=3)
    assert services.resolutions_notify_overdue(on=on) == [resolution.pk]
    (message,) = mailoutbox
    assert message.to == [world.officer_roads.email]
    assert "تهیهٔ بستهٔ خبری طرح ترافیک برای رسانه‌ها" in message.body
    assert "جلسهٔ هماهنگی اطلاع‌رسانی طرح ترافیک" in message.body
    assert "جمعه ۱۱ اسفند ۱۴۰۸" in message.body  # the deadline, Jalali
    assert "۳ روز گذشته" in message.body
    assert f"{BASE}/backoffice/events/resolutions/{resolution.pk}/" in message.body
    assert message.subject.startswith("مصوبهٔ معوق (۳ روز)")
    # Not again within the week; again on the seventh day.
    assert services.resolutions_notify_overdue(on=on + dt.timedelta(days=1)) == []
    assert services.resolutions_notify_overdue(on=on + dt.timedelta(days=6)) == []
    assert len(mailoutbox) == 1
    assert services.resolutions_notify_overdue(on=on + dt.timedelta(days=7)) == [resolution.pk]
    assert len(mailoutbox) == 2
    assert "۱۰ روز گذشته" in mailoutbox[1].body


def test_overdue_without_owner_or_owner_address_goes_to_the_agency(
    world: Any, mailoutbox: list[Any]
) -> None:
    deadline = dt.date(2030, 3, 1)
    without = _resolution(world, deadline=deadline)
    world.head_roads.email = ""
    world.head_roads.save()
    no_address = _resolution(world, owner=world.head_roads, deadline=deadline)
    told = services.resolutions_notify_overdue(on=deadline + dt.timedelta(days=1))
    assert sorted(told) == sorted([without.pk, no_address.pk])
    assert [m.to for m in mailoutbox] == [[world.roads.email], [world.roads.email]]
    assert all(m.body.startswith(f"روابط عمومی {world.roads.name}") for m in mailoutbox)


def test_overdue_with_nobody_to_write_to_sends_nothing(world: Any, mailoutbox: list[Any]) -> None:
    world.roads.email = ""
    world.roads.save()
    resolution = _resolution(world, deadline=dt.date(2030, 3, 1))
    resolution.refresh_from_db()
    assert mail.send_overdue(resolution) is False
    assert mailoutbox == []


def test_confirmation_for_a_cancelled_registration_is_not_sent(
    world: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """The task runs late: the person was cancelled in between."""
    event = _meeting(world)
    registration = _register(world, django_capture_on_commit_callbacks, event)
    mailoutbox.clear()
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")
    registration.refresh_from_db()
    assert mail.send_confirmation(registration) is False
    assert mailoutbox == []

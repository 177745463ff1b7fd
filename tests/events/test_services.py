"""Events' services: every action, every refusal with its Persian message, nothing half-saved,
the audit trail, and the role × action matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.audit import entries_for
from ravabet.core.models import AuditEntry
from ravabet.core.organisation.models import Agency
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.events import selectors, services
from ravabet.events.models import Event, Registration, Resolution
from tests.factories import AgencyFactory, make_attendee, make_event

pytestmark = pytest.mark.django_db

TEHRAN_MEETING = jalali.make_aware_local(dt.datetime(2025, 5, 20, 10, 0))  # noqa: DTZ001 (wall clock)


def _event(world: Any, **extra: Any) -> Event:
    return make_event(actor=world.directorate_staff, organizer=world.directorate, **extra)


# --- creating and changing events -------------------------------------------------------


def test_directorate_creates_the_seed_meeting_stored_in_utc(world: Any) -> None:
    event = _event(
        world,
        title="نخستین نشست ۱۴۰۴ مدیران روابط عمومی",
        starts_at=TEHRAN_MEETING,
        ends_at=TEHRAN_MEETING + dt.timedelta(hours=2),
    )
    event.refresh_from_db()
    assert event.starts_at == dt.datetime(2025, 5, 20, 6, 30, tzinfo=dt.UTC)
    assert jalali.format_datetime(event.starts_at) == "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰"
    entry = entries_for(event).get()
    assert entry.action == "event.create"
    assert entry.actor == world.directorate_staff


def test_naive_wall_clock_times_are_tehran(world: Any) -> None:
    event = _event(
        world,
        starts_at=dt.datetime(2025, 5, 20, 10, 0),  # noqa: DTZ001 (Tehran wall clock)
        ends_at=dt.datetime(2025, 5, 20, 12, 0),  # noqa: DTZ001 (Tehran wall clock)
    )
    assert event.starts_at == TEHRAN_MEETING


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"ends_at": TEHRAN_MEETING - dt.timedelta(minutes=1)}, "ends_at", "پس از آغاز"),
        ({"ends_at": TEHRAN_MEETING}, "ends_at", "پس از آغاز"),
        ({"ends_at": TEHRAN_MEETING + dt.timedelta(days=40)}, "ends_at", "یک ماه"),
        ({"title": "   "}, "title", "را بنویسید"),
        ({"title": "ن" * 301}, "title", "۳۰۱ نویسه"),
        ({"venue": "سالن\x00"}, "venue", "نویسهٔ نامعتبر"),
        ({"capacity": 0}, "capacity", "دست‌کم ۱"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "http"),
        ({"invite_mode": "list"}, "invited", "دست‌کم یک دستگاه"),
        ({"invite_mode": "kind", "invite_kind": ""}, "invite_kind", "گروه"),
        (
            {"registration_deadline": TEHRAN_MEETING + dt.timedelta(hours=1)},
            "registration_deadline",
            "پیش از آغاز",
        ),
        ({"kind": "party"}, "kind", "شناخته نیست"),
        (
            {"starts_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)},
            "starts_at",
            "میان سال‌های",
        ),
    ],
)
def test_bad_event_input_is_refused_by_field_and_nothing_is_saved(
    world: Any, extra: dict[str, Any], field: str, message: str
) -> None:
    extra.setdefault("starts_at", TEHRAN_MEETING)
    extra.setdefault("ends_at", TEHRAN_MEETING + dt.timedelta(hours=2))
    with pytest.raises(ValidationError) as caught:
        _event(world, **extra)
    assert any(message in text for text in caught.value.message_dict[field])
    assert not Event.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="event.").exists()


def test_a_time_skipped_by_daylight_saving_is_refused(world: Any) -> None:
    # Tehran's clocks went from 00:00 to 01:00 on 1 Farvardin 1400 (2021-03-22).
    with pytest.raises(ValidationError) as caught:
        _event(
            world,
            starts_at=dt.datetime(2021, 3, 22, 0, 30),  # noqa: DTZ001 (Tehran wall clock)
            ends_at=dt.datetime(2021, 3, 22, 2, 0),  # noqa: DTZ001 (Tehran wall clock)
        )
    assert "تغییر ساعت" in caught.value.message_dict["starts_at"][0]


def test_an_officer_organizes_for_own_agency_only(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    assert event.organizer == world.roads
    with pytest.raises(AgencyPermissionDenied):
        make_event(actor=world.officer_roads, organizer=world.health)
    with pytest.raises(AgencyPermissionDenied):
        make_event(actor=world.outsider, organizer=world.roads)
    assert Event.objects.count() == 1


def _input_from(event: Event, **changes: Any) -> services.EventInput:
    values = {
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "organizer": event.organizer,
        "kind": event.kind,
        "capacity": event.capacity,
        "is_public": event.is_public,
    }
    values.update(changes)
    return services.EventInput(**values)


def test_moving_an_event_raises_its_calendar_sequence_and_sends_the_update(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = _event(world)
    with django_capture_on_commit_callbacks() as callbacks:
        services.event_update(
            actor=world.directorate_staff,
            event=event,
            data=_input_from(event, starts_at=event.starts_at + dt.timedelta(hours=1)),
        )
    event.refresh_from_db()
    assert event.sequence == 1
    assert len(callbacks) == 2  # the page cache and the calendar update to attendees
    # A change attendees' calendars do not hold (the description) keeps the sequence.
    services.event_update(
        actor=world.directorate_staff,
        event=event,
        data=_input_from(event, description="شرح تازه"),
    )
    event.refresh_from_db()
    assert event.sequence == 1
    assert event.description == "شرح تازه"


def test_cancel_needs_a_reason_and_then_refuses_registration(world: Any) -> None:
    event = _event(world)
    with pytest.raises(ValidationError):
        services.event_cancel(actor=world.directorate_staff, event=event, reason="  ")
    services.event_cancel(
        actor=world.directorate_staff, event=event, reason="هم‌زمانی با سفر استاندار"
    )
    event.refresh_from_db()
    assert event.is_cancelled
    assert event.sequence == 1
    with pytest.raises(services.EventError, match="لغو شده"):
        services.registration_create(
            actor=world.officer_roads, event=event, agency=world.roads, data=make_attendee()
        )
    with pytest.raises(services.EventError, match="لغو شده"):
        services.event_cancel(actor=world.directorate_staff, event=event, reason="دوباره")


# --- registration ------------------------------------------------------------------------


def _register(world: Any, event: Event, *, actor: Any = None, agency: Any = None, **person: Any):
    return services.registration_create(
        actor=actor or world.officer_roads,
        event=event,
        agency=agency or world.roads,
        data=make_attendee(**person),
    )


def test_an_invited_agency_registers_attendees_with_normalized_phones(world: Any) -> None:
    event = _event(world)
    first = _register(world, event, name="علی  رضايي", phone="۰۹۱۲ ۱۲۳ ۴۵۶۷")
    second = _register(world, event, name="زهرا کریمی", phone="+98 935-111-2233")
    assert first.phone == "09121234567"
    assert first.name == "علی رضایی"  # normalized: Arabic yeh, double space
    assert second.phone == "09351112233"
    assert services.seats_taken(event) == 2
    assert AuditEntry.objects.filter(action="registration.create").count() == 2


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "۰۹۱۲۱۲۳۴۵۶۷۸۹"}, "phone"),
        ({"name": ""}, "name"),
        ({"name": "ن" * 201}, "name"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_attendee_input_is_refused_by_field(
    world: Any, person: dict[str, str], field: str
) -> None:
    event = _event(world)
    with pytest.raises(ValidationError) as caught:
        _register(world, event, **person)
    assert field in caught.value.message_dict
    assert not Registration.objects.exists()


def test_the_same_person_twice_is_refused(world: Any) -> None:
    event = _event(world)
    _register(world, event, phone="09121234567")
    with pytest.raises(services.EventError, match="پیش‌تر در این رویداد ثبت‌نام"):
        _register(world, event, name="کس دیگر", phone="۰۹۱۲۱۲۳۴۵۶۷")
    assert Registration.objects.count() == 1


def test_a_cancelled_registration_frees_the_seat_and_may_be_renewed(world: Any) -> None:
    event = _event(world, capacity=1)
    registration = _register(world, event)
    with pytest.raises(services.EventError, match="ظرفیت"):
        _register(world, event, phone="09350000000")
    services.registration_cancel(actor=world.officer_roads, registration=registration)
    again = _register(world, event)
    assert again.pk != registration.pk
    assert services.seats_taken(event) == 1
    with pytest.raises(services.EventError, match="پیش‌تر لغو"):
        services.registration_cancel(actor=world.officer_roads, registration=registration)


def test_registration_after_the_deadline_is_refused(world: Any) -> None:
    event = _event(world, registration_deadline=timezone.now() + dt.timedelta(days=1))
    Event.objects.filter(pk=event.pk).update(
        registration_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(services.EventError, match="مهلت ثبت‌نام"):
        _register(world, event)
    assert not Registration.objects.exists()


def test_registration_for_an_agency_not_invited_is_refused(world: Any) -> None:
    event = _event(world, invite_mode="list", invited=[world.roads])
    with pytest.raises(services.EventError, match="دعوت نشده"):
        _register(world, event, actor=world.officer_health, agency=world.health)
    # The directorate cannot register an uninvited agency either.
    with pytest.raises(services.EventError, match="دعوت نشده"):
        _register(world, event, actor=world.directorate_staff, agency=world.health)
    assert _register(world, event).agency == world.roads
    assert Registration.objects.count() == 1


def test_a_group_invitation_is_by_kind_of_agency(world: Any) -> None:
    event = _event(world, invite_mode="kind", invite_kind=Agency.Kind.UNIVERSITY)
    assert event.invites(world.health)
    assert not event.invites(world.roads)
    assert event.invites(world.directorate)  # the organizer
    assert set(event.invited_agencies()) == {world.health, world.directorate}
    _register(world, event, actor=world.officer_health, agency=world.health)
    with pytest.raises(services.EventError, match="دعوت نشده"):
        _register(world, event)


def test_an_officer_registers_for_own_agency_only(world: Any) -> None:
    event = _event(world)
    with pytest.raises(AgencyPermissionDenied):
        _register(world, event, actor=world.officer_health, agency=world.roads)
    with pytest.raises(AgencyPermissionDenied):
        _register(world, event, actor=world.outsider, agency=world.roads)
    assert not Registration.objects.exists()


def test_check_in_by_the_organizer_only(world: Any) -> None:
    event = _event(world)
    registration = _register(world, event)
    with pytest.raises(AgencyPermissionDenied):
        services.registration_check_in(actor=world.officer_roads, registration=registration)
    services.registration_check_in(actor=world.directorate_staff, registration=registration)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    services.registration_check_in(
        actor=world.directorate_staff, registration=registration, attended=False
    )
    registration.refresh_from_db()
    assert registration.attended_at is None


def test_registrations_an_invited_agency_sees_are_its_own(world: Any) -> None:
    event = _event(world)
    _register(world, event, name="کارمند راه")
    _register(world, event, actor=world.officer_health, agency=world.health, phone="09350000001")
    mine = selectors.registrations_for(world.officer_roads, event)
    assert [r.agency for r in mine] == [world.roads]
    assert selectors.registrations_for(world.directorate_staff, event).count() == 2


def test_internal_events_are_seen_by_invited_agencies_only(world: Any) -> None:
    internal = _event(world, is_public=False, invite_mode="list", invited=[world.roads])
    assert selectors.event_get_for(world.officer_roads, pk=internal.pk) == internal
    with pytest.raises(Event.DoesNotExist):
        selectors.event_get_for(world.officer_health, pk=internal.pk)
    with pytest.raises(Event.DoesNotExist):
        selectors.event_get_public(pk=internal.pk)
    assert internal not in selectors.event_list_for(world.officer_health)
    assert internal in selectors.event_list_for(world.directorate_staff)


# --- agenda, minutes -----------------------------------------------------------------------


def test_agenda_items_are_numbered_in_order(world: Any) -> None:
    event = _event(world)
    for title in ("گزارش عملکرد", "برنامهٔ سال"):
        services.agenda_item_add(
            actor=world.directorate_staff, event=event, title=title, speaker="مدیرکل"
        )
    assert [i.title for i in event.agenda.all()] == ["گزارش عملکرد", "برنامهٔ سال"]
    assert [i.position for i in event.agenda.all()] == [1, 2]
    with pytest.raises(AgencyPermissionDenied):
        services.agenda_item_add(actor=world.officer_roads, event=event, title="بند دیگر")


def test_minutes_are_sanitized_rich_text(world: Any) -> None:
    event = _event(world)
    services.event_save_minutes(
        actor=world.directorate_staff,
        event=event,
        minutes='<p onclick="x()">در اين جلسه</p><script>alert(1)</script>',
    )
    event.refresh_from_db()
    assert "<script" not in event.minutes and "onclick" not in event.minutes
    assert "در این جلسه" in event.minutes  # normalized (Arabic yeh)
    with pytest.raises(AgencyPermissionDenied):
        services.event_save_minutes(actor=world.officer_roads, event=event, minutes="متن")


# --- resolutions -----------------------------------------------------------------------------


def _resolution(world: Any, event: Event, **extra: Any) -> Resolution:
    values = {
        "text": "تهیهٔ گزارش ماهانهٔ عملکرد روابط عمومی",
        "responsible": world.roads,
        "deadline": services.today() + dt.timedelta(days=10),
        "owner": world.officer_roads,
    }
    values.update(extra)
    return services.resolution_create(
        actor=world.directorate_staff, event=event, data=services.ResolutionInput(**values)
    )


def _report(actor: Any, resolution: Resolution, **report: Any) -> Resolution:
    return services.resolution_report(
        actor=actor, resolution=resolution, report=services.ResolutionReport(**report)
    )


def test_a_resolution_goes_to_done_with_evidence_and_its_history_is_audited(world: Any) -> None:
    event = _event(world)
    resolution = _resolution(world, event)
    assert resolution.number == 1
    _report(world.officer_roads, resolution, status="in_progress", progress=40)
    with pytest.raises(ValidationError) as caught:
        _report(world.officer_roads, resolution, status="done")
    assert "مستندات" in caught.value.message_dict["evidence"][0]
    done = _report(
        world.officer_roads, resolution, status="done", evidence="گزارش در سامانه بارگذاری شد."
    )
    assert done.status == "done" and done.progress == 100
    history = list(entries_for(resolution).order_by("created_at", "pk"))
    assert [(e.action, e.from_state, e.to_state) for e in history] == [
        ("resolution.create", "", "open"),
        ("resolution.report", "open", "in_progress"),
        ("resolution.report", "in_progress", "done"),
    ]
    assert history[1].data["progress"] == 40
    # Done is done for the agency; the organizer may reopen.
    with pytest.raises(services.EventError, match="بازگشایی"):
        _report(world.officer_roads, resolution, status="in_progress", progress=50)
    _report(world.directorate_staff, resolution, status="in_progress", progress=90)


def test_an_officer_reports_only_own_agencys_resolutions(world: Any) -> None:
    event = _event(world)
    resolution = _resolution(world, event)
    with pytest.raises(AgencyPermissionDenied):
        _report(world.officer_health, resolution, status="in_progress", progress=10)
    resolution.refresh_from_db()
    assert resolution.status == "open" and resolution.progress == 0
    assert not entries_for(resolution).filter(action="resolution.report").exists()


def test_only_the_organizer_cancels_a_resolution_and_with_a_reason(world: Any) -> None:
    event = _event(world)
    resolution = _resolution(world, event)
    with pytest.raises(services.EventError, match="برگزارکننده"):
        _report(world.officer_roads, resolution, status="cancelled", reason="نیازی نیست")
    with pytest.raises(ValidationError):
        _report(world.directorate_staff, resolution, status="cancelled")
    cancelled = _report(
        world.directorate_staff, resolution, status="cancelled", reason="با مصوبهٔ ۳ ادغام شد"
    )
    assert cancelled.cancel_reason == "با مصوبهٔ ۳ ادغام شد"


@pytest.mark.parametrize("progress", [-1, 101, None])
def test_progress_is_a_percentage(world: Any, progress: int | None) -> None:
    resolution = _resolution(world, _event(world))
    with pytest.raises(ValidationError):
        _report(world.officer_roads, resolution, status="in_progress", progress=progress)


def test_the_owner_must_work_for_the_responsible_agency(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _resolution(world, _event(world), owner=world.officer_health)
    assert "owner" in caught.value.message_dict
    assert not Resolution.objects.exists()


def test_overdue_resolutions_are_flagged_and_listed(world: Any) -> None:
    event = _event(world)
    late = _resolution(world, event, deadline=services.today() - dt.timedelta(days=3))
    on_time = _resolution(world, event)
    done_late = _resolution(world, event, deadline=services.today() - dt.timedelta(days=3))
    _report(world.officer_roads, done_late, status="done", evidence="انجام شد")
    assert late.is_overdue() and not on_time.is_overdue()
    done_late.refresh_from_db()
    assert not done_late.is_overdue()
    assert list(selectors.resolution_list_for(world.directorate_staff, overdue=True)) == [late]
    assert list(selectors.resolution_list_for(world.officer_health)) == []
    counts = selectors.resolution_counts(world.officer_roads)
    assert counts["overdue"] == 1 and counts["open"] == 2 and counts["done"] == 1


# --- the role × action matrix ------------------------------------------------------------------

ROLES = ["officer_roads", "head_roads", "officer_health", "directorate_staff", "admin", "outsider"]
# An event organized by roads, inviting every agency; a resolution for roads.
ALLOWED = {
    "edit_event": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "cancel_event": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "register_roads": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "check_in": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "minutes": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "add_resolution": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "report_resolution": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "report_health_resolution": {"officer_health", "officer_roads", "head_roads"}
    | {"directorate_staff", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_role_action_matrix(world: Any, role: str, action: str) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    registration = _register(world, event, phone="09129999999")
    roads_resolution = services.resolution_create(
        actor=world.officer_roads,
        event=event,
        data=services.ResolutionInput(
            text="مصوبهٔ راه", responsible=world.roads, deadline=services.today()
        ),
    )
    health_resolution = services.resolution_create(
        actor=world.officer_roads,
        event=event,
        data=services.ResolutionInput(
            text="مصوبهٔ سلامت", responsible=world.health, deadline=services.today()
        ),
    )
    actor = getattr(world, role)
    steps = {
        "edit_event": lambda: services.event_update(
            actor=actor, event=event, data=_input_from(event, description="تازه")
        ),
        "cancel_event": lambda: services.event_cancel(actor=actor, event=event, reason="دلیل"),
        "register_roads": lambda: _register(world, event, actor=actor, phone="09120000000"),
        "check_in": lambda: services.registration_check_in(actor=actor, registration=registration),
        "minutes": lambda: services.event_save_minutes(actor=actor, event=event, minutes="متن"),
        "add_resolution": lambda: services.resolution_create(
            actor=actor,
            event=event,
            data=services.ResolutionInput(
                text="مصوبهٔ تازه", responsible=world.roads, deadline=services.today()
            ),
        ),
        "report_resolution": lambda: _report(
            actor, roads_resolution, status="in_progress", progress=10
        ),
        "report_health_resolution": lambda: _report(
            actor, health_resolution, status="in_progress", progress=10
        ),
    }
    before = AuditEntry.objects.count()
    if role in ALLOWED[action]:
        steps[action]()
        assert AuditEntry.objects.count() > before
    else:
        with pytest.raises(AgencyPermissionDenied):
            steps[action]()
        assert AuditEntry.objects.count() == before
        event.refresh_from_db()
        assert event.status == "scheduled" and event.description == ""


def test_a_third_agency_has_no_part_in_roads_resolutions(world: Any) -> None:
    other = AgencyFactory()
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(agency=other).user
    event = _event(world)
    resolution = _resolution(world, event)
    with pytest.raises(AgencyPermissionDenied):
        _report(stranger, resolution, status="in_progress", progress=5)
    with pytest.raises(Resolution.DoesNotExist):
        selectors.resolution_get_for(stranger, pk=resolution.pk)

"""Events in the API: public reads; registrations through the same service, with a real token,
the same refusals in Persian, and 4xx (never 500) on hostile input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.api import parsing
from ravabet.core.organisation.models import Membership
from ravabet.core.tokens.auth import READ_ONLY_REFUSAL
from ravabet.core.tokens.services import token_create
from ravabet.events import services
from ravabet.events.models import Event, Registration
from tests.factories import AgencyFactory, MembershipFactory, make_attendee, make_event

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _auth(user: Any, *, read_only: bool = False) -> dict[str, str]:
    key = token_create(actor=user, name="آزمون", read_only=read_only)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _register(event: Event, user: Any, body: Any, **extra: Any) -> Any:
    headers = extra.pop("headers", None) or _auth(user)
    return Client().post(
        f"/api/v1/events/{event.pk}/registrations", body, content_type=JSON, **headers
    )


def _body(**extra: Any) -> dict[str, Any]:
    values = {"name": "مریم احمدی", "role": "کارشناس روابط عمومی", "phone": "۰۹۱۲۱۲۳۴۵۶۷"}
    values.update(extra)
    return values


# --- public reads ------------------------------------------------------------------------


def test_public_list_shows_public_events_upcoming_or_past(world: Any) -> None:
    now = timezone.now()
    upcoming = make_event(actor=world.directorate_staff, organizer=world.directorate)
    make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ داخلی شبکه",
        is_public=False,
    )
    past = make_event(
        actor=world.officer_roads,
        organizer=world.roads,
        title="نشست خبری مدیرکل راه و شهرسازی",
        kind=Event.Kind.PRESS_CONFERENCE,
        starts_at=now - dt.timedelta(days=3),
    )
    data = Client().get("/api/v1/events").json()
    assert [e["id"] for e in data["items"]] == [upcoming.pk]
    assert data["count"] == 1
    past_data = Client().get("/api/v1/events", {"when": "past"}).json()
    assert [e["id"] for e in past_data["items"]] == [past.pk]
    assert past_data["items"][0]["kind_label"] == "نشست خبری"
    assert past_data["items"][0]["registration_open"] is False
    # The address with a trailing slash answers the same.
    assert Client().get("/api/v1/events/").json()["count"] == 1
    refused = Client().get("/api/v1/events", {"when": "tomorrow"})
    assert refused.status_code == 400 and "upcoming" in refused.json()["detail"]


def test_public_list_pages_with_limit_and_offset(world: Any) -> None:
    start = timezone.now() + dt.timedelta(days=2)
    for i in range(5):
        make_event(
            actor=world.directorate_staff,
            organizer=world.directorate,
            title=f"دورهٔ آموزشی {i}",
            starts_at=start + dt.timedelta(days=i),
        )
    data = Client().get("/api/v1/events", {"limit": "۲", "offset": "1"}).json()
    assert data["count"] == 5
    assert [e["title"] for e in data["items"]] == ["دورهٔ آموزشی ۱", "دورهٔ آموزشی ۲"]
    assert Client().get("/api/v1/events", {"limit": "9" * 5000}).status_code == 200


def test_public_detail_has_the_fields_and_agenda(world: Any, settings: Any) -> None:
    settings.RAVABET_BASE_URL = "https://ravabet.example"
    starts = dt.datetime(2040, 5, 20, 6, 30, tzinfo=dt.UTC)  # 10:00 Tehran
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        starts_at=starts,
        capacity=40,
        registration_deadline=starts - dt.timedelta(days=1),
        address="تهران، خیابان پاستور",
    )
    services.agenda_item_add(
        actor=world.directorate_staff,
        event=event,
        title="گزارش برنامه‌های سال",
        speaker="مدیرکل روابط عمومی",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
    )
    services.registration_create(
        actor=world.officer_roads, event=event, agency=world.roads, data=make_attendee()
    )
    data = Client().get(f"/api/v1/events/{event.pk}").json()
    assert data["title"] == "نشست هم‌اندیشی روابط عمومی‌ها"
    assert data["organizer"] == {
        "slug": "pr-directorate",
        "name": "اداره‌کل روابط عمومی و امور بین‌الملل استانداری تهران",
    }
    assert data["starts_at"] == "2040-05-20T10:00:00+03:30"
    assert data["ends_at"] == "2040-05-20T12:00:00+03:30"
    assert data["starts_at_jalali"] == "یک‌شنبه ۳۱ اردیبهشت ۱۴۱۹، ساعت ۱۰:۰۰"
    assert (data["kind"], data["kind_label"]) == ("network_meeting", "جلسهٔ شبکهٔ روابط عمومی")
    assert (data["capacity"], data["registered"], data["registration_open"]) == (40, 1, True)
    assert data["registration_deadline"] == "2040-05-19T10:00:00+03:30"
    assert data["url"] == f"https://ravabet.example/events/{event.pk}/"
    assert data["ics_url"] == f"https://ravabet.example/events/{event.pk}.ics"
    assert data["agenda"] == [
        {
            "position": 1,
            "title": "گزارش برنامه‌های سال",
            "speaker": "مدیرکل روابط عمومی",
            "starts_at": "2040-05-20T10:00:00+03:30",
            "ends_at": "2040-05-20T10:30:00+03:30",
        }
    ]
    assert "phone" not in str(data) and "09121234567" not in str(data)


@pytest.mark.parametrize("path", ["999999", "0", "-1", "9" * 30, "abc", "۱"])
def test_missing_event_is_404_or_422_never_500(world: Any, path: str) -> None:
    response = Client().get(f"/api/v1/events/{path}")
    assert response.status_code in {404, 422}
    if response.status_code == 404:
        assert response.json()["detail"] == "رویدادی با این شناسه نیست."


def test_internal_event_is_404_in_public(world: Any) -> None:
    internal = make_event(
        actor=world.directorate_staff, organizer=world.directorate, is_public=False
    )
    response = Client().get(f"/api/v1/events/{internal.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "رویدادی با این شناسه نیست."


# --- registration ------------------------------------------------------------------------


def test_register_with_a_token(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=10)
    response = _register(event, world.officer_roads, _body(email="m.ahmadi@roads.example"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["agency"] == {"slug": "roads", "name": world.roads.name}
    assert (data["name"], data["phone"], data["status"]) == (
        "مریم احمدی",
        "09121234567",
        "registered",
    )
    assert data["attended"] is False
    registration = Registration.objects.get()
    assert registration.registered_by == world.officer_roads
    assert Client().get(f"/api/v1/events/{event.pk}").json()["registered"] == 1


def test_the_directorate_names_the_agency_it_registers_for(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    unnamed = _register(event, world.directorate_staff, _body())
    assert unnamed.status_code == 422
    assert "agency" in unnamed.json()["errors"]
    assert not Registration.objects.exists()
    named = _register(event, world.directorate_staff, _body(agency="tums"))
    assert named.status_code == 201
    assert named.json()["agency"]["slug"] == "tums"


def test_an_unknown_agency_is_a_field_error(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, _body(agency="no-such-agency"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"agency": ["دستگاهی با این شناسه نیست."]}


def test_another_agencys_slug_is_403(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, _body(agency="tums"))
    assert response.status_code == 403
    assert response.json()["detail"] == "شما برای این دستگاه ثبت‌نام نمی‌کنید."
    assert not Registration.objects.exists()


def test_someone_who_acts_for_no_agency_is_403(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.outsider, _body())
    assert response.status_code == 403
    assert not Registration.objects.exists()


def _past_deadline(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    Event.objects.filter(pk=event.pk).update(
        registration_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    return event


def _full(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=1)
    services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="سارا موسوی", phone="09351112233"),
    )
    return event


def _same_phone(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="مریم احمدی", phone="+98 912 123 4567"),
    )
    return event


def _not_invited(world: Any) -> Event:
    return make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        invite_mode=Event.Invite.LIST,
        invited=[world.health],
    )


def _cancelled(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    return services.event_cancel(
        actor=world.directorate_staff, event=event, reason="هم‌زمانی با جلسهٔ شورای اداری"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_past_deadline, "مهلت ثبت‌نام در این رویداد"),
        (_full, "ظرفیت این رویداد (۱ نفر) پر شده است."),
        (_same_phone, "شخصی با شمارهٔ ۰۹۱۲۱۲۳۴۵۶۷ پیش‌تر در این رویداد ثبت‌نام شده است."),
        (_not_invited, "«راه و شهرسازی» به این رویداد دعوت نشده است."),
        (_cancelled, "این رویداد لغو شده است."),
    ],
    ids=["deadline", "full", "same-phone", "not-invited", "cancelled"],
)
def test_refusals_of_the_event_are_409_in_persian_and_create_nothing(
    world: Any, make: Any, message: str
) -> None:
    event = make(world)
    before = Registration.objects.count()
    response = _register(event, world.officer_roads, _body())
    assert response.status_code == 409, response.content
    assert message in response.json()["detail"]
    assert Registration.objects.count() == before
    assert not Registration.objects.filter(agency=world.roads).exists()


def test_an_internal_event_of_others_is_404(world: Any) -> None:
    internal = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        is_public=False,
        invite_mode=Event.Invite.LIST,
        invited=[world.health],
    )
    for user in (world.officer_roads, world.outsider):
        response = _register(internal, user, _body())
        assert response.status_code == 404
        assert response.json()["detail"] == "رویدادی با این شناسه نیست."
        listed = Client().get(f"/api/v1/events/{internal.pk}/registrations", **_auth(user))
        assert listed.status_code == 404
    assert _register(internal, world.officer_health, _body()).status_code == 201


def test_an_internal_event_for_all_is_not_a_citizens(world: Any) -> None:
    internal = make_event(
        actor=world.directorate_staff, organizer=world.directorate, is_public=False
    )
    listed = Client().get(f"/api/v1/events/{internal.pk}/registrations", **_auth(world.outsider))
    assert listed.status_code == 404
    assert _register(internal, world.officer_roads, _body()).status_code == 201


def test_writes_need_a_token(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = Client().post(f"/api/v1/events/{event.pk}/registrations", _body(), content_type=JSON)
    assert response.status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer rvb_not-a-key"}
    assert _register(event, world.officer_roads, _body(), headers=bad).status_code == 401
    assert Client().get(f"/api/v1/events/{event.pk}/registrations").status_code == 401
    assert not Registration.objects.exists()


def test_a_read_only_token_reads_but_never_registers_or_cancels(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    registration = services.registration_create(
        actor=world.officer_roads, event=event, agency=world.roads, data=make_attendee()
    )
    read_only = _auth(world.officer_roads, read_only=True)
    refused = _register(event, world.officer_roads, _body(phone="09120000000"), headers=read_only)
    assert refused.status_code == 403
    assert refused.json()["detail"] == READ_ONLY_REFUSAL
    cancel = Client().delete(
        f"/api/v1/events/{event.pk}/registrations/{registration.pk}", **read_only
    )
    assert cancel.status_code == 403
    assert Registration.objects.filter(status="registered").count() == 1
    listed = Client().get(f"/api/v1/events/{event.pk}/registrations", **read_only)
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_each_agency_sees_its_own_registrations_and_the_organizer_all(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    roads = services.registration_create(
        actor=world.officer_roads, event=event, agency=world.roads, data=make_attendee()
    )
    health = services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="سارا موسوی", phone="09351112233"),
    )

    def listed(user: Any) -> set[int]:
        response = Client().get(f"/api/v1/events/{event.pk}/registrations", **_auth(user))
        assert response.status_code == 200
        return {r["id"] for r in response.json()["items"]}

    assert listed(world.officer_roads) == {roads.pk}
    assert listed(world.head_roads) == {roads.pk}
    assert listed(world.officer_health) == {health.pk}
    assert listed(world.directorate_staff) == {roads.pk, health.pk}
    assert listed(world.admin) == {roads.pk, health.pk}
    assert listed(world.outsider) == set()
    # Another agency's registration cannot be cancelled, nor shown to exist.
    response = Client().delete(
        f"/api/v1/events/{event.pk}/registrations/{health.pk}", **_auth(world.officer_roads)
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "ثبت‌نامی با این شناسه در این رویداد نیست."
    health.refresh_from_db()
    assert health.is_active


def test_the_organizer_of_an_agency_sees_every_registration(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="سارا موسوی", phone="09351112233"),
    )
    response = Client().get(
        f"/api/v1/events/{event.pk}/registrations", **_auth(world.officer_roads)
    )
    assert [r["agency"]["slug"] for r in response.json()["items"]] == ["tums"]


def test_cancel_a_registration(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=1)
    created = _register(event, world.officer_roads, _body()).json()
    url = f"/api/v1/events/{event.pk}/registrations/{created['id']}"
    response = Client().delete(url, **_auth(world.officer_roads))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancelled_at"] is not None
    again = Client().delete(url, **_auth(world.officer_roads))
    assert again.status_code == 409
    assert again.json()["detail"] == "این ثبت‌نام پیش‌تر لغو شده است."
    # The seat is free again, and the same person may register anew.
    assert _register(event, world.officer_roads, _body()).status_code == 201


def test_a_registration_of_another_event_is_404(world: Any) -> None:
    first = make_event(actor=world.directorate_staff, organizer=world.directorate)
    second = make_event(actor=world.directorate_staff, organizer=world.directorate, title="دوم")
    registration = services.registration_create(
        actor=world.officer_roads, event=first, agency=world.roads, data=make_attendee()
    )
    for rid in (str(registration.pk), "9" * 25):
        response = Client().delete(
            f"/api/v1/events/{second.pk}/registrations/{rid}", **_auth(world.officer_roads)
        )
        assert response.status_code == 404
    assert Registration.objects.get().is_active


def test_a_past_event_cannot_be_cancelled_from(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    registration = services.registration_create(
        actor=world.officer_roads, event=event, agency=world.roads, data=make_attendee()
    )
    past = timezone.now() - dt.timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=past - dt.timedelta(hours=2), ends_at=past)
    response = Client().delete(
        f"/api/v1/events/{event.pk}/registrations/{registration.pk}",
        **_auth(world.officer_roads),
    )
    assert response.status_code == 409
    assert "برگزار شده" in response.json()["detail"]


def test_a_person_of_two_agencies_names_one(world: Any) -> None:
    water = AgencyFactory(slug="water", name="شرکت آب و فاضلاب استان تهران")
    MembershipFactory(user=world.officer_roads, agency=water, role=Membership.Role.OFFICER)
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, _body())
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["agency"]
    assert _register(event, world.officer_roads, _body(agency="water")).status_code == 201


# --- hostile input: the service's Persian answers, never a 500 ---------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "م" * 100_000),
        ("name", "مریم\x00احمدی"),
        ("name", "   "),
        ("role", "س" * 201),
        ("phone", "تلفن ندارم"),
        ("phone", "0912"),
        ("phone", "۰" * 5_000),
        ("email", "not-an-email"),
        ("email", "a@" + "b" * 300 + ".example"),
        ("agency", "x" * 10_000),
    ],
)
def test_bad_fields_are_422_with_errors_by_field(world: Any, field: str, value: str) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, _body(**{field: value}))
    assert response.status_code == 422, response.content
    data = response.json()
    assert field in data["errors"]
    assert data["detail"] and all(data["errors"][field])
    assert not Registration.objects.exists()


def test_an_empty_body_names_every_missing_field(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, {})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == ["نام شرکت‌کننده را بنویسید."]
    assert "phone" in errors


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "\\ud800", "phone": "09121234567"}',
        '{"name": "مریم", "phone": "\\udfff"}',
        "not json at all",
        '["name", "phone"]',
        '{"name": 12, "phone": 9121234567}',
        '{"name": ["مریم"], "phone": {"a": 1}}',
        '{"name": null, "phone": true}',
        '{"name": "مریم", "phone": "09121234567", "agency": 7}',
        "",
        "\x00",
        '{"name": "مریم", "phone": "09121234567"',
    ],
)
def test_malformed_bodies_are_4xx_never_500(world: Any, raw: str) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, raw)
    assert 400 <= response.status_code < 500, response.content
    assert not Registration.objects.exists()


def test_a_lone_surrogate_is_refused_by_the_parser(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, '{"name": "\\ud800", "phone": "0912"}')
    assert response.status_code == 400
    assert response.json()["detail"] == parsing.LONE_SURROGATE


def test_a_body_past_the_upload_limit_is_413(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    response = _register(event, world.officer_roads, _body(name="م" * 20_000))
    assert response.status_code == 413
    assert not Registration.objects.exists()


@pytest.mark.parametrize("event_id", ["9" * 40, "0", "-5", "abc"])
def test_odd_event_ids_in_writes_are_4xx(world: Any, event_id: str) -> None:
    response = Client().post(
        f"/api/v1/events/{event_id}/registrations",
        _body(),
        content_type=JSON,
        **_auth(world.officer_roads),
    )
    assert response.status_code in {404, 422}


def test_the_openapi_document_lists_the_events_endpoints(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/events" in paths and "/api/v1/events/" not in paths
    assert set(paths["/api/v1/events/{event_id}/registrations"]) == {"get", "post"}
    assert "delete" in paths["/api/v1/events/{event_id}/registrations/{registration_id}"]
    post = paths["/api/v1/events/{event_id}/registrations"]["post"]
    assert {"201", "403", "404", "409", "422"} <= set(post["responses"])

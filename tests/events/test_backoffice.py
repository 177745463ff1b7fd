"""The events' back office through the browser's eyes: forms, registration, exports, check-in,
minutes and resolutions, and who may see what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.audit import entries_for
from ravabet.events import services
from ravabet.events.models import Event, Registration, Resolution
from ravabet.persian import to_persian_digits
from tests.factories import make_attendee, make_event
from tests.files import PDF

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jalali_moment(when: dt.datetime, clock: str = "") -> str:
    """«۱۴۰۴/۰۵/۱۲ ۱۰:۰۰» as a person types it (at `clock` that day if given)."""
    local = jalali.to_local(when)
    return f"{jalali.format_short(local)} {to_persian_digits(clock or local.strftime('%H:%M'))}"


def event_post(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "نشست هم‌اندیشی روابط عمومی‌های استان",
        "kind": "network_meeting",
        "description": "بررسی برنامهٔ هفتهٔ ارتباطات",
        "starts_at": jalali_moment(timezone.now() + dt.timedelta(days=10), "10:00"),
        "duration": "120",
        "venue": "سالن همایش‌های استانداری",
        "address": "خیابان پاستور",
        "online_url": "",
        "organizer": str(world.roads.pk),
        "invite_mode": "all",
        "invite_kind": "",
        "capacity": "",
        "registration_deadline": "",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def attendee_post(agency: Any, **overrides: Any) -> dict[str, str]:
    data = {
        "a-agency": str(agency.pk),
        "a-name": "مریم احمدی",
        "a-role": "کارشناس روابط عمومی",
        "a-phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "a-email": "",
    }
    data.update(overrides)
    return data


def text(response: Any) -> str:
    return str(response.content.decode())


# --- creating and editing ----------------------------------------------------------------


def test_officer_creates_an_event_through_the_form(world: Any) -> None:
    client = client_for(world.officer_roads)
    assert client.get("/backoffice/events/new/").status_code == 200
    response = client.post("/backoffice/events/new/", event_post(world, capacity="۴۰"))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/events/{event.pk}/"
    assert event.organizer == world.roads and event.capacity == 40
    assert event.ends_at - event.starts_at == dt.timedelta(minutes=120)
    assert jalali.to_local(event.starts_at).strftime("%H:%M") == "10:00"
    page = text(client.get(response["Location"]))
    assert "نشست هم‌اندیشی روابط عمومی‌های استان" in page and "۴۰ نفر" in page
    assert "ساخت رویداد" in page  # the history
    listing = text(client.get("/backoffice/events/"))
    assert "نشست هم‌اندیشی روابط عمومی‌های استان" in listing
    assert world.roads.display_name in listing


def test_a_day_that_does_not_exist_is_a_form_error(world: Any) -> None:
    client = client_for(world.officer_roads)
    response = client.post(
        "/backoffice/events/new/", event_post(world, starts_at="۱۴۰۴/۱۲/۳۰ ۱۰:۰۰")
    )
    assert response.status_code == 200
    page = text(response)
    assert "۳۰ اسفند ۱۴۰۴ در تقویم نیست؛ اسفند سال ۱۴۰۴ ۲۹ روز دارد." in page
    assert 'id="id_starts_at_error"' in page
    assert not Event.objects.exists()
    # The leap year's 30 Esfand exists (and is in the past: the form takes it).
    response = client.post(
        "/backoffice/events/new/", event_post(world, starts_at="۱۴۰۳/۱۲/۳۰ ۱۰:۰۰")
    )
    assert response.status_code == 302
    assert jalali.format_short(Event.objects.get().starts_at) == "۱۴۰۳/۱۲/۳۰"


def test_an_end_before_the_start_is_a_form_error(world: Any) -> None:
    client = client_for(world.officer_roads)
    response = client.post("/backoffice/events/new/", event_post(world, duration="0"))
    assert response.status_code == 200
    page = text(response)
    assert "پایان رویداد باید پس از آغاز آن باشد." in page
    assert 'id="id_duration_error"' in page
    response = client.post("/backoffice/events/new/", event_post(world, duration="-30"))
    assert response.status_code == 200 and "پایان رویداد باید پس از آغاز آن باشد." in text(response)
    response = client.post("/backoffice/events/new/", event_post(world, duration="60000"))
    assert "رویداد بیش از یک ماه نمی‌شود" in text(response)
    assert not Event.objects.exists()


def test_service_refusals_come_back_beside_their_fields(world: Any) -> None:
    client = client_for(world.officer_roads)
    starts = timezone.now() + dt.timedelta(days=10)
    response = client.post(
        "/backoffice/events/new/",
        event_post(
            world,
            online_url="ftp://example.ir",
            invite_mode="list",
            registration_deadline=jalali_moment(starts + dt.timedelta(days=1)),
        ),
    )
    assert response.status_code == 200
    page = text(response)
    for message in (
        "پیوند باید با http:// یا https:// آغاز شود.",
        "دست‌کم یک دستگاه را دعوت کنید.",
        "مهلت ثبت‌نام باید پیش از آغاز رویداد باشد.",
    ):
        assert message in page
    response = client.post("/backoffice/events/new/", event_post(world, title="  "))
    assert response.status_code == 200 and "«عنوان» را بنویسید." in text(response)
    assert not Event.objects.exists()


def test_officer_cannot_organize_for_another_agency(world: Any) -> None:
    client = client_for(world.officer_roads)
    response = client.post("/backoffice/events/new/", event_post(world, organizer=world.health.pk))
    assert response.status_code == 200
    assert "شما برای این دستگاه رویداد برگزار نمی‌کنید." in text(response)
    assert not Event.objects.exists()


def test_organizer_edits_the_event_and_others_may_not(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads, capacity=30)
    client = client_for(world.head_roads)
    page = text(client.get(f"/backoffice/events/{event.pk}/edit/"))
    assert event.title in page and 'value="30"' in page
    response = client.post(
        f"/backoffice/events/{event.pk}/edit/",
        event_post(world, title="نشست بازنگری‌شده", venue="تالار وحدت"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "نشست بازنگری‌شده" and event.venue == "تالار وحدت"
    health = client_for(world.officer_health)
    assert health.get(f"/backoffice/events/{event.pk}/edit/").status_code == 403
    health.post(f"/backoffice/events/{event.pk}/edit/", event_post(world, title="ربوده"))
    event.refresh_from_db()
    assert event.title == "نشست بازنگری‌شده"


def test_cancel_needs_a_reason_and_marks_the_event(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    client = client_for(world.officer_roads)
    response = client.post(f"/backoffice/events/{event.pk}/cancel/", {"c-reason": ""})
    assert response.status_code == 200
    assert "دلیل لغو" in text(response)
    event.refresh_from_db()
    assert not event.is_cancelled
    response = client.post(
        f"/backoffice/events/{event.pk}/cancel/", {"c-reason": "هم‌زمانی با سفر استاندار"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled
    page = text(client.get(f"/backoffice/events/{event.pk}/"))
    assert "این رویداد لغو شده است" in page and "هم‌زمانی با سفر استاندار" in page
    assert "لغوشده" in text(client.get("/backoffice/events/"))
    assert client.get(f"/backoffice/events/{event.pk}/edit/").status_code == 302


def test_list_tabs_and_hostile_query_strings(world: Any) -> None:
    make_event(actor=world.officer_roads, organizer=world.roads, title="رویداد آینده")
    past = timezone.now() - dt.timedelta(days=3)
    make_event(
        actor=world.officer_roads, organizer=world.roads, title="رویداد گذشته", starts_at=past
    )
    client = client_for(world.officer_roads)
    upcoming = text(client.get("/backoffice/events/"))
    assert "رویداد آینده" in upcoming and "رویداد گذشته" not in upcoming
    earlier = text(client.get("/backoffice/events/?when=past"))
    assert "رویداد گذشته" in earlier and "رویداد آینده" not in earlier
    for query in ("?page=²", "?page=" + "9" * 500, "?when=<script>", "?page=-1"):
        assert client.get("/backoffice/events/" + query).status_code == 200
    assert client.get("/backoffice/events/resolutions/?status=<x>&page=²").status_code == 200
    assert client.get("/backoffice/events/99999/").status_code == 404


# --- visibility and the role × page matrix of one event ----------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("officer_roads", 200),
        ("head_roads", 200),
        ("officer_health", 404),
        ("directorate_staff", 200),
        ("admin", 200),
    ],
)
def test_internal_event_pages_by_role(world: Any, role: str, status: int) -> None:
    event = make_event(
        actor=world.officer_roads,
        organizer=world.roads,
        is_public=False,
        invite_mode="list",
        invited=[world.roads],
    )
    client = Client() if role == "anonymous" else client_for(getattr(world, role))
    for path in (
        f"/backoffice/events/{event.pk}/",
        f"/backoffice/events/{event.pk}/check-in/",
        f"/backoffice/events/{event.pk}/minutes/",
        f"/backoffice/events/{event.pk}/edit/",
        f"/backoffice/events/{event.pk}/registrations.csv",
    ):
        response = client.get(path)
        assert response.status_code == status, path
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_invited_agency_sees_the_event_but_not_the_organizer_pages(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, is_public=False)
    client = client_for(world.officer_health)
    page = text(client.get(f"/backoffice/events/{event.pk}/"))
    assert event.title in page and "ثبت‌نام شرکت‌کننده" in page
    assert "ویرایش رویداد" not in page and "لغو رویداد" not in page
    for path in ("check-in/", "minutes/", "edit/", "registrations.xlsx"):
        assert client.get(f"/backoffice/events/{event.pk}/{path}").status_code == 403, path


# --- registration ------------------------------------------------------------------------


def test_registering_two_attendees(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=10)
    client = client_for(world.officer_roads)
    url = f"/backoffice/events/{event.pk}/register/"
    first = client.post(url, attendee_post(world.roads))
    assert first.status_code == 302 and first["Location"].endswith("#registration")
    second = client.post(
        url, attendee_post(world.roads, **{"a-name": "علی رضایی", "a-phone": "+98 912 765 4321"})
    )
    assert second.status_code == 302
    registrations = Registration.objects.filter(event=event).order_by("pk")
    assert [r.phone for r in registrations] == ["09121234567", "09127654321"]
    assert all(
        r.agency == world.roads and r.registered_by == world.officer_roads for r in registrations
    )
    page = text(client.get(f"/backoffice/events/{event.pk}/"))
    assert "مریم احمدی" in page and "علی رضایی" in page
    assert "<strong>۲</strong> نفر ثبت‌نام کرده‌اند" in page


def test_registration_errors_are_shown_beside_the_fields(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    client = client_for(world.officer_roads)
    response = client.post(
        f"/backoffice/events/{event.pk}/register/",
        attendee_post(world.roads, **{"a-phone": "۱۲۳", "a-email": "نه-ایمیل"}),
    )
    assert response.status_code == 200
    page = text(response)
    assert "شمارهٔ تلفن را با پیش‌شماره و یازده رقم بنویسید" in page
    assert "نشانی پست الکترونیک درست نیست." in page
    assert not Registration.objects.exists()


def test_a_full_event_refuses_with_a_persian_message(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=1)
    services.registration_create(
        actor=world.officer_health, event=event, agency=world.health, data=make_attendee()
    )
    client = client_for(world.officer_roads)
    response = client.post(
        f"/backoffice/events/{event.pk}/register/",
        attendee_post(world.roads, **{"a-name": "علی رضایی", "a-phone": "09127654321"}),
    )
    assert response.status_code == 200
    page = text(response)
    assert "ظرفیت این رویداد (۱ نفر) پر شده است." in page
    assert 'value="علی رضایی"' in page  # what was typed is kept
    assert Registration.objects.filter(event=event).count() == 1
    assert not Registration.objects.filter(agency=world.roads).exists()


def test_uninvited_officer_cannot_register_nor_see_an_internal_event(world: Any) -> None:
    public = make_event(
        actor=world.officer_roads, organizer=world.roads, invite_mode="list", invited=[world.roads]
    )
    client = client_for(world.officer_health)
    page = text(client.get(f"/backoffice/events/{public.pk}/"))
    assert "دستگاه شما به این رویداد دعوت نشده است." in page
    assert "ثبت‌نام شرکت‌کننده" not in page
    response = client.post(
        f"/backoffice/events/{public.pk}/register/", attendee_post(world.health), follow=True
    )
    assert "دستگاه شما به این رویداد دعوت نشده است؛ نمی‌توانید برای آن ثبت‌نام کنید." in text(
        response
    )
    # Naming an invited agency instead changes nothing either.
    client.post(f"/backoffice/events/{public.pk}/register/", attendee_post(world.roads))
    assert not Registration.objects.exists()
    internal = make_event(
        actor=world.officer_roads,
        organizer=world.roads,
        is_public=False,
        invite_mode="list",
        invited=[world.roads],
        title="جلسهٔ درونی راه",
    )
    assert client.get(f"/backoffice/events/{internal.pk}/").status_code == 404
    assert (
        client.post(
            f"/backoffice/events/{internal.pk}/register/", attendee_post(world.health)
        ).status_code
        == 404
    )
    assert "جلسهٔ درونی راه" not in text(client.get("/backoffice/events/"))
    assert not Registration.objects.exists()


def two_agencies_registered(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    services.registration_create(
        actor=world.officer_roads,
        event=event,
        agency=world.roads,
        data=make_attendee(name="پرویز راهدار", phone="09121111111"),
    )
    services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="سارا پزشکیان", phone="09122222222"),
    )
    return event


def test_an_agency_sees_only_its_own_registrations(world: Any) -> None:
    event = two_agencies_registered(world)
    health = client_for(world.officer_health)
    page = text(health.get(f"/backoffice/events/{event.pk}/"))
    assert "سارا پزشکیان" in page
    assert "پرویز راهدار" not in page and "۰۹۱۲۱۱۱۱۱۱۱" not in page
    assert "تنها ثبت‌نام‌های دستگاه خودتان را می‌بینید." in page
    for fmt in ("csv", "xlsx"):
        response = health.get(f"/backoffice/events/{event.pk}/registrations.{fmt}")
        assert response.status_code == 403
        assert "پرویز راهدار" not in text(response)
    # Nor cancel another agency's registration by posting its id.
    roads_registration = Registration.objects.get(agency=world.roads)
    url = f"/backoffice/events/{event.pk}/registrations/{roads_registration.pk}/cancel/"
    assert health.post(url).status_code == 404
    roads_registration.refresh_from_db()
    assert roads_registration.is_active
    page = text(client_for(world.directorate_staff).get(f"/backoffice/events/{event.pk}/"))
    assert "سارا پزشکیان" in page and "پرویز راهدار" in page


def test_an_agency_cancels_its_own_registration(world: Any) -> None:
    event = two_agencies_registered(world)
    registration = Registration.objects.get(agency=world.health)
    client = client_for(world.officer_health)
    response = client.post(
        f"/backoffice/events/{event.pk}/registrations/{registration.pk}/cancel/", follow=True
    )
    assert "ثبت‌نام «سارا پزشکیان» لغو شد." in text(response)
    registration.refresh_from_db()
    assert not registration.is_active
    response = client.post(
        f"/backoffice/events/{event.pk}/registrations/{registration.pk}/cancel/", follow=True
    )
    assert "این ثبت‌نام پیش‌تر لغو شده است." in text(response)
    assert client.get(f"/backoffice/events/{event.pk}/registrations/1/cancel/").status_code == 405


# --- exports -----------------------------------------------------------------------------


def hostile_registrations(world: Any) -> Event:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    services.registration_create(
        actor=world.officer_roads,
        event=event,
        agency=world.roads,
        data=make_attendee(name='=HYPERLINK("http://evil.example","x")', role="@SUM(A1)"),
    )
    services.registration_create(
        actor=world.officer_health,
        event=event,
        agency=world.health,
        data=make_attendee(name="سارا پزشکیان", phone="09122222222", role="-مدیر", email=""),
    )
    return event


def test_csv_export_is_excel_ready_persian_and_guarded(world: Any) -> None:
    event = hostile_registrations(world)
    response = client_for(world.directorate_staff).get(
        f"/backoffice/events/{event.pk}/registrations.csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="registrations-{event.pk}.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "ردیف",
        "نام",
        "سمت",
        "دستگاه",
        "تلفن",
        "پست الکترونیک",
        "وضعیت",
        "حضور",
        "زمان ثبت‌نام",
    ]
    by_agency = {row[3]: row for row in rows[1:]}
    roads = by_agency[world.roads.name]
    assert roads[1] == '\'=HYPERLINK("http://evil.example","x")'
    assert roads[2] == "'@SUM(A1)"
    assert roads[4] == "۰۹۱۲۱۲۳۴۵۶۷" and roads[6] == "ثبت‌نام‌شده"
    health = by_agency[world.health.name]
    assert health[1] == "سارا پزشکیان" and health[2] == "'-مدیر"
    assert health[8].startswith(jalali.format_short(timezone.now()))
    assert {row[0] for row in rows[1:]} == {"۱", "۲"}


def test_xlsx_export_opens_back_with_its_rows_right_to_left(world: Any) -> None:
    from openpyxl import load_workbook

    event = hostile_registrations(world)
    services.registration_check_in(
        actor=world.directorate_staff, registration=Registration.objects.get(agency=world.health)
    )
    response = client_for(world.admin).get(f"/backoffice/events/{event.pk}/registrations.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert f'filename="registrations-{event.pk}.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["ردیف", "نام", "سمت", "دستگاه"] and rows[0][8] == "زمان ثبت‌نام"
    assert len(rows) == 3
    by_agency = {row[3]: row for row in rows[1:]}
    health = by_agency[world.health.name]
    assert health[1] == "سارا پزشکیان" and health[4] == "09122222222"
    assert health[7].startswith("حاضر")
    roads_cells = next(
        row for row in sheet.iter_rows(min_row=2) if row[3].value == world.roads.name
    )
    assert roads_cells[1].value.startswith("=HYPERLINK") and roads_cells[1].data_type == "s"


def test_other_export_formats_are_not_found(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    client = client_for(world.officer_roads)
    for fmt in ("pdf", "CSV", "csv.exe", "json"):
        assert client.get(f"/backoffice/events/{event.pk}/registrations.{fmt}").status_code == 404


# --- check-in ----------------------------------------------------------------------------


def test_check_in_page_search_and_toggle(world: Any) -> None:
    event = two_agencies_registered(world)
    sara = Registration.objects.get(agency=world.health)
    client = client_for(world.directorate_staff)
    page = text(client.get(f"/backoffice/events/{event.pk}/check-in/"))
    assert "<strong>۰</strong> حاضر از <strong>۲</strong> ثبت‌نام‌شده" in page
    assert "سارا پزشکیان" in page and "پرویز راهدار" in page
    found = text(client.get(f"/backoffice/events/{event.pk}/check-in/?q=۲۲۲۲"))
    assert "سارا پزشکیان" in found and "پرویز راهدار" not in found
    found = text(client.get(f"/backoffice/events/{event.pk}/check-in/?q=پرویز"))
    assert "پرویز راهدار" in found and "سارا پزشکیان" not in found
    assert "کسی با «هیچ‌کس» پیدا نشد." in text(
        client.get(f"/backoffice/events/{event.pk}/check-in/?q=هیچ‌کس")
    )

    # With htmx: the row comes back, and the count beside it out of band.
    url = f"/backoffice/events/{event.pk}/check-in/{sara.pk}/"
    response = client.post(url, {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = text(response)
    assert row.lstrip().startswith(f'<li class="check-in__row is-present" id="reg-{sara.pk}"')
    assert 'aria-pressed="true"' in row and "حاضر است" in row
    assert 'hx-swap-oob="true"' in row and "<strong>۱</strong> حاضر از <strong>۲</strong>" in row
    sara.refresh_from_db()
    assert sara.attended_at is not None

    # Without JavaScript: a plain form post, back to the list where the person was.
    response = client.post(url, {"attended": "0", "q": "سارا"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q=%D8%B3%D8%A7%D8%B1%D8%A7#reg-{sara.pk}")
    sara.refresh_from_db()
    assert sara.attended_at is None
    assert [e.action for e in entries_for(event)][:2] == [
        "registration.absent",
        "registration.attend",
    ]


def test_check_in_is_the_organizers(world: Any) -> None:
    event = two_agencies_registered(world)
    sara = Registration.objects.get(agency=world.health)
    client = client_for(world.officer_health)
    assert client.get(f"/backoffice/events/{event.pk}/check-in/").status_code == 403
    response = client.post(f"/backoffice/events/{event.pk}/check-in/{sara.pk}/", {"attended": "1"})
    assert response.status_code == 403
    sara.refresh_from_db()
    assert sara.attended_at is None


# --- agenda, documents, minutes ----------------------------------------------------------


def test_agenda_items_added_and_removed(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    client = client_for(world.officer_roads)
    response = client.post(
        f"/backoffice/events/{event.pk}/agenda/",
        {
            "g-title": "گزارش عملکرد شش‌ماهه",
            "g-speaker": "مدیرکل",
            "g-starts_at": "",
            "g-ends_at": "",
        },
    )
    assert response.status_code == 302
    item = event.agenda.get()
    assert "گزارش عملکرد شش‌ماهه" in text(client.get(f"/backoffice/events/{event.pk}/"))
    response = client.post(f"/backoffice/events/{event.pk}/agenda/", {"g-title": ""})
    assert response.status_code == 200 and "«موضوع» را بنویسید." in text(response)
    health = client_for(world.officer_health)
    assert health.post(f"/backoffice/events/{event.pk}/agenda/{item.pk}/delete/").status_code == 403
    client.post(f"/backoffice/events/{event.pk}/agenda/{item.pk}/delete/")
    assert not event.agenda.exists()


def test_document_uploaded_checked_by_content_and_removed(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    client = client_for(world.officer_roads)
    response = client.post(
        f"/backoffice/events/{event.pk}/documents/",
        {"d-file": SimpleUploadedFile("دعوت‌نامه.pdf", PDF), "d-title": "دعوت‌نامه"},
    )
    assert response.status_code == 302
    document = event.documents.get()
    page = text(client.get(f"/backoffice/events/{event.pk}/"))
    assert "دعوت‌نامه" in page and document.url in page
    response = client.post(
        f"/backoffice/events/{event.pk}/documents/",
        {"d-file": SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>")},
    )
    assert response.status_code == 200
    assert event.documents.count() == 1
    client.post(f"/backoffice/events/{event.pk}/documents/{document.pk}/delete/")
    assert not event.documents.exists()


def test_minutes_saved_sanitized_and_shown(world: Any) -> None:
    event = make_event(actor=world.officer_roads, organizer=world.roads)
    client = client_for(world.officer_roads)
    assert client.get(f"/backoffice/events/{event.pk}/minutes/").status_code == 200
    response = client.post(
        f"/backoffice/events/{event.pk}/minutes/",
        {
            "minutes": "<p>جلسه ساعت ۱۰ آغاز شد.</p><script>alert(1)</script>"
            '<p onclick="x()">مصوب شد.</p>'
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#minutes")
    event.refresh_from_db()
    assert "<script" not in event.minutes and "onclick" not in event.minutes
    assert "جلسه ساعت ۱۰ آغاز شد." in event.minutes
    page = text(client.get(f"/backoffice/events/{event.pk}/"))
    assert "<p>جلسه ساعت ۱۰ آغاز شد.</p>" in page
    assert "alert(1)" not in page
    assert (
        client_for(world.officer_health)
        .post(f"/backoffice/events/{event.pk}/minutes/", {"minutes": "ربوده"})
        .status_code
        == 403
    )


# --- resolutions -------------------------------------------------------------------------


def resolution_post(world: Any, **overrides: Any) -> dict[str, str]:
    data = {
        "text": "راه‌اندازی میز خبر مشترک در هفتهٔ ارتباطات",
        "responsible": str(world.roads.pk),
        "deadline": jalali.format_short(timezone.now() + dt.timedelta(days=30)),
        "owner": str(world.officer_roads.pk),
    }
    data.update(overrides)
    return data


def test_resolution_created_then_reported_done_by_the_responsible_agency(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    organizer = client_for(world.directorate_staff)
    response = organizer.post(
        f"/backoffice/events/{event.pk}/resolutions/new/", resolution_post(world)
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    assert resolution.number == 1 and resolution.owner == world.officer_roads

    # The health officer does not follow it: not found, and nothing changes.
    health = client_for(world.officer_health)
    url = f"/backoffice/events/resolutions/{resolution.pk}/"
    assert health.get(url).status_code == 404
    assert health.post(url, {"status": "done", "evidence": "ربوده"}).status_code == 404
    assert "راه‌اندازی میز خبر" not in text(health.get("/backoffice/events/resolutions/"))
    resolution.refresh_from_db()
    assert resolution.status == "open"

    roads = client_for(world.officer_roads)
    page = text(roads.get(url))
    assert "گزارش پیشرفت" in page and 'value="cancelled"' not in page
    response = roads.post(url, {"status": "in_progress", "progress": "۴۰"})
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == "in_progress" and resolution.progress == 40
    response = roads.post(url, {"status": "done", "evidence": ""})
    assert response.status_code == 200
    assert "برای انجام‌شده، مستندات انجام را بنویسید یا پرونده‌ای بفرستید." in text(response)
    response = roads.post(
        url,
        {
            "status": "done",
            "evidence": "میز خبر در ۲ آبان راه افتاد.",
            "evidence_file": SimpleUploadedFile("گزارش.pdf", PDF),
        },
    )
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == "done" and resolution.progress == 100
    assert resolution.evidence_file
    page = text(roads.get(url))
    assert "میز خبر در ۲ آبان راه افتاد." in page and resolution.evidence_url in page
    assert "گزارش پیشرفت مصوبه" in page  # the history
    # Reopening is the organizer's.
    response = roads.post(url, {"status": "open"}, follow=True)
    assert "بازگشایی آن با برگزارکنندهٔ جلسه است" in text(response)
    resolution.refresh_from_db()
    assert resolution.status == "done"


def test_resolution_form_errors_and_owner_of_another_agency(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    client = client_for(world.directorate_staff)
    url = f"/backoffice/events/{event.pk}/resolutions/new/"
    response = client.post(url, resolution_post(world, deadline="۱۴۰۴/۱۲/۳۰"))
    assert response.status_code == 200 and "۳۰ اسفند ۱۴۰۴ در تقویم نیست" in text(response)
    response = client.post(url, resolution_post(world, owner=str(world.officer_health.pk)))
    assert response.status_code == 200
    assert "مسئول پیگیری باید از کارکنان دستگاه مسئول باشد." in text(response)
    assert not Resolution.objects.exists()
    assert client_for(world.officer_roads).post(url, resolution_post(world)).status_code == 403
    assert not Resolution.objects.exists()


def test_overdue_resolutions_are_flagged_and_counted(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    late = services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="تهیهٔ گزارش تصویری پروژه‌ها",
            responsible=world.roads,
            deadline=services.today() - dt.timedelta(days=3),
        ),
    )
    services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="انتشار تقویم رسانه‌ای",
            responsible=world.roads,
            deadline=services.today() + dt.timedelta(days=3),
        ),
    )
    client = client_for(world.officer_roads)
    page = text(client.get("/backoffice/events/resolutions/?status=overdue"))
    assert "تهیهٔ گزارش تصویری پروژه‌ها" in page and "انتشار تقویم رسانه‌ای" not in page
    assert '<span class="status status--overdue">معوق</span>' in page
    assert 'معوق <span class="count">۱</span>' in page
    assert 'همه <span class="count">۲</span>' in page
    assert 'باز <span class="count">۲</span>' in page
    page = text(client.get("/backoffice/events/resolutions/?status=open"))
    assert "انتشار تقویم رسانه‌ای" in page
    services.resolution_report(
        actor=world.officer_roads,
        resolution=late,
        report=services.ResolutionReport(status="in_progress", progress=60),
    )
    page = text(client.get("/backoffice/events/resolutions/?status=in_progress"))
    assert '<progress class="progress" max="100" value="60"' in page
    assert "style=" not in page


def test_resolution_edit_is_the_organizers(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    resolution = services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="متن نخست", responsible=world.roads, deadline=services.today()
        ),
    )
    url = f"/backoffice/events/resolutions/{resolution.pk}/edit/"
    assert client_for(world.officer_roads).get(url).status_code == 403
    client = client_for(world.directorate_staff)
    assert client.get(url).status_code == 200
    response = client.post(url, resolution_post(world, text="متن بازنگری‌شده", owner=""))
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.text == "متن بازنگری‌شده" and resolution.owner is None


# --- occasions: the kernel's calendar now (tests/core/test_calendar.py) ---------------------


def test_the_old_occasions_page_sends_to_the_calendar_for_good(world: Any) -> None:
    response = client_for(world.officer_roads).get("/backoffice/events/occasions/?kind=holidays")
    assert response.status_code == 301
    assert response["Location"] == "/backoffice/calendar/?kind=holidays"


def test_side_navigation_links_to_the_events_pages(world: Any) -> None:
    page = text(client_for(world.officer_roads).get("/backoffice/events/"))
    assert '<a href="/backoffice/events/" aria-current="page">رویدادها و جلسات</a>' in page
    assert '<a href="/backoffice/events/resolutions/">مصوبات</a>' in page
    assert '<a href="/backoffice/calendar/">تقویم و تعطیلات</a>' in page

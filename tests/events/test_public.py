"""The public event pages through the test client: the list (upcoming and past), an event, the
occasions calendar; anonymous visitors, Jalali dates in Persian digits, hostile query strings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.calendar import holidays
from ravabet.core.calendar import services as calendar
from ravabet.core.calendar.models import Occasion
from ravabet.events import services
from ravabet.persian import dates as pdates
from tests.factories import make_attendee, make_event

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")


def _body(url: str, client: Client | None = None) -> str:
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_list_shows_upcoming_soonest_first_and_past_in_its_tab(world: Any) -> None:
    now = timezone.now()
    later = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="همایش ماه آینده",
        starts_at=now + dt.timedelta(days=30),
    )
    sooner = make_event(
        actor=world.head_roads,
        organizer=world.roads,
        title="نشست خبری فردا",
        kind="press_conference",
        starts_at=now + dt.timedelta(days=1),
    )
    past = make_event(
        actor=world.head_roads,
        organizer=world.roads,
        title="دورهٔ آموزشی گذشته",
        starts_at=now - dt.timedelta(days=10),
    )
    make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ درونی شبکه",
        is_public=False,
    )
    body = _body("/events/")
    assert body.index(sooner.title) < body.index(later.title)
    assert past.title not in body and "جلسهٔ درونی شبکه" not in body
    assert "نشست خبری" in body  # the kind
    assert world.roads.display_name in body and "سالن همایش‌های استانداری" in body
    assert 'href="/events.ics"' in body and "webcal://" in body
    past_body = _body("/events/?when=past")
    assert past.title in past_body and sooner.title not in past_body
    assert 'aria-current="page">گذشته' in past_body


def test_list_shows_jalali_date_and_hour_in_persian_digits(world: Any) -> None:
    starts = timezone.now().astimezone(TEHRAN).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=3)
    make_event(actor=world.directorate_staff, organizer=world.directorate, starts_at=starts)
    body = _body("/events/")
    assert jalali.format_datetime(starts) in body  # «… ساعت ۱۰:۰۰»
    assert "ساعت ۱۰:۰۰" in body
    assert jalali.format_short(starts) in body
    year = pdates.to_jalali(starts.date()).year
    assert str(year) not in re.sub(r"<[^>]+>", "", body)  # no Latin digits for the year
    assert to_fa(str(year)) in body


def to_fa(text: str) -> str:
    from ravabet.persian import to_persian_digits

    return to_persian_digits(text)


def test_cancelled_event_is_marked_in_the_list_and_on_its_page(world: Any) -> None:
    event = make_event(actor=world.head_roads, organizer=world.roads, title="نشست لغوشده")
    services.event_cancel(actor=world.head_roads, event=event, reason="برگزار نشدن به‌علت تعطیلی")
    assert "لغو شد" in _body("/events/")
    body = _body(event.get_absolute_url())
    assert "این رویداد لغو شد" in body and "برگزار نشدن به‌علت تعطیلی" in body


def test_list_is_paginated(world: Any) -> None:
    now = timezone.now()
    for n in range(22):
        make_event(
            actor=world.directorate_staff,
            organizer=world.directorate,
            title=f"رویداد شمارهٔ {n:02d}",
            starts_at=now + dt.timedelta(days=n + 1),
        )
    first = _body("/events/")
    assert "رویداد شمارهٔ ۰۰" in first and "رویداد شمارهٔ ۲۱" not in first
    assert "صفحهٔ ۱ از ۲" in first and 'href="?page=2"' in first
    second = _body("/events/?page=۲")
    assert "رویداد شمارهٔ ۲۱" in second and "رویداد شمارهٔ ۰۰" not in second


@pytest.mark.parametrize(
    "query",
    [
        "?page=²",
        "?page=-1",
        "?page=" + "9" * 5000,
        "?page=abc",
        "?when=<script>alert(1)</script>",
        "?when=past&page=%00",
        "?when=" + "x" * 3000,
        "?when=past&when=upcoming",
    ],
)
def test_hostile_query_strings_are_not_errors(world: Any, query: str) -> None:
    make_event(actor=world.directorate_staff, organizer=world.directorate, title="رویداد امن")
    response = Client().get("/events/" + query)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_event_page_shows_everything_a_visitor_needs(world: Any) -> None:
    starts = dt.datetime(2025, 5, 20, 10, 0, tzinfo=TEHRAN)
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ شورای اطلاع‌رسانی استان",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2, minutes=30),
        venue="سالن شهید رجایی استانداری",
        address="تهران، خیابان پاستور",
        online_url="https://meet.example.ir/shora",
        description="بررسی برنامهٔ اطلاع‌رسانی هفتهٔ دولت",
        capacity=40,
        registration_deadline=starts - dt.timedelta(days=2),
    )
    services.agenda_item_add(
        actor=world.directorate_staff,
        event=event,
        title="گزارش عملکرد روابط عمومی‌ها",
        speaker="دکتر علی محمدی",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=45),
    )
    services.event_save_minutes(
        actor=world.directorate_staff, event=event, minutes="<p>صورت‌جلسهٔ محرمانه</p>"
    )
    services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="مصوبهٔ درونی شبکه", responsible=world.roads, deadline=dt.date(2025, 6, 1)
        ),
    )
    body = _body(event.get_absolute_url())
    assert "جلسهٔ شورای اطلاع‌رسانی استان" in body
    assert "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰" in body
    assert "ساعت ۱۲:۳۰" in body  # the end
    assert "سالن شهید رجایی استانداری" in body and "تهران، خیابان پاستور" in body
    assert 'href="https://meet.example.ir/shora"' in body
    assert world.directorate.name in body
    assert "گزارش عملکرد روابط عمومی‌ها" in body and "دکتر علی محمدی" in body
    assert "۱۰:۰۰" in body and "۱۰:۴۵" in body
    assert "۰ نفر از ظرفیت ۴۰ نفر" in body
    assert f'href="/events/{event.pk}.ics"' in body and "افزودن به تقویم" in body
    # Internal to the network: never on the public page.
    assert "صورت‌جلسهٔ محرمانه" not in body and "مصوبهٔ درونی شبکه" not in body
    # Nobody anonymous gets the back office's link.
    assert f"/backoffice/events/{event.pk}/" not in body


def test_event_page_counts_registrations_and_links_documents(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    starts = timezone.now() + dt.timedelta(days=10)
    event = make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        capacity=2,
        starts_at=starts,
        registration_deadline=starts - dt.timedelta(days=3),
    )
    services.registration_create(
        actor=world.head_roads, event=event, agency=world.roads, data=make_attendee()
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    services.event_add_document(
        actor=world.directorate_staff,
        event=event,
        upload=SimpleUploadedFile("barnameh.pdf", pdf, content_type="application/pdf"),
        title="برنامهٔ جلسه",
    )
    body = _body(event.get_absolute_url())
    assert "۱ نفر از ظرفیت ۲ نفر" in body
    assert f"مهلت ثبت‌نام: {jalali.format_datetime(starts - dt.timedelta(days=3))}" in body
    document = event.documents.get()
    assert f'href="{document.url}"' in body and "برنامهٔ جلسه" in body
    assert Client().get(document.url).status_code == 200


def test_staff_who_see_the_event_get_the_back_office_link(world: Any) -> None:
    event = make_event(actor=world.head_roads, organizer=world.roads)
    client = Client()
    client.force_login(world.officer_roads)
    assert f'href="/backoffice/events/{event.pk}/"' in _body(event.get_absolute_url(), client)
    citizen = Client()
    citizen.force_login(world.outsider)
    assert "/backoffice/events/" not in _body(event.get_absolute_url(), citizen)


def test_missing_event_is_404(world: Any) -> None:
    assert Client().get("/events/987654/").status_code == 404


def test_occasions_page_groups_the_year_by_jalali_month_with_events(world: Any) -> None:
    Occasion.objects.create(title="روز ارتباطات و روابط عمومی", month=2, day=27)
    Occasion.objects.create(title="هفتهٔ دولت", month=6, day=2, length_days=7)
    Occasion.objects.create(title="مناسبت غیرفعال", month=3, day=1, is_active=False)
    today = jalali.to_local(timezone.now()).date()
    year = pdates.to_jalali(today).year
    in_shahrivar = dt.datetime.combine(
        pdates.to_gregorian(year, 6, 5), dt.time(9, 0), tzinfo=TEHRAN
    )
    make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="نمایشگاه دستاوردهای هفتهٔ دولت",
        starts_at=in_shahrivar,
    )
    make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="جلسهٔ درونی شهریور",
        starts_at=in_shahrivar + dt.timedelta(hours=4),
        is_public=False,
    )
    body = _body("/occasions/")
    assert f"تقویم مناسبت‌های سال {to_fa(str(year))}" in body
    for name in pdates.MONTHS:
        assert f"{name} {to_fa(str(year))}" in body
    ordibehesht = body.split('id="month-2"', 1)[1].split('id="month-3"', 1)[0]
    assert "روز ارتباطات و روابط عمومی" in ordibehesht
    assert f"۲۷ اردیبهشت {to_fa(str(year))}" in ordibehesht
    shahrivar = body.split('id="month-6"', 1)[1].split('id="month-7"', 1)[0]
    assert "هفتهٔ دولت" in shahrivar and "نمایشگاه دستاوردهای هفتهٔ دولت" in shahrivar
    assert "جلسهٔ درونی شهریور" not in body and "مناسبت غیرفعال" not in body


def test_occasions_page_marks_the_holidays(world: Any) -> None:
    holidays.prefill()  # written by the migration, unless a transactional test flushed them
    year = pdates.to_jalali(jalali.to_local(timezone.now()).date()).year
    Occasion.objects.create(title="روز آزمون", month=2, day=27)
    Occasion.objects.create(title="تعطیل آزمون", month=2, day=28, is_holiday=True)
    ordibehesht = _body("/occasions/").split('id="month-2"', 1)[1].split('id="month-3"', 1)[0]
    items = {
        title: item
        for item in ordibehesht.split('<li class="occasion')[1:]
        for title in ("روز آزمون", "تعطیل آزمون")
        if title in item
    }
    assert '<span class="badge">تعطیل</span>' in items["تعطیل آزمون"]
    assert "تعطیل</span>" not in items["روز آزمون"]
    # The pre-filled solar holidays are there every year.
    farvardin = _body("/occasions/").split('id="month-1"', 1)[1].split('id="month-2"', 1)[0]
    assert "عید نوروز" in farvardin and f"۱ فروردین {to_fa(str(year))}" in farvardin


def test_an_edited_holiday_shows_at_once_despite_the_cache(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    soon = pdates.to_jalali(jalali.to_local(timezone.now()).date() + dt.timedelta(days=10))
    data = calendar.OccasionInput(title="روز نخست", month=soon.month, day=soon.day)
    with django_capture_on_commit_callbacks(execute=True):
        occasion = calendar.occasion_save(actor=world.directorate_staff, data=data)
    for url in ("/events/", "/occasions/"):
        assert "روز نخست" in _body(url)
        assert Client().get(url).get("X-Page-Cache") == "hit"
    data.title, data.is_holiday = "تعطیل تازه", True
    with django_capture_on_commit_callbacks(execute=True):
        calendar.occasion_save(actor=world.directorate_staff, data=data, occasion=occasion)
    for url in ("/events/", "/occasions/"):
        body = _body(url)
        assert "تعطیل تازه" in body and "روز نخست" not in body


def test_list_shows_the_occasions_of_the_coming_90_days(world: Any) -> None:
    today = jalali.to_local(timezone.now()).date()
    soon = pdates.to_jalali(today + dt.timedelta(days=10))
    far = pdates.to_jalali(today + dt.timedelta(days=150))
    Occasion.objects.create(title="مناسبت نزدیک", month=soon.month, day=min(soon.day, 29))
    Occasion.objects.create(title="مناسبت دور", month=far.month, day=min(far.day, 29))
    body = _body("/events/")
    assert "مناسبت نزدیک" in body and "مناسبت دور" not in body
    assert 'href="/occasions/"' in body


@pytest.mark.parametrize("url", ["/events/", "/events/?when=past", "/occasions/", "/events.ics"])
def test_public_pages_render_for_anonymous_and_come_from_the_cache(world: Any, url: str) -> None:
    make_event(actor=world.directorate_staff, organizer=world.directorate)
    first = Client().get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    second = Client().get(url)
    assert second.content == first.content
    assert second.get("X-Page-Cache") == "hit"


def test_a_change_shows_at_once_despite_the_cache(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(actor=world.head_roads, organizer=world.roads, title="عنوان نخست")
    assert "عنوان نخست" in _body("/events/")
    data = services.EventInput(
        title="عنوان تازه",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        organizer=world.roads,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=world.head_roads, event=event, data=data)
    body = _body("/events/")
    assert "عنوان تازه" in body and "عنوان نخست" not in body
    assert "عنوان تازه" in _body(event.get_absolute_url())


def test_navigation_and_footer_link_to_events(world: Any) -> None:
    body = _body("/")
    assert 'href="/events/"' in body and "رویدادها" in body
    assert 'href="/events.ics"' in body

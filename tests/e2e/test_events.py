"""The meeting journey in a real browser: the directorate calls a meeting, an agency registers
two people, the directorate records the minutes and a resolution, the agency reports it done."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.organisation import demo
from ravabet.events.models import Event, Registration, Resolution
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "نشست هم‌اندیشی روابط عمومی‌های دستگاه‌های اجرایی"


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


def _jalali(day: dt.date) -> str:
    j = pdates.to_jalali(day)
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


def test_directorate_calls_a_meeting_and_follows_its_resolution_to_done(
    live_server: Any, page: Any, people: None
) -> None:
    base = live_server.url
    day = jalali.to_local(timezone.now()).date() + dt.timedelta(days=10)

    # The directorate creates the meeting.
    login(page, base, "directorate")
    page.get_by_role("link", name="رویدادها و جلسات").first.click()
    page.get_by_role("link", name="رویداد تازه").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_starts_at").fill(_jalali(day) + " ۱۰:۰۰")
    page.locator("#id_duration").fill("120")
    page.locator("#id_venue").fill("سالن همایش استانداری تهران")
    page.locator("#id_capacity").fill("40")
    screenshot(page, "events-create")
    page.get_by_role("button", name="ساختن رویداد").click()
    page.wait_for_url(re.compile(r"/backoffice/events/\d+/$"))
    event = Event.objects.get(title=TITLE)
    assert jalali.to_local(event.starts_at).hour == 10
    assert event.duration == dt.timedelta(hours=2)
    logout(page)

    # An officer of the roads agency registers two people.
    login(page, base, "officer.roads")
    page.goto(f"{base}/backoffice/events/{event.pk}/")
    for name, phone in (("مریم رضایی", "۰۹۱۲۱۲۳۴۵۶۷"), ("حمید صادقی", "0935 111 2233")):
        page.locator("#id_a-name").fill(name)
        page.locator("#id_a-role").fill("کارشناس روابط عمومی")
        page.locator("#id_a-phone").fill(phone)
        page.get_by_role("button", name="ثبت‌نام", exact=True).click()
        see(page, name)
    # The same person twice: refused in Persian, nothing added.
    page.locator("#id_a-name").fill("مریم رضایی")
    page.locator("#id_a-phone").fill("09121234567")
    page.get_by_role("button", name="ثبت‌نام", exact=True).click()
    see(page, "پیش‌تر در این رویداد ثبت‌نام شده است")
    assert Registration.objects.filter(event=event, status="registered").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "events-registration")
    logout(page)

    # The directorate records the minutes and a resolution for the roads agency.
    login(page, base, "directorate")
    page.goto(f"{base}/backoffice/events/{event.pk}/minutes/")
    page.locator("textarea").first.fill(
        "گزارش عملکرد روابط عمومی‌ها ارائه شد.\n\n<script>alert('x')</script>تصمیم‌ها ثبت شد."
    )
    page.get_by_role("button", name="ذخیرهٔ صورت‌جلسه").click()
    page.wait_for_url(f"**/backoffice/events/{event.pk}/**")
    page.locator("summary", has_text="ثبت مصوبه").click()
    page.locator("#id_text").fill("تهیهٔ گزارش ماهانهٔ پوشش خبری طرح‌های راه")
    page.locator("#id_responsible").select_option(label="اداره‌کل راه و شهرسازی استان تهران")
    page.locator("#id_deadline").fill(_jalali(day + dt.timedelta(days=30)))
    page.get_by_role("button", name="ثبت مصوبه").click()
    see(page, "تهیهٔ گزارش ماهانهٔ پوشش خبری طرح‌های راه")
    resolution = Resolution.objects.get(event=event)
    event.refresh_from_db()
    assert "<script" not in event.minutes and "تصمیم‌ها ثبت شد" in event.minutes
    logout(page)

    # The roads officer reports it done, with evidence.
    login(page, base, "officer.roads")
    page.goto(f"{base}/backoffice/events/resolutions/")
    page.get_by_role("link", name="تهیهٔ گزارش ماهانهٔ پوشش خبری طرح‌های راه").first.click()
    page.locator("#id_status").select_option("done")
    page.locator("#id_evidence").fill("گزارش مهرماه در سامانه بارگذاری شد.")
    page.get_by_role("button", name="ثبت گزارش").click()
    see(page, "انجام‌شده")
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE
    screenshot(page, "events-resolution")
    logout(page)

    # The public sees the meeting, in Jalali, and can take it into a calendar.
    page.goto(f"{base}/events/")
    page.get_by_role("link", name=TITLE).first.click()
    assert page.locator("h1").inner_text() == TITLE
    assert pdates.format_date(day) in page.content()
    assert axe_violations(page) == []
    ics = page.request.get(f"{base}/events/{event.pk}.ics")
    assert ics.ok and "BEGIN:VEVENT" in ics.text() and "TZID=Asia/Tehran" in ics.text()


@pytest.fixture
def demo_events(transactional_db: Any) -> None:
    from ravabet.events import demo as events_demo

    demo.load()
    events_demo.load()


def test_check_in_on_the_day_and_the_overdue_resolution_in_the_directorates_view(
    live_server: Any, page: Any, demo_events: None
) -> None:
    from ravabet.events.demo import SEED_TITLE

    base = live_server.url
    seed = Event.objects.get(title=SEED_TITLE)
    absent = seed.registrations.filter(attended_at__isnull=True, status="registered").first()
    assert absent is not None
    present_before = seed.registrations.filter(attended_at__isnull=False).count()

    login(page, base, "directorate")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone at the hall's door
    page.goto(f"{base}/backoffice/events/{seed.pk}/check-in/")
    count = page.locator("#check-in-count")
    assert to_persian_digits(str(present_before)) in count.inner_text()
    row = page.locator(f"#reg-{absent.pk}")
    row.get_by_role("button", name="ثبت حضور").click()
    # htmx swaps the row and the count in place; the page is not reloaded.
    page.locator(f"#reg-{absent.pk} .check-in__button.is-present").wait_for()
    assert to_persian_digits(str(present_before + 1)) in count.inner_text()
    absent.refresh_from_db()
    assert absent.attended_at is not None
    assert axe_violations(page) == []
    screenshot(page, "events-check-in")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/backoffice/events/resolutions/")
    overdue = Resolution.objects.get(event=seed, deadline__lt=timezone.now().date(), status="open")
    assert overdue.text[:30] in page.content()
    assert "معوق" in page.content()
    screenshot(page, "events-resolutions")
    page.goto(f"{base}/backoffice/events/{seed.pk}/")
    screenshot(page, "backoffice-event")
    logout(page)

    page.goto(f"{base}/events/?when=past")
    assert page.get_by_role("link", name=SEED_TITLE).first.is_visible()
    page.goto(f"{base}/events/")
    screenshot(page, "events-list")
    page.goto(f"{base}/events/{seed.pk}/")
    assert "سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴" in page.content()
    screenshot(page, "event-detail")
    page.goto(f"{base}/occasions/")
    assert "روز ارتباطات و روابط عمومی" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "occasions")

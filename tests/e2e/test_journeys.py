"""Main journeys in a real browser: read the home page, log in, work in the back office, log out."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from ravabet.newsroom import demo as newsroom_demo
from tests.e2e.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(transactional_db: Any) -> None:
    demo.load()
    newsroom_demo.load()


def test_officer_logs_in_sees_own_back_office_and_logs_out(
    live_server: Any, page: Any, demo_data: None
) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "روابط عمومی‌های استان تهران، در یک سامانه"
    # The self-hosted font is the one actually used.
    # Not wait_for_function: its polling evaluates a string in the page, which the CSP refuses
    # (a flaky failure whenever the condition was not already true).
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.status)") == "loaded"
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    screenshot(page, "home")

    page.get_by_role("link", name="ورود کارکنان").click()
    page.get_by_label("نام کاربری").fill("officer.roads")
    page.get_by_label("گذرواژه").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/backoffice/")
    assert "پیشخوان مریم رضایی" in page.locator("h1").inner_text()

    page.get_by_role("link", name="اداره‌کل راه و شهرسازی استان تهران").click()
    page.wait_for_url("**/backoffice/agencies/roads/")
    assert page.get_by_role("cell", name="علی کریمی").is_visible()
    assert "کارشناس روابط عمومی" in page.locator(".badge").inner_text()
    screenshot(page, "backoffice-agency")

    # Another agency's back office is closed to this officer.
    response = page.goto(live_server.url + "/backoffice/agencies/tums/")
    assert response.status == 403
    assert "اجازهٔ دیدن این صفحه را ندارید" in page.content()

    page.get_by_role("button", name="خروج").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="ورود کارکنان").is_visible()
    response = page.goto(live_server.url + "/backoffice/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_persian_error_summary(
    live_server: Any, page: Any, demo_data: None
) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("نام کاربری").fill("officer.roads")
    page.get_by_label("گذرواژه").fill("wrong")
    page.get_by_role("button", name="ورود").click()
    assert page.get_by_role("alert").inner_text().count("نام کاربری یا گذرواژه درست نیست") == 1


def test_directorate_sees_all_agencies_and_audit_log(
    live_server: Any, page: Any, demo_data: None
) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("نام کاربری").fill("directorate")
    page.get_by_label("گذرواژه").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/backoffice/")
    assert page.locator("table").first.locator("tbody tr").count() >= 15
    screenshot(page, "backoffice")
    page.get_by_role("link", name="گزارش ممیزی").first.click()
    assert page.get_by_role("cell", name="ورود", exact=True).first.is_visible()
    screenshot(page, "audit-log")


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/", None),
        ("/agencies/", None),
        ("/agencies/roads/", None),
        ("/accounts/login/", None),
        ("/backoffice/", "head.roads"),
        ("/backoffice/agencies/roads/edit/", "head.roads"),
    ],
)
def test_pages_have_no_serious_accessibility_violations_and_fit_a_phone(
    live_server: Any, page: Any, demo_data: None, path: str, user: str | None
) -> None:
    if user:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("نام کاربری").fill(user)
        page.get_by_label("گذرواژه").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="ورود").click()
        page.wait_for_url("**/backoffice/")
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if path == "/":
        screenshot(page, "home-phone")


def test_agency_filter_updates_results_without_reload(
    live_server: Any, page: Any, demo_data: None
) -> None:
    page.goto(live_server.url + "/agencies/")
    page.get_by_label("نوع").select_option("university")
    expect(page.locator("#agency-results .agency-card")).to_have_count(2)
    assert "kind=university" in page.url

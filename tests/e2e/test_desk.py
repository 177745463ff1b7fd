"""The citizen desk in a real browser: a citizen writes to an agency with no account and gets a
tracking code; the agency's officer answers; the citizen types the code (in Persian digits,
with dashes), reads the answer and rates it. And the public figures, with their charts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from ravabet.desk import demo as desk_demo
from ravabet.desk.models import Message, Status
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBJECT = "آسفالت کوچهٔ شهید رحیمی پس از حفاری"
ANSWER = "کار آسفالت کوچه در برنامهٔ همین هفتهٔ ادارهٔ راه و شهرسازی شهرستان است."


@pytest.fixture
def people(transactional_db: Any, settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    demo.load()


def test_citizen_asks_officer_answers_citizen_reads_and_rates(
    live_server: Any, page: Any, people: None
) -> None:
    base = live_server.url

    # A citizen writes, with no account.
    page.goto(base + "/desk/")
    page.get_by_label("درخواست", exact=True).check()
    page.locator("#id_agency").select_option(label="اداره‌کل راه و شهرسازی استان تهران")
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_body").fill(
        "دو ماه است که پس از حفاری شرکت آب، کوچهٔ ما آسفالت نشده و رفت‌وآمد سخت است."
    )
    page.locator("#id_mobile").fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    assert axe_violations(page) == []
    screenshot(page, "desk-submit")
    page.get_by_role("button", name="ارسال پیام").click()
    page.wait_for_url("**/desk/track/**")
    message = Message.objects.get(subject=SUBJECT)
    assert message.status == Status.RECEIVED
    assert message.mobile == "09121234567"
    # The code is shown at once, and nothing personal is.
    assert message.code_display in page.content()
    assert "09121234567" not in page.content() and "۰۹۱۲" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "desk-submitted")

    # The roads agency's officer finds it in the inbox and answers.
    login(page, base, "officer.roads")
    page.get_by_role("link", name="پیام‌های مردمی").first.click()
    page.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**/backoffice/desk/{message.pk}/")
    assert axe_violations(page) == []
    screenshot(page, "desk-message")
    page.locator("#answer-form textarea").fill(ANSWER)
    page.get_by_role("button", name="فرستادن پاسخ به شهروند").click()
    see(page, "پاسخ فرستاده شد")
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.answer == ANSWER
    logout(page)

    # The citizen types the code as read from the SMS: Persian digits, with dashes.
    page.goto(base + "/desk/track/")
    page.get_by_label("کد رهگیری").fill(message.code_display)
    page.get_by_role("button", name="پیگیری").click()
    expect(page).to_have_url(re.compile(f"/desk/track/{message.tracking_code}/$"))
    assert ANSWER in page.content()
    page.get_by_label("۵ — بسیار راضی").check()
    page.get_by_label("نظر شما (اختیاری)").fill("پاسخ روشن و زود بود؛ سپاس.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="ثبت ارزیابی").click()
    see(page, "ارزیابی شما")
    message.refresh_from_db()
    assert message.status == Status.CLOSED and message.rating == 5
    screenshot(page, "desk-track")


def test_the_public_figures_rank_agencies_with_charts(
    live_server: Any, page: Any, people: None
) -> None:
    desk_demo.load()
    page.goto(live_server.url + "/desk/stats/")
    assert page.locator("svg[role=img]").count() >= 2
    assert "رتبه‌بندی نمی‌شوند" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "desk-stats")


def test_the_directorate_inbox(live_server: Any, page: Any, people: None) -> None:
    desk_demo.load()
    login(page, live_server.url, "directorate")
    page.get_by_role("link", name="پیام‌های مردمی").first.click()
    page.wait_for_url("**/backoffice/desk/**")
    assert axe_violations(page) == []
    screenshot(page, "desk-inbox")

"""Investment in a real browser: an investor filters the province's catalogue by sector and
county (the map's counts follow), opens an opportunity, reads its capital in rials and tomans and
asks the responsible agency through the form on the page; the agency answers from its desk
inbox; the investor reads the answer on the tracking page; the directorate records the outcome
in the pipeline. A phone and a printer see the pages sensibly. And the back office: an officer
writes an opportunity, its head approves, the directorate publishes, the catalogue shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from ravabet.desk.models import Message, Status
from ravabet.investment import demo as investment_demo
from ravabet.investment.models import Inquiry, Opportunity
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The roads agency (whose officer and head are demo people) offers the only housing
# opportunity in Pardis; housing elsewhere and other sectors in Pardis are there too.
TITLE = "مجتمع مسکونی اقشار متوسط پردیس"
QUESTION = "لطفاً مطالعهٔ امکان‌سنجی و شرایط مشارکت را بفرستید؛ آمادهٔ بازدید از زمین هستیم."
ANSWER = "مطالعهٔ امکان‌سنجی پیوست شد؛ کارشناس طرح برای هماهنگی بازدید با شما تماس می‌گیرد."
NEW_TITLE = "کارخانهٔ تولید آسفالت سرد در ورامین"


@pytest.fixture
def catalogue(transactional_db: Any, settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    demo.load()
    investment_demo.load()


def map_count(page: Any, county: str) -> str:
    """The count the map's table gives a county (Persian digits)."""
    row = page.locator(".county-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=county, exact=True)
    )
    return str(row.locator("td").inner_text()).strip()


def sign_out(page: Any, base: str) -> None:
    """Log out and wait for the home page the logout lands on, before the next goto."""
    logout(page)
    page.wait_for_url(base + "/")


def test_investor_filters_asks_agency_answers_directorate_records_outcome(
    live_server: Any, page: Any, catalogue: None
) -> None:
    base = live_server.url

    # The catalogue, every published opportunity, the map counting all of them.
    page.goto(base + "/investment/")
    expect(page.get_by_role("heading", name="۳۰ فرصت")).to_be_visible()
    assert map_count(page, "پردیس") == "۳"
    assert map_count(page, "اسلامشهر") == "۲"
    assert axe_violations(page) == []
    screenshot(page, "investment-catalogue")

    # Filter by sector and county through the form.
    page.get_by_label("بخش", exact=True).select_option(label="مسکن و ساختمان")
    page.get_by_label("شهرستان", exact=True).select_option(label="پردیس")
    page.get_by_role("button", name="نمایش").click()
    expect(page.get_by_role("heading", name="۱ فرصت")).to_be_visible()
    expect(page).to_have_url(re.compile(r"sector=housing.*county=pardis"))
    results = page.locator(".opportunity-list")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    assert results.locator(".opportunity-card").count() == 1
    # The map counts the other filters (housing) in every county, the chosen one outlined.
    assert map_count(page, "پردیس") == "۱"
    assert map_count(page, "اسلامشهر") == "۱"
    assert map_count(page, "تهران") == "۱"
    assert map_count(page, "ورامین") == "۰"
    expect(page.locator(".county-map__tile[aria-current=true]")).to_have_attribute(
        "aria-label", "پردیس: ۱ فرصت"
    )

    # The opportunity: capital in rials and in tomans (digits and words).
    results.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    opportunity = Opportunity.objects.get(title=TITLE)
    assert page.url.endswith(f"/investment/{opportunity.pk}/")
    facts = page.locator(".opportunity__facts")
    expect(facts).to_contain_text("۱۸٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال")
    expect(facts).to_contain_text("۱٬۸۰۰٬۰۰۰٬۰۰۰٬۰۰۰ تومان")
    expect(facts).to_contain_text("هزار و هشتصد میلیارد تومان")
    english = page.locator(".opportunity__english[lang=en][dir=ltr]")
    expect(english).to_contain_text("Middle-income housing, Pardis")
    assert axe_violations(page) == []
    screenshot(page, "investment-opportunity")

    # The inquiry, through the form on the page.
    page.get_by_label("نام و نام خانوادگی").fill("بهروز تهرانی")
    page.get_by_label("شرکت یا گروه (اختیاری)").fill("سرمایه‌گذاری ساختمانی البرز")
    page.get_by_label("تلفن همراه").fill("۰۹۱۲ ۳۴۵ ۶۷۸۹")
    page.get_by_label("پرسش یا درخواست شما").fill(QUESTION)
    page.get_by_label("سرمایهٔ در نظر").select_option(label="۱۰۰ میلیارد تا ۱ همت")
    page.get_by_role("button", name="فرستادن درخواست").click()
    page.wait_for_url("**/desk/track/**")
    inquiry = Inquiry.objects.get(opportunity=opportunity, company="سرمایه‌گذاری ساختمانی البرز")
    assert inquiry.capital_range == "100b-1t" and inquiry.outcome == "open"
    message = Message.objects.get(pk=inquiry.message_id)
    assert message.status == Status.RECEIVED and message.mobile == "09123456789"
    assert message.agency is not None and message.agency.slug == "roads"
    assert QUESTION in message.body
    expect(page).to_have_url(re.compile(f"/desk/track/{message.tracking_code}/$"))
    see(page, message.code_display)

    # The roads agency's officer finds it in the desk inbox and answers.
    login(page, base, "officer.roads")
    page.get_by_role("link", name="پیام‌های مردمی").first.click()
    page.wait_for_url("**/backoffice/desk/**")
    # The demo holds an older inquiry about the same opportunity: the tracking code tells them
    # apart.
    expect(page.get_by_role("link", name=message.subject)).to_have_count(2)
    page.get_by_role("link", name=message.code_display, exact=True).click()
    page.wait_for_url(f"**/backoffice/desk/{message.pk}/")
    page.locator("#answer-form textarea").fill(ANSWER)
    page.get_by_role("button", name="فرستادن پاسخ به شهروند").click()
    see(page, "پاسخ فرستاده شد")
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.answer == ANSWER
    sign_out(page, base)

    # The investor's tracking page shows the answer.
    page.goto(base + f"/desk/track/{message.tracking_code}/")
    see(page, ANSWER)

    # The directorate records the outcome in the pipeline.
    login(page, base, "directorate")
    page.get_by_role("link", name="درخواست‌های سرمایه‌گذاران").first.click()
    page.wait_for_url("**/backoffice/investment/pipeline/**")
    assert axe_violations(page) == []
    screenshot(page, "investment-pipeline")
    row = page.locator("tr").filter(has=page.locator(f"#outcome-{inquiry.pk}"))
    row.locator(f"#outcome-{inquiry.pk}").select_option(label="جلسه برگزار شد")
    row.get_by_role("button", name="ثبت").click()
    expect(page.locator(".message--success")).to_contain_text("ثبت شد")
    inquiry.refresh_from_db()
    assert inquiry.outcome == "meeting"
    expect(page.locator(f"#outcome-{inquiry.pk}")).to_have_value("meeting")


def test_the_catalogue_on_a_phone_and_an_opportunity_on_paper(
    live_server: Any, page: Any, catalogue: None
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/investment/")
    expect(page.get_by_role("heading", name="۳۰ فرصت")).to_be_visible()
    wide = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert wide[0] <= wide[1], wide
    expect(page.locator("table.county-table")).to_be_attached()
    assert page.locator(".county-table tbody tr").count() == 16
    expect(page.locator("svg.county-map__svg")).to_be_visible()
    screenshot(page, "investment-phone")

    # The opportunity's page prints as a fact sheet: no navigation, no form.
    page.set_viewport_size({"width": 1280, "height": 900})
    opportunity = Opportunity.objects.get(title=TITLE)
    page.goto(base + f"/investment/{opportunity.pk}/")
    expect(page.locator("form.form--wide")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".breadcrumbs")).to_be_hidden()
    expect(page.locator(".inquiry")).to_be_hidden()
    expect(page.get_by_role("button", name="فرستادن درخواست")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    # What an investor prints for is there.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".opportunity__facts")).to_be_visible()
    expect(page.locator(".opportunity__facts")).to_contain_text("۱۸٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال")


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_officer_writes_head_approves_directorate_publishes(
    live_server: Any, page: Any, catalogue: None
) -> None:
    base = live_server.url

    # The roads agency's officer writes an opportunity, the capital as people say it.
    login(page, base, "officer.roads")
    page.get_by_role("link", name="فرصت‌های سرمایه‌گذاری").first.click()
    page.wait_for_url("**/backoffice/investment/")
    page.goto(base + "/backoffice/investment/new/")
    page.get_by_label("عنوان", exact=True).fill(NEW_TITLE)
    page.get_by_label("خلاصه", exact=True).fill(
        "کارخانهٔ ۲۰۰ هزار تنی آسفالت سرد برای نگهداری راه‌های روستایی جنوب استان."
    )
    page.get_by_label("بخش", exact=True).select_option(label="صنعت")
    page.get_by_label("شهرستان", exact=True).select_option(label="ورامین")
    page.get_by_label("سرمایهٔ لازم").fill("۲۵۰ میلیارد ریال")
    page.get_by_label("مشارکت", exact=True).check()
    page.get_by_role("button", name="ذخیره").click()
    see(page, "پیش‌نویس فرصت ذخیره شد")
    # The capital is echoed back: what was stored, in rials and in tomans' words.
    echo = page.locator(".messages")
    expect(echo).to_contain_text("سرمایهٔ لازم ذخیره شد: ۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال")
    expect(echo).to_contain_text("(۲۵ میلیارد تومان)")
    opportunity = Opportunity.objects.get(title=NEW_TITLE)
    assert opportunity.capital_rials == 250_000_000_000
    assert opportunity.status == "draft" and opportunity.agency.slug == "roads"

    # The feasibility study, as a PDF.
    pdf = page.locator("form").filter(has=page.get_by_role("button", name="افزودن سند"))
    pdf.get_by_label("پرونده").set_input_files(
        files=[{"name": "feasibility.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    pdf.get_by_label("عنوان سند").fill("مطالعهٔ امکان‌سنجی")
    pdf.get_by_role("button", name="افزودن سند").click()
    see(page, "سند افزوده شد")
    assert opportunity.documents.count() == 1
    screenshot(page, "investment-backoffice")

    page.get_by_role("button", name="فرستادن برای تأیید").click()
    see(page, "فرصت برای تأیید فرستاده شد")
    opportunity.refresh_from_db()
    assert opportunity.status == "submitted"
    sign_out(page, base)

    # The head approves.
    login(page, base, "head.roads")
    page.goto(base + f"/backoffice/investment/{opportunity.pk}/")
    page.get_by_role("button", name="تأیید", exact=True).click()
    see(page, "فرصت تأیید شد")
    opportunity.refresh_from_db()
    assert opportunity.status == "approved"
    sign_out(page, base)

    # The directorate publishes.
    login(page, base, "directorate")
    page.goto(base + f"/backoffice/investment/{opportunity.pk}/")
    page.get_by_role("button", name="انتشار در فهرست استان").click()
    see(page, "فرصت در فهرست فرصت‌های استان منتشر شد")
    opportunity.refresh_from_db()
    assert opportunity.status == "published"
    sign_out(page, base)

    # In the catalogue, for everyone.
    page.goto(base + "/investment/?county=varamin")
    link = page.locator(".opportunity-list").get_by_role("link", name=NEW_TITLE)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(page.locator(".opportunity__facts")).to_contain_text("۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال")

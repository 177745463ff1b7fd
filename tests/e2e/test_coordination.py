"""Coordination in a real browser: the directorate writes and issues a directive to the roads
office; the office's head opens it (the read receipt) and acknowledges it; the directorate sees
the receipt with its time in the receipts table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.coordination.models import Directive, Receipt
from ravabet.core.organisation import demo
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBJECT = "پوشش خبری هفتهٔ دولت"
TEXT = "افتتاح طرح‌های هفتهٔ دولت را با خبر، عکس و ویدئو پوشش دهید."


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


def test_directorate_issues_head_opens_and_acknowledges_directorate_sees_receipt(
    live_server: Any, page: Any, people: None
) -> None:
    base = live_server.url

    login(page, base, "directorate")
    page.goto(base + "/backoffice/coordination/directives/new/")
    page.get_by_label("موضوع").fill(SUBJECT)
    page.get_by_label("متن بخشنامه").fill(TEXT)
    page.get_by_label("فوریت").select_option(label="فوری")
    page.get_by_label("همهٔ دستگاه‌ها").uncheck()
    page.get_by_label(re.compile("راه و شهرسازی")).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    see(page, "پیش‌نویس بخشنامه ذخیره شد")
    page.get_by_role("button", name="ابلاغ", exact=True).click()
    see(page, "ابلاغ شد")
    see(page, "باز نشده")
    directive = Directive.objects.get()
    assert directive.status == Directive.Status.ISSUED
    logout(page)
    page.wait_for_url(base + "/")

    login(page, base, "head.roads")
    page.goto(base + "/backoffice/coordination/directives/")
    page.get_by_role("link", name=SUBJECT).click()
    see(page, TEXT)
    receipt = Receipt.objects.get(directive=directive)
    assert receipt.opened_at is not None  # the read receipt, on opening
    assert axe_violations(page) == []
    screenshot(page, "coordination-directive-agency")
    page.get_by_role("button", name="تأیید دریافت").click()
    see(page, "دریافت بخشنامه تأیید شد")
    logout(page)
    page.wait_for_url(base + "/")

    login(page, base, "directorate")
    page.goto(base + directive.get_absolute_url())
    row = page.locator("table.receipts tbody tr").filter(has_text="راه و شهرسازی")
    expect(row).to_contain_text("تأیید شده")
    receipt.refresh_from_db()
    from ravabet.core import jalali

    assert receipt.acknowledged_at is not None
    expect(row).to_contain_text(jalali.format_datetime(receipt.acknowledged_at))
    assert axe_violations(page) == []
    screenshot(page, "coordination-directive-receipts")

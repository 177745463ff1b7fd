"""The annual plan in a real browser: an agency's officer opens this year's plan (axe finds no
serious violation), reports the quarter on a programme it owns, and sees the report on the
page; the directorate's page of the closed 1404 plan with its chart."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.coordination import demo_plan
from ravabet.coordination.selectors import plan as selectors
from ravabet.core.organisation import demo
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_reports_the_quarter_and_the_plan_shows_it(live_server: Any, page: Any) -> None:
    demo.load()
    demo_plan.load()
    base = live_server.url
    year = selectors.quarter_of(selectors.today_local())[0]
    login(page, base, "officer.roads")
    page.goto(f"{base}/backoffice/coordination/plan/{year}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("برنامهٔ ارتباطات")
    assert axe_violations(page) == []
    screenshot(page, "coordination-plan")
    page.get_by_role("link", name="گزارش فصل نشست‌های خبری ماهانهٔ مدیران دستگاه‌ها").click()
    see(page, "گزارش‌های فصلی تا امروز")
    assert axe_violations(page) == []
    page.get_by_label("درصد پیشرفت").fill("۸۰")
    page.get_by_label("وضعیت").select_option("on_track")
    page.get_by_label("توضیح").fill("نشست خبری آبان و آذر برگزار شد.")
    page.get_by_role("button", name="ثبت گزارش").click()
    see(page, "گزارش فصل ثبت شد.")
    expect(page.locator("body")).to_contain_text("۸۰٪")

    page.goto(f"{base}/backoffice/coordination/plan/1404/")
    expect(page.locator("svg.chart__svg")).to_be_visible()
    assert axe_violations(page) == []

"""The ranking in a real browser: the directorate sets the weights, computes the ranking of a
Jalali quarter, reads the table and the formula, releases it; the roads office's officer then
opens its own scorecard and rank, and a head their «امروز» page. axe finds no serious
violation on any of them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from ravabet.core.organisation.models import Agency
from tests.coordination.fixtures_scores import Values, values  # noqa: F401
from tests.e2e.conftest import axe_violations, screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_directorate_ranks_and_releases_an_office_reads_its_scorecard(
    live_server: Any,
    page: Any,
    values: Values,  # noqa: F811
) -> None:
    demo.load()
    offices = list(Agency.objects.exclude(kind=Agency.Kind.DIRECTORATE).order_by("name"))
    for index, agency in enumerate(offices):
        if agency.slug == "roads":
            values.set("test.share", agency, 95, volume=40)
            values.set("test.days", agency, 1.5, volume=40)
        elif index % 5 == 4:
            values.set("test.days", agency, 4, volume=2)  # too little data: listed apart
        else:
            values.set("test.share", agency, 50 + index % 40, volume=20)
            values.set("test.days", agency, 2 + index % 6, volume=20)
    base = live_server.url
    login(page, base, "directorate")
    page.goto(base + "/backoffice/coordination/weights/")
    page.get_by_label("وزن «پاسخ در مهلت»").fill("۶۰")
    page.get_by_label("وزن «میانهٔ زمان پاسخ»").fill("۴۰")
    page.get_by_role("button", name="ذخیرهٔ وزن‌ها").click()
    see(page, "وزن شاخص‌ها ذخیره شد.")
    assert axe_violations(page) == []

    page.goto(base + "/backoffice/coordination/ranking/")
    page.get_by_label("سال").select_option("1404")
    page.get_by_label("دوره").select_option("1")
    page.get_by_label("عنوان (اختیاری)").fill("رتبه‌بندی بهار ۱۴۰۴")
    page.get_by_role("button", name="محاسبه").click()
    see(page, "رتبه‌بندی «رتبه‌بندی بهار ۱۴۰۴» محاسبه شد.")
    expect(page.locator("svg.chart__svg").first).to_be_visible()
    see(page, "رتبه‌بندی نشد: دادهٔ کافی نیست")
    see(page, "قاعدهٔ حداقل حجم")
    assert axe_violations(page) == []
    screenshot(page, "coordination-ranking")
    page.get_by_role("button", name="انتشار برای دستگاه‌ها").click()
    see(page, "رتبه‌بندی منتشر شد")
    logout(page)

    login(page, base, "officer.roads")
    page.goto(base + "/backoffice/coordination/scorecards/roads/")
    see(page, "رتبهٔ ۱ از")
    see(page, "روند امتیاز")
    assert axe_violations(page) == []
    screenshot(page, "coordination-scorecard")
    logout(page)

    login(page, base, "head.roads")
    see(page, "کارهای من: امروز")
    page.goto(base + "/backoffice/coordination/today/")
    see(page, "کارنامهٔ")
    assert axe_violations(page) == []
    screenshot(page, "coordination-today")

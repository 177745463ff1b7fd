"""The monitoring desk in a real browser: the water company's PR officer opens the desk, sees
the alert the morning's complaints raised, labels a mention's tone, then builds yesterday's
bulletin, drops a clipping, writes a summary and downloads the PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from ravabet.monitoring import demo as monitoring_demo
from ravabet.monitoring.models import Alert, Bulletin, Mention
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_newsroom import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "دو گزارش از قطعی و کدورت آب شرب در چند رسانه بازنشر شد؛ پاسخ شرکت هنوز منتشر نشده است."


@pytest.fixture
def desk(transactional_db: Any, settings: Any, tmp_path: Any) -> None:
    # Without the archive (a minute to import): the demo's last month is then only the
    # complaints, two stories told by four outlets, which raise the water company's alert.
    settings.RAVABET_DEMO_CORPUS = str(tmp_path / "no-corpus.jsonl.gz")
    demo.load()
    monitoring_demo.load()


def test_officer_labels_a_tone_and_builds_the_bulletin(
    live_server: Any, page: Any, desk: None
) -> None:
    base = live_server.url
    assert Alert.objects.filter(agency__slug="water", ended_at__isnull=True).exists()

    # The desk's overview, from the back office's menu.
    login(page, base, "multi")  # the water company's officer
    page.get_by_role("link", name="پایش رسانه‌ها").first.click()
    expect(page).to_have_url(re.compile("/backoffice/monitoring/$"))
    assert axe_violations(page) == []
    screenshot(page, "monitoring-home")

    # The alert.
    page.get_by_role("link", name="هشدارها").first.click()
    expect(page.get_by_text("آبفای استان").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "monitoring-alerts")

    # The mentions: the lexicon found the complaints negative; the officer says one is neutral.
    page.get_by_role("link", name="بازتاب‌ها").first.click()
    expect(page).to_have_url(re.compile("/backoffice/monitoring/mentions/"))
    assert axe_violations(page) == []
    screenshot(page, "monitoring-mentions")
    mention = Mention.objects.filter(agency__slug="water").order_by("-created_at", "-id").first()
    assert mention is not None and mention.tone_source == "lexicon"
    box = page.locator(f"#tone-{mention.pk}")
    box.get_by_role("button", name="خنثی").click()
    expect(page.locator(f"#tone-{mention.pk}")).to_contain_text("ویراستار")
    mention.refresh_from_db()
    assert (mention.tone, mention.tone_source) == ("neutral", "editor")

    # Yesterday's bulletin of the water company, built on demand.
    page.get_by_role("link", name="بولتن خبری").first.click()
    page.get_by_label("دستگاه").first.select_option(label="شرکت آب و فاضلاب استان تهران")
    page.get_by_role("button", name="ساختن یا به‌روزکردن").click()
    expect(page).to_have_url(re.compile(r"/backoffice/monitoring/bulletins/\d+/$"))
    bulletin = Bulletin.objects.get(agency__slug="water")
    assert bulletin.items.count() == 4  # yesterday's complaint, by four outlets
    page.get_by_role("button", name=re.compile("^کنار گذاشتن از بولتن")).first.click()
    expect(page.get_by_role("button", name=re.compile("^افزودن به بولتن"))).to_have_count(1)
    assert bulletin.items.filter(included=False).count() == 1
    page.get_by_label("خلاصه").fill(SUMMARY)
    page.get_by_role("button", name="ذخیرهٔ خلاصه").click()
    expect(page.get_by_text(SUMMARY).first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "monitoring-bulletin")

    with page.expect_download() as download:
        page.get_by_role("link", name="دریافت PDF").click()
    path = download.value.path()
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert download.value.suggested_filename.endswith(".pdf")

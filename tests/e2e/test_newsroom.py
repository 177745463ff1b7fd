"""The newsroom journey in a real browser: write, submit, approve, read on the portal, find it."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.core.organisation import demo
from ravabet.newsroom.models import Release
from tests.e2e.conftest import screenshot, see

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("نام کاربری").fill(username)
    page.get_by_label("گذرواژه").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/backoffice/")


def logout(page: Any) -> None:
    page.get_by_role("button", name="خروج").click()


def test_officer_writes_head_approves_public_reads_and_finds_it(
    live_server: Any, page: Any, people: None
) -> None:
    base = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    login(page, base, "officer.roads")
    page.get_by_role("link", name="نوشتن خبر").first.click()
    page.get_by_label("روتیتر").fill("همزمان با هفته ایمنی راه")
    page.locator("#id_headline").fill("آغاز بهسازي جاده هراز در محدوده استان")
    page.get_by_label("لید").fill("عملیات بهسازی محور هراز از شنبه آغاز میشود.")
    page.locator("#id_body").fill(
        "این طرح در دو مرحله اجرا میشود.\n\n"
        "<script>alert('xss')</script><img src=x onerror=alert('img')>رانندگان احتیاط کنند."
    )
    page.get_by_label("برچسب‌ها").fill("ایمنی راه، هراز")
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    see(page, "پیش‌نویس ذخیره شد")
    see(page, "ویرایش فارسی خودکار")  # the editor shows what normalizing changed
    screenshot(page, "newsroom-draft")
    page.get_by_role("button", name="فرستادن برای تأیید").click()
    see(page, "خبر برای تأیید فرستاده شد")
    logout(page)

    login(page, base, "head.roads")
    page.goto(base + "/backoffice/newsroom/?status=submitted")
    page.get_by_role("link", name="آغاز بهسازی جاده هراز در محدوده استان").click()
    page.get_by_role("button", name="تأیید و انتشار").click()
    see(page, "خبر منتشر شد")
    logout(page)

    page.goto(base + "/")
    page.get_by_role("link", name="آغاز بهسازی جاده هراز در محدوده استان").first.click()
    assert page.locator("h1").inner_text() == "آغاز بهسازی جاده هراز در محدوده استان"
    assert "رانندگان احتیاط کنند" in page.locator(".release__body").inner_text()
    screenshot(page, "release")

    page.goto(base + "/search/?q=" + "بهسازي جاده هراز")
    assert page.get_by_role("link", name="آغاز بهسازی جاده هراز در محدوده استان").is_visible()
    assert page.locator("mark").count() >= 1
    screenshot(page, "search")
    assert dialogs == []  # no script from the body ever ran
    assert Release.objects.get().status == Release.Status.PUBLISHED

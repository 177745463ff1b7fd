"""An officer makes a read-only API key that expires, sees it once, and the API keeps to it."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.core.organisation import demo
from tests.e2e.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_makes_a_read_only_key_that_cannot_write(live_server: Any, page: Any) -> None:
    demo.load()
    page.goto(live_server.url + "/accounts/login/?next=/accounts/profile/")
    page.get_by_label("نام کاربری").fill("officer.roads")
    page.get_by_label("گذرواژه").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/accounts/profile/")

    page.get_by_label("نام کلید").fill("داشبورد استانداری")
    page.get_by_label("معتبر تا (اختیاری؛ تا پایان آن روز)").fill("۱۴۲۰/۰۱/۳۰")
    page.get_by_label("فقط خواندن (هر درخواست نوشتنی با این کلید رد می‌شود)").check()
    response_headers: dict[str, str] = {}
    page.on(
        "response",
        lambda r: response_headers.update(r.headers) if r.url.endswith("/profile/") else None,
    )
    page.get_by_role("button", name="ساخت کلید تازه").click()
    key = page.locator("code.token").inner_text()
    assert key.startswith("rvb_")
    # The page that shows a key is never kept by the browser or a proxy.
    assert "no-store" in response_headers.get("cache-control", "")
    row = page.get_by_role("row", name="داشبورد استانداری")
    assert "فقط خواندن" in row.inner_text()
    assert "۱۴۲۰" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "profile-tokens")

    auth = {"Authorization": f"Bearer {key}"}
    me = page.request.get(live_server.url + "/api/v1/me", headers=auth)
    assert me.status == 200 and me.json()["username"] == "officer.roads"
    write = page.request.post(
        live_server.url + "/api/v1/releases",
        headers=auth,
        data={"agency": "roads", "headline": "آزمایش"},
    )
    assert write.status == 403
    assert "فقط برای خواندن" in write.json()["detail"]

    # Shown once: opened again, the page lists the key by its first letters only.
    page.goto(live_server.url + "/accounts/profile/")
    assert page.locator("code.token").count() == 0
    assert key[:12] in page.get_by_role("row", name="داشبورد استانداری").inner_text()
    assert key not in page.content()

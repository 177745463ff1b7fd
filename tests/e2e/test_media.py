"""Uploads in a real browser: the finding's `map.html` becomes a picture the portal shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ravabet.core.organisation import demo
from ravabet.newsroom.models import ReleaseImage
from tests.e2e.conftest import see
from tests.e2e.test_newsroom import login, logout
from tests.files import gif_with_script_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


def test_uploaded_picture_shows_on_the_portal_and_its_script_never_runs(
    live_server: Any, page: Any, people: None, tmp_path: Path
) -> None:
    base = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = tmp_path / "map.html"
    hostile.write_bytes(gif_with_script_comment())

    login(page, base, "officer.roads")
    page.goto(base + "/backoffice/newsroom/new/")
    page.locator("#id_headline").fill("نقشهٔ مسیرهای جایگزین محور هراز")
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    page.get_by_label("تصویر (JPEG، PNG، WEBP یا GIF)").set_input_files(str(hostile))
    page.get_by_label("متن جایگزین").fill("نقشهٔ مسیرهای جایگزین")
    page.get_by_role("button", name="افزودن تصویر").click()
    see(page, "تصویر افزوده شد")
    page.get_by_role("button", name="فرستادن برای تأیید").click()
    logout(page)

    login(page, base, "head.roads")
    page.goto(base + "/backoffice/newsroom/?status=submitted")
    page.get_by_role("link", name="نقشهٔ مسیرهای جایگزین محور هراز").click()
    page.get_by_role("button", name="تأیید و انتشار").click()
    see(page, "خبر منتشر شد")
    logout(page)

    image = ReleaseImage.objects.get()
    page.goto(base + image.release.get_absolute_url())
    picture = page.get_by_role("img", name="نقشهٔ مسیرهای جایگزین")
    picture.wait_for()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 8
    response = page.goto(base + image.url)
    assert response is not None and response.headers["content-type"] == "image/png"
    assert dialogs == []

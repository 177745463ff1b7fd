"""Every release out, in a real browser: the head adds the agency's channel (a local Bot-API
server), an officer writes, the head approves, the channel receives the release once, and the
release's back-office page shows the delivery with its link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ravabet.core.organisation import demo
from tests.distribution.botserver import BotServer
from tests.e2e.conftest import screenshot, see
from tests.e2e.test_newsroom import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOKEN = "424242:E2E-token"


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


@pytest.fixture
def bot(settings: Any) -> Iterator[BotServer]:
    # The delivery task runs as soon as the publication commits, as a worker would at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True  # the server is on 127.0.0.1
    with BotServer(token=TOKEN, username="roads_news") as running:
        yield running


def test_a_published_release_reaches_the_channel_once_and_its_page_shows_it(
    live_server: Any, page: Any, people: None, bot: BotServer, settings: Any
) -> None:
    base = live_server.url
    settings.RAVABET_BASE_URL = base

    login(page, base, "head.roads")
    page.goto(base + "/backoffice/distribution/channels/add/")
    page.locator("#id_kind").select_option("telegram")
    page.locator("#id_name").fill("کانال تلگرام راه")
    page.locator("#id_base_url").fill(bot.base_url)
    page.locator("#id_token").fill(TOKEN)
    page.locator("#id_chat_id").fill("@roads_news")
    page.get_by_role("button", name="ذخیره").click()
    see(page, "کانال افزوده شد")
    assert TOKEN not in page.content()
    screenshot(page, "distribution-channels")
    logout(page)

    login(page, base, "officer.roads")
    page.get_by_role("link", name="نوشتن خبر").first.click()
    page.locator("#id_headline").fill("بازگشایی محور چالوس پس از برف‌روبی")
    page.get_by_label("لید").fill("محور چالوس از ساعت ۱۴ امروز بازگشایی شد.")
    page.locator("#id_body").fill("رانندگان با زنجیر چرخ تردد کنند.")
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    page.get_by_role("button", name="فرستادن برای تأیید").click()
    logout(page)

    login(page, base, "head.roads")
    page.goto(base + "/backoffice/newsroom/?status=submitted")
    page.get_by_role("link", name="بازگشایی محور چالوس پس از برف‌روبی").click()
    page.get_by_role("button", name="تأیید و انتشار").click()
    see(page, "خبر منتشر شد")

    assert len(bot.posts) == 1
    method, payload = bot.posts[0]
    assert method == "sendMessage" and payload["chat_id"] == "@roads_news"
    assert payload["text"].startswith("بازگشایی محور چالوس پس از برف‌روبی")
    page.reload()
    panel = page.locator("#panel-distribution").locator("xpath=..")
    assert "کانال تلگرام راه" in panel.inner_text()
    assert "فرستاده شد" in panel.inner_text()
    assert panel.get_by_role("link", name="دیدن پیام").get_attribute("href") == (
        "https://t.me/roads_news/101"
    )
    screenshot(page, "distribution-panel")
    assert len(bot.posts) == 1

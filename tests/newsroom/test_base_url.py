"""Absolute links (e-mails, feeds, canonical and share tags) are built on RAVABET_BASE_URL, so they
carry the port `make demo PORT=…` serves on, never the request's host."""

from __future__ import annotations

import re
from typing import Any

import feedparser
import pytest
from django.core import mail
from django.test import Client

from tests.factories import make_release

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.RAVABET_BASE_URL = BASE
    # E-mails leave at once, whether the request sends them or enqueues a task that does.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_subscription_confirmation_link_carries_the_served_port(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/subscribe/?agency=roads", {"email": "a@news.example", "frequency": "daily"})
    (message,) = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(f"{BASE}/") for link in links), links
    confirm = next(link for link in links if "/subscribe/confirm/" in link)
    html = message.alternatives[0][0]
    assert f'href="{confirm}"' in html
    # The link works where it points: its path is the confirmation page.
    assert Client().get(confirm.removeprefix(BASE)).status_code == 200


@pytest.mark.parametrize(
    "url", ["/feeds/releases.rss", "/feeds/releases.atom", "/agencies/roads/feeds/releases.rss"]
)
def test_every_feed_link_carries_the_served_port(world: Any, url: str) -> None:
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر پیوند", status="published"
    )
    body = Client().get(url).content.decode()
    assert "testserver" not in body
    feed = feedparser.parse(body)
    assert feed.feed.link.startswith(f"{BASE}/")
    (entry,) = feed.entries
    assert entry.link == f"{BASE}/news/{release.pk}/" == entry.id
    self_links = re.findall(
        r'<atom:link href="([^"]+)" rel="self"|<link href="([^"]+)" rel="self"', body
    )
    assert self_links and all(BASE + url in pair for pair in self_links), self_links


def test_release_page_canonical_and_share_links_carry_the_served_port(world: Any) -> None:
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر اشتراک", status="published"
    )
    body = Client().get(release.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{BASE}/news/{release.pk}/">' in body
    assert f'<meta property="og:url" content="{BASE}/news/{release.pk}/">' in body
    assert "testserver" not in body

"""Feeds carry a release's text as text: a reader that renders the HTML runs nothing of it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import feedparser
import pytest
from django.test import Client

from tests.factories import make_release

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"
FEEDS = ["/feeds/releases.rss", "/feeds/releases.atom", "/agencies/roads/feeds/releases.rss"]


class _Elements(HTMLParser):
    """What a browser would build from a fragment: its elements and attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text += data


def _rendered(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def _entry(url: str) -> Any:
    response = Client().get(url)
    assert response.status_code == 200
    # As a feed reader that renders HTML itself sees it: no sanitizing by the parser.
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    return next(e for e in feed.entries if e.title == "خبر با لید خطرناک")


@pytest.mark.parametrize("url", FEEDS)
def test_markup_in_a_lead_reaches_feed_readers_as_text(world: Any, url: str) -> None:
    make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="خبر با لید خطرناک",
        lead=HOSTILE,
        status="published",
    )
    entry = _entry(url)
    rendered = _rendered(entry.summary)
    assert "img" not in rendered.tags
    assert "onerror" not in rendered.attributes
    assert HOSTILE in rendered.text  # shown as the characters the writer typed


@pytest.mark.parametrize("url", FEEDS)
def test_markup_in_a_body_without_lead_reaches_feed_readers_as_text(world: Any, url: str) -> None:
    make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="خبر با لید خطرناک",
        body="<p>متن &lt;script&gt;alert(1)&lt;/script&gt; و &lt;img src=x onerror=x&gt;</p>",
        status="published",
    )
    rendered = _rendered(_entry(url).summary)
    assert rendered.tags in ([], ["p"])
    assert not rendered.attributes
    assert "<script>alert(1)</script>" in rendered.text

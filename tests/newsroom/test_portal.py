"""The public portal: home, release pages, print view, share metadata, feeds."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from ravabet.newsroom import services
from tests.factories import make_release

pytestmark = pytest.mark.django_db


def test_home_shows_featured_and_latest(world: Any) -> None:
    featured = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="افتتاح پل طبیعت دوم",
        status="published",
    )
    services.release_feature(actor=world.directorate_staff, release=featured, featured=True)
    make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر عادی راه", status="published"
    )
    make_release(actor=world.head_roads, agency=world.roads, headline="پیش‌نویس پنهان")
    body = Client().get("/").content.decode()
    assert "خبرهای ویژهٔ استان" in body and "افتتاح پل طبیعت دوم" in body
    assert "خبر عادی راه" in body
    assert "پیش‌نویس پنهان" not in body


def test_release_page_has_jalali_date_agency_tags_and_open_graph(world: Any) -> None:
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="بهسازی جاده فیروزکوه",
        status="published",
        tags=["ایمنی راه"],
        lead="لید خبر",
    )
    body = Client().get(release.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="بهسازی جاده فیروزکوه">' in body
    assert world.roads.name in body and "ایمنی راه" in body
    assert "۱۴۰" in body  # a Jalali year in Persian digits


def test_unpublished_release_is_not_public(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    assert Client().get(release.get_absolute_url()).status_code == 404


def test_withdrawn_release_page_stays_marked_with_reason(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="withdrawn")
    body = Client().get(release.get_absolute_url()).content.decode()
    assert "این خبر پس گرفته شده است" in body and "اشتباه در آمار" in body


def test_correction_note_is_visible(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    services.release_correct(actor=world.head_roads, release=release, note="نام روستا درست شد")
    assert "نام روستا درست شد" in Client().get(release.get_absolute_url()).content.decode()


def test_printable_view(world: Any) -> None:
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="نسخه چاپی", status="published"
    )
    body = Client().get(f"/news/{release.pk}/print/").content.decode()
    assert "<h1>نسخه چاپی</h1>" in body and "site-header" not in body


def test_related_releases_share_tags(world: Any) -> None:
    a = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="الف",
        status="published",
        tags=["مترو"],
    )
    make_release(
        actor=world.officer_health,
        agency=world.health,
        headline="ب مترو",
        status="submitted",
        tags=["مترو"],
    )
    c = make_release(
        actor=world.directorate_staff,
        agency=world.health,
        headline="ج مترو",
        status="published",
        tags=["مترو"],
    )
    body = Client().get(a.get_absolute_url()).content.decode()
    assert "خبرهای مرتبط" in body and c.headline in body and "ب مترو" not in body


def test_agency_page_lists_its_releases(world: Any) -> None:
    make_release(actor=world.head_roads, agency=world.roads, headline="خبر راه", status="published")
    body = Client().get("/agencies/roads/").content.decode()
    assert "خبر راه" in body and "/agencies/roads/feeds/releases.rss" in body


@pytest.mark.parametrize(
    "url", ["/feeds/releases.rss", "/feeds/releases.atom", "/agencies/roads/feeds/releases.rss"]
)
def test_feeds_are_valid_and_carry_published_releases(world: Any, url: str) -> None:
    make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="خبر خوراک",
        status="published",
        tags=["راه"],
    )
    make_release(actor=world.head_roads, agency=world.roads, headline="پیش‌نویس خوراک")
    make_release(
        actor=world.directorate_staff, agency=world.health, headline="خبر سلامت", status="published"
    )
    response = Client().get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert "خبر خوراک" in titles and "پیش‌نویس خوراک" not in titles
    assert ("خبر سلامت" in titles) is (url.startswith("/feeds/"))
    entry = next(e for e in feed.entries if e.title == "خبر خوراک")
    assert entry.link.endswith(f"/news/{entry.link.rstrip('/').split('/')[-1]}/")
    assert entry.get("published_parsed") or entry.get("updated_parsed")


def test_unknown_agency_feed_is_404() -> None:
    assert Client().get("/agencies/none/feeds/releases.rss").status_code == 404

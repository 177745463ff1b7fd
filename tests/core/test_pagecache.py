"""Anonymous public pages come from the page cache: never stale, never another person's page,
conditional (304), and bounded however the query string is made."""

from __future__ import annotations

import email.utils
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from ravabet.agencies import services as agency_services
from ravabet.core import pagecache
from ravabet.newsroom import services
from tests.conftest import clear_cache
from tests.factories import make_release

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_pages() -> None:
    clear_cache("pages")


def _publish(world: Any, headline: str) -> Any:
    return make_release(
        actor=world.head_roads, agency=world.roads, headline=headline, status="published"
    )


def _entries(alias: str = "pages") -> int:
    """How many pages the cache holds: an LRU in memory, or keys under the alias's Redis prefix."""
    store: Any = caches[alias]
    if hasattr(store, "_cache") and isinstance(store._cache, dict):
        return len(store._cache)
    client = store._cache.get_client()
    return sum(1 for _ in client.scan_iter(f"{store.key_prefix}:*"))


def test_second_anonymous_visit_is_served_from_the_cache(world: Any) -> None:
    _publish(world, "بازگشایی محور هراز")
    first = Client().get("/")
    second = Client().get("/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "بازگشایی محور هراز" in second.content.decode()
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_a_publish_shows_on_the_home_page_at_once(world: Any) -> None:
    """Real commits: the bump after the commit is what every process sees."""
    _publish(world, "بازگشایی محور هراز")
    assert Client().get("/")["X-Page-Cache"] == "miss"
    assert Client().get("/")["X-Page-Cache"] == "hit"
    _publish(world, "آغاز طرح زمستانی راهداری")
    home = Client().get("/").content.decode()
    assert "آغاز طرح زمستانی راهداری" in home
    news = Client().get("/news/").content.decode()
    assert "آغاز طرح زمستانی راهداری" in news
    assert "آغاز طرح زمستانی راهداری" in Client().get("/feeds/releases.rss").content.decode()


def test_withdraw_correct_and_feature_show_at_once(world: Any) -> None:
    release = _publish(world, "افتتاح پل بزرگراه")
    page = f"/news/{release.pk}/"
    assert "افتتاح پل بزرگراه" in Client().get(page).content.decode()
    services.release_correct(
        actor=world.head_roads, release=release, note="نام پل درست شد", headline="افتتاح پل شهید"
    )
    assert "افتتاح پل شهید" in Client().get(page).content.decode()
    assert "افتتاح پل شهید" in Client().get("/").content.decode()
    assert "افتتاح پل شهید" in Client().get("/feeds/releases.rss").content.decode()
    services.release_withdraw(actor=world.head_roads, release=release, reason="تکرار خبر")
    assert "تکرار خبر" in Client().get(page).content.decode()  # the page stays, marked
    assert "افتتاح پل شهید" not in Client().get("/feeds/releases.rss").content.decode()


def test_featuring_a_release_shows_on_the_home_page_at_once(world: Any) -> None:
    release = _publish(world, "افتتاح پل بزرگراه")
    assert "خبرهای ویژهٔ استان" not in Client().get("/").content.decode()
    services.release_feature(actor=world.directorate_staff, release=release, featured=True)
    assert "خبرهای ویژهٔ استان" in Client().get("/").content.decode()


def test_an_agency_edit_shows_on_its_page_at_once(world: Any) -> None:
    page = "/agencies/roads/"
    assert "۸۸۸۸" not in Client().get(page).content.decode()
    agency_services.agency_update(
        actor=world.head_roads, agency=world.roads, data={"phone": "۰۲۱-۸۸۸۸۰۰۰۰"}
    )
    assert "۸۸۸۸" in Client().get(page).content.decode()


def test_an_officers_page_is_never_cached_nor_served_to_others(world: Any) -> None:
    _publish(world, "بازگشایی محور هراز")
    officer = Client()
    officer.force_login(world.officer_roads)
    # The officer first: their page has their bar and a CSRF token, and is kept by nobody.
    mine = officer.get("/")
    assert "خروج" in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    assert "X-Page-Cache" not in mine
    anonymous = Client().get("/")
    body = anonymous.content.decode()
    assert "خروج" not in body and "csrfmiddlewaretoken" not in body
    assert "X-CSRFToken" not in body
    assert not anonymous.cookies  # no CSRF cookie, no session
    # Then the anonymous page is cached, and the officer still gets their own.
    assert Client().get("/")["X-Page-Cache"] == "hit"
    again = officer.get("/")
    assert "خروج" in again.content.decode() and "X-Page-Cache" not in again


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(world: Any) -> None:
    Client().get("/")
    client = Client()
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in client.get("/")


def test_back_office_pages_are_private_for_proxies(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    response = client.get("/backoffice/")
    assert "private" in response["Cache-Control"]


def test_etag_answers_a_conditional_get_with_304(world: Any) -> None:
    _publish(world, "بازگشایی محور هراز")
    for url in ("/", "/news/", "/agencies/roads/", "/feeds/releases.rss"):
        first = Client().get(url)
        etag = first["ETag"]
        again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b""
    # After a change the old ETag no longer matches: the full new page comes.
    _publish(world, "آغاز طرح زمستانی راهداری")
    assert Client().get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_feed_answers_if_modified_since_with_304(world: Any) -> None:
    _publish(world, "بازگشایی محور هراز")
    feed = Client().get("/feeds/releases.rss")
    last_modified = feed["Last-Modified"]
    assert email.utils.parsedate_to_datetime(last_modified)
    again = Client().get("/feeds/releases.rss", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304


def test_random_parameters_do_not_fill_the_cache_nor_evict_hot_pages(world: Any) -> None:
    _publish(world, "بازگشایی محور هراز")
    assert Client().get("/news/")["X-Page-Cache"] == "miss"
    for i in range(300):
        response = Client().get("/news/", {f"junk{i}": os.urandom(8).hex(), "utm": str(i)})
        assert response.status_code == 200
    for page in range(1, 200):
        Client().get("/news/", {"page": str(page)})
    Client().get("/news/", {"page": "9" * 5000})
    # One entry for /news/ whatever the junk, and at most MAX_CACHED_PAGE pages of it.
    assert _entries() <= pagecache.MAX_CACHED_PAGE
    assert Client().get("/news/")["X-Page-Cache"] == "hit"


def test_free_text_pages_are_never_stored(world: Any) -> None:
    for i in range(50):
        assert Client().get("/agencies/", {"q": f"واژه{i}"}).status_code == 200
    assert _entries() == 0


def test_a_bump_in_another_process_reaches_this_one(world: Any) -> None:
    """The versions live in the shared cache: the worker's publish reaches the web workers."""
    Client().get("/")
    assert Client().get("/")["X-Page-Cache"] == "hit"
    code = (
        "import django; django.setup()\n"
        "from ravabet.core import pagecache\n"
        "pagecache.bump('releases')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ravabet.config.settings"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
    assert Client().get("/")["X-Page-Cache"] == "miss"


def test_healthz_answers_without_the_database(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def _popular_entries() -> int:
    return _entries("pages_popular")


def test_a_search_asked_twice_is_kept_and_one_off_queries_are_not(world: Any) -> None:
    clear_cache("pages_popular")
    clear_cache("pages_seen")
    _publish(world, "بازگشایی محور هراز")
    assert "X-Page-Cache" in Client().get("/")  # a hot portal page, cached
    query = {"q": "هراز"}
    assert Client().get("/search/", query)["X-Page-Cache"] == "miss"  # asked once: a mark only
    assert _popular_entries() == 0
    assert Client().get("/search/", query)["X-Page-Cache"] == "miss"  # asked again: kept
    third = Client().get("/search/", query)
    assert third["X-Page-Cache"] == "hit"
    assert "بازگشایی محور هراز" in third.content.decode()
    # A flood of one-off queries keeps nothing and pushes nothing out.
    for i in range(200):
        Client().get("/search/", {"q": f"پرسش{i}"})
    assert _popular_entries() == 1
    assert Client().get("/search/", query)["X-Page-Cache"] == "hit"
    assert Client().get("/")["X-Page-Cache"] == "hit"
    # And a publish makes the kept search stale at once.
    _publish(world, "هراز: بارش برف و زنجیر چرخ")
    fresh = Client().get("/search/", query)
    assert "بارش برف" in fresh.content.decode()


def test_a_stored_page_is_answered_before_the_rest_of_the_stack(
    world: Any, django_assert_num_queries: Any
) -> None:
    """No session, no URL resolving, no view, no query: yet the same headers as a fresh page."""
    _publish(world, "بازگشایی محور هراز")
    fresh = Client().get("/news/")
    Client().get("/news/")  # the route of /news/ is now known to this process
    with django_assert_num_queries(0):
        hit = Client().get("/news/")
    assert hit["X-Page-Cache"] == "hit" and hit.content == fresh.content
    # Answered before SessionMiddleware, AuthenticationMiddleware and the URL resolver ran.
    assert not hasattr(hit.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "user")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "ETag"):
        assert hit[header] == fresh[header], header
    assert "Cookie" in hit["Vary"]


@pytest.mark.parametrize("url", ["/feeds/releases.rss", "/feeds/releases.atom"])
def test_a_feed_from_the_cache_stays_valid_persian_and_dated_by_the_standard(
    world: Any, url: str
) -> None:
    import re

    import feedparser

    _publish(world, "بازگشایی محور هراز")
    Client().get(url)
    Client().get(url)
    hit = Client().get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Type"].startswith(
        "application/rss+xml" if url.endswith("rss") else "application/atom+xml"
    )
    feed = feedparser.parse(hit.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries[0].title == "بازگشایی محور هراز"
    text = hit.content.decode()
    if url.endswith("rss"):  # RFC 822: «Tue, 20 May 2025 08:30:00 +0000»
        date = re.search(r"<pubDate>([^<]+)</pubDate>", text)
        assert date and re.fullmatch(
            r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", date.group(1)
        )
    else:  # RFC 3339: «2025-05-20T08:30:00+00:00»
        date = re.search(r"<updated>([^<]+)</updated>", text)
        assert date and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)", date.group(1)
        )


def test_thousands_of_parameters_in_one_query_string_are_refused_not_cached(world: Any) -> None:
    query = "&".join(f"p{i}={i}" for i in range(3000))
    response = Client().get(f"/news/?{query}")
    assert response.status_code == 400
    assert _entries() == 0


def test_a_search_kept_whole_shows_an_index_rebuild_at_once(world: Any) -> None:
    """A write to the index outside the services (search_rebuild, a removal) bumps the page."""
    from ravabet.core.search import remove_documents

    clear_cache("pages_seen")
    release = _publish(world, "بازگشایی محور هراز")
    for _ in range(3):
        page = Client().get("/search/", {"q": "هراز"})
    assert page["X-Page-Cache"] == "hit" and "بازگشایی محور هراز" in page.content.decode()
    remove_documents("release", [release.pk])
    assert "بازگشایی محور هراز" not in Client().get("/search/", {"q": "هراز"}).content.decode()


def test_a_stored_page_shows_nothing_from_parameters_outside_its_key(rf: Any, db: Any) -> None:
    """A pager copies the query string into its links: a stranger's ?anything=… must not be
    stored in the page everyone is then served."""
    from django.contrib.auth.models import AnonymousUser

    seen: list[dict[str, list[str]]] = []

    @pagecache.cached_page(topics=("releases",), params=("page",))
    def listing(request: Any) -> Any:
        from django.http import HttpResponse

        seen.append(dict(request.GET.lists()))
        return HttpResponse(f"<a href='?{request.GET.urlencode()}'>next</a>")

    request = rf.get("/list/", {"page": "2", "utm": "<b>stranger</b>"})
    request.user = AnonymousUser()
    response = listing(request)
    assert seen == [{"page": ["2"]}]
    assert b"stranger" not in response.content
    again = rf.get("/list/", {"page": "2"})
    again.user = AnonymousUser()
    assert b"stranger" not in listing(again).content

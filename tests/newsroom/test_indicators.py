"""The newsroom's indicators (releases published, page views) on hand-counted releases, and the
page-view count: once per request, cached pages too, robots not, the flush idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ravabet.core import jalali, pagecache, registry
from ravabet.newsroom import indicators, pageviews, tasks
from ravabet.newsroom.models import Release, ReleaseViews
from ravabet.persian import dates as pdates
from tests.factories import make_release

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"
# Jalali months: Farvardin 1404 (31 days) and Ordibehesht 1404.
START = pdates.to_gregorian(1404, 1, 1)
END = pdates.to_gregorian(1404, 2, 1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return jalali.make_aware_local(dt.datetime.combine(day, dt.time(hour, minute)))


def _published(world: Any, agency: Any, when: dt.datetime, status: str = "published") -> Release:
    release = make_release(actor=world.admin, agency=agency, status=status)
    Release.objects.filter(pk=release.pk).update(published_at=when)
    return release


def test_both_indicators_are_registered() -> None:
    keys = {i.key: i for i in registry.indicators()}
    assert keys["newsroom.published"].label == "خبرهای منتشرشده"
    assert keys["newsroom.views"].higher_is_better
    assert keys["newsroom.published"].description


def test_published_counts_the_period_in_tehran_days(world: Any) -> None:
    last_day = END - dt.timedelta(days=1)
    _published(world, world.roads, _at(START, 0, 30))  # first moment of the period: counts
    _published(world, world.roads, _at(START + dt.timedelta(days=10), 12))
    _published(world, world.roads, _at(last_day, 23, 30))  # 23:30 Tehran on the last day
    _published(world, world.roads, _at(END, 0, 30))  # 00:30 the next day: not
    _published(world, world.roads, _at(START - dt.timedelta(days=1), 23, 30))  # before: not
    _published(world, world.roads, _at(START + dt.timedelta(days=3), 9), status="withdrawn")
    make_release(actor=world.admin, agency=world.roads, status="draft")
    _published(world, world.health, _at(START + dt.timedelta(days=5), 9))

    answer = indicators.published([world.roads, world.health, world.directorate], START, END)

    assert answer[world.roads.pk].value == 3
    assert answer[world.roads.pk].volume == 3
    assert answer[world.roads.pk].detail == "۳ خبر منتشرشده در دوره"
    assert "agency=roads" in answer[world.roads.pk].link
    assert answer[world.health.pk].value == 1
    assert world.directorate.pk not in answer  # nothing published: no data, not zero


def test_page_views_sum_the_days_of_the_period(world: Any) -> None:
    roads_a = _published(world, world.roads, _at(START, 10))
    roads_b = _published(world, world.roads, _at(START, 11))
    health = _published(world, world.health, _at(START, 12))
    ReleaseViews.objects.create(release=roads_a, day=START, count=7)
    ReleaseViews.objects.create(release=roads_a, day=END - dt.timedelta(days=1), count=5)
    ReleaseViews.objects.create(release=roads_b, day=START + dt.timedelta(days=2), count=3)
    ReleaseViews.objects.create(release=roads_a, day=END, count=100)  # next period
    ReleaseViews.objects.create(release=health, day=START, count=2)

    answer = indicators.page_views([world.roads, world.health, world.directorate], START, END)

    assert (answer[world.roads.pk].value, answer[world.roads.pk].volume) == (15, 15)
    assert answer[world.roads.pk].detail == "۱۵ بازدید از ۲ خبر در دوره"
    assert answer[world.health.pk].value == 2
    assert world.directorate.pk not in answer


# --- counting the views ---------------------------------------------------------------------


def _views(release: Release) -> int:
    return sum(ReleaseViews.objects.filter(release=release).values_list("count", flat=True))


def test_each_request_counts_once_cached_pages_too(world: Any, settings: Any) -> None:
    settings.RAVABET_PAGE_CACHE_SECONDS = 300
    release = make_release(actor=world.admin, agency=world.roads, status="published")
    client = Client(HTTP_USER_AGENT=BROWSER)
    seen = [client.get(release.get_absolute_url()).headers.get("X-Page-Cache") for _ in range(4)]
    assert seen[0] == "miss"
    assert "hit" in seen[1:]  # the page cache answered, and the view was still counted
    # Release pages keep the fast path (answered before any view runs), counted by its hook.
    assert release.get_absolute_url() in pagecache._known_paths

    assert tasks.flush_release_views.call() == 4
    assert _views(release) == 4


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "TelegramBot (like TwitterBot)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 HeadlessChrome/124.0",
    ],
)
def test_robots_and_scripts_are_not_counted(world: Any, agent: str) -> None:
    release = make_release(actor=world.admin, agency=world.roads, status="published")
    response = Client(HTTP_USER_AGENT=agent).get(release.get_absolute_url())
    assert response.status_code == 200
    assert pageviews.flush() == 0
    assert _views(release) == 0


def test_head_print_prefetch_and_missing_pages_are_not_counted(world: Any) -> None:
    release = make_release(actor=world.admin, agency=world.roads, status="published")
    draft = make_release(actor=world.admin, agency=world.roads, status="draft")
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.head(release.get_absolute_url())
    client.get(f"/news/{release.pk}/print/")
    client.get(release.get_absolute_url(), HTTP_SEC_PURPOSE="prefetch")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert pageviews.flush() == 0


def test_the_flush_is_idempotent_and_keeps_views_counted_after_it(world: Any) -> None:
    release = make_release(actor=world.admin, agency=world.roads, status="published")
    other = make_release(actor=world.admin, agency=world.health, status="published")
    now = _at(START, 10)
    for _ in range(3):
        pageviews.record_view(release.pk, now=now)
    pageviews.record_view(other.pk, now=now)
    pageviews.record_view(release.pk, now=_at(START + dt.timedelta(days=1), 10))

    assert pageviews.flush() == 5
    assert pageviews.flush() == 0  # nothing added twice
    pageviews.record_view(release.pk, now=now)  # a later view of the same day
    assert pageviews.flush() == 1
    rows = dict(ReleaseViews.objects.filter(release=release).values_list("day", "count"))
    assert rows == {START: 4, START + dt.timedelta(days=1): 1}
    assert _views(other) == 1


def test_the_flush_reads_at_most_its_limit_and_a_lost_counter_is_no_error(world: Any) -> None:
    from django.core.cache import cache

    releases = [
        make_release(actor=world.admin, agency=world.roads, status="published") for _ in range(3)
    ]
    for release in releases:
        pageviews.record_view(release.pk, now=_at(START, 10))
    cache.delete(pageviews._counter(releases[0].pk, START))  # evicted: its view is lost

    assert pageviews.flush(limit=2) == 1  # two slots read, one of them lost
    assert pageviews.flush(limit=2) == 1
    assert pageviews.flush(limit=2) == 0
    assert [_views(r) for r in releases] == [0, 1, 1]


def test_a_view_of_a_deleted_release_is_dropped(world: Any) -> None:
    release = make_release(actor=world.admin, agency=world.roads, status="published")
    pageviews.record_view(release.pk)
    Release.objects.filter(pk=release.pk).delete()
    assert pageviews.flush() == 0


def test_few_queries_for_many_agencies_and_the_link_opens(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    _published(world, world.roads, _at(START, 10))
    agencies = [world.roads, world.health, world.directorate]
    with django_assert_max_num_queries(1):
        answer = indicators.published(agencies, START, END)
    with django_assert_max_num_queries(1):
        indicators.page_views(agencies, START, END)
    client = Client()
    client.force_login(world.admin)
    page = client.get(answer[world.roads.pk].link)
    assert page.status_code == 200

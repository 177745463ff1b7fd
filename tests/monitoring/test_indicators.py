"""Monitoring's indicator «روند لحن رسانه‌ها» on hand-counted mentions of Farvardin 1404: the
share of decided mentions that are not negative, the previous period beside it, Tehran-day
edges, undecided tones and saved searches left out, and an agency with no mention in the period
left without data (a wholly negative one is 0, which is data)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from ravabet.core import jalali, registry
from ravabet.monitoring import indicators
from ravabet.monitoring.models import Article, Mention, Watch
from ravabet.persian import dates as pdates

pytestmark = pytest.mark.django_db

START = pdates.to_gregorian(1404, 1, 1)
END = pdates.to_gregorian(1404, 2, 1)  # Farvardin 1404 is [START, END), 31 days
_urls = itertools.count(1)


def _at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """Day 1 is the period's first day; day 0 and below the previous period's; 32 the next."""
    return jalali.make_aware_local(
        dt.datetime.combine(START + dt.timedelta(days=day - 1), dt.time(hour, minute))
    )


def _mention(watch: Watch, when: dt.datetime, tone: str | None) -> None:
    n = next(_urls)
    article = Article.objects.create(
        outlet="farsnews.ir",
        url=f"https://farsnews.ir/news/{n}",
        title="گزارش ترافیک جاده‌های شمال",
        body="متن خبر",
        published_at=when,
        content_hash=f"{n:064d}",
    )
    Mention.objects.create(article=article, watch=watch, agency=watch.agency, tone=tone)


def _watch(agency: Any = None, owner: Any = None) -> Watch:
    return Watch.objects.create(agency=agency, owner=owner, name="نام دستگاه", terms="راهداری")


def test_registered() -> None:
    indicator = {i.key: i for i in registry.indicators()}["monitoring.tone"]
    assert indicator.label == "روند لحن رسانه‌ها"
    assert indicator.higher_is_better
    assert indicator.min_volume == 5


def test_share_of_non_negative_mentions_with_the_previous_period(world: Any) -> None:
    roads, health = _watch(world.roads), _watch(world.health)
    _mention(roads, _at(1, 0, 30), "positive")
    _mention(roads, _at(10), "neutral")
    _mention(roads, _at(15), "negative")
    _mention(roads, _at(20), "positive")
    _mention(roads, _at(31, 23, 30), "negative")  # 23:30 on the last day: counts
    _mention(roads, _at(32, 0, 30), "negative")  # 00:30 the next day: does not
    _mention(roads, _at(5), None)  # tone not decided yet: left out
    _mention(roads, _at(-3), "negative")  # the previous 31 days
    _mention(roads, _at(-10), "positive")
    _mention(roads, _at(-40), "negative")  # before the previous period: nowhere
    _mention(health, _at(3), "negative")
    _mention(_watch(world.directorate), _at(-2), "positive")  # only the period before
    _mention(_watch(owner=world.officer_roads), _at(4), "negative")  # a saved search

    answer = indicators.tone([world.roads, world.health, world.directorate], START, END)

    assert answer[world.roads.pk].value == pytest.approx(60.0)
    assert answer[world.roads.pk].volume == 5
    assert answer[world.roads.pk].detail == "۲ بازتاب منفی از ۵؛ نامنفی ۶۰٪ (دورهٔ پیش ۵۰٪)"
    link = answer[world.roads.pk].link
    assert f"agency={world.roads.pk}" in link
    assert "since=1404%2F01%2F01" in link and "until=1404%2F01%2F31" in link
    assert answer[world.health.pk].value == 0  # all negative: a value, not missing
    assert "دورهٔ پیش بی‌بازتاب" in answer[world.health.pk].detail
    assert world.directorate.pk not in answer  # nothing in the period: no data


def test_the_link_opens_the_mentions_of_the_agency_and_period(world: Any) -> None:
    from django.test import Client

    _mention(_watch(world.roads), _at(10), "negative")
    link = indicators.tone([world.roads], START, END)[world.roads.pk].link
    client = Client()
    client.force_login(world.admin)
    assert client.get(link).status_code == 200


def test_one_query_for_many_agencies(world: Any, django_assert_max_num_queries: Any) -> None:
    _mention(_watch(world.roads), _at(10), "negative")
    with django_assert_max_num_queries(1):
        indicators.tone([world.roads, world.health, world.directorate], START, END)

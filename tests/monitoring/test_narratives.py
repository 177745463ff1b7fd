"""Narratives: two clear topics become two narratives with their words, stop words never among
them, attention shares of a period sum to at most 1, the rebuild replaces the previous one, and
the pages (officer, directorate, hostile query strings, the directorate's rebuild)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from ravabet.core import jalali
from ravabet.core.models import AuditEntry
from ravabet.monitoring import narratives, pipeline
from ravabet.monitoring.models import Article, Narrative, Story
from ravabet.monitoring.pipeline import RawArticle
from ravabet.persian import stopwords

NOW = dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)
WATER = (
    "آب کم‌آبی سد خشکسالی بارش ذخایر مصرف آب‌رسانی تانکر جیره‌بندی لوله فشار شیرابه چاه آبخوان قطعی"
).split()
ROADS = (
    "جاده آزادراه آسفالت پل تونل پیمانکار بزرگراه راه‌سازی تقاطع روکش گاردریل عوارضی "
    "زیرگذر کمربندی ترافیک"
).split()
SPORT = (
    "فوتبال تیم بازیکن دروازه‌بان گل مربی لیگ جام ورزشگاه هوادار داور پنالتی قهرمانی کشتی والیبال"
).split()
FILLER = "و در به از که این را با است برای شهر استان مسئولان امروز گفت مردم طرح".split()


def _text(pool: list[str], rng: random.Random, n: int = 40) -> str:
    return " ".join(
        rng.choice(pool) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(n)
    )


def make_stories(
    count: int = 24, *, days: int = 20, seed: int = 1404
) -> tuple[list[int], list[int]]:
    """`count` water stories and `count` road stories (distinct texts: one article a story),
    spread over the last `days` days: (water article ids, road article ids)."""
    rng = random.Random(seed)
    raws, kinds = [], []
    for i in range(count * 2):
        pool, kind = (WATER, "water") if i % 2 == 0 else (ROADS, "roads")
        when = NOW - dt.timedelta(days=rng.uniform(0.1, days), hours=1)
        raws.append(
            RawArticle(
                url=f"https://{kind}{i % 3}.ir/news/{i}",
                title=_text(pool, rng, 8),
                lead=_text(pool, rng, 20),
                body=_text(pool, rng, 60),
                published_at=when,
            )
        )
        kinds.append(kind)
    ids = pipeline.ingest(raws, now=NOW).created_ids
    from ravabet.monitoring import stories

    stories.assign(ids)
    water = [i for i, k in zip(ids, kinds, strict=True) if k == "water"]
    roads = [i for i, k in zip(ids, kinds, strict=True) if k == "roads"]
    return water, roads


def build(days: int = 30) -> narratives.BuildResult:
    start, end = narratives.default_window(NOW, days)
    return narratives.build(start=start, end=end, now=NOW)


def story_narrative(article_ids: list[int]) -> set[int | None]:
    return set(
        Story.objects.filter(articles__in=article_ids).values_list("narrative_id", flat=True)
    )


@pytest.mark.django_db
def test_two_clear_topics_become_two_narratives_with_their_words() -> None:
    water, roads = make_stories()
    result = build()
    assert result.stories == 48 and result.topics == 2
    assert Narrative.objects.count() == 2
    (water_topic,) = story_narrative(water)
    (road_topic,) = story_narrative(roads)
    assert water_topic is not None and road_topic is not None and water_topic != road_topic
    water_words = [w for w, _ in Narrative.objects.get(pk=water_topic).terms]
    road_words = [w for w, _ in Narrative.objects.get(pk=road_topic).terms]
    assert len(set(water_words[:6]) & set(WATER)) >= 5, water_words
    assert len(set(road_words[:6]) & set(ROADS)) >= 5, road_words
    for narrative in Narrative.objects.all():
        assert narrative.story_count == 24 and narrative.article_count == 24
        assert not {w for w, _ in narrative.terms} & stopwords
        assert narrative.label == "، ".join(w for w, _ in narrative.terms[:3])


@pytest.mark.django_db
def test_a_rebuild_replaces_the_previous_one_and_a_narrower_window_sees_less() -> None:
    make_stories(days=20)
    build(30)
    first = set(Narrative.objects.values_list("pk", flat=True))
    result = build(5)  # only the stories of the last five days
    assert not first & set(Narrative.objects.values_list("pk", flat=True))
    in_window = Article.objects.filter(published_at__gte=NOW - dt.timedelta(days=5)).count()
    assert result.stories == in_window
    assert sum(n.article_count for n in Narrative.objects.all()) <= in_window
    # the stories outside the window belong to no narrative any more
    old = Story.objects.filter(last_seen_at__lt=NOW - dt.timedelta(days=5))
    assert old.exists() and not old.filter(narrative__isnull=False).exists()


@pytest.mark.django_db
def test_too_few_stories_make_no_narrative() -> None:
    make_stories(count=1)
    result = build()
    assert result.narratives == 0 and not Narrative.objects.exists()


@pytest.mark.django_db
def test_attention_shares_sum_to_at_most_one_a_period() -> None:
    make_stories()
    # unrelated articles in the denominator: all articles of a day count
    others = pipeline.ingest(
        [
            RawArticle(
                url=f"https://other.ir/{i}",
                title=f"خبر ورزشی شماره {i}",
                body="تیم فوتبال امروز بازی کرد.",
                published_at=NOW - dt.timedelta(days=i % 10, hours=2),
            )
            for i in range(15)
        ],
        now=NOW,
    ).created_ids
    assert len(others) == 15
    build()
    current = narratives.current()
    assert current is not None
    attention = narratives.attention(current.narratives, current.start, current.end)
    assert sum(attention.totals) == Article.objects.filter(published_at__gte=current.start).count()
    for period in range(len(attention.labels)):
        total = sum(shares[period] for shares in attention.shares.values())
        assert total <= 1.0 + 1e-9
    assert any(sum(s) > 0 for s in attention.shares.values())
    # 30 days: one point a day; 90 days: one a week
    assert len(attention.labels) in (30, 31)
    weekly = narratives.attention(current.narratives, NOW - dt.timedelta(days=90), NOW)
    assert len(weekly.labels) == 13  # 91 Tehran days, a week each


def _burst(pool: list[str], name: str, count: int, days: float, seed: int) -> list[int]:
    rng = random.Random(seed)
    ids = pipeline.ingest(
        [
            RawArticle(
                url=f"https://{name}.ir/news/{i}",
                title=_text(pool, rng, 8),
                body=_text(pool, rng, 60),
                published_at=NOW - dt.timedelta(days=rng.uniform(0.1, days)),
            )
            for i in range(count)
        ],
        now=NOW,
    ).created_ids
    from ravabet.monitoring import stories

    stories.assign(ids)
    return ids


@pytest.mark.django_db
def test_a_topic_crowding_the_last_week_is_rising() -> None:
    _, roads = make_stories(days=30, seed=7)
    _burst(SPORT, "sport", 40, 30, seed=5)  # the rest of the news, all month long
    recent = _burst(WATER, "late", 20, 6, seed=3)
    build()
    current = narratives.current()
    assert current is not None
    rising = narratives.rising(current.narratives, current.start, current.end)
    (water_topic,) = story_narrative(recent[:1])
    assert water_topic in rising
    recent_share, window_share = rising[water_topic]
    assert recent_share >= 1.5 * window_share
    assert not story_narrative(roads) & set(rising)  # the roads' share fell: not rising


@pytest.mark.django_db
def test_the_corpus_gives_topics_without_stop_words() -> None:
    from django.core.management import call_command

    from ravabet.monitoring import stories
    from tests.persian.paths import CORPUS

    call_command("ingest", str(CORPUS), "--source", "فارس", verbosity=0)
    stories.assign(list(Article.objects.values_list("pk", flat=True)))  # its on-commit step
    first = Article.objects.order_by("published_at").first()
    last = Article.objects.order_by("-published_at").first()
    assert first and last
    result = narratives.build(
        start=first.published_at, end=last.published_at + dt.timedelta(seconds=1)
    )
    assert result.topics == 12 and 6 <= result.narratives <= 12
    assert result.assigned > result.stories // 3
    for narrative in Narrative.objects.all():
        words = {w for w, _ in narrative.terms}
        assert len(words) >= 5 and not words & stopwords


# --- pages ------------------------------------------------------------------------------------


def test_pages_for_an_officer_and_the_directorate(client: Any, world: Any) -> None:
    water, _ = make_stories()
    build()
    cache.delete(narratives.BUILDING_KEY)
    narrative = Narrative.objects.get(stories__articles=water[0])
    for user in (world.officer_roads, world.directorate_staff):
        client.force_login(user)
        page = client.get(reverse("monitoring:narratives"))
        assert page.status_code == 200
        html = page.content.decode()
        assert narrative.label in html and "<svg" in html
        assert ("ساخت دوبارهٔ روایت‌ها" in html) == (user == world.directorate_staff)
        detail = client.get(reverse("monitoring:narrative", args=[narrative.pk]))
        assert detail.status_code == 200
        text = detail.content.decode()
        story = Story.objects.filter(narrative=narrative).first()
        assert story is not None
        assert reverse("monitoring:story", args=[story.pk]) in text
        assert "water0.ir" in text or "water1.ir" in text or "water2.ir" in text
    assert client.get(reverse("monitoring:narrative", args=[99999])).status_code == 404


def test_empty_and_hostile(client: Any, world: Any) -> None:
    client.force_login(world.officer_roads)
    url = reverse("monitoring:narratives")
    page = client.get(url)
    assert page.status_code == 200 and "هنوز روایتی ساخته نشده" in page.content.decode()
    for query in ("days=%00", "days=۹۹۹۹۹۹۹۹۹۹۹۹۹", "page=-1", "x=<script>", "days=%ED%A0%80"):
        assert client.get(f"{url}?{query}").status_code in (200, 400)
    assert client.get(f"{url}99999999999999999999/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403


def test_only_the_directorate_rebuilds(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("monitoring:narratives_rebuild")
    client.force_login(world.officer_roads)
    assert client.post(url, {"days": "7"}).status_code == 403
    assert not narratives.is_building()
    client.force_login(world.directorate_staff)
    assert client.get(url).status_code == 405
    make_stories()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"days": "90"})
    assert response.status_code == 302
    assert narratives.is_building()
    entry = AuditEntry.objects.get(action="narratives.rebuild")
    assert entry.actor == world.directorate_staff and entry.data["days"] == 90
    page = client.get(reverse("monitoring:narratives")).content.decode()
    assert "در حال ساخته‌شدن" in page
    assert len(callbacks) == 1
    # the task builds the window asked for and clears the mark
    assert narratives.rebuild_narratives.call(90) >= 0
    assert not narratives.is_building()


def test_the_directorate_rebuilds_a_period_of_jalali_days(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("monitoring:narratives_rebuild")
    client.force_login(world.directorate_staff)
    refusals = {
        "first=۱۴۰۴/۰۲/۳۰&last=۱۴۰۴/۰۲/۰۱": "روز آغاز باید پیش از روز پایان باشد",
        "first=۱۴۰۴/۰۲/۰۱": "هر دو روز آغاز و پایان",
        "first=۱۴۰۲/۰۱/۰۱&last=۱۴۰۴/۰۱/۰۱": "حداکثر",
        "first=۱۴۹۹/۰۱/۰۱&last=۱۴۹۹/۰۲/۰۱": "پیش از امروز",
        "first=%00&last=<script>": "تاریخ را به شکل",
        "days=5": "days",
        "first=۱۴۰۴/۱۲/۳۱&last=۱۴۰۴/۱۲/۳۱": "",  # not a day of that year
    }
    for query, message in refusals.items():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(url, query, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, query
        assert message in response.content.decode() or message == "days"
        assert not callbacks and not narratives.is_building()
    make_stories(days=20)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"first": "۱۴۰۴/۰۲/۱۰", "last": "۳۰ اردیبهشت ۱۴۰۴"})
    assert response.status_code == 302 and len(callbacks) == 1 and narratives.is_building()
    # what the callback enqueues, run here: the Tehran days 1404/02/10 to 1404/02/30
    assert narratives.rebuild_narratives.call(30, "2025-04-30", "2025-05-20") >= 1
    current = narratives.current()
    assert current is not None and not narratives.is_building()
    assert jalali.format_short(current.start) == "۱۴۰۴/۰۲/۱۰"
    assert current.end == jalali.start_of_day(dt.date(2025, 5, 21))

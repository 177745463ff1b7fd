"""The desk's own pages through the Django test client: the overview, sources, articles, stories,
mentions and watches — who may open them, what each shows and never shows, hostile query
strings, and queries that do not grow with the rows shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.monitoring import pipeline, selectors, stories, watches
from ravabet.monitoring.models import Alert, Article, Mention, Narrative, Source, Story, Watch
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput

BASE = "/backoffice/monitoring/"
PAGES = ["", "sources/", "sources/new/", "articles/", "stories/", "mentions/", "watches/"]
ROAD_TEXT = (
    "اداره‌کل راه و شهرسازی استان تهران از آغاز بازسازی جادهٔ فیروزکوه خبر داد. "
    "به گفتهٔ مدیرکل، کار تا پایان پاییز تمام می‌شود و هزینهٔ آن از بودجهٔ استان است."
)
HEALTH_TEXT = (
    "دانشگاه علوم پزشکی تهران واکسیناسیون آنفلوانزا را در مراکز بهداشت آغاز کرد. "
    "معاون بهداشت گفت که سالمندان و بیماران در اولویت هستند."
)


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ingest(*items: tuple[str, str, str], when: dt.datetime | None = None) -> list[int]:
    """Articles (url, title, body) stored through the pipeline, grouped into stories."""
    when = when or timezone.now() - dt.timedelta(hours=1)
    raws = [RawArticle(url=u, title=t, body=b, published_at=when) for u, t, b in items]
    ids = pipeline.ingest(raws, now=timezone.now()).created_ids
    stories.assign(ids)
    return ids


def watch(actor: Any, agency: Any, terms: str, name: str = "نام دستگاه") -> Watch:
    return watches.watch_save(actor=actor, data=WatchInput(agency=agency, name=name, terms=terms))


@pytest.fixture
def news(world: Any) -> dict[str, Any]:
    """Two agencies' watches, a story told by three outlets, one article about health."""
    road_watch = watch(world.officer_roads, world.roads, "راه و شهرسازی\nجادهٔ فیروزکوه")
    health_watch = watch(world.officer_health, world.health, "علوم پزشکی تهران")
    saved = watch(world.officer_roads, None, "واکسیناسیون", name="جست‌وجوی من")
    ids = ingest(
        ("https://www.farsnews.ir/news/1", "بازسازی جادهٔ فیروزکوه آغاز شد", ROAD_TEXT),
        ("https://www.irna.ir/news/2", "بازسازی جادهٔ فیروزکوه", ROAD_TEXT + " ایرنا"),
        ("https://www.isna.ir/news/3", "جادهٔ فیروزکوه بازسازی می‌شود", ROAD_TEXT),
        ("https://www.isna.ir/news/4", "آغاز واکسیناسیون آنفلوانزا", HEALTH_TEXT),
    )
    watches.match(ids)
    return {"ids": ids, "road": road_watch, "health": health_watch, "saved": saved}


# --- who may open what -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in_and_a_citizen_refused(world: Any, page: str) -> None:
    response = Client().get(BASE + page)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client(world.outsider).get(BASE + page).status_code == 403


@pytest.mark.parametrize("role", ["officer_roads", "directorate_staff", "admin"])
def test_every_page_renders_for_staff(world: Any, news: dict[str, Any], role: str) -> None:
    c = client(getattr(world, role))
    source = Source.objects.create(name="ایرنا", url="https://www.irna.ir/rss")
    article = Article.objects.get(pk=news["ids"][0])
    pages = [
        "",
        "sources/",
        f"sources/{source.pk}/",
        "articles/",
        f"articles/{article.pk}/",
        "stories/",
        f"stories/{article.story_id}/",
        "mentions/",
        "watches/",
        "watches/new/",
        f"watches/{news['road'].pk if role != 'admin' else news['health'].pk}/",
    ]
    for page in pages:
        response = c.get(BASE + page)
        assert response.status_code == 200, (page, response.status_code)
        assert 'aria-label="بخش‌های پایش رسانه‌ها"' in response.content.decode()
    new_source = c.get(BASE + "sources/new/")
    assert new_source.status_code == (403 if role == "officer_roads" else 200)


def test_the_overview_counts_the_persons_own_agencies(world: Any, news: dict[str, Any]) -> None:
    body = client(world.officer_roads).get(BASE).content.decode()
    assert "بازسازی جادهٔ فیروزکوه" in body  # the latest mentions and the story of 3 outlets
    assert "<svg" in body and "بازتاب‌های روزانه" in body
    assert "آغاز واکسیناسیون آنفلوانزا" in body  # their own saved search's mention
    assert "منابع با خطا" not in body  # the sources' health is the directorate's
    health = client(world.officer_health).get(BASE).content.decode()
    assert "آغاز واکسیناسیون آنفلوانزا" in health
    # The story is in «biggest stories» for everyone; the roads mentions are not theirs.
    assert health.count("بازسازی جادهٔ فیروزکوه") == 1
    directorate = client(world.directorate_staff).get(BASE).content.decode()
    assert "منابع با خطا" in directorate and "دستگاه‌ها در هفت روز گذشته" in directorate


def test_the_overview_counts_open_alerts_of_the_persons_agencies(world: Any) -> None:
    now = timezone.now()
    for agency in (world.roads, world.health):
        Alert.objects.create(
            kind=Alert.Kind.NEGATIVE,
            agency=agency,
            title="افزایش",
            started_at=now,
            last_seen_at=now,
        )
    Alert.objects.create(
        kind=Alert.Kind.NEGATIVE,
        agency=world.directorate,
        title="پایان‌یافته",
        started_at=now,
        last_seen_at=now,
        ended_at=now,
    )

    def open_alerts(user: Any) -> str:
        body = client(user).get(BASE).content.decode()
        return re.search(r"هشدارهای باز</dt><dd><a [^>]*>([^<]*)</a>", body)[1]  # type: ignore[index]

    assert open_alerts(world.officer_roads) == "۱"
    assert open_alerts(world.directorate_staff) == "۲"


# --- mentions ----------------------------------------------------------------------------------


def test_mentions_never_list_another_agencys(world: Any, news: dict[str, Any]) -> None:
    roads = client(world.officer_roads).get(BASE + "mentions/").content.decode()
    health = client(world.officer_health).get(BASE + "mentions/").content.decode()
    assert "بازسازی جادهٔ فیروزکوه" in roads
    assert "بازسازی جادهٔ فیروزکوه" not in health
    assert "آغاز واکسیناسیون آنفلوانزا" in health
    # The roads officer's saved search matched the health article: theirs, not the agency's.
    assert "جست‌وجوی ذخیره‌شده: جست‌وجوی من" in roads
    assert "جست‌وجوی من" not in health
    # Asking for the other agency by id shows nothing of it.
    asked = client(world.officer_health).get(BASE + "mentions/", {"agency": world.roads.pk})
    assert "بازسازی جادهٔ فیروزکوه" not in asked.content.decode()
    directorate = client(world.directorate_staff).get(BASE + "mentions/").content.decode()
    assert "بازسازی جادهٔ فیروزکوه" in directorate and "جست‌وجوی من" not in directorate


def test_mentions_filters_and_the_tone_buttons(world: Any, news: dict[str, Any]) -> None:
    first = Mention.objects.filter(watch=news["road"]).order_by("pk").first()
    assert first is not None
    Mention.objects.filter(pk=first.pk).update(tone="negative", tone_source="editor")
    c = client(world.officer_roads)
    negative = c.get(BASE + "mentions/", {"tone": "negative"}).content.decode()
    assert negative.count('class="mention"') == 1 and "tone--negative" in negative
    undecided = c.get(BASE + "mentions/", {"tone": "undecided"}).content.decode()
    assert (
        undecided.count('class="mention"')
        == Mention.objects.filter(tone__isnull=True, agency=world.roads).count() + 1
    )  # + the saved search's
    # The label buttons for the person's own agency, none for the head of another's view.
    assert f'action="/backoffice/monitoring/mentions/{first.pk}/tone/"' in negative
    searched = c.get(BASE + "mentions/", {"q": "واکسیناسیون"}).content.decode()
    assert searched.count('class="mention"') == 1
    by_watch = c.get(BASE + "mentions/", {"watch": news["saved"].pk}).content.decode()
    assert by_watch.count('class="mention"') == 1
    later = jalali.format_short(timezone.localdate() + dt.timedelta(days=2))
    assert (
        c.get(BASE + "mentions/", {"since": later}).content.decode().count('class="mention"') == 0
    )
    until = c.get(BASE + "mentions/", {"until": later}).content.decode()
    assert until.count('class="mention"') == undecided.count('class="mention"') + 1


def test_the_passage_is_escaped_and_the_term_marked(world: Any) -> None:
    watch(world.officer_roads, world.roads, "راه و شهرسازی")
    ids = ingest(
        (
            "https://www.tasnimnews.com/news/9",
            "خبر <script>",
            "مدیر راه و شهرسازی گفت <script>alert(1)</script> کار تمام شد.",
        )
    )
    watches.match(ids)
    body = client(world.officer_roads).get(BASE + "mentions/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)" in body
    assert "<mark>راه و شهرسازی</mark>" in body


def test_mentions_page_queries_do_not_grow_with_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    watch(world.officer_roads, world.roads, "راه و شهرسازی")
    watch(world.directorate_staff, world.health, "راه و شهرسازی", name="دیگر")
    c = client(world.directorate_staff)
    ids = ingest(
        *[
            (f"https://a{i}.ir/n/{i}", f"خبر {i} راه و شهرسازی", f"{i} {ROAD_TEXT}")
            for i in range(3)
        ]
    )
    watches.match(ids)
    c.get(BASE + "mentions/")  # warm the session and the role caches
    with django_assert_max_num_queries(15) as few:
        assert c.get(BASE + "mentions/").status_code == 200
    ids = ingest(
        *[
            (f"https://b{i}.ir/n/{i}", f"گزارش {i} راه و شهرسازی", f"{i} {ROAD_TEXT} ب")
            for i in range(25)
        ]
    )
    watches.match(ids)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get(BASE + "mentions/")
    assert response.content.decode().count('class="mention"') == 30  # a full page


# --- watches -----------------------------------------------------------------------------------


def test_another_agencys_watch_is_not_found(world: Any, news: dict[str, Any]) -> None:
    c = client(world.officer_health)
    assert c.get(BASE + f"watches/{news['road'].pk}/").status_code == 404
    response = c.post(BASE + f"watches/{news['road'].pk}/", {"name": "x", "terms": "y"})
    assert response.status_code == 404
    assert Watch.objects.get(pk=news["road"].pk).name == "نام دستگاه"
    listed = c.get(BASE + "watches/").content.decode()
    assert "جادهٔ فیروزکوه" not in listed and "علوم پزشکی تهران" in listed
    # Someone else's saved search, even for the directorate.
    assert (
        client(world.directorate_staff).get(BASE + f"watches/{news['saved'].pk}/").status_code
        == 404
    )


def test_a_watch_is_created_and_edited_through_the_form(world: Any) -> None:
    c = client(world.officer_roads)
    form = c.get(BASE + "watches/new/").content.decode()
    assert world.roads.name in form and world.health.name not in form
    response = c.post(
        BASE + "watches/new/",
        {"owner": world.roads.pk, "name": "مدیرکل", "kind": "person", "terms": "علی رضایی"},
    )
    assert response.status_code == 302
    created = Watch.objects.get(name="مدیرکل")
    assert created.agency == world.roads and created.keys == ["علی رضایی"]
    response = c.post(
        BASE + f"watches/{created.pk}/",
        {"name": "مدیرکل راه", "kind": "person", "terms": "علی رضایی\nمدیرکل راه"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "مدیرکل راه" and len(created.keys) == 2 and created.is_active is False
    mine = c.post(BASE + "watches/new/", {"owner": "mine", "name": "من", "terms": "جاده"})
    assert mine.status_code == 302 and Watch.objects.get(name="من").owner == world.officer_roads


def test_watch_form_errors_are_persian_and_beside_the_fields(world: Any) -> None:
    c = client(world.officer_roads)
    response = c.post(
        BASE + "watches/new/",
        {"owner": world.roads.pk, "name": "پایش", "kind": "keyword", "terms": "!!!\n" * 3},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "هیچ واژه‌ای ندارد" in body and 'class="field-error"' in body
    other = c.post(
        BASE + "watches/new/",
        {"owner": world.health.pk, "name": "پایش", "kind": "keyword", "terms": "علوم"},
    )
    assert other.status_code == 200 and "این گزینه در فهرست نیست" in other.content.decode()
    assert not Watch.objects.exists()


# --- articles and stories ----------------------------------------------------------------------


def test_article_page_shows_original_and_normalized_text(world: Any) -> None:
    arabic = "اداره كل راه و شهرسازي استان تهران"  # Arabic kaf and yeh, as a feed may send
    [pk] = ingest(("https://www.mehrnews.com/news/5", arabic, ROAD_TEXT))
    article = Article.objects.get(pk=pk)
    assert article.title != arabic  # normalized
    body = client(world.officer_health).get(BASE + f"articles/{pk}/").content.decode()
    assert article.title in body and arabic in body
    assert "متن اصلی، پیش از یکدست‌سازی" in body


def test_story_page_lists_its_outlets_and_timeline(world: Any, news: dict[str, Any]) -> None:
    story = Story.objects.get(articles__pk=news["ids"][0])
    assert story.outlet_count == 3
    body = client(world.officer_health).get(BASE + f"stories/{story.pk}/").content.decode()
    for outlet in ("farsnews.ir", "irna.ir", "isna.ir"):
        assert outlet in body
    for pk in news["ids"][:3]:
        assert f'href="/backoffice/monitoring/articles/{pk}/"' in body
    narrative = Narrative.objects.create(
        label="بازسازی جاده‌ها", window_start=timezone.now(), window_end=timezone.now()
    )
    Story.objects.filter(pk=story.pk).update(narrative=narrative)
    body = client(world.officer_health).get(BASE + f"stories/{story.pk}/").content.decode()
    assert f'href="/backoffice/monitoring/narratives/{narrative.pk}/">بازسازی جاده‌ها' in body
    listed = client(world.officer_health).get(BASE + "stories/").content.decode()
    assert "بازسازی جاده‌ها" in listed
    assert listed.index("بازسازی جادهٔ فیروزکوه") < listed.index("آغاز واکسیناسیون آنفلوانزا")
    assert client(world.officer_health).get(BASE + "stories/999999/").status_code == 404


def test_article_search_and_filters(world: Any, news: dict[str, Any]) -> None:
    c = client(world.officer_health)

    def titles(**query: str) -> int:
        body = c.get(BASE + "articles/", query).content.decode()
        return len(re.findall(r'href="/backoffice/monitoring/articles/[0-9]+/"', body))

    assert titles() == 4
    assert titles(q="واكسيناسيون") == 1  # Arabic letters find the Persian text
    assert titles(q="واکسیناسیو") == 0  # whole words only
    assert titles(outlet="isna.ir") == 2
    today = timezone.localdate()
    assert titles(since=jalali.format_short(today + dt.timedelta(days=2))) == 0
    assert titles(until=jalali.format_short(today + dt.timedelta(days=2))) == 4


def test_a_text_search_reads_the_newest_articles_only(
    world: Any, news: dict[str, Any], monkeypatch: Any
) -> None:
    c = client(world.officer_health)
    assert (
        "آغاز واکسیناسیون آنفلوانزا"
        in c.get(BASE + "articles/", {"q": "واکسیناسیون"}).content.decode()
    )
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", 2)
    roads = c.get(BASE + "articles/", {"q": "فیروزکوه"}).content.decode()
    # The two newest are searched (the third, about the road, and the fourth); the first two not.
    found = re.findall(r'href="/backoffice/monitoring/articles/([0-9]+)/"', roads)
    assert found == [str(news["ids"][2])] and "جست‌وجو در ۲ خبر تازه‌تر" in roads


HOSTILE = [
    {"page": "۲"},
    {"page": "99999999999999999999"},
    {"page": "-1"},
    {"q": "ب" * 5000},
    {"q": "\x00<script>"},
    {"since": "garbage", "until": "۱۴۰۴/۱۳/۴۰"},
    {"tone": "bogus", "tone_source": "x", "agency": "abc", "watch": "9" * 40},
    {"period": "bogus", "story": "maybe", "outlet": "x" * 5000},
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_strings_never_fail(world: Any, news: dict[str, Any], query: Any) -> None:
    c = client(world.officer_roads)
    for page in ("", "articles/", "stories/", "mentions/", "watches/", "sources/"):
        response = c.get(BASE + page, query)
        assert response.status_code == 200, (page, query)

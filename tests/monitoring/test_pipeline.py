"""The monitoring pipeline: canonical links, prepare (CPU only), store (one short write), ingest."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ravabet.monitoring import pipeline, stories
from ravabet.monitoring.models import Article, ArticleBand, Source
from ravabet.monitoring.pipeline import RawArticle, canonical_url, outlet_of
from tests.persian.paths import CORPUS

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.farsnews.ir/news/8707060255", "https://farsnews.ir/news/8707060255"),
        ("HTTPS://WWW.FarsNews.IR:443/news/1/", "https://farsnews.ir/news/1"),
        ("http://farsnews.ir:80/news/1#comments", "http://farsnews.ir/news/1"),
        ("http://farsnews.ir:8080/news/1", "http://farsnews.ir:8080/news/1"),
        (
            "https://x.ir/a?utm_source=tg&b=2&fbclid=Z&a=1&gclid=q&UTM_Medium=m",
            "https://x.ir/a?a=1&b=2",
        ),
        ("https://x.ir/?utm_campaign=1", "https://x.ir/"),
        ("https://x.ir", "https://x.ir/"),
        ("https://x.ir//", "https://x.ir/"),
        # Persian paths, encoded or not, are one link (ZWNJ kept).
        (
            "https://www.farsnews.ir/news/13951017000743/%D8%A7%D8%AF%D8%A7%D9%85%D9%87-%DA%A9%DB%8C%E2%80%8C%D8%B1%D9%88%D8%B4",
            "https://farsnews.ir/news/13951017000743/ادامه-کی\u200cروش",
        ),
        (
            "https://farsnews.ir/news/1/ادامه-کی\u200cروش/",
            "https://farsnews.ir/news/1/ادامه-کی\u200cروش",
        ),
        ("https://x.ir/a b/%2f?q=a+b", "https://x.ir/a%20b/%2F?q=a%20b"),
        ("https://user:secret@x.ir/a", "https://x.ir/a"),
        ("  https://x.ir/a\n", "https://x.ir/a"),
        ("https://خبر.ایران/الف", "https://xn--ngblk.xn--mgba3a4f16a/الف"),
        ("https://www.x.ir./a", "https://x.ir/a"),
        ("https://www.ir/a", "https://www.ir/a"),  # «www» is the name itself here
        ("https://x.ir/a/%ff", "https://x.ir/a/%FF"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x.ir/a",
        "javascript:alert(1)",
        "mailto:a@x.ir",
        "//x.ir/a",
        "farsnews.ir/news/1",
        "https://",
        "https:///a",
        "http://x.ir:99999/",
        "http://bad host/",
        "",
        "https://x.ir/" + "a" * 1100,
    ],
)
def test_canonical_url_refuses(url: str) -> None:
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.farsnews.ir/news/1", "farsnews.ir"),
        ("https://en.irna.ir/news/1", "irna.ir"),
        ("https://khorasan.gov.ir/x", "khorasan.gov.ir"),
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://localhost:8000/x", "localhost"),
        ("not a link", ""),
    ],
)
def test_outlet_of(url: str, outlet: str) -> None:
    assert outlet_of(url) == outlet


def raw(**kwargs: Any) -> RawArticle:
    values: dict[str, Any] = {
        "url": "https://www.farsnews.ir/news/8707060255",
        "title": "ارائه خدمات بانكي در دفاتر روستايي",
        "lead": "خبرگزاري فارس: خدمات بانكي",
        "body": "متن خبر درباره خدمات بانكي روستايي.\n\nبند دوم.",
        "published_at": dt.datetime(2008, 9, 27, 12, 0, tzinfo=TEHRAN),
    }
    values.update(kwargs)
    return RawArticle(**values)


def test_prepare_keeps_the_original_and_normalizes() -> None:
    item = pipeline.prepare(raw(), NOW)
    assert item.url == "https://farsnews.ir/news/8707060255"
    assert item.outlet == "farsnews.ir"
    assert item.original["title"] == "ارائه خدمات بانكي در دفاتر روستايي"
    assert "ي" in item.original["body"] and "ك" in item.original["lead"]
    assert item.title == "ارائه خدمات بانکی در دفاتر روستایی"
    assert "ي" not in item.body + item.lead and "ك" not in item.body + item.lead
    assert item.published_at == dt.datetime(2008, 9, 27, 12, 0, tzinfo=TEHRAN)
    assert not item.published_guessed
    assert item.content_hash == pipeline.content_hash(item.title, item.lead, item.body)
    assert len(item.content_hash) == 64
    assert "بانکی" in item.search_text.split()


def test_prepare_is_the_same_for_both_spellings() -> None:
    arabic = pipeline.prepare(raw(), NOW)
    persian = pipeline.prepare(
        raw(
            title=arabic.title,
            lead=arabic.lead,
            body=arabic.body,
            url="https://x.ir/?utm_source=a",
        ),
        NOW,
    )
    assert arabic.content_hash == persian.content_hash
    assert arabic.search_text == persian.search_text


@pytest.mark.parametrize(
    ("published", "expected", "guessed"),
    [
        (None, NOW, True),
        (NOW + dt.timedelta(days=3), NOW, True),  # a wrong clock, not a publication
        (NOW + dt.timedelta(hours=20), NOW + dt.timedelta(hours=20), False),  # time zones
        (dt.datetime(1900, 1, 1, tzinfo=dt.UTC), NOW, True),  # before Jalali 1300
        (
            dt.datetime(2025, 5, 1, 10, 0),  # noqa: DTZ001 (a feed's naive wall clock)
            dt.datetime(2025, 5, 1, 10, 0, tzinfo=TEHRAN),
            False,
        ),
    ],
)
def test_prepare_dates(published: dt.datetime | None, expected: dt.datetime, guessed: bool) -> None:
    item = pipeline.prepare(raw(published_at=published), NOW)
    assert item.published_at == expected
    assert item.published_guessed is guessed


def test_prepare_bounds_and_cleans_what_it_receives() -> None:
    item = pipeline.prepare(
        raw(
            title="عنوان\x00 " + "بلند " * 400,
            body="الف" * 300_000,
            lead="\ud800لید",
            author="  نویسنده\n  دوم ",
            guid="g" * 2000,
        ),
        NOW,
    )
    assert len(item.title) <= pipeline.MAX_CHARS["title"] and "\x00" not in item.title
    assert len(item.body) <= pipeline.MAX_CHARS["body"]
    assert len(item.original["body"]) == pipeline.MAX_CHARS["body"]
    assert item.lead == "لید" and "\ud800" not in item.original["lead"]
    assert item.author == "نویسنده دوم"
    assert len(item.guid) == pipeline.MAX_CHARS["guid"]


@pytest.mark.parametrize(
    "bad", [raw(url="ftp://x.ir/a"), raw(url=""), raw(title="  \n "), raw(title="\x00")]
)
def test_prepare_refuses_what_cannot_be_an_article(bad: RawArticle) -> None:
    with pytest.raises(pipeline.Refused):
        pipeline.prepare(bad, NOW)


@pytest.mark.django_db
def test_ingest_is_idempotent_and_stores_bands() -> None:
    source = Source.objects.create(name="فارس")
    raws = [raw(), raw(url="https://www.farsnews.ir/news/8707060256", title="خبر دیگر")]
    first = pipeline.ingest(raws, source=source, now=NOW)
    assert (first.seen, first.created, first.duplicates, first.errors) == (2, 2, 0, 0)
    article = Article.objects.get(pk=first.created_ids[0])
    assert article.source == source and article.outlet == "farsnews.ir"
    assert article.original["title"] == "ارائه خدمات بانكي در دفاتر روستايي"
    expected = pipeline.prepare(raws[0], NOW)
    assert bytes(article.signature) == expected.signature
    assert sorted(article.bands.values_list("band", "value")) == list(enumerate(expected.bands))
    again = pipeline.ingest(
        [raw(url="http://farsnews.ir/news/8707060255/?utm_source=rss"), *raws], now=NOW
    )
    # http is another link, but the same text from the same outlet: a duplicate too.
    assert (again.seen, again.created, again.duplicates) == (3, 0, 3)
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_same_text_from_the_same_outlet_under_another_link() -> None:
    pipeline.ingest([raw()], now=NOW)
    copy = raw(url="https://farsnews.ir/news/8707060299")
    elsewhere = raw(url="https://www.tasnimnews.com/fa/news/1")
    result = pipeline.ingest([copy, elsewhere], now=NOW)
    assert (result.created, result.duplicates) == (1, 1)  # another outlet's copy is kept
    assert Article.objects.filter(outlet="tasnimnews.com").count() == 1
    # An archive keeps every link: the story step groups them.
    kept = pipeline.ingest([copy], now=NOW, same_text=False)
    assert kept.created == 1
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_duplicates_inside_one_batch() -> None:
    batch = [
        raw(guid="g-1"),
        raw(guid="g-1", url="https://farsnews.ir/news/2", title="متن دیگر با همان GUID"),
        raw(url="https://farsnews.ir/news/8707060255?utm_medium=x", title="همان نشانی"),
        raw(url="https://farsnews.ir/news/3", guid="g-1", body="x"),
        raw(url="https://farsnews.ir/news/4", title="تازه", guid="g-2"),
        raw(url="mailto:x@y.ir"),
    ]
    result = pipeline.ingest(batch, now=NOW)
    assert (result.seen, result.created, result.duplicates, result.errors) == (6, 2, 3, 1)
    assert Article.objects.get(guid="g-1").title == "ارائه خدمات بانکی در دفاتر روستایی"
    assert "mailto" in result.messages[0]


@pytest.mark.django_db
def test_the_corpus_text_published_twice_under_two_links() -> None:
    """Fars published one text in two sections under two links: by default (a feed) the second
    is a duplicate of the first; an archive import keeps both (the corpus's 1,491 links)."""
    links = {"https://www.farsnews.ir/news/8501260044", "https://www.farsnews.ir/news/8501260121"}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as stream:
        rows = [r for r in map(json.loads, stream) if r["link"] in links]
    raws = [
        RawArticle(url=r["link"], title=r["title"], body="\n\n".join(r["paragraphs"])) for r in rows
    ]
    assert len(raws) == 2
    assert pipeline.ingest(raws, now=NOW).created == 1
    assert pipeline.ingest(raws, now=NOW, same_text=False).created == 1
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_a_link_stored_by_another_worker_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the read of the stored links and the insert, another worker stores one: the
    unique constraint refuses the batch (rolled back whole), which is read and written again."""
    real = pipeline._write
    calls = []

    def racing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            real(*args)  # written, then refused as the constraint would refuse it
            raise IntegrityError("UNIQUE constraint failed: monitoring_article.url")
        return real(*args)

    monkeypatch.setattr(pipeline, "_write", racing)
    result = pipeline.ingest([raw(), raw(url="https://farsnews.ir/news/9", title="دیگری")], now=NOW)
    assert len(calls) == 2
    assert (result.created, result.duplicates) == (2, 0)
    assert Article.objects.count() == 2 and ArticleBand.objects.count() == 2 * len(
        pipeline.prepare(raw()).bands
    )


@pytest.mark.django_db
def test_store_gives_up_after_repeated_conflicts(monkeypatch: pytest.MonkeyPatch) -> None:
    def always(*args: Any) -> Any:
        raise IntegrityError("unique")

    monkeypatch.setattr(pipeline, "_write", always)
    with pytest.raises(IntegrityError):
        pipeline.ingest([raw()], now=NOW)


@pytest.mark.django_db(transaction=True)
def test_no_write_transaction_while_normalizing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Normalizing (CPU on input of any size) never runs while the write lock is held; the
    stories are assigned after the commit."""
    normalizing: list[bool] = []
    assigning: list[tuple[bool, int]] = []
    real_normalize = pipeline.normalize

    def normalize(text: str) -> str:
        normalizing.append(transaction.get_connection().in_atomic_block)
        return real_normalize(text)

    def assign(ids: list[int]) -> int:
        assigning.append((transaction.get_connection().in_atomic_block, len(ids)))
        assert Article.objects.filter(pk__in=ids).count() == len(ids)  # committed
        return 0

    monkeypatch.setattr(pipeline, "normalize", normalize)
    monkeypatch.setattr(stories, "assign", assign)
    result = pipeline.ingest(
        [raw(), raw(url="https://x.ir/2", title="دو")], source=Source.objects.create(name="s")
    )
    assert result.created == 2
    assert normalizing and not any(normalizing)
    assert assigning == [(False, 2)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_story_step_does_not_undo_the_import(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ids: list[int]) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(stories, "assign", broken)
    assert pipeline.ingest([raw()]).created == 1
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_stories_assign_groups_the_new_articles() -> None:
    """The articles ingested get a story after the commit."""
    result = pipeline.ingest([raw(), raw(url="https://www.tasnimnews.com/fa/news/1")])
    articles = Article.objects.filter(pk__in=result.created_ids)
    assert articles.exclude(story=None).count() == 2
    assert len({a.story_id for a in articles}) == 1  # the same text: one story
    assert ArticleBand.objects.filter(article__in=articles).count() == 2 * len(
        pipeline.prepare(raw()).bands
    )


def test_ingest_of_nothing_is_nothing(db: Any) -> None:
    assert pipeline.ingest([]).seen == 0
    assert timezone.now()  # the pipeline needs no clock of its own


@pytest.mark.django_db
def test_links_already_stored_are_not_prepared_again(monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline.ingest([raw(guid="g")], now=NOW)
    prepared: list[str] = []
    real = pipeline.prepare

    def spy(item: RawArticle, now: dt.datetime | None = None, **kw: Any) -> Any:
        prepared.append(item.url)
        return real(item, now, **kw)

    monkeypatch.setattr(pipeline, "prepare", spy)
    result = pipeline.ingest(
        [
            raw(url="https://farsnews.ir/news/8707060255/?utm_source=x", guid="g"),
            raw(url="https://farsnews.ir/news/77", title="همان GUID", guid="g"),
            raw(url="https://farsnews.ir/news/78", title="تازه"),
        ],
        now=NOW,
    )
    assert prepared == ["https://farsnews.ir/news/78"]
    assert (result.seen, result.created, result.duplicates) == (3, 1, 2)


def test_the_sweep_settles_what_a_failing_step_left(
    world: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Stored while stories.assign raised: unsettled, no story, no mention. The sweep, once the
    batch is old enough, gives it its story and its mention and settles it; again, nothing."""
    from ravabet.monitoring import tasks, watches
    from ravabet.monitoring.models import Mention, Story
    from ravabet.monitoring.watches import WatchInput

    watch = watches.watch_save(
        actor=world.officer_roads,
        data=WatchInput(agency=world.roads, name="وزارت", terms="وزارت ارتباطات"),
    )
    real = stories.assign

    def broken(ids: list[int]) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(stories, "assign", broken)
    with django_capture_on_commit_callbacks(execute=True):
        failed = pipeline.ingest(
            [raw(body="سخنگوی وزارت ارتباطات امروز گفت که اینترنت پایدار است.")]
        )
    monkeypatch.setattr(stories, "assign", real)
    with django_capture_on_commit_callbacks(execute=True):
        fine = pipeline.ingest([raw(url="https://irna.ir/news/9", title="خبری دیگر", body="متن")])
    article = Article.objects.get(pk=failed.created_ids[0])
    assert article.settled_at is None and article.story_id is None
    assert Article.objects.get(pk=fine.created_ids[0]).settled_at is not None
    # Mentions were found (that step ran), the story was not.
    assert Mention.objects.filter(article=article, watch=watch).count() == 1

    # Too recent: its after-commit steps might still be running.
    assert pipeline.settle_pending() == (0, 0)
    later = timezone.now() + pipeline.SETTLE_AFTER + dt.timedelta(minutes=1)
    assert pipeline.settle_pending(now=later) == (1, 0)
    article.refresh_from_db()
    assert article.settled_at is not None and article.story_id is not None
    assert Story.objects.get(pk=article.story_id).article_count == 1
    assert Mention.objects.filter(article=article, watch=watch).count() == 1
    snapshot = (Story.objects.count(), Mention.objects.count(), article.settled_at)
    assert pipeline.settle_pending(now=later) == (0, 0)
    assert tasks.settle_pending.call() == 0
    article.refresh_from_db()
    assert (Story.objects.count(), Mention.objects.count(), article.settled_at) == snapshot


def test_the_sweep_holds_back_only_the_article_a_step_cannot_take(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [
        pipeline.ingest([raw(url=f"https://x.ir/news/{n}", title=f"خبر شماره {n}")]).created_ids[0]
        for n in range(5)
    ]
    poison = ids[2]
    real = stories.assign

    def fails_on_one(article_ids: list[int]) -> int:
        if poison in article_ids:
            raise RuntimeError("boom")
        return real(article_ids)

    monkeypatch.setattr(stories, "assign", fails_on_one)
    later = timezone.now() + pipeline.SETTLE_AFTER + dt.timedelta(minutes=1)
    assert pipeline.settle_pending(now=later) == (4, 1)
    unsettled = Article.objects.filter(settled_at__isnull=True)
    assert list(unsettled.values_list("pk", flat=True)) == [poison]
    assert Article.objects.filter(story__isnull=True).count() == 1

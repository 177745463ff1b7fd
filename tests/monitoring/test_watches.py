"""Watches and mentions: keys that fold spelling variants, whole-phrase matching, exclude terms,
passages, idempotence, saved searches, permissions and audit, and the pipeline's hook."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.monitoring import demo, pipeline, watches
from ravabet.monitoring.models import Article, Mention, Watch
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput
from tests.persian.paths import CORPUS

NOW = dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)
ARABIC = str.maketrans("یک", "يك")


def articles(*texts: tuple[str, str]) -> list[int]:
    """Articles stored through the pipeline (its on-commit hook not run): (title, body) each."""
    raws = [
        RawArticle(url=f"https://x.ir/news/{i}", title=title, body=body, published_at=NOW)
        for i, (title, body) in enumerate(texts)
    ]
    return pipeline.ingest(raws, now=NOW).created_ids


def save(actor: Any, agency: Any = None, **data: Any) -> Watch:
    data.setdefault("name", "وزارت")
    data.setdefault("terms", "وزارت ارتباطات")
    return watches.watch_save(actor=actor, data=WatchInput(agency=agency, **data))


def test_variants_match_one_watch(world: Any) -> None:
    watch = save(world.officer_roads, world.roads, terms="وزارت ارتباطات\nوزارت ارتباطات")
    initials = save(world.officer_roads, world.roads, name="مدیر", terms="م. کریمی")
    assert watch.keys == ["وزارت ارتباطات"]  # a repeated term is kept once
    ids = articles(
        ("خبر یک", "سخنگوی وزارت ارتباطات امروز گفت که اینترنت پایدار است."),
        ("خبر دو", "به گزارش روابط عمومی وزارت\u200cارتباطات، طرح تازه آغاز شد."),
        ("خبر سه", "وزارت ارتباطات و فناوری اطلاعات اعلام کرد.".translate(ARABIC)),
        ("خبر چهار", "وزارت نیرو از کمبود آب گفت. ارتباطات شهری برقرار است."),
        ("خبر پنج", "وزارت. ارتباطات"),  # across a sentence end: not the phrase
        ("بیانیه وزارت", "ارتباطات مردم با دولت بهتر شد."),  # from the title into the body
        ("خبر هفت", "آقای م. کریمی سخن گفت."),
    )
    assert watches.match(ids) == 4
    assert Mention.objects.get(watch=initials).passage == "آقای م. کریمی سخن گفت."
    mentions = Mention.objects.filter(watch=watch).order_by("article_id")
    assert [m.article_id for m in mentions] == ids[:3]
    assert all(m.agency_id == world.roads.pk and m.tone is None for m in mentions)
    assert all(m.term == "وزارت ارتباطات" for m in mentions)
    assert mentions[0].passage == "سخنگوی وزارت ارتباطات امروز گفت که اینترنت پایدار است."
    assert "ارتباطات" in mentions[1].passage
    # idempotent: a second run creates nothing
    assert watches.match(ids) == 0
    assert Mention.objects.count() == 4
    # two workers at once: the second insert of a pair is ignored by the database
    watches._insert([(ids[0], watch.pk, world.roads.pk, "دیگر", "دیگر")])
    assert Mention.objects.count() == 4
    assert Mention.objects.get(article_id=ids[0]).passage == mentions[0].passage
    assert abs((timezone.now() - mentions[0].created_at).total_seconds()) < 60


def test_person_watch_whole_words_and_exclude(world: Any) -> None:
    person = save(
        world.officer_roads,
        world.roads,
        name="مدیرکل",
        kind=Watch.Kind.PERSON,
        terms="علی کریمی\nمهندس کریمی",
        exclude="علی کریمی فوتبالیست",
    )
    place = save(world.officer_roads, world.roads, name="شهر", kind="place", terms="تهران")
    ids = articles(
        ("دیدار", "مهندس كريمي مدیرکل راه و شهرسازی از پروژه بازدید کرد."),
        ("ورزش", "علی کریمی فوتبالیست پیشین در تهران به تماشاگران پیوست."),
        ("بی‌ربط", "علی کریمیان و کریمی‌ها در تهرانی‌ها نیستند."),
    )
    assert watches.match(ids) == 2
    found = set(Mention.objects.values_list("watch_id", "article_id"))
    assert found == {(person.pk, ids[0]), (place.pk, ids[1])}
    mention = Mention.objects.get(watch=person)
    assert mention.term == "مهندس کریمی"
    assert "كريمي" in mention.passage or "کریمی" in mention.passage


def test_long_sentence_gives_a_short_passage(world: Any) -> None:
    save(world.officer_roads, world.roads, terms="آزادراه تهران شمال")
    filler = " ".join(["واژه"] * 200)
    ids = articles(("عنوان", f"{filler} پروژه آزادراه تهران شمال افتتاح شد {filler}"))
    assert watches.match(ids) == 1
    passage = Mention.objects.get().passage
    assert "آزادراه تهران شمال" in passage
    assert len(passage) <= watches.PASSAGE_CHARS + 2
    assert passage.startswith("…") and passage.endswith("…")


def test_saved_search_of_a_person(world: Any) -> None:
    mine = save(world.officer_health, None, name="واکسن", kind="search", terms="واکسن")
    assert mine.agency is None and mine.owner == world.officer_health
    ids = articles(("واکسن", "نوبت دوم واکسن آنفلوآنزا آغاز شد."))
    assert watches.match(ids) == 1
    assert Mention.objects.get().agency_id is None
    with pytest.raises(AgencyPermissionDenied):  # another's saved search
        watches.watch_save(
            actor=world.officer_roads, data=WatchInput(name="x", terms="y"), watch=mine
        )
    with pytest.raises(AgencyPermissionDenied):  # a citizen keeps no saved search
        save(world.outsider, None)


def test_permissions_and_audit(world: Any) -> None:
    watch = save(world.officer_roads, world.roads)
    entry = AuditEntry.objects.get(action="watch.create")
    assert entry.actor == world.officer_roads and entry.agency == world.roads
    with pytest.raises(AgencyPermissionDenied):
        watches.watch_save(
            actor=world.officer_health,
            data=WatchInput(name="دزدی", terms="راه"),
            watch=watch,
        )
    with pytest.raises(AgencyPermissionDenied):
        save(world.officer_health, world.roads)
    watch.refresh_from_db()
    assert watch.name == "وزارت" and Watch.objects.count() == 1
    assert not AuditEntry.objects.filter(action="watch.update").exists()
    # the directorate writes for every agency
    changed = watches.watch_save(
        actor=world.directorate_staff,
        data=WatchInput(name="راه", terms="راهداری\nراه و شهرسازی", is_active=False),
        watch=watch,
    )
    assert changed.keys == ["راهداری", "راه و شهرسازی"] and not changed.is_active
    assert changed.agency == world.roads
    assert AuditEntry.objects.filter(action="watch.update", actor=world.directorate_staff).exists()


def test_validation(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        save(
            world.officer_roads,
            world.roads,
            name="",
            terms="\n".join(f"واژه{i}" for i in range(51)),
        )
    errors = caught.value.message_dict
    assert "۵۱" in errors["terms"][0] and "name" in errors
    with pytest.raises(ValidationError) as caught:
        save(world.officer_roads, world.roads, terms="الف" * 101)
    assert "۳۰۳" in caught.value.message_dict["terms"][0]
    with pytest.raises(ValidationError):
        save(world.officer_roads, world.roads, terms="«»،.")
    with pytest.raises(ValidationError):
        save(world.officer_roads, world.roads, terms=" \n ")
    assert not Watch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_ingest_creates_mentions_through_the_hook(world: Any) -> None:
    save(world.officer_roads, world.roads, terms="وزارت راه")
    result = pipeline.ingest(
        [RawArticle(url="https://x.ir/a", title="بازدید", body="وزير راه از پروژه بازدید کرد.")]
    )
    assert result.created == 1
    assert Mention.objects.filter(article_id=result.created_ids[0]).count() == 0  # «وزیر»
    result = pipeline.ingest(
        [RawArticle(url="https://x.ir/b", title="وزارت\u200cراه", body="وزارت راه خبر داد.")]
    )
    mention = Mention.objects.get(article_id=result.created_ids[0])
    assert mention.passage == "وزارت\u200cراه"


@pytest.mark.django_db
def test_rematch_on_the_corpus(world: Any, settings: Any) -> None:
    """A watch saved after the articles finds them (rematch); ~30 watches over the corpus."""
    assert CORPUS.exists()  # ../shared/corpus, as on every machine of this kind and in CI
    settings.RAVABET_DEMO_CORPUS = str(CORPUS)
    assert demo.load() > 1000
    watch = save(world.officer_roads, world.roads, name="نفت", terms="نفت")
    assert watches.rematch(watch, days=365 * 30) > 5
    for mention in Mention.objects.filter(watch=watch)[:20]:
        assert "نفت" in mention.passage
    terms = [
        "تهران", "اصفهان", "مجلس شورای اسلامی", "وزارت امور خارجه", "احمدی نژاد",
        "آمریکا", "عراق", "انرژی هسته ای", "سازمان ملل", "فوتبال", "بانک مرکزی",
        "وزارت بهداشت", "دانشگاه تهران", "شورای امنیت", "اسرائیل", "قیمت نفت", "بورس",
        "آموزش و پرورش", "شهرداری تهران", "راه آهن", "هلال احمر", "نیروی انتظامی",
        "خبرگزاری فارس", "حج", "زلزله", "افغانستان", "لبنان", "مشهد", "تبریز",
    ]  # fmt: skip
    for term in terms:
        save(world.officer_roads, world.roads, name=term, terms=term)
    ids = list(Article.objects.values_list("pk", flat=True))
    Mention.objects.all().delete()
    started = time.perf_counter()
    created = watches.match(ids)
    elapsed = time.perf_counter() - started
    assert created > 500
    assert watches.match(ids) == 0
    print(f"\n{len(ids)} articles × {Watch.objects.count()} watches: {created} mentions, "
          f"{elapsed:.2f} s, {len(ids) / elapsed:.0f} articles/s")  # fmt: skip


def test_saving_a_watch_runs_it_over_recent_articles(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    recent = RawArticle(url="https://x.ir/new", title="راهداری", body="راهداری استان آماده است.")
    old = RawArticle(
        url="https://x.ir/old",
        title="راهداری",
        body="راهداری زمستان گذشته.",
        published_at=timezone.now() - dt.timedelta(days=watches.REMATCH_DAYS + 5),
    )
    ids = pipeline.ingest([recent, old]).created_ids
    with django_capture_on_commit_callbacks(execute=True):
        watch = save(world.officer_roads, world.roads, name="راهداری", terms="راهداری")
    assert list(Mention.objects.values_list("article_id", flat=True)) == [ids[0]]
    # an inactive watch is not run, and matches nothing
    Mention.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        watches.watch_save(
            actor=world.officer_roads,
            data=WatchInput(name="راهداری", terms="راهداری", is_active=False),
            watch=watch,
        )
    assert watches.match(ids) == 0 and not Mention.objects.exists()


def test_the_next_term_gives_the_passage_when_the_first_runs_over_fields(world: Any) -> None:
    watch = save(world.officer_roads, world.roads, terms="وزارت ارتباطات\nمردم با دولت")
    ids = articles(("بیانیه وزارت", "ارتباطات مردم با دولت بهتر شد."))
    assert watches.match(ids) == 1
    mention = Mention.objects.get(watch=watch)
    assert (mention.term, mention.passage) == ("مردم با دولت", "ارتباطات مردم با دولت بهتر شد.")

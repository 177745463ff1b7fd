"""Stories: MinHash signatures, LSH bands, and near-copies collapsed into one story.

Articles are created directly with their signature and bands (the pipeline is not needed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from datasketch import MinHash

from ravabet.monitoring import stories
from ravabet.monitoring.models import Article, ArticleBand, Story

ROOT = Path(__file__).resolve().parents[2]

TEXT = (
    "به گزارش خبرگزاری فارس، مدیرکل راه و شهرسازی استان امروز در نشست خبری گفت: عملیات اجرایی"
    " بزرگراه شمالی شهر از هفته آینده آغاز می‌شود و تا پایان سال به بهره‌برداری می‌رسد. وی افزود:"
    " برای این طرح ۱۲۰ میلیارد ریال اعتبار پیش‌بینی شده است و پیمانکار آن از میان شرکت‌های"
    " بومی استان برگزیده شد. مدیرکل راه و شهرسازی استان همچنین از آغاز طرح نوسازی بافت فرسوده"
    " در سه محله قدیمی شهر خبر داد و گفت ساکنان این محله‌ها می‌توانند از تسهیلات کم‌بهره استفاده"
    " کنند."
)
# sha256 of signature(TEXT): the signature must never change for a given text (stored ones
# would no longer match new ones).
TEXT_DIGEST = "41e5de38163cd99e99eee61d952608bbaac970e71cc65825dd24d8f0b67fa5da"

WORDS = [f"واژه{i}" for i in range(400)]
T0 = dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC)


def synthetic(rng: random.Random, n: int = 90) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def edited(words: list[str], rng: random.Random) -> list[str]:
    """A light edit: a few words changed, a sentence added at the end."""
    out = list(words)
    for _ in range(3):
        out[rng.randrange(len(out))] = rng.choice(WORDS)
    return out + synthetic(rng, 6)


_urls = iter(range(10**6))


def article(
    text: str, *, outlet: str = "farsnews.ir", at: dt.datetime = T0, title: str = "خبر"
) -> Article:
    sig = stories.signature(text)
    a = Article.objects.create(
        outlet=outlet,
        url=f"https://{outlet}/news/{next(_urls)}",
        title=title,
        body=text,
        published_at=at,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        search_text=text,
        signature=sig,
    )
    ArticleBand.objects.bulk_create(
        ArticleBand(article=a, band=i, value=v) for i, v in enumerate(stories.bands(sig))
    )
    return a


def story_of(a: Article) -> Story | None:
    a.refresh_from_db()
    return a.story


# --- signature and bands ----------------------------------------------------------------------


def test_signature_is_fixed_for_a_text() -> None:
    sig = stories.signature(TEXT)
    assert len(sig) == stories.NUM_PERM * 4
    assert stories.signature(TEXT) == sig
    assert hashlib.sha256(sig).hexdigest() == TEXT_DIGEST


def test_signature_is_the_same_in_another_process() -> None:
    code = (
        "import hashlib, sys; from ravabet.monitoring.stories import signature;"
        "print(hashlib.sha256(signature(sys.argv[1])).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code, TEXT], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == TEXT_DIGEST


def test_signature_is_datasketch_minhash_of_the_shingles() -> None:
    tokens = stories.words(TEXT)
    m = MinHash(num_perm=stories.NUM_PERM, seed=stories.SEED, hashfunc=int)
    m.update_batch(stories._shingle_hashes(tokens).tolist())
    assert stories.signature(TEXT) == m.hashvalues.astype("<u4").tobytes()
    assert len(tokens) - 2 >= len(set(stories._shingle_hashes(tokens).tolist())) > 50


def test_spelling_variants_and_half_spaces_do_not_matter() -> None:
    arabic = TEXT.replace("ی", "ي").replace("ک", "ك")
    spaced = TEXT.replace("\u200c", " ")
    key_digits = TEXT.replace("۱۲۰", "120")
    sig = stories.signature(TEXT)
    for variant in (arabic, spaced, key_digits):
        assert stories.similarity(sig, stories.signature(variant)) == 1.0


def test_a_search_key_signs_like_its_text() -> None:
    from ravabet.persian import search_key

    sig = stories.signature(TEXT)
    assert stories.similarity(sig, stories.signature(search_key(TEXT))) >= 0.95


def test_empty_text_has_an_empty_signature_and_no_bands() -> None:
    assert stories.signature("") == b""
    assert stories.signature(" ،. ؟ \n") == b""
    assert stories.bands(b"") == []
    assert stories.similarity(b"", b"") == 0.0


def test_short_text_is_one_shingle() -> None:
    assert len(stories.signature("سلام")) == stories.NUM_PERM * 4
    assert stories.signature("سلام دنیا") != stories.signature("دنیا سلام")


def test_bands_are_signed_64_bit_and_stable() -> None:
    values = stories.bands(stories.signature(TEXT))
    assert len(values) == stories.BANDS
    assert all(-(2**63) <= v < 2**63 for v in values)
    assert values == stories.bands(memoryview(stories.signature(TEXT)))


def test_near_copy_shares_a_band_and_distinct_text_none() -> None:
    rng = random.Random(1)
    words = synthetic(rng)
    a = stories.signature(" ".join(words))
    b = stories.signature(" ".join(edited(words, rng)))
    c = stories.signature(" ".join(synthetic(rng)))
    assert stories.similarity(a, b) >= stories.THRESHOLD
    assert set(enumerate(stories.bands(a))) & set(enumerate(stories.bands(b)))
    assert stories.similarity(a, c) < 0.1
    assert not set(enumerate(stories.bands(a))) & set(enumerate(stories.bands(c)))


# --- assign -----------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_near_copies_join_one_story_and_distinct_articles_do_not() -> None:
    rng = random.Random(2)
    words = synthetic(rng)
    first = article(" ".join(words), title="آغاز بزرگراه", at=T0)
    copy1 = article(" ".join(edited(words, rng)), outlet="irna.ir", at=T0 + dt.timedelta(hours=2))
    copy2 = article(" ".join(edited(words, rng)), outlet="isna.ir", at=T0 - dt.timedelta(hours=1))
    other = article(" ".join(synthetic(rng)), title="خبر دیگر")

    created = stories.assign([other.id, copy2.id, copy1.id, first.id])

    assert created == 2
    story = story_of(first)
    assert story is not None
    assert story_of(copy1) == story_of(copy2) == story
    assert story_of(other) not in (None, story)
    # Titled after the first article (by id), with all its outlets and appearances.
    assert story.title == "آغاز بزرگراه"
    assert story.article_count == 3
    assert story.outlet_count == 3
    assert story.first_seen_at == T0 - dt.timedelta(hours=1)
    assert story.last_seen_at == T0 + dt.timedelta(hours=2)
    lone = story_of(other)
    assert lone is not None
    assert (lone.title, lone.article_count, lone.outlet_count) == ("خبر دیگر", 1, 1)


@pytestmark_db
def test_a_later_copy_joins_the_existing_story_and_outlets_are_distinct() -> None:
    rng = random.Random(3)
    words = synthetic(rng)
    first = article(" ".join(words))
    assert stories.assign([first.id]) == 1
    again = article(" ".join(edited(words, rng)), at=T0 + dt.timedelta(days=1))  # same outlet
    elsewhere = article(" ".join(edited(words, rng)), outlet="mehrnews.com")

    assert stories.assign([again.id, elsewhere.id]) == 0

    story = story_of(first)
    assert story is not None and story_of(again) == story_of(elsewhere) == story
    assert (story.article_count, story.outlet_count) == (3, 2)
    assert story.last_seen_at == T0 + dt.timedelta(days=1)


@pytestmark_db
def test_assign_is_idempotent() -> None:
    rng = random.Random(4)
    words = synthetic(rng)
    ids = [article(" ".join(edited(words, rng))).id for _ in range(3)]
    ids.append(article(" ".join(synthetic(rng))).id)
    assert stories.assign(ids) == 2
    before = list(Story.objects.order_by("id").values())
    links = dict(Article.objects.values_list("id", "story_id"))

    assert stories.assign(ids) == 0
    assert stories.assign(list(reversed(ids))) == 0
    assert list(Story.objects.order_by("id").values()) == before
    assert dict(Article.objects.values_list("id", "story_id")) == links


@pytestmark_db
def test_an_article_with_an_empty_signature_is_its_own_story() -> None:
    a = article("")
    b = article("  ")
    assert a.signature in (b"", memoryview(b""))
    assert not ArticleBand.objects.filter(article=a).exists()
    assert stories.assign([a.id, b.id]) == 2
    assert story_of(a) != story_of(b)
    story = story_of(a)
    assert story is not None and story.article_count == 1


@pytestmark_db
def test_an_article_assigned_meanwhile_is_skipped() -> None:
    """Another worker assigned it between this worker's reads and its lock."""
    rng = random.Random(5)
    words = synthetic(rng)
    a = article(" ".join(words))
    b = article(" ".join(edited(words, rng)))
    rows = list(
        Article.objects.filter(id__in=[a.id, b.id])
        .order_by("id")
        .values_list("id", "signature", "title", "published_at")
    )
    # The other worker: `a` in a story of its own.
    assert stories.assign([a.id]) == 1
    story = story_of(a)
    assert story is not None

    assert stories._assign_locked(rows, {a.id: [], b.id: [a.id]}) == 0
    assert story_of(b) == story
    story.refresh_from_db()
    assert story.article_count == 2


@pytestmark_db
def test_a_chunk_of_500_articles_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    rng = random.Random(6)
    texts: list[str] = []
    for _ in range(100):
        words = synthetic(rng)
        texts.extend(" ".join(edited(words, rng)) for _ in range(5))
    sigs = [stories.signature(t) for t in texts]
    articles = Article.objects.bulk_create(
        Article(
            outlet=f"outlet{i % 7}.ir",
            url=f"https://outlet{i % 7}.ir/news/{i}",
            title=f"خبر {i}",
            published_at=T0 + dt.timedelta(minutes=i),
            content_hash=str(i),
            signature=sig,
        )
        for i, sig in enumerate(sigs)
    )
    ArticleBand.objects.bulk_create(
        ArticleBand(article=a, band=b, value=v)
        for a, sig in zip(articles, sigs, strict=True)
        for b, v in enumerate(stories.bands(sig))
    )
    ids = [a.id for a in articles]

    with django_assert_max_num_queries(20):
        created = stories.assign(ids)

    assert created == 100
    assert Article.objects.filter(story__isnull=True).count() == 0
    counts = sorted(Story.objects.values_list("article_count", flat=True))
    assert counts == [5] * 100
    # The five copies of each text are in one story.
    for start in range(0, 500, 5):
        group = {a.story_id for a in Article.objects.filter(id__in=ids[start : start + 5])}
        assert len(group) == 1
    assert sum(np.array(Story.objects.values_list("outlet_count", flat=True))) > 100

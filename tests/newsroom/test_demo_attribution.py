"""The demo credits each Fars article to the agency it is about, by that agency's own words;
an article no agency clearly owns (a court case, the stock market) is left out."""

from __future__ import annotations

import pytest

from ravabet.core.organisation import demo as organisation_demo
from ravabet.newsroom import demo
from ravabet.newsroom.models import Release
from ravabet.persian import search_key

pytestmark = pytest.mark.django_db

needs_corpus = pytest.mark.skipif(not demo.CORPUS.exists(), reason="the Fars corpus is absent")


def _words_in(slug: str, text: str) -> list[str]:
    # Checked here on the search key by plain containment, not through the demo's own matcher.
    key = f" {search_key(text)} "
    return [w for w in demo.AGENCY_WORDS[slug] if f" {search_key(w)}" in key]


@needs_corpus
def test_every_corpus_release_is_under_an_agency_whose_words_it_uses() -> None:
    organisation_demo.load()
    demo.load()
    corpus = Release.objects.filter(source_text__contains="farsnews").select_related("agency")
    assert corpus.count() >= 10
    agencies = set()
    for release in corpus:
        text = f"{release.headline} {release.lead} {release.body}"
        assert _words_in(release.agency.slug, text), (release.agency.slug, release.headline)
        assert not any(
            f" {search_key(w)} " in f" {search_key(text)} " for w in ("دادگاه", "بورس")
        ), release.headline
        agencies.add(release.agency.slug)
    assert len(agencies) >= 5  # spread over the agencies, not all under one


def test_an_article_without_an_agency_s_words_is_left_out() -> None:
    slugs = set(demo.AGENCY_WORDS)
    court = "دادگاه متهم پرونده اختلاس را به پنج سال زندان محکوم کرد؛ جلسه در تهران برگزار شد"
    assert demo.attribute("رای دادگاه صادر شد", court, slugs) is None
    market = "شاخص بورس تهران امروز با رشد سهام بانکی و خودرویی همراه شد و معاملات افزایش یافت"
    assert demo.attribute("رشد شاخص بورس", market, slugs) is None
    # A word in passing is not enough: one mention of a school in a traffic story.
    assert demo.attribute("گزارش روز", "نزدیک یک مدرسه تصادفی رخ داد", slugs) is None


def test_an_article_is_credited_to_the_agency_it_is_about() -> None:
    slugs = set(demo.AGENCY_WORDS)
    text = (
        "مدیرکل آموزش و پرورش استان تهران گفت: مدارس استان از مهر آماده پذیرش دانش‌آموزان است"
        " و معلمان جدید در مدارس جنوب استان به کار گرفته می‌شوند."
    )
    assert demo.attribute("آمادگی مدارس استان تهران", text, slugs) == "education"
    # Arabic letter forms, as the Fars corpus writes them, are read as the Persian ones.
    assert demo.attribute("آمادگی مدارس استان تهران", text.replace("ی", "ي"), slugs) == "education"
    # Only the agencies that exist are candidates.
    assert demo.attribute("آمادگی مدارس استان تهران", text, slugs - {"education"}) is None


def test_the_words_found_are_reported() -> None:
    assert "بیمارستان" in demo.agency_words_found("tums", "افتتاح بیمارستان جدید")
    assert demo.agency_words_found("no-such-agency", "بیمارستان") == []

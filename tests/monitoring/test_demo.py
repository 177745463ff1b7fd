"""The monitoring demo: the Fars corpus imported once, the news sites' feeds listed inactive."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.monitoring import demo
from ravabet.monitoring.models import Article, Source, Story

pytestmark = pytest.mark.django_db


def test_the_corpus_is_imported_once_with_its_stories() -> None:
    assert demo.corpus_path().is_file()
    assert demo.load() == 1_491
    assert Article.objects.count() == 1_491
    assert Story.objects.count() < 1_491  # near-copies share a story
    assert demo.load() == 0
    assert Article.objects.count() == 1_491
    feeds = Source.objects.filter(kind=Source.Kind.FEED)
    assert feeds.count() == len(demo.FEEDS) and not feeds.filter(is_active=True).exists()


def test_without_the_corpus_the_demo_imports_nothing(settings: Any, tmp_path: Any) -> None:
    settings.RAVABET_DEMO_CORPUS = str(tmp_path / "missing.jsonl.gz")
    assert demo.load() == 0
    assert Article.objects.count() == 0

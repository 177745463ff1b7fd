"""The monitoring demo: the Fars corpus imported once and matched to the demo agencies' watches;
the news sites' feeds listed inactive."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.core.organisation import demo as organisation_demo
from ravabet.monitoring import demo
from ravabet.monitoring.models import Article, Mention, Source, Story, Watch

pytestmark = pytest.mark.django_db


def test_the_corpus_is_imported_once_with_its_stories_and_watches(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation_demo.load()
    assert demo.corpus_path().is_file()
    # Stories and mentions are made after each batch's commit, as in a real run.
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load() == 1_491
    assert Article.objects.count() == 1_491
    assert Story.objects.count() == 1_490  # one text under two links: one story
    assert Watch.objects.filter(agency__isnull=False).count() == len(demo.WATCHES)
    mentioned = set(Mention.objects.values_list("agency__slug", flat=True))
    assert {"governorate", "tums", "municipality"} <= mentioned
    mentions = Mention.objects.count()
    assert demo.load() == 0
    assert Article.objects.count() == 1_491
    assert Mention.objects.count() == mentions  # nothing twice
    feeds = Source.objects.filter(kind=Source.Kind.FEED)
    assert feeds.count() == len(demo.FEEDS) and not feeds.filter(is_active=True).exists()


def test_without_the_corpus_the_demo_imports_nothing(settings: Any, tmp_path: Any) -> None:
    settings.RAVABET_DEMO_CORPUS = str(tmp_path / "missing.jsonl.gz")
    assert demo.load() == 0
    assert Article.objects.count() == 0

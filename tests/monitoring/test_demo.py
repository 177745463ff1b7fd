"""The monitoring demo: the Fars corpus imported once and matched to the demo agencies' watches;
the news sites' feeds listed inactive."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ravabet.core.organisation import demo as organisation_demo
from ravabet.monitoring import bulletins, demo
from ravabet.monitoring.models import (
    Alert,
    Article,
    Bulletin,
    Mention,
    Narrative,
    Source,
    Story,
    ToneTerm,
    Watch,
)

pytestmark = pytest.mark.django_db


def test_the_corpus_is_imported_once_with_its_stories_and_watches(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation_demo.load()
    ToneTerm.objects.all().delete()  # as a transactional test's flush leaves it: refilled
    assert demo.corpus_path().is_file()
    # Stories and mentions are made after each batch's commit, as in a real run.
    with django_capture_on_commit_callbacks(execute=True):
        created = demo.load()
    archive = Article.objects.filter(source__name=demo.CORPUS_SOURCE)
    assert archive.count() == 1_491
    assert archive.values("story").distinct().count() == 1_490  # one text, two links: one story
    replayed = Article.objects.filter(source__name=demo.REPLAY_SOURCE)
    assert created == 1_491 + replayed.count()
    # The last month: republished by other outlets, lightly edited, into the archive's stories.
    recent = timezone.now() - dt.timedelta(days=demo.REPLAY_DAYS + 1)
    assert replayed.count() > 300 and not replayed.filter(published_at__lt=recent).exists()
    assert not replayed.filter(story__isnull=True).exists()
    assert Story.objects.filter(outlet_count__gte=4).count() >= 20
    assert set(replayed.values_list("outlet", flat=True)) == {o[0] for o in demo.OUTLETS}
    # Yesterday's complaints: two stories told by every outlet, each a mention of the water
    # company.
    complaints = replayed.filter(url__contains="/water-")
    assert complaints.count() == 2 * len(demo.OUTLETS)
    assert complaints.values("story").distinct().count() == 2
    assert Mention.objects.filter(article__in=complaints, agency__slug="water").count() == 8
    # What the morning's tasks would have made: the water company's alert is open, the month's
    # narratives built, yesterday's bulletin of the directorate drafted with the complaint.
    alert = Alert.objects.get(agency__slug="water", ended_at__isnull=True)
    assert alert.kind == Alert.Kind.NEGATIVE and alert.count >= 3
    assert Narrative.objects.count() >= 3
    assert Story.objects.filter(narrative__isnull=False).count() >= 50
    bulletin = Bulletin.objects.get(agency__kind="directorate", day=bulletins.yesterday())
    titles = set(bulletin.items.values_list("article__title", flat=True))
    assert demo.COMPLAINTS[0][0] in titles
    assert Watch.objects.filter(agency__isnull=False).count() == len(demo.WATCHES)
    mentioned = set(Mention.objects.values_list("agency__slug", flat=True))
    assert {"governorate", "tums", "municipality"} <= mentioned
    mentions = Mention.objects.count()
    articles, episodes = Article.objects.count(), Alert.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load() == 0
    assert Article.objects.count() == articles
    assert Alert.objects.count() == episodes and Bulletin.objects.count() == 1
    assert Mention.objects.count() == mentions  # nothing twice
    feeds = Source.objects.filter(kind=Source.Kind.FEED)
    assert feeds.count() == len(demo.FEEDS) and not feeds.filter(is_active=True).exists()


def test_without_the_corpus_the_demo_imports_only_the_complaints(
    settings: Any, tmp_path: Any
) -> None:
    settings.RAVABET_DEMO_CORPUS = str(tmp_path / "missing.jsonl.gz")
    assert demo.load() == 2 * len(demo.OUTLETS)
    assert not Article.objects.filter(source__name=demo.CORPUS_SOURCE).exists()

"""Demo data of monitoring: the Fars corpus (../shared/corpus/fars-news.jsonl.gz, 1,500 real
articles of 1385–1387) imported through the pipeline, so the desk opens with articles and
stories; and the feeds of a few news sites, inactive (the demo machine reaches no site).

Idempotent: the corpus is imported once (a second run finds its source filled). Without the
corpus file (another machine), it says so and imports nothing.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from ravabet.core.organisation.models import Agency
from ravabet.monitoring import importers, pipeline, watches
from ravabet.monitoring.models import Source, Watch

CORPUS_SOURCE = "بایگانی خبرگزاری فارس (نمونه)"
FEEDS = [
    ("خبرگزاری جمهوری اسلامی (ایرنا)", "https://www.irna.ir/rss", "irna.ir"),
    ("خبرگزاری ایسنا", "https://www.isna.ir/rss", "isna.ir"),
    ("خبرگزاری فارس", "https://www.farsnews.ir/rss", "farsnews.ir"),
    ("خبرگزاری تسنیم", "https://www.tasnimnews.com/fa/rss/feed/0/7/0", "tasnimnews.com"),
]
BATCH = 500
# What each demo agency's PR office watches: names as the corpus's years (1385–1387) wrote them.
WATCHES = [
    ("governorate", "استانداری تهران", Watch.Kind.NAME, "استانداری تهران\nاستاندار تهران"),
    ("roads", "راه و شهرسازی", Watch.Kind.NAME, "راه و ترابری\nمسکن و شهرسازی\nراه و شهرسازی"),
    ("tums", "علوم پزشکی و بهداشت", Watch.Kind.NAME, "وزارت بهداشت\nعلوم پزشکی"),
    ("water", "آب و فاضلاب", Watch.Kind.KEYWORD, "آب و فاضلاب\nکم‌آبی\nآب شرب"),
    ("municipality", "شهرداری تهران", Watch.Kind.NAME, "شهرداری تهران\nشورای شهر تهران"),
    ("pr-directorate", "روابط عمومی", Watch.Kind.KEYWORD, "روابط عمومی\nاطلاع‌رسانی"),
]


def corpus_path() -> Path:
    configured = getattr(settings, "RAVABET_DEMO_CORPUS", "")
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR).parent / "shared" / "corpus" / "fars-news.jsonl.gz"


def load() -> int:
    """Create the demo sources and import the corpus; returns the articles created."""
    for name, url, site in FEEDS:
        Source.objects.get_or_create(
            name=name,
            defaults={"kind": Source.Kind.FEED, "url": url, "site": site, "is_active": False},
        )
    _watches()
    source, _ = Source.objects.get_or_create(
        name=CORPUS_SOURCE, defaults={"kind": Source.Kind.FILE, "site": "farsnews.ir"}
    )
    if source.articles.exists():
        return 0
    path = corpus_path()
    if not path.is_file():
        sys.stderr.write(f"monitoring demo: {path} not found; no articles imported\n")
        return 0
    created = 0
    raws = importers.articles(path)
    while batch := list(itertools.islice(raws, BATCH)):
        # An archive keeps every link as its own article (docs/monitoring.md, "File import").
        created += pipeline.ingest(batch, source=source, same_text=False).created
    # The watches were saved before the articles came; the pipeline matched each batch.
    return created


def _watches() -> None:
    """The demo agencies' watches, made by the directorate's demo person (once)."""
    staff = get_user_model().objects.filter(username="directorate").first()
    if staff is None:
        return
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=[w[0] for w in WATCHES])}
    have = set(Watch.objects.values_list("agency__slug", "name"))
    for slug, name, kind, terms in WATCHES:
        if slug in agencies and (slug, name) not in have:
            watches.watch_save(
                actor=staff,
                data=watches.WatchInput(name=name, terms=terms, agency=agencies[slug], kind=kind),
            )

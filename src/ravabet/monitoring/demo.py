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

from ravabet.monitoring import importers, pipeline
from ravabet.monitoring.models import Source

CORPUS_SOURCE = "بایگانی خبرگزاری فارس (نمونه)"
FEEDS = [
    ("خبرگزاری جمهوری اسلامی (ایرنا)", "https://www.irna.ir/rss", "irna.ir"),
    ("خبرگزاری ایسنا", "https://www.isna.ir/rss", "isna.ir"),
    ("خبرگزاری فارس", "https://www.farsnews.ir/rss", "farsnews.ir"),
    ("خبرگزاری تسنیم", "https://www.tasnimnews.com/fa/rss/feed/0/7/0", "tasnimnews.com"),
]
BATCH = 500


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
    return created

"""The way in for every article, whatever brought it (a feed, a file): prepare, store, group.

    raw = RawArticle(url=…, title=…, lead=…, body=…, published_at=…)   # feeds.py, importers.py
    result = ingest([raw, …], source=source)                           # batches of a few hundred

1. `prepare` (CPU only, outside any transaction): canonical URL and outlet, normalized title,
   lead and body (ravabet.persian.normalize; the originals kept), the content hash, the search
   key, the MinHash signature and its LSH bands (stories.py). An article with no link or no
   title is skipped (counted as an error).
2. `store` (one short transaction a batch): the links already stored are read in one query;
   the new ones are bulk-created with their bands. The same canonical link is one article,
   however often fetched; the same text from the same outlet under another link is a duplicate.
3. `stories.assign` (after the commit): each new article joins the story of its nearest
   near-copy or starts one.

Idempotent: running the same input again creates nothing, so a worker killed in the middle of a
batch loses nothing and duplicates nothing when the batch runs again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawArticle:
    url: str
    title: str
    lead: str = ""
    body: str = ""
    published_at: dt.datetime | None = None  # aware; None: unknown (the fetch time is used)
    author: str = ""
    guid: str = ""


@dataclass
class IngestResult:
    seen: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0
    created_ids: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.seen += other.seen
        self.created += other.created
        self.duplicates += other.duplicates
        self.errors += other.errors
        self.created_ids.extend(other.created_ids)
        self.messages.extend(other.messages[:20])


def ingest(raws: list[RawArticle], *, source: Any = None) -> IngestResult:
    """Prepare, store and group one batch (being written)."""
    raise NotImplementedError

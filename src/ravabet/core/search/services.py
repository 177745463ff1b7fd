"""Writes to the search index: index or replace documents, remove them, rebuild a scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ravabet.core.search.backends import backend_for
from ravabet.core.search.documents import Document
from ravabet.core.search.models import SearchEntry, SearchTerm
from ravabet.persian import SEARCH_KEY_VERSION, search_key

# Documents keyed and written per round trip: big enough to amortize the SQL, small enough
# that a batch of 3 KB bodies stays a few megabytes of memory.
BATCH_SIZE = 500
# Longer "words" are URLs and numbers run together, never a misspelling worth correcting.
MAX_TERM_LENGTH = 64
MIN_TERM_LENGTH = 3

_UPDATE_FIELDS = [
    "agency_id",
    "county_id",
    "kind",
    "published_at",
    "title_key",
    "extra_key",
    "body_key",
    "key_version",
    "indexed_at",
]


def is_vocabulary_word(word: str) -> bool:
    """Whether a key token is kept for the near-miss fallback (numbers and scraps are not)."""
    return MIN_TERM_LENGTH <= len(word) <= MAX_TERM_LENGTH and not word.isdigit()


def _entry(doc: Document, now: datetime) -> SearchEntry:
    return SearchEntry(
        scope=doc.scope,
        object_id=doc.object_id,
        agency_id=doc.agency_id,
        county_id=doc.county_id,
        kind=doc.kind,
        published_at=doc.published_at,
        title_key=search_key(doc.title),
        extra_key=search_key(doc.extra),
        body_key=search_key(doc.body),
        key_version=SEARCH_KEY_VERSION,
        indexed_at=now,
    )


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_batch(docs: list[Document], *, known_words: set[tuple[str, str]]) -> int:
    # One INSERT ... ON CONFLICT cannot touch a row twice: the last version of a document
    # in the batch wins, as it would with one call per document.
    latest = {(doc.scope, doc.object_id): doc for doc in docs}
    now = timezone.now()
    entries = [_entry(doc, now) for doc in latest.values()]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["scope", "object_id"],
        update_fields=_UPDATE_FIELDS,
    )
    words: set[tuple[str, str]] = set()
    for entry in entries:
        for text in (entry.title_key, entry.extra_key, entry.body_key):
            words.update((entry.scope, word) for word in text.split() if is_vocabulary_word(word))
    words -= known_words
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(scope=scope, word=word) for scope, word in sorted(words)],
            ignore_conflicts=True,
            batch_size=2000,
        )
        known_words |= words
    return len(entries)


def index_documents(docs: Iterable[Document]) -> int:
    """Add or replace documents in the index; returns how many were written.

    Runs in the caller's transaction (a savepoint inside it), so a release and its index
    entry are saved or rolled back together.
    """
    written = 0
    known_words: set[tuple[str, str]] = set()
    with transaction.atomic():
        for batch in _batches(docs, BATCH_SIZE):
            written += _write_batch(batch, known_words=known_words)
    return written


def remove_documents(scope: str, object_ids: Iterable[int]) -> int:
    """Remove documents from the index; returns how many entries were removed.

    Their words stay in the near-miss vocabulary until the next rebuild: a word may be
    shared with other documents, and a stale word only costs a failed suggestion.
    """
    ids = sorted({int(object_id) for object_id in object_ids})
    removed = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            removed += SearchEntry.objects.filter(scope=scope, object_id__in=chunk).delete()[0]
    return removed


def rebuild(
    scope: str, docs: Iterable[Document], *, total: int | None = None, progress: bool = True
) -> int:
    """Replace everything indexed in `scope` with `docs`; returns how many were indexed.

    Pass the documents oldest first: entries are numbered in the order given, and broad
    queries rank the most recently numbered matches (see RANK_WINDOW in backends.py).
    One transaction: searches see the old index until the new one is complete, and a
    failure leaves the old one in place. On SQLite that holds the write lock meanwhile.
    """
    written = 0
    known_words: set[tuple[str, str]] = set()
    with transaction.atomic():
        SearchEntry.objects.filter(scope=scope).delete()
        SearchTerm.objects.filter(scope=scope).delete()
        with tqdm(
            total=total, disable=not progress, unit=" docs", desc=f"search index «{scope}»"
        ) as bar:
            for batch in _batches(docs, BATCH_SIZE):
                strays = {doc.scope for doc in batch} - {scope}
                if strays:
                    raise ValueError(f"rebuild({scope!r}) got documents of scope {strays}")
                written += _write_batch(batch, known_words=known_words)
                bar.update(len(batch))
        backend_for().after_rebuild()
    return written

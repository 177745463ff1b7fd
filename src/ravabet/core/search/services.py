"""Writes to the search index: index or replace documents, remove them, rebuild a scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ravabet.core.search import cache
from ravabet.core.search.backends import backend_for
from ravabet.core.search.documents import Document, KeyedDocument
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


def key_document(doc: Document, *, drop_known_words: bool = False) -> KeyedDocument:
    """The document's search keys and vocabulary words: the slow part of indexing, to run
    before a transaction opens. `drop_known_words` reads the index to leave out the words it
    has already, so the write inserts only new ones (a word added meanwhile is ignored by
    the insert; one dropped meanwhile by a rebuild only misses a near-miss suggestion)."""
    keys = (search_key(doc.title), search_key(doc.extra), search_key(doc.body))
    words = {word for key in keys for word in key.split() if is_vocabulary_word(word)}
    if drop_known_words and words:
        ordered = sorted(words)
        for start in range(0, len(ordered), BATCH_SIZE):
            chunk = ordered[start : start + BATCH_SIZE]
            words.difference_update(
                SearchTerm.objects.filter(scope=doc.scope, word__in=chunk).values_list(
                    "word", flat=True
                )
            )
    return KeyedDocument(
        document=doc,
        title_key=keys[0],
        extra_key=keys[1],
        body_key=keys[2],
        key_version=SEARCH_KEY_VERSION,
        words=frozenset(words),
    )


def _document(item: Document | KeyedDocument) -> Document:
    return item.document if isinstance(item, KeyedDocument) else item


def _entry(keyed: KeyedDocument, now: datetime) -> SearchEntry:
    doc = keyed.document
    return SearchEntry(
        scope=doc.scope,
        object_id=doc.object_id,
        agency_id=doc.agency_id,
        county_id=doc.county_id,
        kind=doc.kind,
        published_at=doc.published_at,
        title_key=keyed.title_key,
        extra_key=keyed.extra_key,
        body_key=keyed.body_key,
        key_version=keyed.key_version,
        indexed_at=now,
    )


def _batches(
    docs: Iterable[Document | KeyedDocument], size: int
) -> Iterator[list[Document | KeyedDocument]]:
    batch: list[Document | KeyedDocument] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_batch(docs: list[Document | KeyedDocument], *, known_words: set[tuple[str, str]]) -> int:
    # One INSERT ... ON CONFLICT cannot touch a row twice: the last version of a document
    # in the batch wins, as it would with one call per document.
    latest = {(_document(doc).scope, _document(doc).object_id): doc for doc in docs}
    now = timezone.now()
    keyed = [d if isinstance(d, KeyedDocument) else key_document(d) for d in latest.values()]
    entries = [_entry(k, now) for k in keyed]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["scope", "object_id"],
        update_fields=_UPDATE_FIELDS,
    )
    words = {(k.document.scope, word) for k in keyed for word in k.words}
    words -= known_words
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(scope=scope, word=word) for scope, word in sorted(words)],
            ignore_conflicts=True,
            batch_size=2000,
        )
        known_words |= words
    return len(entries)


def index_documents(docs: Iterable[Document | KeyedDocument]) -> int:
    """Add or replace documents in the index; returns how many were written.

    Runs in the caller's transaction (a savepoint inside it), so a release and its index
    entry are saved or rolled back together. Pass KeyedDocuments (key_document) keyed before
    that transaction opened to keep the keying out of it. Cached results of the scopes
    written are dropped when the transaction commits.
    """
    written = 0
    known_words: set[tuple[str, str]] = set()
    scopes: set[str] = set()
    with transaction.atomic():
        for batch in _batches(docs, BATCH_SIZE):
            scopes.update(_document(doc).scope for doc in batch)
            written += _write_batch(batch, known_words=known_words)
        cache.changed(scopes)
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
        if removed:
            cache.changed([scope])
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
                strays = {_document(doc).scope for doc in batch} - {scope}
                if strays:
                    raise ValueError(f"rebuild({scope!r}) got documents of scope {strays}")
                written += _write_batch(batch, known_words=known_words)
                bar.update(len(batch))
        backend_for().after_rebuild()
        cache.changed([scope])
    return written

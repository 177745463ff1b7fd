"""Near-duplicate articles collapse into stories: MinHash over word shingles of the folded text
(datasketch), locality-sensitive hashing by bands stored in `ArticleBand`.

    sig = signature(text)          # bytes, kept on the article (Article.signature)
    values = bands(sig)            # one signed 64-bit value per band, stored as ArticleBand rows
    assign(article_ids)            # after the commit: each joins its nearest near-copy's story

`signature` and `bands` are CPU only (no database): the pipeline calls them while preparing a
batch, outside any transaction. `text` is the article's title, lead and body, normalized or not:
words() folds it as search_key() does (Arabic letter forms, hamza seats, digits, half-spaces,
glued affixes) without running normalize() again. A search key (`Article.search_text`) is only
split, which is the fastest (bench/stories.py: the same signatures in half the time).

Parameters (docs/monitoring-stories.md has the measurement behind them): 128 permutations
(seed 1404, datasketch's default affine32 scheme), 3-word shingles, 32 bands of 4 rows, and an
estimated Jaccard similarity of at least `THRESHOLD` for two articles to be one story.
"""

from __future__ import annotations

import functools
import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from datasketch import MinHash
from django.db import connection, transaction
from django.db.models import Count, Max, Min

from ravabet.persian import key_words, looks_like_search_key

NUM_PERM = 128
SEED = 1404
SHINGLE = 3
BANDS = 32
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.4
# Articles assigned per transaction.
CHUNK = 500

_WORD_MASK = np.uint64(0xFFFFFFFF)
# Odd 64-bit multipliers combining the word hashes of a shingle (position matters).
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(1))


@functools.cache
def _permutations() -> tuple[np.ndarray[Any, np.dtype[np.uint32]], ...]:
    """datasketch's permutations for NUM_PERM and SEED (affine32: h → a·h + b mod 2³²)."""
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    return a, b


_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def _minhash(hashes: np.ndarray[Any, np.dtype[np.uint32]]) -> np.ndarray[Any, np.dtype[np.uint32]]:
    """What datasketch's `MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    .update_batch(hashes)` computes (the MurmurHash3 finalizer, then each permutation, then
    the minimum), without its per-value Python loop; a test holds the two equal."""
    s1, m1, s2, m2 = _FMIX32
    h = hashes ^ (hashes >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    h = h ^ (h >> s1)
    a, b = _permutations()
    return (h[:, None] * a + b).min(axis=0)


# Word → 64-bit hash (blake2b: the same in every process, unlike hash()); a cache, emptied
# when it grows past _WORDS_CACHED words (a long-running worker meets ever new words).
_word_hashes: dict[str, int] = {}
_WORDS_CACHED = 1 << 19


def _hash_words(tokens: Sequence[str]) -> list[int | None]:
    hashes = list(map(_word_hashes.get, tokens))
    if None in hashes:
        if len(_word_hashes) > _WORDS_CACHED:
            _word_hashes.clear()
        for i, (word, value) in enumerate(zip(tokens, hashes, strict=True)):
            if value is None:
                value = int.from_bytes(
                    hashlib.blake2b(word.encode(), digest_size=8).digest(), "little"
                )
                _word_hashes[word] = hashes[i] = value
    return hashes


def words(text: str) -> list[str]:
    """The words of `text` as search_key() writes them (a search key is only split)."""
    if looks_like_search_key(text):
        return text.split()
    return key_words(text, normalized=True)


def _shingle_hashes(tokens: Sequence[str]) -> np.ndarray[Any, np.dtype[np.uint32]]:
    hashes = np.array(_hash_words(tokens), dtype=np.uint64)
    if len(tokens) >= SHINGLE:
        n = len(tokens) - SHINGLE + 1
        mixed = hashes[:n] * _MIX[0]
        for i in range(1, SHINGLE):
            mixed = (mixed ^ (mixed >> np.uint64(31))) + hashes[i : i + n] * _MIX[i]
    else:  # a text shorter than one shingle is one shingle
        mixed = np.array(
            [sum(int(h) * (i + 1) for i, h in enumerate(hashes)) % (1 << 64)], dtype=np.uint64
        )
    return ((mixed ^ (mixed >> np.uint64(32))) & _WORD_MASK).astype(np.uint32)


def signature(text: str) -> bytes:
    """The MinHash of the text's 3-word shingles: NUM_PERM little-endian uint32 (512 bytes);
    b"" for a text without words. Stable across processes and machines."""
    tokens = words(text)
    if not tokens:
        return b""
    return _minhash(_shingle_hashes(tokens)).astype("<u4").tobytes()


def _values(sig: bytes | memoryview) -> np.ndarray[Any, np.dtype[np.uint32]]:
    return np.frombuffer(bytes(sig), dtype="<u4")


def similarity(a: bytes | memoryview, b: bytes | memoryview) -> float:
    """Estimated Jaccard similarity of the shingle sets of two signatures (0 when either is
    empty)."""
    va, vb = _values(a), _values(b)
    if not len(va) or len(va) != len(vb):
        return 0.0
    return float(np.count_nonzero(va == vb)) / len(va)


def bands(sig: bytes | memoryview) -> list[int]:
    """BANDS signed 64-bit values, one per band of ROWS hash values (blake2b of the band's
    bytes); [] for an empty signature."""
    raw = bytes(sig)
    if not raw:
        return []
    width = ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i in range(BANDS)
    ]


# ---------------------------------------------------------------------------------------------
# Assigning stories


def _batches(items: Sequence[int], size: int | None = None) -> Iterable[Sequence[int]]:
    size = size or max(1, min(900, (connection.features.max_query_params or 900) - 10))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _candidate_pairs(ids: Sequence[int]) -> dict[int, set[int]]:
    """For each article of `ids`, the other articles sharing one of its bands (one query)."""
    from ravabet.monitoring.models import ArticleBand

    table = connection.ops.quote_name(ArticleBand._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    # Only the table name (from the model) and placeholders are formatted in; ids are parameters.
    sql = (
        f"SELECT DISTINCT a.article_id, b.article_id FROM {table} a"  # noqa: S608
        f" JOIN {table} b ON b.band = a.band AND b.value = a.value"
        f" WHERE a.article_id IN ({marks}) AND b.article_id <> a.article_id"
    )
    pairs: dict[int, set[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(ids))
        for article_id, other_id in cursor.fetchall():
            pairs.setdefault(article_id, set()).add(other_id)
    return pairs


def assign(article_ids: Iterable[int], *, threshold: float = THRESHOLD) -> int:
    """Give each article without a story one: the story of its most similar near-copy (among
    the articles sharing a band with it, estimated Jaccard ≥ threshold, already in a story),
    else a new story titled after it. Articles already in a story are left alone, so running
    it twice, or two workers on overlapping ids, changes nothing more. One short transaction
    per CHUNK articles; returns how many stories were created."""
    ids = sorted(set(article_ids))
    created = 0
    for start in range(0, len(ids), CHUNK):
        created += _assign_chunk(ids[start : start + CHUNK], threshold)
    return created


def _assign_chunk(ids: Sequence[int], threshold: float) -> int:
    from ravabet.monitoring.models import Article

    # Reads and arithmetic outside the transaction.
    rows = list(
        Article.objects.filter(id__in=ids, story__isnull=True)
        .order_by("id")
        .values_list("id", "signature", "title", "published_at")
    )
    if not rows:
        return 0
    pending = [r[0] for r in rows]
    signatures = {r[0]: bytes(r[1]) for r in rows}
    pairs = _candidate_pairs(pending)
    others = sorted({c for cands in pairs.values() for c in cands} - signatures.keys())
    for batch in _batches(others):
        for other_id, sig in Article.objects.filter(id__in=batch).values_list("id", "signature"):
            signatures[other_id] = bytes(sig)
    ranked: dict[int, list[int]] = {}
    for article_id in pending:
        own = signatures[article_id]
        scored = [(similarity(own, signatures[c]), c) for c in pairs.get(article_id, ()) if own]
        ranked[article_id] = [
            c for s, c in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= threshold
        ]

    with transaction.atomic():
        return _assign_locked(rows, ranked)


def _assign_locked(rows: list[tuple[Any, ...]], ranked: dict[int, list[int]]) -> int:
    from ravabet.monitoring.models import Article, Story

    # Lock the chunk's articles and their near-copies (in id order: no deadlock between two
    # workers) and read their stories as they are now.
    locked = sorted({r[0] for r in rows} | {c for cands in ranked.values() for c in cands})
    story_of: dict[int, int | None] = {}
    for batch in _batches(locked):
        story_of.update(
            Article.objects.select_for_update()
            .filter(id__in=batch)
            .order_by("id")
            .values_list("id", "story_id")
        )
    # Each article joins the story of its most similar near-copy that has one: first those of
    # existing stories, then, through the near-copies just joined, the rest of the chunk; an
    # article with none starts a story, which its near-copies in the chunk then join (so the
    # order of the ids within a chunk does not split a story).
    info = {r[0]: r for r in rows if story_of.get(r[0]) is None}  # not assigned meanwhile
    new_stories: list[Story] = []
    joined: dict[int, Story | int] = {}  # article id → a new Story, or an existing story's id
    queue: deque[int] = deque(info)

    def settle(article_id: int, target: Story | int) -> None:
        joined[article_id] = target
        queue.extend(c for c in ranked[article_id] if c in info and c not in joined)

    def drain() -> None:
        while queue:
            article_id = queue.popleft()
            if article_id in joined:
                continue
            for candidate in ranked[article_id]:
                target = joined.get(candidate) or story_of.get(candidate)
                if target is not None:
                    settle(article_id, target)
                    break

    drain()
    for article_id, (_id, _sig, title, published_at) in info.items():
        if article_id not in joined:
            story = Story(title=title[:500], first_seen_at=published_at, last_seen_at=published_at)
            new_stories.append(story)
            settle(article_id, story)
            drain()
    if not joined:
        return 0
    Story.objects.bulk_create(new_stories)
    updates = [(t if isinstance(t, int) else t.pk, article_id) for article_id, t in joined.items()]
    _update_rows(Article, ["story"], updates)
    touched = sorted({story_id for story_id, _ in updates if story_id is not None})
    created = {n.pk for n in new_stories}
    _recount(touched, existing=[s for s in touched if s not in created])
    return len(new_stories)


def _update_rows(model: Any, fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """`UPDATE … SET <fields> WHERE id = …` for rows of (values…, id), by executemany: Django's
    bulk_update builds a CASE expression a row, which took a third of the benchmark's time."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    prepared = [
        (
            *(
                column.get_db_prep_save(value, connection)
                for column, value in zip(columns, row[:-1], strict=True)
            ),
            row[-1],
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), 5000):
            cursor.executemany(sql, prepared[start : start + 5000])


def _recount(story_ids: Sequence[int], *, existing: Sequence[int]) -> None:
    """Counts, outlets and first/last appearance of the stories, from their articles (exact,
    whatever other workers added: the story rows are locked first)."""
    from ravabet.monitoring.models import Article, Story

    for batch in _batches(list(existing)):
        list(Story.objects.select_for_update().filter(id__in=batch).values_list("id"))
    stories: list[tuple[Any, ...]] = []
    for batch in _batches(list(story_ids)):
        for row in (
            Article.objects.filter(story_id__in=batch)
            .order_by()
            .values("story_id")
            .annotate(
                n=Count("id"),
                outlets=Count("outlet", distinct=True),
                first=Min("published_at"),
                last=Max("published_at"),
            )
        ):
            stories.append((row["n"], row["outlets"], row["first"], row["last"], row["story_id"]))
    _update_rows(Story, ["article_count", "outlet_count", "first_seen_at", "last_seen_at"], stories)

"""Near-duplicate articles collapse into stories: MinHash over shingles of the normalized text
(datasketch), locality-sensitive hashing by bands stored in `ArticleBand` (being written).

    sig = signature(text)          # bytes, kept on the article
    values = bands(sig)            # one signed 64-bit value per band, stored as ArticleBand rows
    assign(article_ids)            # after the commit: each joins its nearest near-copy's story
"""

from __future__ import annotations


def signature(text: str) -> bytes:
    raise NotImplementedError


def bands(sig: bytes) -> list[int]:
    raise NotImplementedError


def assign(article_ids: list[int]) -> int:
    """Give each article a story; returns how many stories were created."""
    raise NotImplementedError

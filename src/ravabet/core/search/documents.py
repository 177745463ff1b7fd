"""The values crossing the search interface: what is indexed, how it is filtered, what returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

# The longest scope name the index stores (SearchEntry.scope).
MAX_SCOPE_LENGTH = 32


@dataclass(frozen=True)
class Document:
    """One thing to index. Texts are normalized plain text (no HTML); the index keys them."""

    scope: str
    object_id: int
    title: str
    body: str
    extra: str = ""
    published_at: datetime | None = None
    agency_id: int | None = None
    county_id: int | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        # Mistakes of the calling code, not of a user: refuse them loudly at the boundary.
        if not self.scope or len(self.scope) > MAX_SCOPE_LENGTH:
            raise ValueError(f"scope must be 1..{MAX_SCOPE_LENGTH} characters: {self.scope!r}")
        if self.published_at is not None and self.published_at.utcoffset() is None:
            raise ValueError("published_at must be an aware datetime")


@dataclass(frozen=True)
class KeyedDocument:
    """A document with its search keys computed (services.key_document).

    Keying a long body is the slow part of indexing: a caller keys the document before its
    transaction opens and passes this to index_documents, so the write lock is held only
    for the write itself.
    """

    document: Document
    title_key: str
    extra_key: str
    body_key: str
    key_version: int
    # The keys' words worth keeping for near-miss suggestions (and not yet in the index,
    # when keyed with drop_known_words).
    words: frozenset[str] = frozenset()

    def published(self, at: datetime | None) -> KeyedDocument:
        """The same keys for the document as published at another moment."""
        return replace(self, document=replace(self.document, published_at=at))


@dataclass(frozen=True)
class Filters:
    """Narrow a search. Empty sequences filter nothing; since is inclusive, until exclusive."""

    agency_ids: Sequence[int] = ()
    kinds: Sequence[str] = ()
    county_ids: Sequence[int] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Hit:
    object_id: int
    # Higher is better; only comparable within one result list (each database ranks its way).
    rank: float


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    # How many entries match, counted up to backends.MAX_TOTAL; when more match, it is
    # MAX_TOTAL, total_is_lower_bound is True and the pages cover those MAX_TOTAL.
    total: int
    page: int
    per_page: int
    num_pages: int
    message: str
    near_miss: bool = False
    # The search-key tokens actually searched (after truncation), for highlighting and logs.
    tokens: tuple[str, ...] = field(default=())
    # More than `total` entries match (see backends.MAX_TOTAL): say «more than ...».
    total_is_lower_bound: bool = False

    @property
    def object_ids(self) -> list[int]:
        return [hit.object_id for hit in self.hits]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

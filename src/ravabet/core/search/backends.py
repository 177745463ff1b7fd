"""The database side of search: one backend per database vendor, behind one small interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from ravabet.core.search.documents import Filters, Hit
from ravabet.core.search.models import SearchEntry
from ravabet.core.search.query import Group

# Near-miss words must be at least this similar (pg_trgm's similarity(), 0..1) to a
# query word. pg_trgm's own default of 0.3 lets too many short Persian words through.
NEAR_MISS_SIMILARITY = 0.4
NEAR_MISS_WORDS = 3
# Ranking looks at this many of the most recently indexed matches; further matches follow
# them newest first. A query matching more is too broad for relevance to mean much, and
# ranking every match would make it cost as much as the matches are many.
RANK_WINDOW = 500
# A search counts at most this many matches (and pages through them); past it, the total is
# «more than MAX_TOTAL». Counting every match would make a broad query cost as much as its
# matches are many, for a number nobody needs exactly and pages nobody reads.
MAX_TOTAL = 1000


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


class SearchBackend(ABC):
    """Full-text queries over SearchEntry for one database vendor.

    Writes go through the ORM (services.py); the full-text side follows by triggers
    (SQLite) or a generated column (PostgreSQL), so backends only read. The scope, agency,
    county and kind filters are facet tokens inside the full-text index; only the date
    range is checked on the SearchEntry rows.
    """

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    @contextmanager
    def session(self) -> Iterator[None]:
        """Around the queries of one search (a backend may set planner options there)."""
        yield

    @abstractmethod
    def newest(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int
    ) -> list[int]:
        """Entry ids of the `limit` most recently indexed entries of `scope` matching every
        group and the filters, newest first. Fewer than `limit` means these are all the
        matches. The cost must not grow with the matches past `limit` (beyond reading the
        words' lists in the full-text index, which no query can avoid)."""

    @abstractmethod
    def ranked(
        self,
        scope: str,
        groups: Sequence[Group],
        filters: Filters,
        ids: Sequence[int],
        *,
        limit: int,
        offset: int,
    ) -> list[Hit]:
        """A page of the matching entries `ids` (from newest()), best first, ties newest first."""

    def recent(self, ids: Sequence[int]) -> list[Hit]:
        """The entries `ids` in the order given (rank 0): matches past the ranking window."""
        object_ids = dict(SearchEntry.objects.filter(pk__in=ids).values_list("pk", "object_id"))
        return [Hit(object_id=object_ids[pk], rank=0.0) for pk in ids if pk in object_ids]

    @abstractmethod
    def similar_words(self, scope: str, word: str, *, limit: int) -> list[str]:
        """Indexed words most similar to `word` by trigrams, most similar first."""

    @abstractmethod
    def after_rebuild(self) -> None:
        """Tidy the index after a bulk load (merge segments, refresh planner statistics)."""

    def date_sql(self, filters: Filters, alias: str) -> tuple[str, list[Any]]:
        """` AND ...` conditions on SearchEntry (as `alias`) for the date range, and params."""
        sql = ""
        params: list[Any] = []
        if filters.since is not None:
            sql += f" AND {alias}.published_at >= %s"
            params.append(self._datetime(filters.since))
        if filters.until is not None:
            sql += f" AND {alias}.published_at < %s"
            params.append(self._datetime(filters.until))
        return sql, params

    def _datetime(self, value: datetime) -> Any:
        # Filters come from forms; a naive value is read in the site's time zone rather
        # than refused, and then put in the database's own datetime format.
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return self.connection.ops.adapt_datetimefield_value(value)

    def fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())


def has_dates(filters: Filters) -> bool:
    return filters.since is not None or filters.until is not None


def backend_for(connection: BaseDatabaseWrapper | None = None) -> SearchBackend:
    """The backend for the database in use (`connection.vendor`)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        from ravabet.core.search.sqlite import SQLiteBackend

        return SQLiteBackend(connection)
    if connection.vendor == "postgresql":
        from ravabet.core.search.postgres import PostgresBackend

        return PostgresBackend(connection)
    raise ImproperlyConfigured(f"search has no backend for {connection.vendor!r} databases")

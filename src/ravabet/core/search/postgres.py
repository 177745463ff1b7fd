"""PostgreSQL backend: `simple` full-text search over the search keys, pg_trgm for near misses."""

# The SQL below is put together from this module's constants and %s placeholders only;
# every value, the tsquery texts included, travels as a query parameter (hence S608 noqa).

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from ravabet.core.search import backends
from ravabet.core.search.backends import NEAR_MISS_SIMILARITY, SearchBackend
from ravabet.core.search.documents import Filters, Hit
from ravabet.core.search.query import Group, Term

# ts_rank_cd weights for the labels {D, C, B, A}; the generated `document` column labels
# title A, extra B, body C. A body needs twenty mentions to count as much as the title.
RANK_WEIGHTS = "{0.0, 0.05, 0.3, 1.0}"
# The words go through the `simple` parser (as the indexed text did); the facet lexemes
# are taken verbatim (::tsquery), as array_to_tsvector stored them. The scope is checked on
# the row instead: every match's row is read anyway, and a scope's facet is in every entry
# of the scope, so asking the index for it would only lengthen the index scan.
MATCH = "e.document @@ (to_tsquery('simple', %s) && %s::tsquery) AND e.scope = %s"
MATCH_WORDS_ONLY = "e.document @@ to_tsquery('simple', %s) AND e.scope = %s"
# Ordering by `e.id + 0` rather than `e.id` keeps the planner from walking the primary key
# backwards and testing each row's tsvector until enough match (seconds for rare words).
NEWEST_FIRST = "e.id + 0 DESC"


def quote(lexeme: str) -> str:
    """A quoted tsquery lexeme: inside quotes, &, |, !, :, ( and ) are text, not operators."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_term(term: Term) -> str:
    return quote(term.text) + (":*" if term.prefix else "")


def _any_of(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else "(" + " | ".join(items) + ")"


def tsquery(groups: Sequence[Group]) -> str:
    """Text for to_tsquery('simple', %s), always passed as a parameter, never spliced into SQL."""
    return " & ".join(_any_of([tsquery_term(term) for term in group]) for group in groups)


def facet_tsquery(filters: Filters) -> str:
    """The facet lexemes as migration 0002 stores them: «agency=…», «county=…», «kind=…»."""
    parts = []
    for name, values in (
        ("agency", [str(int(v)) for v in filters.agency_ids]),
        ("county", [str(int(v)) for v in filters.county_ids]),
        ("kind", [str(v) for v in filters.kinds]),
    ):
        if values:
            parts.append(_any_of([quote(f"{name}={value}") for value in values]))
    return " & ".join(parts)


class PostgresBackend(SearchBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # count() also fetches the ids of the ranking window, which ranked() then uses:
        # one pass over the matches instead of two. Lives as long as this one search.
        self._window: tuple[tuple[Any, ...], list[int]] | None = None

    @contextmanager
    def session(self) -> Iterator[None]:
        # The planner does not know that testing a row's tsvector means fetching it from
        # TOAST; as the rows are short it would often scan the table and test every row
        # (hundreds of ms) instead of asking the GIN index (a few ms). Sequential scans are
        # switched off for this search's own transaction only; inside a caller's transaction
        # the caller's setting is put back afterwards.
        nested = self.connection.in_atomic_block
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'),"
                " set_config('enable_seqscan', 'off', true)"
            )
            previous = (cursor.fetchone() or ("on",))[0]
            try:
                yield
            finally:
                if nested:
                    cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def _where(
        self, scope: str, groups: Sequence[Group], filters: Filters
    ) -> tuple[str, list[Any]]:
        dates, date_params = self.date_sql(filters, "e")
        facets = facet_tsquery(filters)
        if not facets:
            return MATCH_WORDS_ONLY + dates, [tsquery(groups), scope, *date_params]
        return MATCH + dates, [tsquery(groups), facets, scope, *date_params]

    def count(self, scope: str, groups: Sequence[Group], filters: Filters) -> int:
        where, params = self._where(scope, groups, filters)
        # One aggregate over the matches gives both the total and the newest ids (sorting a
        # few thousand integers costs less than a second pass or a materialized CTE).
        sql = (
            "SELECT count(*), (array_agg(e.id ORDER BY e.id DESC))[1:%s]"  # noqa: S608
            f" FROM core_searchentry e WHERE {where}"
        )
        total, ids = self.fetch(sql, [backends.RANK_WINDOW, *params])[0]
        self._window = ((scope, tuple(groups), filters), list(ids or []))
        return int(total)

    def ranked(
        self,
        scope: str,
        groups: Sequence[Group],
        filters: Filters,
        *,
        window: int,
        limit: int,
        offset: int,
    ) -> list[Hit]:
        # Only the `window` most recently indexed matches are ranked: ts_rank_cd reads the
        # whole stored tsvector of each row it ranks, the one costly step here.
        cached = self._window
        if cached is not None and cached[0] == (scope, tuple(groups), filters):
            ids = cached[1][:window]
        else:
            where, params = self._where(scope, groups, filters)
            rows = self.fetch(
                f"SELECT e.id FROM core_searchentry e WHERE {where}"  # noqa: S608
                f" ORDER BY {NEWEST_FIRST} LIMIT %s",
                [*params, window],
            )
            ids = [row[0] for row in rows]
        sql = (
            "SELECT e.object_id, ts_rank_cd(%s::float4[], e.document, to_tsquery('simple', %s))"
            " AS score FROM core_searchentry e WHERE e.id = ANY(%s)"
            " ORDER BY score DESC, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [RANK_WEIGHTS, tsquery(groups), ids, limit, offset])
        return [Hit(object_id=int(row[0]), rank=float(row[1])) for row in rows]

    def recent(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int, offset: int
    ) -> list[Hit]:
        where, params = self._where(scope, groups, filters)
        sql = (
            f"SELECT e.object_id FROM core_searchentry e WHERE {where}"  # noqa: S608
            f" ORDER BY {NEWEST_FIRST} LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [*params, limit, offset])
        return [Hit(object_id=int(row[0]), rank=0.0) for row in rows]

    def similar_words(self, scope: str, word: str, *, limit: int) -> list[str]:
        # `%` (similarity above pg_trgm.similarity_threshold, 0.3 by default) is what the
        # trigram GIN index answers; the stricter cut is applied on what it returns.
        rows = self.fetch(
            "SELECT word FROM core_searchterm"
            " WHERE scope = %s AND word %% %s AND word <> %s AND similarity(word, %s) >= %s"
            " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
            [scope, word, word, word, NEAR_MISS_SIMILARITY, word, limit],
        )
        return [row[0] for row in rows]

    def after_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            # A bulk load leaves the planner's statistics stale until autovacuum comes by.
            cursor.execute("ANALYZE core_searchentry")
            cursor.execute("ANALYZE core_searchterm")

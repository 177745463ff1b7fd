"""PostgreSQL backend: `simple` full-text search over the search keys, pg_trgm for near misses."""

# The SQL below is put together from this module's constants and %s placeholders only;
# every value, the tsquery texts included, travels as a query parameter (hence S608 noqa).

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

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
# The tsquery is a sub-select, so the planner plans without looking at it: it then always asks
# the GIN index, and intersects it with an id range when there is one (BitmapAnd). Looking
# at it costs 1-5 ms of planning (the words' statistics), and for a common word it would
# choose to test every row of the range or the scope instead, fetching each tsvector.
MATCH = "e.document @@ (SELECT to_tsquery('simple', %s) && %s::tsquery) AND e.scope = %s"
MATCH_WORDS_ONLY = "e.document @@ (SELECT to_tsquery('simple', %s)) AND e.scope = %s"
# Ordering by `e.id + 0` rather than `e.id` keeps the planner from walking the primary key
# backwards and testing each row's tsvector until enough match (seconds for rare words).
NEWEST_FIRST = "e.id + 0 DESC"
# A query the statistics expect to match at least BROAD times the matches wanted is looked
# for among the newest ids first (see newest()).
BROAD = 2
# How long a process keeps the lexeme statistics (they change only when ANALYZE runs).
STATS_SECONDS = 300.0
# connection alias -> (loaded at, rows in the table, common lexemes sorted, their frequencies)
_stats: dict[str, tuple[float, float, list[str], list[float]]] = {}


def _lexeme_stats(connection: BaseDatabaseWrapper) -> tuple[float, list[str], list[float]]:
    """The table's row count and its most common lexemes with the fraction of rows holding
    each (pg_stats, from the last ANALYZE), kept for STATS_SECONDS."""
    cached = _stats.get(connection.alias)
    if cached is None or time.monotonic() - cached[0] > STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs"
                " FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
                " AND s.tablename = c.relname AND s.attname = 'document'"
                " WHERE c.oid = 'core_searchentry'::regclass"
            )
            rows, elems, freqs = cursor.fetchone() or (0.0, None, None)
        pairs = sorted(zip(elems or [], freqs or [], strict=False))
        cached = (
            time.monotonic(),
            max(float(rows or 0), 0.0),
            [lexeme for lexeme, _ in pairs],
            [float(freq) for _, freq in pairs],
        )
        _stats[connection.alias] = cached
    return cached[1], cached[2], cached[3]


def forget_stats(connection: BaseDatabaseWrapper) -> None:
    _stats.pop(connection.alias, None)


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

    def newest(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int
    ) -> list[int]:
        where, params = self._where(scope, groups, filters)
        newest_first = f" ORDER BY {NEWEST_FIRST} LIMIT %s"
        table_rows, expected = self._expected_matches(scope, groups, filters)
        if expected >= BROAD * limit:
            # GIN returns its matches unordered, so the newest `limit` of all of them means
            # visiting every matching row. Ids are handed out in order, so the newest matches
            # lie among the newest ids: the rows visited are those matching among the newest
            # `span` ids, which the statistics say hold about BROAD x limit matches.
            span = math.ceil(BROAD * limit * table_rows / expected)
            top = self.fetch("SELECT max(id) FROM core_searchentry", [])[0][0] or 0
            rows = self.fetch(
                f"SELECT e.id FROM core_searchentry e WHERE {where} AND e.id > %s{newest_first}",  # noqa: S608
                [*params, top - span, limit],
            )
            if len(rows) >= limit:
                return [int(row[0]) for row in rows]
        rows = self.fetch(
            f"SELECT e.id FROM core_searchentry e WHERE {where}{newest_first}",  # noqa: S608
            [*params, limit],
        )
        return [int(row[0]) for row in rows]

    def _expected_matches(
        self, scope: str, groups: Sequence[Group], filters: Filters
    ) -> tuple[float, float]:
        """The table's rows, and how many of them the statistics expect to match (words
        taken as independent); 0 when a word is too rare to be among the common ones."""
        rows, lexemes, freqs = _lexeme_stats(self.connection)
        if not lexemes:
            return rows, 0.0

        def frequency(term: Term) -> float:
            at = bisect.bisect_left(lexemes, term.text)
            if not term.prefix:
                return freqs[at] if at < len(lexemes) and lexemes[at] == term.text else 0.0
            total = 0.0
            while at < len(lexemes) and lexemes[at].startswith(term.text):
                total += freqs[at]
                at += 1
            return total

        expected = rows
        facet_groups = [
            tuple(Term(f"{name}={value}") for value in values)
            for name, values in (
                ("scope", [scope]),
                ("agency", [int(v) for v in filters.agency_ids]),
                ("county", [int(v) for v in filters.county_ids]),
                ("kind", list(filters.kinds)),
            )
            if values
        ]
        for group in [*groups, *facet_groups]:
            expected *= min(1.0, sum(frequency(term) for term in group))
        return rows, expected

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
        # ts_rank_cd reads the whole stored tsvector of each row it ranks (out of TOAST):
        # the one costly step, done for the window's ids only.
        sql = (
            "SELECT e.object_id, ts_rank_cd(%s::float4[], e.document, to_tsquery('simple', %s))"
            " AS score FROM core_searchentry e WHERE e.id = ANY(%s)"
            " ORDER BY score DESC, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [RANK_WEIGHTS, tsquery(groups), list(ids), limit, offset])
        return [Hit(object_id=int(row[0]), rank=float(row[1])) for row in rows]

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
        forget_stats(self.connection)

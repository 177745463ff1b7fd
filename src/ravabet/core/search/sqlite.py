"""SQLite backend: FTS5 over the search keys, bm25 ranking, FTS5 trigrams for near misses."""

# The SQL below is put together from this module's constants and %s placeholders only;
# every value, the MATCH expression included, travels as a query parameter (hence S608 noqa).

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ravabet.core.search.backends import (
    NEAR_MISS_SIMILARITY,
    SearchBackend,
    has_dates,
    similarity,
)
from ravabet.core.search.documents import Filters, Hit
from ravabet.core.search.query import Group, Term

FTS = "core_searchentry_fts"
# bm25() weights per FTS column (title_key, extra_key, body_key, facets): a title word
# counts ten body words. bm25 saturates repeated words, so a body cannot out-shout a title.
BM25 = f"bm25({FTS}, 10.0, 4.0, 1.0, 0.0)"
# Every query reads the FTS matches first and looks entries up by id (CROSS JOIN fixes
# that order). Left to itself, without ANALYZE statistics (Django never runs ANALYZE), the
# planner may walk every entry of the scope instead and run the MATCH once per entry.
JOIN_ENTRY = f" CROSS JOIN core_searchentry e WHERE e.id = {FTS}.rowid AND"
# How many trigram candidates are scored in Python for a near miss.
TRIGRAM_CANDIDATES = 200


def quote(text: str) -> str:
    """An FTS5 string: whatever it holds, FTS5 reads it as words to match, never as syntax."""
    return '"' + text.replace('"', '""') + '"'


def fts_term(term: Term) -> str:
    return quote(term.text) + ("*" if term.prefix else "")


def _any_of(tokens: Sequence[str]) -> str:
    return tokens[0] if len(tokens) == 1 else "(" + " OR ".join(tokens) + ")"


def fts_query(scope: str, groups: Sequence[Group], filters: Filters) -> str:
    """The MATCH expression: the words in the text columns, the filters in the facets.

    The facet tokens are made as in migration 0002: «s» + hex of the scope, «a» + agency
    id, «c» + county id, «k» + hex of the kind (hex keeps any value a single token).
    """
    words = " AND ".join(_any_of([fts_term(term) for term in group]) for group in groups)
    facets = [quote("s" + scope.encode().hex())]
    for prefix, values in (
        ("a", [str(int(v)) for v in filters.agency_ids]),
        ("c", [str(int(v)) for v in filters.county_ids]),
        ("k", [str(v).encode().hex() for v in filters.kinds]),
    ):
        if values:
            facets.append(_any_of([quote(prefix + value) for value in values]))
    return f"{{title_key extra_key body_key}} : ({words}) AND facets : ({' AND '.join(facets)})"


class SQLiteBackend(SearchBackend):
    def _matches(
        self, columns: str, scope: str, groups: Sequence[Group], filters: Filters
    ) -> tuple[str, list[Any]]:
        """SELECT `columns` FROM the FTS matches, joined to the entry only for dates."""
        params: list[Any] = [fts_query(scope, groups, filters)]
        if not has_dates(filters):
            return f"SELECT {columns} FROM {FTS} WHERE {FTS} MATCH %s", params  # noqa: S608
        dates, date_params = self.date_sql(filters, "e")
        sql = f"SELECT {columns} FROM {FTS}{JOIN_ENTRY} {FTS} MATCH %s{dates}"  # noqa: S608
        return sql, params + date_params

    def count(self, scope: str, groups: Sequence[Group], filters: Filters) -> int:
        sql, params = self._matches("count(*)", scope, groups, filters)
        return int(self.fetch(sql, params)[0][0])

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
        # FTS5 walks its matches newest id first and stops after `window`, so bm25 is
        # computed for at most that many rows whatever the number of matches.
        inner, params = self._matches(f"{FTS}.rowid AS id, {BM25} AS score", scope, groups, filters)
        sql = (
            f"SELECT e.object_id, w.score FROM ({inner} ORDER BY {FTS}.rowid DESC LIMIT %s) w"  # noqa: S608
            " CROSS JOIN core_searchentry e WHERE e.id = w.id"
            " ORDER BY w.score, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [*params, window, limit, offset])
        # bm25() is lower-is-better; Hit.rank is higher-is-better.
        return [Hit(object_id=int(row[0]), rank=-float(row[1])) for row in rows]

    def recent(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int, offset: int
    ) -> list[Hit]:
        inner, params = self._matches(f"{FTS}.rowid AS id", scope, groups, filters)
        sql = (
            f"SELECT e.object_id FROM ({inner} ORDER BY {FTS}.rowid DESC LIMIT %s OFFSET %s) w"  # noqa: S608
            " CROSS JOIN core_searchentry e WHERE e.id = w.id ORDER BY e.id DESC"
        )
        rows = self.fetch(sql, [*params, limit, offset])
        return [Hit(object_id=int(row[0]), rank=0.0) for row in rows]

    def similar_words(self, scope: str, word: str, *, limit: int) -> list[str]:
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        if not grams:
            return []
        # The trigram table finds words sharing the most (and rarest) trigrams; the exact
        # pg_trgm similarity is then computed here, so both databases agree on the cut.
        rows = self.fetch(
            "SELECT t.word FROM core_searchterm_trigram"
            " CROSS JOIN core_searchterm t WHERE t.id = core_searchterm_trigram.rowid"
            " AND core_searchterm_trigram MATCH %s AND t.scope = %s"
            " ORDER BY bm25(core_searchterm_trigram) LIMIT %s",
            [" OR ".join(quote(gram) for gram in grams), scope, TRIGRAM_CANDIDATES],
        )
        scored = [(similarity(word, row[0]), row[0]) for row in rows if row[0] != word]
        scored = [pair for pair in scored if pair[0] >= NEAR_MISS_SIMILARITY]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [candidate for _score, candidate in scored[:limit]]

    def after_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            # Merge the b-trees written batch by batch into one: fewer lookups per query.
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")  # noqa: S608
            cursor.execute(
                "INSERT INTO core_searchterm_trigram(core_searchterm_trigram) VALUES ('optimize')"
            )

"""SQLite backend: FTS5 over the search keys, bm25 ranking, FTS5 trigrams for near misses."""

from __future__ import annotations

from collections.abc import Sequence

from ravabet.core.search.backends import NEAR_MISS_SIMILARITY, SearchBackend, similarity
from ravabet.core.search.documents import Filters, Hit
from ravabet.core.search.query import Group, Term

# bm25() weights per FTS column (title_key, extra_key, body_key): a title word counts ten
# body words. bm25 saturates repeated words, so a body cannot out-shout a title.
BM25 = "bm25(core_searchentry_fts, 10.0, 4.0, 1.0)"
# How many trigram candidates are scored in Python for a near miss.
TRIGRAM_CANDIDATES = 200


def fts_term(term: Term) -> str:
    """An FTS5 string literal: whatever the token holds, FTS5 reads it as words, not syntax."""
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def fts_query(groups: Sequence[Group]) -> str:
    parts = []
    for group in groups:
        terms = [fts_term(term) for term in group]
        parts.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    return " AND ".join(parts)


class SQLiteBackend(SearchBackend):
    def count(self, scope: str, groups: Sequence[Group], filters: Filters) -> int:
        where, params = self.filter_sql(scope, filters)
        sql = (
            # Only placeholders and fixed column names are formatted in (filter_sql).
            "SELECT count(*) FROM core_searchentry_fts"  # noqa: S608
            " JOIN core_searchentry e ON e.id = core_searchentry_fts.rowid"
            f" WHERE core_searchentry_fts MATCH %s AND {where}"
        )
        return int(self.fetch(sql, [fts_query(groups), *params])[0][0])

    def hits(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int, offset: int
    ) -> list[Hit]:
        where, params = self.filter_sql(scope, filters)
        sql = (
            f"SELECT e.object_id, {BM25} AS score FROM core_searchentry_fts"  # noqa: S608
            " JOIN core_searchentry e ON e.id = core_searchentry_fts.rowid"
            f" WHERE core_searchentry_fts MATCH %s AND {where}"
            " ORDER BY score, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [fts_query(groups), *params, limit, offset])
        # bm25() is lower-is-better; Hit.rank is higher-is-better.
        return [Hit(object_id=int(row[0]), rank=-float(row[1])) for row in rows]

    def similar_words(self, scope: str, word: str, *, limit: int) -> list[str]:
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        if not grams:
            return []
        # The trigram table finds words sharing the most (and rarest) trigrams; the exact
        # pg_trgm similarity is then computed here, so both databases agree on the cut.
        match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        rows = self.fetch(
            "SELECT t.word FROM core_searchterm_trigram"
            " JOIN core_searchterm t ON t.id = core_searchterm_trigram.rowid"
            " WHERE core_searchterm_trigram MATCH %s AND t.scope = %s"
            " ORDER BY bm25(core_searchterm_trigram) LIMIT %s",
            [match, scope, TRIGRAM_CANDIDATES],
        )
        scored = [(similarity(word, row[0]), row[0]) for row in rows if row[0] != word]
        scored = [pair for pair in scored if pair[0] >= NEAR_MISS_SIMILARITY]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [candidate for _score, candidate in scored[:limit]]

    def after_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            # Merge the b-trees written batch by batch into one: fewer lookups per query.
            cursor.execute(
                "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')"
            )
            cursor.execute(
                "INSERT INTO core_searchterm_trigram(core_searchterm_trigram) VALUES ('optimize')"
            )

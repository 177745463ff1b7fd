"""PostgreSQL backend: `simple` full-text search over the search keys, pg_trgm for near misses."""

from __future__ import annotations

from collections.abc import Sequence

from ravabet.core.search.backends import NEAR_MISS_SIMILARITY, SearchBackend
from ravabet.core.search.documents import Filters, Hit
from ravabet.core.search.query import Group, Term

# ts_rank_cd weights for the labels {D, C, B, A}; the generated `document` column labels
# title A, extra B, body C. A body needs twenty mentions to count as much as the title.
RANK_WEIGHTS = "{0.0, 0.05, 0.3, 1.0}"


def tsquery_term(term: Term) -> str:
    """A quoted tsquery lexeme: inside quotes, &, |, !, :, ( and ) are text, not operators."""
    quoted = "'" + term.text.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if term.prefix else quoted


def tsquery(groups: Sequence[Group]) -> str:
    """Text for to_tsquery('simple', %s), always passed as a parameter, never spliced into SQL."""
    parts = []
    for group in groups:
        terms = [tsquery_term(term) for term in group]
        parts.append(terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")")
    return " & ".join(parts)


class PostgresBackend(SearchBackend):
    def count(self, scope: str, groups: Sequence[Group], filters: Filters) -> int:
        where, params = self.filter_sql(scope, filters)
        sql = (
            # Only placeholders and fixed column names are formatted in (filter_sql).
            "SELECT count(*) FROM core_searchentry e"  # noqa: S608
            f" WHERE e.document @@ to_tsquery('simple', %s) AND {where}"
        )
        return int(self.fetch(sql, [tsquery(groups), *params])[0][0])

    def hits(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int, offset: int
    ) -> list[Hit]:
        where, params = self.filter_sql(scope, filters)
        sql = (
            "SELECT e.object_id, ts_rank_cd(%s::float4[], e.document, q) AS score"  # noqa: S608
            " FROM core_searchentry e, to_tsquery('simple', %s) q"
            f" WHERE e.document @@ q AND {where}"
            " ORDER BY score DESC, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [RANK_WEIGHTS, tsquery(groups), *params, limit, offset])
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

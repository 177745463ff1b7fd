"""SQLite backend: FTS5 over the search keys, bm25 ranking, FTS5 trigrams for near misses."""

# The SQL below is put together from this module's constants and %s placeholders only;
# every value, the MATCH expression included, travels as a query parameter (hence S608 noqa).

from __future__ import annotations

import json
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
# The FTS5 table keeps an index of 3-letter prefixes (migration 0002). Any other prefix makes
# FTS5 merge the lists of every word starting with it before it returns a row, so a prefix
# with many matches costs as much as they are many; when the scope's vocabulary has at most
# MAX_PREFIX_WORDS words starting with it, they are asked for by name instead (an OR of
# words, which FTS5 walks lazily and stops at the LIMIT). Words of more than 64 letters are
# not in the vocabulary (services.MAX_TERM_LENGTH): a prefix of one alone no longer finds it.
PREFIX_INDEX_LENGTH = 3
MAX_PREFIX_WORDS = 64


def quote(text: str) -> str:
    """An FTS5 string: whatever it holds, FTS5 reads it as words to match, never as syntax."""
    return '"' + text.replace('"', '""') + '"'


def fts_term(term: Term) -> str:
    return quote(term.text) + ("*" if term.prefix else "")


def _any_of(tokens: Sequence[str]) -> str:
    return tokens[0] if len(tokens) == 1 else "(" + " OR ".join(tokens) + ")"


def fts_query(
    scope: str, groups: Sequence[Group], filters: Filters, *, with_scope: bool = True
) -> str:
    """The MATCH expression: the words in the text columns, the filters in the facets.

    The facet tokens are made as in migration 0002: «s» + hex of the scope, «a» + agency
    id, «c» + county id, «k» + hex of the kind (hex keeps any value a single token).
    """
    words = " AND ".join(_any_of([fts_term(term) for term in group]) for group in groups)
    facets = [quote("s" + scope.encode().hex())] if with_scope else []
    for prefix, values in (
        ("a", [str(int(v)) for v in filters.agency_ids]),
        ("c", [str(int(v)) for v in filters.county_ids]),
        ("k", [str(v).encode().hex() for v in filters.kinds]),
    ):
        if values:
            facets.append(_any_of([quote(prefix + value) for value in values]))
    text = f"{{title_key extra_key body_key}} : ({words})"
    return f"{text} AND facets : ({' AND '.join(facets)})" if facets else text


class SQLiteBackend(SearchBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Prefixes already looked up in the vocabulary; lives as long as this one search.
        self._prefix_words: dict[tuple[str, str], tuple[str, ...] | None] = {}

    def _words_starting(self, scope: str, prefix: str) -> tuple[str, ...] | None:
        """The scope's indexed words starting with `prefix`, or None when there are too many
        to ask for by name (or the vocabulary cannot tell: it keeps no all-digit words)."""
        key = (scope, prefix)
        if key not in self._prefix_words:
            words: tuple[str, ...] | None = None
            if len(prefix) != PREFIX_INDEX_LENGTH and not prefix.isdigit():
                rows = self.fetch(
                    "SELECT word FROM core_searchterm WHERE scope = %s AND word >= %s"
                    " AND word < %s ORDER BY word LIMIT %s",
                    [scope, prefix, prefix + "\U0010ffff", MAX_PREFIX_WORDS + 1],
                )
                if len(rows) <= MAX_PREFIX_WORDS:
                    words = tuple(row[0] for row in rows)
            self._prefix_words[key] = words
        return self._prefix_words[key]

    def _expand(self, scope: str, groups: Sequence[Group]) -> list[Group]:
        """The groups with each prefix term replaced by the indexed words it stands for, when
        they are few (see MAX_PREFIX_WORDS); the word itself stays, as it may be shorter
        than the vocabulary's three letters."""
        expanded: list[Group] = []
        for group in groups:
            terms: list[Term] = []
            for term in group:
                words = self._words_starting(scope, term.text) if term.prefix else None
                if words is None:
                    terms.append(term)
                else:
                    terms += [Term(word) for word in dict.fromkeys((term.text, *words))]
            expanded.append(tuple(terms))
        return expanded

    def newest(
        self, scope: str, groups: Sequence[Group], filters: Filters, *, limit: int
    ) -> list[int]:
        # FTS5 hands its matches over one by one, newest id first, and stops at the LIMIT: a
        # word in every document costs no more than one in a thousand.
        params: list[Any] = [fts_query(scope, self._expand(scope, groups), filters)]
        if has_dates(filters):
            dates, date_params = self.date_sql(filters, "e")
            sql = f"SELECT {FTS}.rowid FROM {FTS}{JOIN_ENTRY} {FTS} MATCH %s{dates}"  # noqa: S608
            params += date_params
        else:
            sql = f"SELECT {FTS}.rowid FROM {FTS} WHERE {FTS} MATCH %s"  # noqa: S608
        rows = self.fetch(f"{sql} ORDER BY {FTS}.rowid DESC LIMIT %s", [*params, limit])
        return [int(row[0]) for row in rows]

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
        if not ids:
            return []
        # bm25() reads the whole list of every phrase of the MATCH once per statement (for
        # its IDF), so the scope's facet, in every entry, is left out: the ids say which
        # entries to rank, and the id range lets FTS5 skip straight to them.
        match = fts_query(scope, self._expand(scope, groups), filters, with_scope=False)
        sql = (
            f"SELECT e.object_id, w.score FROM (SELECT {FTS}.rowid AS id, {BM25} AS score"  # noqa: S608
            f" FROM {FTS} WHERE {FTS} MATCH %s AND {FTS}.rowid >= %s AND {FTS}.rowid <= %s) w"
            " CROSS JOIN core_searchentry e WHERE e.id = w.id"
            " AND e.id IN (SELECT value FROM json_each(%s))"
            " ORDER BY w.score, e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.fetch(sql, [match, min(ids), max(ids), json.dumps(list(ids)), limit, offset])
        # bm25() is lower-is-better; Hit.rank is higher-is-better.
        return [Hit(object_id=int(row[0]), rank=-float(row[1])) for row in rows]

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

"""Popular searches of the last minutes answered from a cache, never stale.

A search's `Results` (hit ids and ranks, the bounded total, pages, message) are kept under a key
made of the scope's *index version*, the query's search-key tokens (so «روابط عمومی ها» and
«روابط‌عمومی‌ها» are one entry), the filters, the page, the page size and the language. Every
write to a scope's index (index_documents, remove_documents, rebuild) gives the scope a new
random version once its transaction commits, so the next search of that scope, in any process,
misses the cache and reads the index. A random token, not a counter: a version evicted from the
cache can only make a new key, never bring back entries of an older one. Until the writing
transaction commits, searches made inside it skip the cache (they see what it wrote, which
others do not; a rollback must not leave that behind).

Bad input cannot fill the cache or push out the hot entries:

- only pages 1..MAX_CACHED_PAGE are stored; the query is already cut to 200 characters and 20
  tokens by parse_query, and filters are validated by the caller;
- admission: a key's results are stored only when the key is asked for the second time within
  the window. The first ask leaves the key's digest in one of ADMISSION_SLOTS slots of a small
  separate cache (`CACHES["search_seen"]`), so a flood of one-off queries only overwrites slots
  and never writes a result;
- results live in their own bounded LRU (`CACHES["search"]`), apart from the default cache
  (rate limits, versions) and the slots.

The versions live in the default cache, shared by every process; results and slots in the
"search" and "search_seen" aliases (an LRU in each process's memory in the embedded default,
Redis when REDIS_URL is set). RAVABET_SEARCH_CACHE_SECONDS = 0 turns the cache off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation

from ravabet.core import pagecache, versions
from ravabet.core.search.documents import Filters, Results
from ravabet.core.search.query import ParsedQuery

RESULTS_ALIAS = "search"
SEEN_ALIAS = "search_seen"
# Deeper pages are served, never stored: rarely asked for, and ?page=N for random N would
# otherwise make a key per N.
MAX_CACHED_PAGE = 5
# The admission table (core/versions.py): a first ask overwrites one slot, so however many
# one-off queries arrive, the table holds at most this many entries.
ADMISSION_SLOTS = versions.ADMISSION_SLOTS
DEFAULT_SECONDS = 120
_VERSION = "search:"


def cache_seconds() -> int:
    """How long results are kept (RAVABET_SEARCH_CACHE_SECONDS); 0: the cache is off."""
    seconds = getattr(settings, "RAVABET_SEARCH_CACHE_SECONDS", DEFAULT_SECONDS)
    if seconds <= 0 or RESULTS_ALIAS not in settings.CACHES or SEEN_ALIAS not in settings.CACHES:
        return 0
    return int(seconds)


class _NewVersions:
    """The on_commit callback of a write to the index: new random versions for its scopes."""

    def __init__(self, scopes: Iterable[str]) -> None:
        self.scopes = frozenset(scopes)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        versions.renew(_VERSION + scope for scope in self.scopes)


def changed(scopes: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """The index of these scopes was written: drop their cached results once this commits."""
    scopes = frozenset(scopes)
    if scopes:
        transaction.on_commit(_NewVersions(scopes), using=using)
        # Search pages kept whole for anonymous visitors show these results too.
        pagecache.bump(*(page_topic(scope) for scope in scopes))


def page_topic(scope: str) -> str:
    """The page-cache topic of pages that show the scope's search results (core/pagecache.py)."""
    return f"search:{scope}"


def _writing(scope: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the open transaction has written to the scope's index and not committed yet."""
    # Django keeps (savepoint ids, callback, robust) per pending callback; a rollback drops
    # those registered since, and a commit runs and clears them.
    callbacks = [entry[1] for entry in connections[using].run_on_commit]
    return any(
        isinstance(func, _NewVersions) and not func.done and scope in func.scopes
        for func in callbacks
    )


def version(scope: str) -> str:
    """The scope's current index version, shared by every process."""
    return versions.current([_VERSION + scope])[0]


def _when(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def results_key(scope: str, query: ParsedQuery, filters: Filters, page: int, per_page: int) -> str:
    parts = [
        scope,
        version(scope),
        translation.get_language() or "",
        # The search-key tokens: every spelling of the same words is one key. A cut query
        # differs from the same words typed short only by its message.
        " ".join(query.tokens),
        "cut" if query.truncated else "",
        ",".join(str(int(v)) for v in sorted(set(filters.agency_ids))),
        ",".join(sorted({str(v) for v in filters.kinds})),
        ",".join(str(int(v)) for v in sorted(set(filters.county_ids))),
        _when(filters.since),
        _when(filters.until),
        str(page),
        str(per_page),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"search:results:{digest}"


def cached_search(
    scope: str,
    query: ParsedQuery,
    filters: Filters,
    page: int,
    per_page: int,
    compute: Callable[[], Results],
) -> Results:
    """`compute()`'s results for this search, from the cache when a recent identical search
    stored them; stores them when the search is asked for the second time in the window."""
    seconds = cache_seconds()
    if not seconds or not 1 <= page <= MAX_CACHED_PAGE or _writing(scope):
        return compute()
    key = results_key(scope, query, filters, page, per_page)
    store = caches[RESULTS_ALIAS]
    results = store.get(key)
    if isinstance(results, Results):
        return results
    results = compute()
    if versions.admitted(key, alias=SEEN_ALIAS, seconds=seconds):
        store.set(key, results, timeout=seconds)
    return results

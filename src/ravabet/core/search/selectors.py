"""Reads from the search index: ranked, filtered, paginated search, and index freshness."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from ravabet.core.search import backends
from ravabet.core.search.backends import NEAR_MISS_WORDS, SearchBackend, backend_for
from ravabet.core.search.cache import cached_search
from ravabet.core.search.documents import Filters, Hit, Results
from ravabet.core.search.models import SearchEntry, SearchTerm
from ravabet.core.search.query import (
    Group,
    ParsedQuery,
    Term,
    clamp_page,
    clamp_per_page,
    coerce_int,
    parse_query,
)
from ravabet.core.search.services import is_vocabulary_word
from ravabet.persian import SEARCH_KEY_VERSION


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _without_idle_dates(scope: str, filters: Filters) -> Filters:
    """The filters without a date bound that leaves out no entry of the scope.

    A date bound is the one filter checked on each matching row rather than in the
    full-text index, and callers often pass one that excludes nothing (until=now, to hide
    scheduled items that are not in the index anyway); two index lookups find that out.
    """
    if filters.since is None and filters.until is None:
        return filters
    entries = SearchEntry.objects.filter(scope=scope)
    if entries.filter(published_at__isnull=True).exists():
        return filters  # any date bound leaves these out
    since, until = filters.since, filters.until
    if since is not None:
        first = entries.aggregate(first=Min("published_at"))["first"]
        if first is not None and _aware(since) <= first:
            since = None
    if until is not None:
        last = entries.aggregate(last=Max("published_at"))["last"]
        if last is not None and last < _aware(until):
            until = None
    return replace(filters, since=since, until=until)


def _known(scope: str, term: Term) -> bool:
    words = SearchTerm.objects.filter(scope=scope)
    if words.filter(word=term.text).exists():
        return True
    return term.prefix and words.filter(word__startswith=term.text).exists()


def _near_miss_groups(
    backend: SearchBackend, scope: str, groups: list[Group]
) -> list[Group] | None:
    """The query with each unknown word swapped for the indexed words closest to it.

    None when there is nothing to swap (every word is known, so the words are right and
    only their combination is absent) or a word has nothing close to it.
    """
    swapped = False
    near: list[Group] = []
    for group in groups:
        (term,) = group
        if not is_vocabulary_word(term.text) or _known(scope, term):
            near.append(group)
            continue
        words = backend.similar_words(scope, term.text, limit=NEAR_MISS_WORDS)
        if not words:
            return None
        near.append(tuple(Term(word) for word in words))
        swapped = True
    return near if swapped else None


def _page(
    backend: SearchBackend,
    scope: str,
    groups: list[Group],
    filters: Filters,
    ids: list[int],
    *,
    limit: int,
    offset: int,
) -> list[Hit]:
    """Hits [offset, offset + limit) of the matches `ids` (newest first): the ranked window
    (the RANK_WINDOW newest), then the older ones as they come."""
    window = ids[: backends.RANK_WINDOW]
    end = min(offset + limit, len(ids))
    hits: list[Hit] = []
    if offset < len(window):
        hits += backend.ranked(
            scope, groups, filters, window, limit=min(end, len(window)) - offset, offset=offset
        )
    if end > len(window):
        hits += backend.recent(ids[max(offset, len(window)) : end])
    return hits


def search(
    scope: str,
    query: str,
    *,
    filters: Filters = Filters(),  # noqa: B008 (frozen, so one shared default is safe)
    page: int | str | None = 1,
    per_page: int | str | None = 20,
) -> Results:
    """Entries of `scope` matching every word of `query` (the last also as a prefix).

    Best first: title matches above extra above body, ties newest first; only the
    RANK_WINDOW most recently indexed matches are ranked, older ones follow newest first.
    At most MAX_TOTAL matches are counted and paged through (total_is_lower_bound says
    when more match). When nothing matches, misspelled words are swapped for the closest
    indexed words (near_miss=True).
    A search asked again within a few minutes is answered from the cache (cache.py) until
    the scope's index changes.
    Never raises for what a person can type; problems are explained in `message`.
    """
    size = clamp_per_page(per_page)
    parsed = parse_query(query)
    if not parsed.tokens:
        return Results([], 0, 1, size, 1, parsed.message)
    # Pages 0, -3 and «abc» are page 1, «۲» is 2: one cache entry each, whatever was typed.
    asked = max(coerce_int(page, 1), 1)
    return cached_search(
        scope, parsed, filters, asked, size, lambda: _search(scope, parsed, filters, asked, size)
    )


def _search(scope: str, parsed: ParsedQuery, filters: Filters, page: int, size: int) -> Results:
    backend = backend_for()
    groups = parsed.groups
    tokens = parsed.tokens
    near_miss = False
    with backend.session():
        filters = _without_idle_dates(scope, filters)
        # One more than MAX_TOTAL tells "more than MAX_TOTAL" from "exactly MAX_TOTAL".
        ids = backend.newest(scope, groups, filters, limit=backends.MAX_TOTAL + 1)
        if not ids:
            near = _near_miss_groups(backend, scope, groups)
            if near is not None:
                ids = backend.newest(scope, near, filters, limit=backends.MAX_TOTAL + 1)
                if ids:
                    groups, near_miss = near, True
                    tokens = tuple(term.text for group in near for term in group)
        more = len(ids) > backends.MAX_TOTAL
        ids = ids[: backends.MAX_TOTAL]
        total = len(ids)
        num_pages = max(1, math.ceil(total / size))
        number = clamp_page(page, num_pages)
        hits = _page(backend, scope, groups, filters, ids, limit=size, offset=(number - 1) * size)
    notes = [parsed.message] if parsed.message else []
    if near_miss:
        notes.append(_("نتیجه‌ای دقیقاً با این واژه‌ها پیدا نشد؛ نزدیک‌ترین نتیجه‌ها آمده است."))
    elif not total:
        notes.append(_("نتیجه‌ای پیدا نشد. واژه‌های کمتر یا دیگری را بیازمایید."))
    return Results(
        hits,
        total,
        number,
        size,
        num_pages,
        " ".join(notes),
        near_miss,
        tokens,
        total_is_lower_bound=more,
    )


def stale_count(scope: str) -> int:
    """Entries of `scope` keyed with another SEARCH_KEY_VERSION: a rebuild is due if > 0."""
    return SearchEntry.objects.filter(scope=scope).exclude(key_version=SEARCH_KEY_VERSION).count()

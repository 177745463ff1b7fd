"""Reads from the search index: ranked, filtered, paginated search, and index freshness."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from ravabet.core.search.backends import NEAR_MISS_WORDS, SearchBackend, backend_for
from ravabet.core.search.documents import Filters, Results
from ravabet.core.search.models import SearchEntry, SearchTerm
from ravabet.core.search.query import (
    Group,
    Term,
    clamp_page,
    clamp_per_page,
    parse_query,
)
from ravabet.core.search.services import is_vocabulary_word
from ravabet.persian import SEARCH_KEY_VERSION


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


def search(
    scope: str,
    query: str,
    *,
    filters: Filters = Filters(),  # noqa: B008 (frozen, so one shared default is safe)
    page: int | str | None = 1,
    per_page: int | str | None = 20,
) -> Results:
    """Entries of `scope` matching every word of `query` (the last also as a prefix).

    Best first: title matches above extra above body, ties newest first. When nothing
    matches, misspelled words are swapped for the closest indexed words (near_miss=True).
    Never raises for what a person can type; problems are explained in `message`.
    """
    size = clamp_per_page(per_page)
    parsed = parse_query(query)
    if not parsed.tokens:
        return Results([], 0, 1, size, 1, parsed.message)
    backend = backend_for()
    groups = parsed.groups
    tokens = parsed.tokens
    total = backend.count(scope, groups, filters)
    near_miss = False
    if total == 0:
        near = _near_miss_groups(backend, scope, groups)
        if near is not None:
            total = backend.count(scope, near, filters)
            if total:
                groups, near_miss = near, True
                tokens = tuple(term.text for group in near for term in group)
    num_pages = max(1, math.ceil(total / size))
    number = clamp_page(page, num_pages)
    hits = (
        backend.hits(scope, groups, filters, limit=size, offset=(number - 1) * size)
        if total
        else []
    )
    notes = [parsed.message] if parsed.message else []
    if near_miss:
        notes.append(_("نتیجه‌ای دقیقاً با این واژه‌ها پیدا نشد؛ نزدیک‌ترین نتیجه‌ها آمده است."))
    elif not total:
        notes.append(_("نتیجه‌ای پیدا نشد. واژه‌های کمتر یا دیگری را بیازمایید."))
    return Results(hits, total, number, size, num_pages, " ".join(notes), near_miss, tokens)


def stale_count(scope: str) -> int:
    """Entries of `scope` keyed with another SEARCH_KEY_VERSION: a rebuild is due if > 0."""
    return SearchEntry.objects.filter(scope=scope).exclude(key_version=SEARCH_KEY_VERSION).count()

"""Turn what a person typed into search-key terms, and page numbers into sane ones."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ravabet.core.pagination import MAX_PAGE, parse_int
from ravabet.persian import search_key, to_persian_digits

# A person searching types a few words. Longer input is pasted text or an attack; cutting
# it keeps every query cheap for the database (each word is one more index lookup).
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 20
# A one-letter prefix would expand to a large part of the vocabulary.
MIN_PREFIX_LENGTH = 2
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Term:
    """One search-key token; `prefix` also matches longer words starting with it."""

    text: str
    prefix: bool = False


# All groups must match (AND); within a group any term may match (OR).
Group = tuple[Term, ...]


@dataclass(frozen=True)
class ParsedQuery:
    tokens: tuple[str, ...]
    message: str
    truncated: bool = False

    @property
    def groups(self) -> list[Group]:
        """The tokens as an AND of terms, the last one also matching as a prefix."""
        groups: list[Group] = [(Term(token),) for token in self.tokens[:-1]]
        if self.tokens:
            last = self.tokens[-1]
            groups.append((Term(last, prefix=len(last) >= MIN_PREFIX_LENGTH),))
        return groups


def empty_query_message() -> str:
    return _("عبارتی برای جست‌وجو بنویسید.")


def parse_query(query: object) -> ParsedQuery:
    """Search-key tokens of a query, deduplicated, cut to the limits, with a note for the user."""
    text = query if isinstance(query, str) else ""
    # No database takes a NUL inside a text parameter (PostgreSQL refuses it outright).
    text = text.replace("\x00", " ").strip()
    if not any(unicodedata.category(char)[0] not in "CZ" for char in text):
        # Only spaces, half-spaces and other invisible characters: nothing was typed.
        return ParsedQuery((), empty_query_message())
    truncated = False
    if len(text) > MAX_QUERY_CHARS:
        truncated = True
        text = text[:MAX_QUERY_CHARS]
        # Cut at a word boundary when there is one, so the last word is not a fragment.
        space = text.rfind(" ")
        if space > MAX_QUERY_CHARS // 2:
            text = text[:space]
    tokens: list[str] = []
    for token in search_key(text).split():
        # The key has no punctuation by contract; a token without a letter or digit would
        # still be an empty phrase to the database, so it is dropped here as well.
        if token not in tokens and any(char.isalnum() for char in token):
            tokens.append(token)
    if len(tokens) > MAX_QUERY_TOKENS:
        truncated = True
        tokens = tokens[:MAX_QUERY_TOKENS]
    if not tokens:
        return ParsedQuery((), _("عبارت جست‌وجو واژه‌ای نداشت؛ چند واژه بنویسید."))
    message = ""
    if truncated:
        message = _(
            "عبارت جست‌وجو بلند بود؛ فقط آغاز آن (تا {chars} نویسه و {words} واژه) جست‌وجو شد."
        ).format(
            chars=to_persian_digits(str(MAX_QUERY_CHARS)),
            words=to_persian_digits(str(MAX_QUERY_TOKENS)),
        )
    return ParsedQuery(tuple(tokens), message, truncated)


def coerce_int(value: object, default: int) -> int:
    """An int from whatever a query string gave («3», «۳», «x», None, 2.0); see core.pagination."""
    return parse_int(value, default=default, minimum=-MAX_PAGE, maximum=MAX_PAGE)


def clamp_per_page(value: object) -> int:
    return min(max(coerce_int(value, 20), 1), MAX_PER_PAGE)


def clamp_page(value: object, num_pages: int) -> int:
    return min(max(coerce_int(value, 1), 1), max(num_pages, 1))

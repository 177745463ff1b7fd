"""search_key(): the form of a text that is indexed and queried (full-text search)."""

from __future__ import annotations

import functools
import re

from ravabet.persian._chars import key_table
from ravabet.persian._data import lexicon
from ravabet.persian.normalizer import normalize

# Bump when search_key() changes its output for any input: stored keys made by another
# version no longer match queries and the index must be rebuilt (docs/persian.md).
# 2: normalize() repairs more half-spaces and knows more compounds (session 2), so the keys
# of some words changed («برقرسانی» is now «برق رسانی»).
SEARCH_KEY_VERSION = 2

_KEY = key_table()
_TOKEN = re.compile(r"[^\W_]+")
# The characters the key table changes, replaced one by one: normalized text has few of them,
# and this is three times as fast as str.translate over the whole text (the same result).
_FOLDED = re.compile(
    "[" + re.escape("".join(chr(c) for c, v in sorted(_KEY.items()) if v != chr(c))) + "]"
)


def _fold(match: re.Match[str]) -> str:
    return _KEY[ord(match.group())] or ""


def search_key(text: str, *, normalized: bool = False) -> str:
    """Space-separated lower-case tokens with no punctuation, equal for spelling variants.

    Format (version 1): normalize(), then Arabic letter forms, hamza seats, ۀ/ة, diacritics
    and tanwin folded away, every digit as a Latin digit, Latin lower-cased; words split at
    spaces, half-spaces and punctuation; a compound written glued is split into its parts
    as if written with a half-space; and the affixes that Persian attaches to a word
    (ها/های/هایی, ای/ام/اش..., تر/ترین, می/نمی, بی) glued back onto it. So «روابط عمومی ها»,
    «روابط‌عمومی‌ها», «روابط عمومیها» and «روابط عمومي ها» all give «روابط عمومیها».

    `normalized=True` says the text is already normalize()'s output (normalize is idempotent),
    so it is not normalized again: monitoring's pipeline keys every article it has just
    normalized, and the second pass was a tenth of its time.
    """
    if not isinstance(text, str):
        raise TypeError(f"search_key() expects str, got {type(text).__name__}")
    return " ".join(key_words(text, normalized=normalized))


def fold_letters(text: str) -> str:
    """The letter folding of search keys alone, on text normalize() has already seen: Arabic
    letter forms, hamza seats, ۀ/ة, diacritics and tanwin folded, digits made Latin, Latin
    lower-cased; spaces, punctuation and words left where they are («مؤسسهٔ ۱۲» → «موسسه 12»)."""
    return _FOLDED.sub(_fold, text).lower()


def key_words(text: str, *, normalized: bool = False) -> list[str]:
    """The words of search_key(text), as a list: `" ".join(key_words(t)) == search_key(t)`.
    `normalized=True` as for search_key()."""
    folded = fold_letters(text if normalized else normalize(text))
    parts = lexicon().compound_parts
    tokens: list[str] = []
    for token in _TOKEN.findall(folded):
        split = parts.get(token)
        if split is not None:
            tokens.extend(split)
        else:
            tokens.append(token)
    return _attach_affixes(tokens)


def _key_alphabet() -> str:
    """The characters of a search key besides the space: word characters, not upper case,
    that the folding leaves alone."""
    chars = []
    for code in (*range(0x30, 0x3A), *range(0x61, 0x7B), *range(0x0600, 0x0700)):
        char = chr(code)
        if _KEY.get(code, char) == char and re.fullmatch(r"[^\W_]", char):
            chars.append(char)
    return "".join(chars)


_NOT_KEY = re.compile(f"[^ {re.escape(_key_alphabet())}]")


def looks_like_search_key(text: str) -> bool:
    """Whether `text` is made only of the characters search_key() writes (folded letters,
    Latin digits, lower-case Latin, single-spaced or not): a stored search key passes, and
    its words are then `text.split()` with no folding; text with punctuation, half-spaces,
    line breaks, Arabic forms or upper case does not. (Characters only: «روابط عمومی ها»
    passes, though search_key() would glue its «ها».)"""
    return _NOT_KEY.search(text) is None


@functools.cache
def _affix_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(suffixes glued onto the token before, prefixes glued onto the token after)."""
    affixes = lexicon().affixes
    suffixes = (*affixes["plural"], *affixes["heh"], *affixes["yeh"], *affixes["comparative"])
    return frozenset((*suffixes, "ی")), frozenset((*affixes["verb"], *affixes["prefix"]))


def _attach_affixes(tokens: list[str]) -> list[str]:
    suffixes, prefixes = _affix_sets()
    out: list[str] = []
    pending = ""
    for token in tokens:
        if token in prefixes:
            pending += token
            continue
        token = pending + token
        pending = ""
        if out and token in suffixes:
            out[-1] += token
        else:
            out.append(token)
    if pending:
        out.append(pending)
    return out

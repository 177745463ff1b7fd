"""Ravabet's Persian text core: normalization, search keys, reflow, tokens and dates.

Plain Python with no Django import, so that it can be used, tested and benchmarked on its
own. docs/persian.md describes the rules, the data files and the measured quality.
"""

from ravabet.persian.money import (
    Money,
    MoneyError,
    group_digits,
    parse_amount,
    short_words,
    to_words,
)
from ravabet.persian.normalizer import (
    normalize,
    normalize_characters,
    to_latin_digits,
    to_persian_digits,
)
from ravabet.persian.paragraphs import reflow
from ravabet.persian.search import (
    SEARCH_KEY_VERSION,
    fold_letters,
    key_words,
    looks_like_search_key,
    search_key,
)
from ravabet.persian.stem import lemmatize, word_counts
from ravabet.persian.tokens import get_stopwords, sentences, tokenize

stopwords: frozenset[str] = get_stopwords()

__all__ = [
    "SEARCH_KEY_VERSION",
    "Money",
    "MoneyError",
    "fold_letters",
    "group_digits",
    "key_words",
    "lemmatize",
    "looks_like_search_key",
    "normalize",
    "normalize_characters",
    "parse_amount",
    "reflow",
    "search_key",
    "sentences",
    "short_words",
    "stopwords",
    "to_latin_digits",
    "to_persian_digits",
    "to_words",
    "tokenize",
    "word_counts",
]

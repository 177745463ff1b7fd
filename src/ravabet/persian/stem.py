"""A light lemmatizer: plural, clitic and verb forms of a word count as one in statistics."""

from __future__ import annotations

import functools
from collections import Counter

from ravabet.persian._chars import ZWNJ
from ravabet.persian._data import lexicon
from ravabet.persian.normalizer import normalize
from ravabet.persian.tokens import get_stopwords, tokenize

# Negation and aspect prefixes of verbs, longest first: «نمی‌شود», «بگوید», «نکرده».
_VERB_PREFIXES = ("نمی", "می", "ب", "ن")


def lemmatize(word: str) -> str:
    """The lemma of one normalized word: «سیاست‌های» → «سیاست», «می‌شوند» → «شدن».

    Verbs give their infinitive; nouns and adjectives lose plural, comparative and clitic
    suffixes. A word the lexicon does not explain comes back unchanged.
    """
    if not isinstance(word, str):
        raise TypeError(f"lemmatize() expects str, got {type(word).__name__}")
    lex = lexicon()
    affixes = lex.affixes
    suffixes = _suffixes()
    parts = word.split(ZWNJ)
    # Half-space suffixes: «روابط‌عمومی‌ها» → «روابط‌عمومی», «کرده‌اند» → «کرده».
    while len(parts) > 1 and parts[-1] in suffixes:
        parts.pop()
    if len(parts) > 1 and parts[0] in ("می", "نمی"):
        parts = parts[1:]
    base = ZWNJ.join(parts)
    verb = _verb(base)
    if verb is not None:
        return verb
    if ZWNJ in base or (base in lex.words and not base.endswith(affixes["plural"])):
        return base
    for suffix in (*affixes["plural"], *affixes["comparative"]):
        stem = base[: -len(suffix)]
        if (
            base.endswith(suffix)
            and len(stem) >= 2
            and (stem in lex.words or stem in lex.adjectives)
        ):
            return stem
    for suffix in ("ان", "ات"):
        # Persian and Arabic plurals: «کارگران» → «کارگر», «انتخابات» stays (a word).
        stem = base[: -len(suffix)]
        if base.endswith(suffix) and base not in lex.words and stem in lex.words:
            return stem
    return base


@functools.cache
def _suffixes() -> frozenset[str]:
    affixes = lexicon().affixes
    return frozenset(
        (*affixes["plural"], *affixes["heh"], *affixes["yeh"], *affixes["comparative"], "ی")
    )


def _verb(word: str) -> str | None:
    table = lexicon().verb_infinitive
    found = table.get(word)
    if found is not None:
        return found
    for prefix in _VERB_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            found = table.get(word[len(prefix) :])
            if found is not None:
                return found
    return None


def word_counts(text: str, *, drop_stopwords: bool = True) -> Counter[str]:
    """Lemma frequencies of a text: normalize, tokenize, lemmatize, count."""
    if not isinstance(text, str):
        raise TypeError(f"word_counts() expects str, got {type(text).__name__}")
    stop = get_stopwords() if drop_stopwords else frozenset()
    counts: Counter[str] = Counter()
    for token in tokenize(normalize(text)):
        if not token[0].isalpha() or token in stop:
            continue
        lemma = lemmatize(token)
        if lemma not in stop:
            counts[lemma] += 1
    return counts

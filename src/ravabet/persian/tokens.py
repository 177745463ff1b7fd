"""Word and sentence splitting, and the stop-word list, for word statistics and search."""

from __future__ import annotations

import functools
import re

from ravabet.persian._chars import PERSIAN_LETTERS, ZWNJ
from ravabet.persian._data import read_list

_D = "0-9۰-۹٠-٩"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?،؛؟)\]]",
            r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
            rf"[{_D}]+(?:[.,:/٫٬][{_D}]+)*",
            # A word: letters (any script) with inner half-spaces, hyphens or apostrophes.
            rf"[^\W\d_](?:[^\W_]|[{ZWNJ}\u0654\u064b'’\-](?=[^\W_]))*[\u0654\u064b]?",
        )
    )
)
_PUNCT = re.compile(r"[^\w\s" + ZWNJ + "]")
_LETTER = re.compile(f"[{PERSIAN_LETTERS}]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])[\"'»)\]]*\s+|\s*\n\s*")


def _check(text: object, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name}() expects str, got {type(text).__name__}")
    return text


def tokenize(text: str, *, punctuation: bool = False) -> list[str]:
    """Words, numbers, URLs and e-mail addresses of `text`, in order.

    A word keeps its half-spaces («روابط‌عمومی‌ها» is one token); numbers keep their
    separators («۱۲٫۵», «1404/02/30»). With punctuation=True the punctuation marks are
    returned as tokens of their own. The text is not normalized: call normalize() first
    when spelling variants must count as one word.
    """
    _check(text, "tokenize")
    if not punctuation:
        return _TOKEN.findall(text)
    tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        tokens.extend(_PUNCT.findall(text, position, match.start()))
        tokens.append(match.group())
        position = match.end()
    tokens.extend(_PUNCT.findall(text, position))
    return tokens


def sentences(text: str) -> list[str]:
    """Sentences of `text`: split after . ! ? ؟ … followed by space, and at line breaks.

    Decimals, dates, URLs and abbreviations without a following space («ج.ا.ا») do not
    end a sentence.
    """
    _check(text, "sentences")
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


@functools.cache
def _stopwords() -> frozenset[str]:
    return frozenset(read_list("stopwords.txt"))


def get_stopwords() -> frozenset[str]:
    """The curated Persian stop-word list (data/stopwords.txt, see its header)."""
    return _stopwords()


def is_stopword(word: str) -> bool:
    """Whether `word` (normalized) is in the stop-word list."""
    return word in _stopwords()


def has_persian_letter(text: str) -> bool:
    """Whether `text` contains at least one Persian letter."""
    return _LETTER.search(text) is not None

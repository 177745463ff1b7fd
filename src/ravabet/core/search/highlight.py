"""A short, HTML-escaped snippet of a text with the words a query matched wrapped in <mark>."""

from __future__ import annotations

import functools
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ravabet.core.search.query import MIN_PREFIX_LENGTH, parse_query
from ravabet.persian import search_key

# A word of the text as a reader sees it: letters and digits with the marks, kashida and
# half-spaces that may sit inside a Persian word.
_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d])+")
_SPACES = re.compile(r"\s+")
# A query word split by a space in the text («دستگاه هاي» for «دستگاه‌های») spans at most
# three of its words.
_MAX_SPAN = 3
_MIN_SNIPPET = 20
ELLIPSIS = "…"


@functools.lru_cache(maxsize=16384)
def _key_tokens(fragment: str) -> tuple[str, ...]:
    # A pure function of its argument: the cache only saves time on words that recur.
    return tuple(search_key(fragment).split())


class _Matcher:
    def __init__(self, text: str, query: str) -> None:
        self.text = text
        tokens = parse_query(query).tokens
        self.tokens = frozenset(tokens)
        last = tokens[-1] if tokens else ""
        self.prefix = last if len(last) >= MIN_PREFIX_LENGTH else ""
        self.words = list(_WORD.finditer(text)) if tokens else []

    def _hit(self, key: tuple[str, ...]) -> bool:
        return any(
            token in self.tokens or (self.prefix and token.startswith(self.prefix)) for token in key
        )

    def span_at(self, i: int, limit: int) -> int:
        """How many words from word i form a match (0 for none), ending by `limit`."""
        words = self.words
        key = _key_tokens(words[i].group())
        if not key:
            return 0
        if self._hit(key):
            return 1
        # Only when this word could be the start of a longer query word is it worth keying
        # it together with the next words; the key must then glue them into a new token.
        head = key[0]
        if not any(token != head and token.startswith(head) for token in self.tokens):
            return 0
        for span in range(2, _MAX_SPAN + 1):
            if i + span > len(words) or words[i + span - 1].end() > limit:
                break
            joined = _key_tokens(self.text[words[i].start() : words[i + span - 1].end()])
            if joined and joined[0] != head and self._hit(joined[:1]):
                return span
        return 0

    def first_match(self) -> int | None:
        for i, word in enumerate(self.words):
            if self.span_at(i, len(self.text)):
                return word.start()
        return None


def _window(text: str, anchor: int | None, max_chars: int) -> tuple[int, int]:
    """The [start, end) of the snippet: a third of it before the first match, cut at spaces."""
    if len(text) <= max_chars:
        return 0, len(text)
    start = 0
    if anchor is not None:
        start = max(0, min(anchor - max_chars // 3, len(text) - max_chars))
        if start > 0:
            space = text.find(" ", start, anchor)
            start = space + 1 if space != -1 else anchor
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start + max_chars // 2 and (anchor is None or space > anchor):
            end = space
    return start, end


def _clean(fragment: str) -> str:
    return str(escape(_SPACES.sub(" ", fragment)))


def highlight(text: str, query: str, *, max_chars: int = 240) -> SafeString:
    """An escaped snippet of `text` around the first match of `query`, matches in <mark>.

    Words are compared by their search keys, so «دستگاه هاي» in the text is marked for a
    query «دستگاه‌های». Without a match the snippet is the start of the text.
    """
    text = text if isinstance(text, str) else ""
    max_chars = max(max_chars, _MIN_SNIPPET)
    matcher = _Matcher(text, query)
    start, end = _window(text, matcher.first_match(), max_chars)
    while start < end and text[start].isspace():
        start += 1
    parts = [ELLIPSIS] if start > 0 else []
    position = start
    words = matcher.words
    i = 0
    while i < len(words):
        word = words[i]
        if word.start() < start:
            i += 1
            continue
        if word.end() > end:
            break
        span = matcher.span_at(i, end)
        if not span:
            i += 1
            continue
        stop = words[i + span - 1].end()
        parts.append(_clean(text[position : word.start()]))
        parts.append(f"<mark>{_clean(text[word.start() : stop])}</mark>")
        position = stop
        i += span
    parts.append(_clean(text[position:end].rstrip()))
    if end < len(text):
        parts.append(ELLIPSIS)
    return mark_safe("".join(parts))  # noqa: S308 (every piece of the text went through escape())

"""Release bodies: plain text or simple HTML in, allow-listed HTML with normalized text out."""

from __future__ import annotations

import difflib
import html
import re
from html.parser import HTMLParser

import nh3

from ravabet.persian import normalize

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_BLOCKS = {"p", "li", "h2", "h3", "h4", "blockquote", "tr", "br"}


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def paragraphs_to_html(text: str) -> str:
    """Plain text: blank-line separated paragraphs become <p>, single newlines <br>."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in part.split("\n")) + "</p>"
        for part in parts
    )


class _TextNormalizer(HTMLParser):
    """Rebuilds sanitized HTML with every text node normalized; markup passes through."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = "".join(
            f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs
        )
        self.out.append(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.strip():
            lead = " " if data[:1].isspace() else ""
            trail = " " if data[-1:].isspace() else ""
            data = lead + normalize(data) + trail
        self.out.append(html.escape(data, quote=False))


def sanitize(text: str) -> str:
    """Allow-listed HTML: scripts, styles, event handlers, images and unknown tags are dropped."""
    if not text.strip():
        return ""
    source = text if looks_like_html(text) else paragraphs_to_html(text)
    return nh3.clean(
        source,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def normalize_html(safe_html: str) -> str:
    """Already-sanitized HTML with every text node normalized; markup passes through."""
    parser = _TextNormalizer()
    parser.feed(safe_html)
    parser.close()
    return "".join(parser.out).strip()


def clean_body(text: str) -> str:
    """Sanitized HTML with every text node normalized: what a release stores."""
    return normalize_html(sanitize(text))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_text(body_html: str) -> str:
    """The plain text of a stored body: for search, feeds' summaries, e-mails and diffs."""
    parser = _TextExtractor()
    parser.feed(body_html)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def body_paragraphs(body_html: str) -> list[str]:
    return [p.strip() for p in body_text(body_html).split("\n\n") if p.strip()]


# The change report runs difflib only on windows of this many words, starting at a
# difference: difflib's cost grows with the square of its input, the window's does not.
CHANGE_WINDOW = 128


def normalization_changes(before: str, after: str, limit: int = 50) -> list[tuple[str, str]]:
    """Word-level (before, after) pairs that normalizing changed, for the editor to show.

    Normalizing changes words in place, so the two texts stay aligned: equal words are
    skipped in one pass, and at each difference difflib compares the next CHANGE_WINDOW words
    of each side. Every window yields at least one pair, so at most `limit` windows are
    compared whatever the length of the text: linear time, where one difflib over the whole
    text took minutes on a long body. Texts shorter than the window get difflib's answer.
    """
    old, new = before.split(), after.split()
    n, m = len(old), len(new)
    pairs: list[tuple[str, str]] = []
    i = j = 0
    while len(pairs) < limit:
        while i < n and j < m and old[i] == new[j]:
            i += 1
            j += 1
        if i == n and j == m:
            break
        a_end, b_end = min(n, i + CHANGE_WINDOW), min(m, j + CHANGE_WINDOW)
        last_window = a_end == n and b_end == m
        matcher = difflib.SequenceMatcher(a=old[i:a_end], b=new[j:b_end], autojunk=False)
        ops = matcher.get_opcodes()
        if not last_window:
            # Near its end a window may pair words whose partners lie beyond it: keep the
            # window's first half (up to its last equal run there), compare the rest again.
            half = CHANGE_WINDOW // 2
            equal = [k for k, op in enumerate(ops) if op[0] == "equal"]
            settled = [k for k in equal if ops[k][2] <= half and ops[k][4] <= half]
            if settled or equal:
                ops = ops[: (settled or equal)[-1] + 1]
        for op, a1, a2, b1, b2 in ops:
            if op != "equal":
                pairs.append((" ".join(old[i + a1 : i + a2]), " ".join(new[j + b1 : j + b2])))
                if len(pairs) >= limit:
                    break
        if last_window:
            break
        _, _, a2, _, b2 = ops[-1]
        i, j = i + a2, j + b2
    return pairs

"""reflow(): rebuilds the paragraphs of text pasted from a PDF (hard wraps, blank lines)."""

from __future__ import annotations

import re

# A line that ends a sentence, a heading line or a list item closes its paragraph; any
# other line was cut by the PDF's line width and continues on the next non-blank line.
_SENTENCE_END = re.compile(r"[.!?؟…:»\"')\]]\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-•*▪●◦–—]|[0-9۰-۹]+[.)\-]|[a-zA-Zآ-ی][.)])\s+")
# A line much shorter than the text's typical full line cannot have been cut by the page
# width: it is a heading or the last line of a paragraph.
_SHORT_LINE_RATIO = 0.45
# In hard-wrapped text, a line that ends a sentence but fills the width (within 10% of the
# typical full line) was cut by the width too: the paragraph goes on, as on the page, where
# a paragraph's last line stops short.
_FULL_LINE_RATIO = 0.9
# Text counts as hard-wrapped when at least this share of its lines stop mid-sentence; text
# with one line per paragraph keeps every line.
_WRAPPED_SHARE = 1 / 3


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"reflow() expects str, got {type(text).__name__}")
    return text


def reflow(text: str) -> str:
    """Join lines that a hard wrap split; keep paragraph breaks, headings and list items.

    Paragraphs come out separated by a blank line, list items one a line. Spaces inside
    lines are left as they are: call normalize() afterwards.
    """
    lines = [line.strip() for line in _check(text).replace("\r\n", "\n").split("\n")]
    content = [line for line in lines if line]
    if not content:
        return ""
    lengths = sorted(len(line) for line in content)
    # The typical length of a full line: the upper quartile of the line lengths.
    full = lengths[(3 * len(lengths)) // 4]
    cut = sum(1 for line in content if not _SENTENCE_END.search(line))
    wrapped = cut >= _WRAPPED_SHARE * len(content)

    blocks: list[list[str]] = []
    current: list[str] = []
    for line in content:
        if current and _ends_paragraph(current[-1], line, full, wrapped=wrapped):
            blocks.append(current)
            current = []
        current.append(line)
    blocks.append(current)

    out: list[str] = []
    previous_was_item = False
    for block in blocks:
        paragraph = " ".join(block)
        is_item = bool(_LIST_ITEM.match(block[0]))
        if out:
            out.append("\n" if is_item and previous_was_item else "\n\n")
        out.append(paragraph)
        previous_was_item = is_item
    return "".join(out)


def _ends_paragraph(line: str, following: str, full: int, *, wrapped: bool) -> bool:
    if _LIST_ITEM.match(following):
        return True
    if _SENTENCE_END.search(line):
        return not wrapped or len(line) < _FULL_LINE_RATIO * full
    return len(line) < _SHORT_LINE_RATIO * full

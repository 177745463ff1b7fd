"""normalize(): the one spelling every stored Persian text is brought to."""

from __future__ import annotations

import re

from ravabet.persian._chars import (
    ARABIC_DIGITS,
    LATIN_DIGITS,
    PERSIAN_DIGITS,
    PERSIAN_LETTERS,
    ZWNJ,
    storage_table,
)
from ravabet.persian.halfspace import repair_half_spaces

_STORAGE = {chr(k): v or "" for k, v in storage_table().items() if chr(k) != v}
_TO_PERSIAN_DIGITS = str.maketrans(LATIN_DIGITS + ARABIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_LATIN_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_ARABIC_TO_PERSIAN_DIGITS = str.maketrans(ARABIC_DIGITS, PERSIAN_DIGITS)

# Spans that pass through untouched are swapped for this private-use character while the
# rest of the text is rewritten, then put back in order. An input that already contains
# the character has it protected too, so the swap is always lossless.
_HOLE = "\ue000"

_L = PERSIAN_LETTERS
_D = "0-9۰-۹٠-٩"
_LATIN_WORD_REST = r"(?:[A-Za-z0-9_'’&+#@./\-]*[A-Za-z0-9])?"
_LATIN_WORD = r"[A-Za-z0-9]" + _LATIN_WORD_REST
# The pattern starts with one character class, the first character of every kind of span,
# so that the regex engine skips to those characters instead of trying every position;
# each kind then checks that character with a look-behind and matches the rest.
_PROTECT = re.compile(
    f"[A-Za-z{_D}{_HOLE}]"
    + "(?:"
    + "|".join(
        (
            # A URL ends before trailing punctuation, which belongs to the sentence.
            r"(?P<url>(?:(?<=[A-Za-z])[A-Za-z0-9+.\-]*://|(?<=w)ww\.)[^\s<>\"«»]+)",
            r"(?P<email>(?<=[A-Za-z0-9])[A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)",
            # Decimals, dates, times, phone numbers, thousands: digits with separators.
            rf"(?P<number>(?<=[{_D}])[{_D}]*(?:[.,:/\-٫٬][{_D}]+)+)",
            # Latin words with the spaces and ASCII punctuation between them; a run without a
            # letter is a plain number and is handled as Persian prose.
            rf"(?P<latin>(?<=[A-Za-z0-9]){_LATIN_WORD_REST}(?:[ ,;:!?()\"'.\-]+{_LATIN_WORD})*)",
            f"(?P<hole>(?<={_HOLE}))",
        )
    )
    + ")"
)
_URL_TAIL = ".,;:!?،؛؟)]}'\"»"
# A decimal number: digits, one point, digits (12.6, ۱۲.۶, ۱۲٫۶).
_DECIMAL = re.compile(f"[{_D}]+[.٫][{_D}]+")
_HAS_LATIN_LETTER = re.compile("[A-Za-z]")

_BLANK_LINES = re.compile("\n{3,}")
_ZWNJ_RUNS = re.compile(f"{ZWNJ}{{2,}}")
# A half-space only means something between two letters. (Each pattern below starts with
# the character it is about, not with a look-behind, so the regex engine can skip ahead to
# that character instead of trying every position.)
_STRAY_ZWNJ = re.compile(f"{ZWNJ}(?<![{_L}\u0654]{ZWNJ})|{ZWNJ}(?![{_L}])")
_STRAY_HAMZA = re.compile("\u0654(?<!ه\u0654)")
_STRAY_TANWIN = re.compile("\u064b(?<![اء]\u064b)(?!ا)")

_CLOSERS = "،؛:!؟?.»)\\]}"
# Runs of spaces are collapsed first, so one space is all there is to remove.
_SPACE_BEFORE_CLOSER = re.compile(f" (?=[{_CLOSERS}])")
_WORDISH = f"{_L}{_D}{_HOLE}"
# «:» and «.» get a following space only after a word, so «ج.ا.ا» and «10:30» keep theirs.
_NEED_SPACE_AFTER_COLON = re.compile(f":(?<=[{_L}{_HOLE}»)]:)(?=[{_WORDISH}«(])")
_NEED_SPACE_AFTER_DOT = re.compile(f"\\.(?:(?<=[{_L}{_D}»)]{{2}}\\.)|(?<=\\.\\.\\.))(?=[{_L}«(])")
# Openers and closers in one pass (a regex pass over the whole text costs about as much
# as the few matches it finds): a space after an opener is dropped, a closer gets a
# space before a word or an opener, and an opener gets a space after a word. The opener
# rule reads the character before it in the input: the closers' spaces and the dropped
# spaces never put a word character before an opener, so it sees what it would see after
# them (a closer before an opener is the closer rule's, which leaves a space there).
# (The pattern starts with one character class, so that the engine skips to those
# characters; alternatives that start with named groups would make it try every position.)
_OPENERS = "«(\\[{"
_SPACED_CLOSERS = "،؛!؟»)\\]}"
_BRACKETS = re.compile(
    f"[{_OPENERS}{_SPACED_CLOSERS}]"
    f"(?:(?<=[{_OPENERS}]) +|(?<=[{_WORDISH}][{_OPENERS}])"
    f"|(?<=[{_SPACED_CLOSERS}])(?=[{_WORDISH}{_OPENERS}]))"
)
_WORDISH_CHARS = frozenset(_L + "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩" + _HOLE)
_LETTERS = frozenset(_L)
# A Persian digit next to a letter gets a space on that side, in one pass. Ordinal endings
# stay on their number: «۲۰م», «۳۰ام», «۱۲مین».
_LETTER_AFTER_DIGIT = f"(?=[{_L}])(?!(?:ام|امین|مین|م|ین|ای)(?![{_L}]))"
_DIGIT_BY_LETTER = re.compile(f"[۰-۹](?:(?<=[{_L}][۰-۹])|{_LETTER_AFTER_DIGIT})")
_LETTER_AFTER = re.compile(_LETTER_AFTER_DIGIT)
# Characters only the full translate table handles; the common Arabic ي and ك are
# replaced with str.replace, which is much faster than translate on long text.
_RARE = re.compile("[" + "".join(sorted({re.escape(c) for c in _STORAGE if c not in "يك"})) + "]")


def _check(text: object, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name}() expects str, got {type(text).__name__}")
    return text


def to_persian_digits(text: str) -> str:
    """Every Latin and Arabic-Indic digit as a Persian digit (for display)."""
    return _check(text, "to_persian_digits").translate(_TO_PERSIAN_DIGITS)


def to_latin_digits(text: str) -> str:
    """Every Persian and Arabic-Indic digit as a Latin digit (for parsing and keys)."""
    return _check(text, "to_latin_digits").translate(_TO_LATIN_DIGITS)


def normalize(text: str) -> str:
    """Bring Persian text to Ravabet's storage spelling.

    Letters, digits, diacritics, punctuation spacing and half-spaces are corrected; URLs,
    e-mail addresses, numbers with separators and Latin text pass through untouched.
    Idempotent, and never raises on a str.
    """
    return _normalize(_check(text, "normalize"), repair=True)


def normalize_characters(text: str) -> str:
    """normalize() without the half-space repair: letters, digits, spacing only."""
    return _normalize(_check(text, "normalize_characters"), repair=False)


def _normalize(text: str, *, repair: bool) -> str:
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    text = _PROTECT.sub(lambda m: _protect(m, kept), text)
    text = text.replace("ي", "ی").replace("ك", "ک")
    if _RARE.search(text):
        text = _RARE.sub(_rare_char, text)
    text = _fix_marks(text)
    text = _fix_spacing(text)
    if repair:
        text = repair_half_spaces(text)
    if kept:
        pieces = text.split(_HOLE)
        # The rewriting never creates or drops a hole, so the counts always agree; the
        # guard only keeps a broken invariant from raising on user text.
        if len(pieces) == len(kept) + 1:
            out = [pieces[0]]
            for original, piece in zip(kept, pieces[1:], strict=True):
                out.append(original)
                out.append(piece)
            text = "".join(out)
    return text.strip()


def _rare_char(match: re.Match[str]) -> str:
    return _STORAGE[match.group()]


def _protect(match: re.Match[str], kept: list[str]) -> str:
    kind = match.lastgroup
    span = match.group()
    if kind == "latin" and not _HAS_LATIN_LETTER.search(span):
        # A bare number in Persian prose is written with Persian digits.
        return span.translate(_TO_PERSIAN_DIGITS)
    tail = ""
    if kind == "url":
        stripped = span.rstrip(_URL_TAIL)
        # Keep a closing parenthesis that belongs to the URL (Wikipedia links).
        if span[len(stripped) : len(stripped) + 1] == ")" and stripped.count("(") > stripped.count(
            ")"
        ):
            stripped += ")"
        tail = span[len(stripped) :]
        span = stripped
    elif kind == "number":
        if _DECIMAL.fullmatch(span):
            # A decimal in Persian prose is written «۱۲٫۶»: Persian digits, the Persian
            # decimal separator. Dates, times, versions (1.2.3), phones and thousands stay.
            span = span.translate(_TO_PERSIAN_DIGITS).replace(".", "٫")
        else:
            span = span.translate(_ARABIC_TO_PERSIAN_DIGITS)
    kept.append(span)
    return _HOLE + tail


def _fix_marks(text: str) -> str:
    """Compose or drop the combining marks the translate table could not decide alone."""
    if "\u0653" in text:
        text = text.replace("ا\u0653", "آ").replace("\u0653", "")
    if "\u0654" in text:
        text = text.replace("ا\u0654", "أ").replace("و\u0654", "ؤ").replace("ی\u0654", "ئ")
        text = _STRAY_HAMZA.sub("", text)
        while "\u0654\u0654" in text:
            text = text.replace("\u0654\u0654", "\u0654")
    if "\u064b" in text:
        text = _STRAY_TANWIN.sub("", text)
    return text


def _fix_spacing(text: str) -> str:
    if ZWNJ in text:
        if ZWNJ + ZWNJ in text:
            text = _ZWNJ_RUNS.sub(ZWNJ, text)
        text = _STRAY_ZWNJ.sub("", text)
    # Halving runs of spaces until none is left is faster than a regex pass.
    while "  " in text:
        text = text.replace("  ", " ")
    if "\n" in text:
        # Runs of spaces are single by now, so plain replaces clear the line edges.
        text = text.replace(" \n", "\n").replace("\n ", "\n")
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    text = _SPACE_BEFORE_CLOSER.sub("", text)
    text = _BRACKETS.sub(_bracket, text)
    if ":" in text:
        text = _NEED_SPACE_AFTER_COLON.sub(": ", text)
    text = _NEED_SPACE_AFTER_DOT.sub(". ", text)
    return _DIGIT_BY_LETTER.sub(_digit_by_letter, text)


def _bracket(match: re.Match[str]) -> str:
    char = match.group()[0]
    if char not in "«([{":
        return char + " "  # a closer before a word or an opener
    start = match.start()
    if start and match.string[start - 1] in _WORDISH_CHARS:
        return " " + char
    return char


def _digit_by_letter(match: re.Match[str]) -> str:
    digit = match.group()
    start = match.start()
    text = match.string
    if start and text[start - 1] in _LETTERS:
        digit = " " + digit
    if _LETTER_AFTER.match(text, start + 1):
        digit += " "
    return digit

"""Character tables shared by the normalizer, the search key and the tokenizer."""

from __future__ import annotations

import unicodedata

ZWNJ = "\u200c"

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

# Letters of the Persian alphabet plus the Arabic forms Persian text keeps (hamza seats,
# teh marbuta). A "word" for the half-space rules is a run of these and ZWNJ.
PERSIAN_LETTERS = "ءآأؤإئابتثجحخدذرزسشصضطظعغفقلمنهوپچژکگیةۀ"

# Letters that never join the following letter: after them a ZWNJ is invisible, so a glued
# suffix already looks right and the repair leaves it alone.
NON_JOINING = frozenset("ءآأؤإادذرزژوۀة")

# Diacritics Persian prose does not need. Fathatan (U+064B) is handled apart because «اً»
# (اخیراً, کاملاً) is correct spelling; hamza above (U+0654) and maddah (U+0653) are
# composed or kept by the normalizer.
DROP_DIACRITICS = "\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0655\u0656\u0657\u0658\u0670"

KASHIDA = "\u0640"

# Invisible characters that carry nothing in stored prose (ZWSP, BOM, soft hyphen, bidi
# marks and embeddings); ZWNJ is not among them.
INVISIBLE = (
    "\u200b\u200d\u200e\u200f\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ODD_SPACES = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000\t\v\f"
)

_LETTER_MAP = {
    "ي": "ی",
    "ى": "ی",
    "ې": "ی",
    "ێ": "ی",
    "ۍ": "ی",
    "ی": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ګ": "ک",
    "ٱ": "ا",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "ۂ": "هٔ",
    "ۀ": "هٔ",
    "ٲ": "أ",
    "ٳ": "إ",
    "ٵ": "أ",
    "ٶ": "ؤ",
    "ٸ": "ئ",
}


def _presentation_forms() -> dict[int, str]:
    """Map Arabic presentation forms (FB50-FDFF, FE70-FEFF) to base letters.

    Only forms that decompose to one or two letters are mapped, so the normalizer never
    grows a string by more than one character per input character; the long ligatures
    (ﷺ, ﷽) are left as written.
    """
    table: dict[int, str] = {}
    for start, end in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF)):
        for code in range(start, end + 1):
            char = chr(code)
            decomposed = unicodedata.normalize("NFKC", char)
            if decomposed == char or not 0 < len(decomposed) <= 2:
                continue
            if not all("\u0600" <= c <= "\u06ff" for c in decomposed):
                continue
            table[code] = "".join(_LETTER_MAP.get(c, c) for c in decomposed)
    return table


def storage_table() -> dict[int, str | None]:
    """The str.translate table used by normalize() on unprotected text."""
    table: dict[int, str | None] = {}
    table.update(_presentation_forms())
    table.update({ord(k): v for k, v in _LETTER_MAP.items()})
    table.update({ord(a): p for a, p in zip(ARABIC_DIGITS, PERSIAN_DIGITS, strict=True)})
    for char in DROP_DIACRITICS + KASHIDA + INVISIBLE:
        table[ord(char)] = None
    for char in ODD_SPACES:
        table[ord(char)] = " "
    # C0/C1 control characters other than newline become spaces: a stray \x0b between two
    # words must not glue them together.
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        if chr(code) not in "\n\r":
            table[code] = " "
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    return table


def key_table() -> dict[int, str | None]:
    """The str.translate table for search keys: every spelling variant folds together."""
    table = storage_table()
    folds = {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "ة": "ه",
        "ۀ": "ه",
        "ۂ": "ه",
        "\u0654": None,
        "\u0653": None,
        "\u064b": None,
        "ء": None,
    }
    fold_table = {ord(k): v for k, v in folds.items()}
    # Values the storage table produces (ۀ → هٔ, ﻷ → لأ) are folded too.
    for code, value in list(table.items()):
        if value:
            table[code] = value.translate(fold_table)
    table.update(fold_table)
    for p, a, latin in zip(PERSIAN_DIGITS, ARABIC_DIGITS, LATIN_DIGITS, strict=True):
        table[ord(p)] = latin
        table[ord(a)] = latin
    return table


def canonical_half_spaces(word: str) -> str:
    """Drop the half-spaces that follow a non-joining letter, where they are invisible."""
    if ZWNJ not in word:
        return word
    out = []
    for i, char in enumerate(word):
        if char == ZWNJ and i and word[i - 1] in NON_JOINING:
            continue
        out.append(char)
    return "".join(out)

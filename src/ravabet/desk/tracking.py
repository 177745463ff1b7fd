"""Tracking codes: twelve digits, read aloud in three groups of four («۴۸۲۷-۱۹۳۵-۰۶۱۲»).

Eleven random digits (10¹¹ codes: with a million messages, one guess in a hundred thousand
hits one, and lookups are rate-limited per address) and a Luhn check digit, so a mistyped
or misheard digit is told as such before any lookup. Persian, Arabic-Indic or Latin digits,
with or without dashes and spaces, are all accepted.
"""

from __future__ import annotations

import re
import secrets

from ravabet.persian import to_latin_digits, to_persian_digits

LENGTH = 12
_NOISE = re.compile(r"[\s\-–—_.‌/]")


def _luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def new_code() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(LENGTH - 1))
    # A leading zero is easy to drop when read aloud; start at 1.
    if body[0] == "0":
        body = str(secrets.randbelow(9) + 1) + body[1:]
    return body + _luhn_digit(body)


def clean(text: str) -> str | None:
    """The code's twelve Latin digits from what a person typed, or None if it cannot be one
    (wrong length, a letter, or a check digit that does not match)."""
    digits = _NOISE.sub("", to_latin_digits(text or "")[:64])
    if len(digits) != LENGTH or not digits.isdigit():
        return None
    if _luhn_digit(digits[:-1]) != digits[-1]:
        return None
    return digits


def display(code: str) -> str:
    """«۴۸۲۷-۱۹۳۵-۰۶۱۲» for a page; reads right-to-left as three groups."""
    return to_persian_digits("-".join(code[i : i + 4] for i in range(0, len(code), 4)))

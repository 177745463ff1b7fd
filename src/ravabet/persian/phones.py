"""Iranian phone numbers as people write them: «۰۹۱۲ ۱۲۳ ۴۵۶۷», «+98 912-123-4567», «9121234567».

`phone_number` gives the eleven digits with the leading zero («09121234567») or None;
`mobile_number` the same for a mobile (09…) only.
"""

from __future__ import annotations

import re

from ravabet.persian.normalizer import to_latin_digits

_SEPARATORS = re.compile(r"[\s\-–()+.\u200c\u200f\u200e]")


def phone_number(value: str) -> str | None:
    """The number as «0» and ten digits, or None if it is not an Iranian number."""
    digits = _SEPARATORS.sub("", to_latin_digits(value or ""))
    if len(digits) > 20:
        return None
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif len(digits) == 10 and digits.startswith("9"):
        digits = "0" + digits
    return digits if re.fullmatch(r"0\d{10}", digits) else None


def mobile_number(value: str) -> str | None:
    """A mobile number as «09» and nine digits, or None."""
    number = phone_number(value)
    return number if number is not None and number.startswith("09") else None


def masked(number: str) -> str:
    """«0912***4567»: enough for a person to recognise their own number, no more."""
    if len(number) < 8:
        return "***"
    return number[:4] + "***" + number[-4:]

"""The checks every capability's service input makes of text people send: length and characters.

Each capability keeps its own limits and Persian labels beside its input (newsroom's
`MAX_CHARS`, events' `MAX_CHARS`) and asks here why a text is refused, so every form, API and
importer refuses the same input with the same message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from ravabet.core import jalali
from ravabet.persian import to_persian_digits

# NUL cannot be stored by PostgreSQL, and a lone surrogate (JSON's "\ud800" decodes to one)
# cannot be encoded for any database: neither belongs in text a person wrote.
INVALID_CHARS = re.compile("[\x00\ud800-\udfff]")


def _number(value: int) -> str:
    return to_persian_digits(f"{value:,}".replace(",", "٬"))


def text_error(value: str, *, label: str, limit: int) -> str | None:
    """Why a text is refused, in Persian, or None: too long, or a character no text has."""
    if len(value) > limit:
        return (
            f"«{label}» {_number(len(value))} نویسه است؛ بیش از "
            f"{_number(limit)} نویسه پذیرفته نمی‌شود. آن را کوتاه‌تر کنید."
        )
    if INVALID_CHARS.search(value):
        return (
            f"«{label}» نویسهٔ نامعتبر دارد (نویسهٔ تهی یا نیمهٔ تنهای یک نویسهٔ یونیکد)؛ "
            "متن را دوباره از منبع بچسبانید."
        )
    return None


def check_texts(texts: Iterable[tuple[str, str | None, str, int]]) -> None:
    """Raise one ValidationError keyed by field for every (field, text, label, limit) refused."""
    errors: dict[str, list[str]] = {}
    for name, value, label, limit in texts:
        if value is None:
            continue
        message = text_error(value, label=label, limit=limit)
        if message:
            errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def check_moment(name: str, value: dt.datetime | None) -> dt.datetime | None:
    """An aware moment in the years people schedule in (Jalali 1300–1499); a naive one is Tehran
    wall-clock time, refused if a daylight-saving change skipped it. Errors are keyed by `name`."""
    if value is None:
        return None
    if not jalali.in_supported_range(value):
        raise ValidationError({name: jalali.OUT_OF_RANGE_MESSAGE})
    if timezone.is_naive(value):
        try:
            return jalali.make_aware_local(value)
        except jalali.NonexistentLocalTime as exc:
            raise ValidationError({name: jalali.NONEXISTENT_MESSAGE}) from exc
    return value

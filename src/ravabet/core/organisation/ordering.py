"""Names in Persian alphabetical order: پ after ب, not after و as Unicode code points put it.

Neither SQLite nor every PostgreSQL build knows a Persian collation, so lists of counties and
agencies (small tables) are ordered in Python: their QuerySet sorts what it fetched by
``persian_sort_key`` when it was asked for name order (the model's default).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import models

PERSIAN_ALPHABET = "اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"

_RANK: dict[str, int] = {ch: i + 1 for i, ch in enumerate(PERSIAN_ALPHABET)}
# Arabic forms and hamza seats sort with the Persian letter they are read as.
for _variant, _letter in {
    "ك": "ک",
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ة": "ه",
    "ۀ": "ه",
}.items():
    _RANK[_variant] = _RANK[_letter]
# Word breaks first, so «آب» comes before «آباده»; anything else after the alphabet.
_BREAK = 0
_OTHER = len(PERSIAN_ALPHABET) + 1
_IGNORED = {"\u064b", "\u064c", "\u064d", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652"}


def persian_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """A key that orders Persian text by the Persian alphabet (ا آ ب پ ت … و ه ی)."""
    key: list[tuple[int, int]] = []
    for ch in text:
        if ch in _IGNORED:
            continue
        if ch.isspace() or ch in "\u200c\u200d-":
            key.append((_BREAK, 0))
        elif ch in _RANK:
            key.append((_RANK[ch], 0))
        else:
            key.append((_OTHER, ord(ch.lower())))
    return tuple(key)


M = TypeVar("M", bound=models.Model)

_NAME_ORDER = ((), ("name",), ("name", "pk"), ("name", "id"))


class PersianNameQuerySet(models.QuerySet[M]):
    """Rows fetched in name order come out in Persian alphabetical order.

    A slice is the database's rows for that slice, sorted among themselves: a whole list (or
    a slice as long as the table, [:500]) comes out in Persian order; pages keep their rows.
    Rows asked in any other order and values() are left alone.
    """

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._sorts_by_name():
            rows: list[Any] = self._result_cache  # type: ignore[assignment]
            rows.sort(key=lambda row: persian_sort_key(row.name))

    def iterator(self, chunk_size: int | None = None) -> Iterator[M]:
        # A form's choices are read through iterator(): sorted too (these tables are small).
        rows = super().iterator(chunk_size)
        if self._sorts_by_name():
            return iter(sorted(rows, key=lambda row: persian_sort_key(row.name)))  # type: ignore[attr-defined]
        return rows

    def _sorts_by_name(self) -> bool:
        query = self.query
        if self._iterable_class is not models.query.ModelIterable:
            return False
        if not query.order_by:
            return query.default_ordering and tuple(self.model._meta.ordering or ()) == ("name",)
        return tuple(query.order_by) in _NAME_ORDER

"""Page numbers, limits and offsets from query strings: parsed once, clamped, never an error.

Every paginated read (portal lists, back office, audit log, search, the API's limit/offset)
reads its numbers through here. `str.isdigit()` says yes to «²» and int() refuses it; int()
refuses strings longer than 4,300 digits; a negative or absurd number must not reach a slice.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from ravabet.persian import to_latin_digits

MAX_PAGE = 100_000
MAX_LIMIT = 100
MAX_OFFSET = 10_000_000
# Longer than this is "huge", whatever the digits: it is clamped without calling int() on it.
_MAX_DIGITS = 18
_INTEGER = re.compile(r"([+-]?)0*([0-9]+)")


def parse_int(value: object, *, default: int, minimum: int, maximum: int) -> int:
    """An int within [minimum, maximum] from whatever a query string gave; `default` for junk.

    Takes ints, floats, and text of ASCII, Persian or Arabic-Indic digits with an optional sign;
    anything else («²», «1e3», «0x10», «abc», "") gives `default`. A number beyond the range is
    clamped, however many digits it has.
    """
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value == value and abs(value) < 1e12 else None
    elif isinstance(value, str):
        match = _INTEGER.fullmatch(to_latin_digits(value.strip()))
        if match:
            sign, digits = match.groups()
            if len(digits) > _MAX_DIGITS:
                number = minimum if sign == "-" else maximum
            else:
                number = int(sign + digits)
    if number is None:
        return default
    return min(max(number, minimum), maximum)


def parse_page(value: object) -> int:
    """A page number from 1 to MAX_PAGE; 1 for anything that is not a number."""
    return parse_int(value, default=1, minimum=1, maximum=MAX_PAGE)


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The page of `items` asked for by ?page=; past the last page gives the last page."""
    return Paginator(items, per_page).get_page(parse_page(request.GET.get("page")))


class Converted:
    """A queryset whose rows become API objects only when a page of them is sliced out.

    Returned by a paginated endpoint instead of a list, so that a request for 20 items converts
    20 rows, not the whole table: `convert` runs on the slice the paginator takes.
    """

    def __init__(self, queryset: Any, convert: Any) -> None:
        self.queryset, self.convert = queryset, convert

    def all(self) -> Converted:  # the paginator counts through .all().count()
        return self

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        return [self.convert(row) for row in self.queryset[key]]


class LimitOffset(LimitOffsetPagination):
    """The API's limit/offset pagination with the same forgiving parser as the pages.

    Both arrive as text so that no value can make the request fail: a bad limit means the
    default, a limit above MAX_LIMIT means MAX_LIMIT, an offset past the end an empty page.
    For synchronous operations (every endpoint of this API is).
    """

    class Input(Schema):
        limit: str = Field(
            str(MAX_LIMIT), description=f"how many items (1–{MAX_LIMIT}; default {MAX_LIMIT})"
        )
        offset: str = Field("0", description="how many items to skip (default 0)")

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        limit = parse_int(pagination.limit, default=MAX_LIMIT, minimum=1, maximum=MAX_LIMIT)
        offset = parse_int(pagination.offset, default=0, minimum=0, maximum=MAX_OFFSET)
        return {
            self.items_attribute: queryset[offset : offset + limit],
            "count": self._items_count(queryset),
        }

"""Shared API schemas, and the API's validation errors in Persian."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ninja import Query, Schema
from pydantic import WithJsonSchema

from ravabet.persian import to_persian_digits


class ErrorOut(Schema):
    detail: str


def one_of(values: Iterable[str], *, default: str = "", description: str = "") -> Any:
    """A query parameter that takes one of `values` (or empty, when that is the default): the
    OpenAPI document lists them as an enum; the view refuses anything else itself (400).

    Given as the parameter's default rather than in its annotation: a paginated view's string
    annotations are resolved in ninja's module, where no alias of ours is defined."""
    choices = list(values) if default else ["", *values]
    param = Query(default, description=description)
    param.metadata.append(WithJsonSchema({"type": "string", "enum": choices}))
    return param


class ValidationErrorItem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) in Persian;
# {name} is filled from the error's ctx, numbers in Persian digits.
MESSAGES: dict[str, str] = {
    "missing": "این مقدار لازم است.",
    "extra_forbidden": "این مقدار شناخته نیست.",
    "string_type": "این مقدار باید متن باشد.",
    "string_too_short": "این متن باید دست‌کم {min_length} نویسه باشد.",
    "string_too_long": "این متن باید حداکثر {max_length} نویسه باشد.",
    "string_pattern_mismatch": "این متن شکل درستی ندارد.",
    "string_unicode": "این متن باید یونیکد درست باشد.",
    "int_type": "این مقدار باید عدد صحیح باشد.",
    "int_parsing": "این مقدار باید عدد صحیح باشد.",
    "int_from_float": "این مقدار باید عدد صحیح باشد، نه اعشاری.",
    "float_type": "این مقدار باید عدد باشد.",
    "float_parsing": "این مقدار باید عدد باشد.",
    "decimal_parsing": "این مقدار باید عدد باشد.",
    "greater_than": "این عدد باید بزرگ‌تر از {gt} باشد.",
    "greater_than_equal": "این عدد باید دست‌کم {ge} باشد.",
    "less_than": "این عدد باید کوچک‌تر از {lt} باشد.",
    "less_than_equal": "این عدد باید حداکثر {le} باشد.",
    "bool_type": "این مقدار باید درست یا نادرست (true/false) باشد.",
    "bool_parsing": "این مقدار باید درست یا نادرست (true/false) باشد.",
    "list_type": "این مقدار باید فهرست باشد.",
    "dict_type": "این مقدار باید شیء JSON باشد.",
    "model_type": "این مقدار باید شیء JSON باشد.",
    "model_attributes_type": "این مقدار باید شیء JSON باشد.",
    "too_short": "این فهرست باید دست‌کم {min_length} مورد داشته باشد.",
    "too_long": "این فهرست باید حداکثر {max_length} مورد داشته باشد.",
    "enum": "این مقدار باید یکی از این‌ها باشد: {expected}.",
    "literal_error": "این مقدار باید یکی از این‌ها باشد: {expected}.",
    "datetime_type": "این مقدار باید زمان باشد.",
    "datetime_parsing": "زمان درست نیست؛ به شکل ISO بنویسید، مانند 2025-05-17T10:00:00.",
    "datetime_from_date_parsing": "زمان درست نیست؛ به شکل ISO بنویسید، مانند 2025-05-17T10:00:00.",
    "date_type": "این مقدار باید تاریخ باشد.",
    "date_parsing": "تاریخ درست نیست؛ به شکل ISO بنویسید، مانند 2025-05-17.",
    "date_from_datetime_parsing": "تاریخ درست نیست؛ به شکل ISO بنویسید، مانند 2025-05-17.",
    "time_parsing": "ساعت درست نیست؛ به شکل 10:30 بنویسید.",
    "uuid_parsing": "این شناسه درست نیست.",
    "uuid_type": "این شناسه درست نیست.",
    "url_parsing": "این نشانی درست نیست.",
    "url_type": "این نشانی درست نیست.",
    "url_scheme": "این نشانی باید با http یا https آغاز شود.",
    "value_error": "این مقدار درست نیست.",
    "json_invalid": "بدنهٔ درخواست JSON درستی نیست.",
    "json_type": "این مقدار باید JSON باشد.",
}
FALLBACK = "این مقدار درست نیست."


def persian_message(error: Mapping[str, Any]) -> str:
    """The Persian message of one pydantic error (its type and ctx)."""
    template = MESSAGES.get(str(error.get("type", "")), FALLBACK)
    ctx = error.get("ctx") or {}
    values = {key: to_persian_digits(str(value)) for key, value in ctx.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a ctx without the number the message names
        return FALLBACK


def persian_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's (or ninja's) validation errors with Persian messages, their location kept."""
    return [
        {
            "type": str(error.get("type", "")),
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": persian_message(error),
        }
        for error in errors
    ]

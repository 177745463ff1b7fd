"""Template filters for Jalali dates and Persian numbers (built into every template)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ravabet.core import jalali
from ravabet.persian import to_persian_digits

register = template.Library()


@register.filter
def jdate(value: dt.date | dt.datetime | None) -> str:
    return jalali.format_date(value)


@register.filter
def jdatetime(value: dt.datetime | None) -> str:
    return jalali.format_datetime(value)


@register.filter
def jshort(value: dt.date | dt.datetime | None) -> str:
    return jalali.format_short(value)


@register.filter
def fa_digits(value: Any) -> str:
    return "" if value is None else to_persian_digits(str(value))


@register.filter
def fa_number(value: Any) -> str:
    return jalali.format_number(value)


@register.filter
def jtime(value: dt.datetime | None) -> SafeString | str:
    """A <time> element: relative text, the full date on hover/focus, ISO for machines."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        jalali.format_datetime(value),
        jalali.format_relative(value),
    )

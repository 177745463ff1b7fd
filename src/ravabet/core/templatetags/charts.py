"""Template filters for published figures: shares and averages in Persian, «—» when there is
no figure (`{% load charts %}`; the SVG charts themselves come from ravabet.core.charts)."""

from __future__ import annotations

from typing import Any

from django import template

from ravabet.core import charts

register = template.Library()

NO_FIGURE = "—"


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def fa_percent(value: Any, digits: int = 0) -> str:
    """A share from 0 to 1 as «۸۵٪»; «—» when there is none."""
    share = _float(value)
    return NO_FIGURE if share is None else charts.percent(share, int(digits))


@register.filter
def fa_decimal(value: Any, digits: int = 1) -> str:
    """«۴٫۲»; «—» when there is no figure."""
    number = _float(value)
    return NO_FIGURE if number is None else charts.decimal(number, int(digits))

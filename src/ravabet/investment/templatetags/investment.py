"""Filters and tags of investment's pages: money in rials and tomans with Persian digits and
words, Persian decimals, and the tiles of the county map (geo.py's schematic grid; the SVG
itself is the template investment/_map.html)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from ravabet.investment import geo
from ravabet.persian import to_persian_digits
from ravabet.persian.money import Money, to_words

register = template.Library()


def _money(value: Any) -> Money | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Money(int(value))
    except (TypeError, ValueError):
        return None


@register.filter
def rials(value: Any) -> str:
    """250000000000 → «۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال»; nothing for no amount."""
    money = _money(value)
    return money.rials_text if money else ""


@register.filter
def tomans(value: Any) -> str:
    """250000000000 (rials) → «۲۵٬۰۰۰٬۰۰۰٬۰۰۰ تومان»."""
    money = _money(value)
    return money.tomans_text if money else ""


@register.filter
def tomans_words(value: Any) -> str:
    """250000000000 (rials) → «۲۵ میلیارد تومان» (rounded to one decimal)."""
    money = _money(value)
    return money.tomans_short if money else ""


@register.filter
def tomans_spelled(value: Any) -> str:
    """250000000000 (rials) → «بیست و پنج میلیارد تومان» (exact, in words)."""
    money = _money(value)
    return money.tomans_words if money else ""


@register.filter
def words(value: Any) -> str:
    """A whole number in Persian words."""
    money = _money(value)
    return to_words(money.rials) if money else ""


@register.filter
def fa_filesize(value: Any) -> str:
    """A file's size in bytes as «۲۳۴ کیلوبایت» or «۱٫۲ مگابایت»."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size < 1024 * 1024:
        return f"{to_persian_digits(str(max(1, round(size / 1024))))} کیلوبایت"
    return f"{fa_decimal(round(size / 2**20, 1))} مگابایت"


@register.filter
def fa_decimal(value: Any) -> str:
    """Decimal("18.50") → «۱۸٫۵»: Persian digits and decimal separator, no trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return ""
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return to_persian_digits(text.replace(".", "٫"))


# The map's cells (SVG units) and its fill scale, from no opportunity to the most.
CELL_WIDTH, CELL_HEIGHT, GAP = 100, 72, 6
SCALE = ("#eef2f1", "#cfe6e2", "#9dcbc4", "#5fa79d", "#0b5c55")
DARK_TEXT, LIGHT_TEXT = "#1b1f23", "#ffffff"


@register.simple_tag
def county_tiles(counts: dict[str, int], query: str = "", selected: str = "") -> dict[str, Any]:
    """What investment/_map.html draws: a tile per county with its place, count, fill (five
    steps from none to the most) and link (the catalogue with `query`, the other filters, and
    that county); the drawing's size."""
    top = max(counts.values(), default=0)
    base = reverse("investment:catalogue")
    tiles = []
    for tile in geo.TILES:
        count = counts.get(tile.slug, 0)
        level = 0 if not count or not top else max(1, min(4, -(-count * 4 // top)))
        link = f"{base}?{query + '&' if query else ''}county={tile.slug}"
        tiles.append(
            {
                "slug": tile.slug,
                "name": tile.name,
                "count": count,
                "count_text": to_persian_digits(str(count)),
                "x": GAP + tile.column * (CELL_WIDTH + GAP),
                "y": GAP + tile.row * (CELL_HEIGHT + GAP),
                "cx": GAP + tile.column * (CELL_WIDTH + GAP) + CELL_WIDTH // 2,
                "name_y": GAP + tile.row * (CELL_HEIGHT + GAP) + 30,
                "count_y": GAP + tile.row * (CELL_HEIGHT + GAP) + 54,
                "fill": SCALE[level],
                "text": LIGHT_TEXT if level >= 3 else DARK_TEXT,
                "level": level,
                "selected": tile.slug == selected,
                "url": link,
            }
        )
    return {
        "tiles": tiles,
        "width": GAP + geo.GRID_COLUMNS * (CELL_WIDTH + GAP),
        "height": GAP + geo.GRID_ROWS * (CELL_HEIGHT + GAP),
        "cell_width": CELL_WIDTH,
        "cell_height": CELL_HEIGHT,
        "legend": [{"fill": fill, "level": level} for level, fill in enumerate(SCALE)],
        "total": sum(counts.values()),
    }

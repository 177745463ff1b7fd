"""Charts drawn on the server as inline SVG: right-to-left, Persian digits, no script.

Two shapes cover the figures the capabilities publish: a horizontal bar chart (one bar per
agency, labels on the right, bars growing leftwards) and a monthly chart of one or more series
(grouped columns, or lines), months running from right to left. Each function returns markup
that is safe to put in a page: every label and name is escaped here, and nothing else the
caller gives reaches the output but numbers this module formats itself. No inline style and no
script (the CSP refuses both): colours are presentation attributes and classes the stylesheet
may override. Sizes are bounded (bars, categories, series, characters of a label), so a long
list or a hostile label cannot make a huge drawing.

The chart is an image with a title and a one-sentence summary (`role="img"`, `<title>`,
`<desc>`); the page keeps a table of the same figures beside it for screen readers and for
anyone who wants the numbers.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ravabet.core.jalali import format_number
from ravabet.persian import to_persian_digits

# Bounds: what one chart draws at most, whatever it is given.
MAX_BARS = 60
MAX_CATEGORIES = 60
MAX_SERIES = 6
MAX_LABEL_CHARS = 40
MIN_WIDTH, MAX_WIDTH = 240, 1200
MIN_HEIGHT, MAX_HEIGHT = 140, 800

# Colours of the series, in order (the stylesheet's `.chart__series--N` may replace them).
PALETTE = ("#0b5c55", "#f2b84b", "#0a5294", "#b00020", "#6b4a00", "#4b2270")
BAR_FILL = PALETTE[0]
# A series' own colour must be a hex colour: it is written into an attribute.
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MUTED_FILL = "#9aa3ab"
TEXT_FILL = "#1b1f23"
GRID_STROKE = "#d5d9dc"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_IDENT = re.compile(r"[^a-z0-9-]")

Formatter = Callable[[float], str]


def percent(share: float, digits: int = 0) -> str:
    """A share from 0 to 1 as «۸۵٪» (or «۸۵٫۳٪» with one digit)."""
    value = round(share * 100, digits)
    text = f"{value:.{digits}f}" if digits else str(int(value))
    return to_persian_digits(text.replace(".", "٫")) + "٪"


def decimal(value: float, digits: int = 1) -> str:
    """«۴٫۲»: a number with a fixed count of decimals, Persian digits and separator."""
    return to_persian_digits(f"{value:.{digits}f}".replace(".", "٫"))


def number(value: float) -> str:
    """«۱٬۲۳۴»: a whole number with the Persian thousands separator."""
    return format_number(round(value))


def _clean(text: object, limit: int = MAX_LABEL_CHARS) -> str:
    """Text as it may appear in the drawing: printable, one line, cut short, escaped."""
    value = str(text)
    # Lone surrogates cannot be encoded in the page: drop them.
    value = value.encode("utf-8", "ignore").decode("utf-8")
    value = _CONTROL.sub(" ", value)
    value = "".join(c for c in value if unicodedata.category(c) != "Co")
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return str(escape(value))


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return max(value, 0.0)


def _ident(ident: str, title: str) -> str:
    """An id for the title and summary elements: the caller's (cleaned) or one from the title."""
    cleaned = _IDENT.sub("", ident.lower())[:40]
    if cleaned and cleaned[0].isalpha():
        return cleaned
    digest = hashlib.sha256(title.encode("utf-8", "ignore")).hexdigest()[:10]
    return f"chart-{digest}"


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))


def _open_svg(ident: str, title: str, summary: str, width: int, height: int, kind: str) -> str:
    desc = f'<desc id="{ident}-desc">{_clean(summary, 400)}</desc>' if summary else ""
    labelled = f"{ident}-title {ident}-desc" if summary else f"{ident}-title"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg chart__svg--{kind}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{labelled}" font-family="Vazirmatn, Tahoma, sans-serif" '
        f'font-size="13">'
        f'<title id="{ident}-title">{_clean(title, 200)}</title>{desc}'
    )


def _text(x: float, y: float, content: str, *, anchor: str, cls: str, size: int = 13) -> str:
    """A right-to-left text: anchor "start" puts its right edge at x, "end" its left edge."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" direction="rtl" text-anchor="{anchor}" '
        f'class="{cls}" font-size="{size}" fill="{TEXT_FILL}">{content}</text>'
    )


# --- horizontal bars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: no figure), and an optional note after the value."""

    label: str
    value: float | None
    note: str = ""
    muted: bool = False


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    summary: str = "",
    maximum: float | None = None,
    value_format: Formatter = number,
    empty_text: str = "رقمی برای نمایش نیست.",
    missing_text: str = "—",
    ident: str = "",
    width: int = 640,
) -> SafeString:
    """Bars from right to left, one row each, the label on the right and the value at the end
    of the bar. `maximum` is the full length (1.0 for shares); by default the largest value."""
    width = _clamp(width, MIN_WIDTH, MAX_WIDTH)
    rows = list(bars)[:MAX_BARS]
    ident = _ident(ident, title)
    row_height, bar_height, top, bottom = 30, 18, 8, 8
    height = top + bottom + row_height * max(len(rows), 1)
    parts = [_open_svg(ident, title, summary, width, height, "bar")]
    if not rows:
        parts.append(
            _text(width - 4, top + 19, _clean(empty_text, 120), anchor="start", cls="chart__empty")
        )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped by _clean
    values = [_finite(bar.value) for bar in rows]
    given = _finite(maximum)
    top_value = given if given else max((v for v in values if v is not None), default=0.0)
    if not top_value:
        top_value = 1.0
    label_width = min(int(width * 0.38), 260)
    value_room = 86
    bar_right = width - label_width - 8
    bar_room = max(bar_right - value_room, 20)
    parts.append(
        f'<line x1="{bar_right}" y1="{top - 2}" x2="{bar_right}" y2="{height - bottom + 2}" '
        f'stroke="{GRID_STROKE}" class="chart__axis"/>'
    )
    for index, (bar, value) in enumerate(zip(rows, values, strict=True)):
        y = top + index * row_height
        baseline = y + row_height / 2 + 5
        label = _clean(bar.label)
        parts.append('<g class="chart__row">')
        if value is None:
            shown = _clean(missing_text, 40)
            parts.append(f"<title>{label}: {shown}</title>")
            parts.append(_text(width - 4, baseline, label, anchor="start", cls="chart__label"))
            parts.append(_text(bar_right - 6, baseline, shown, anchor="start", cls="chart__value"))
            parts.append("</g>")
            continue
        length = bar_room * min(value / top_value, 1.0)
        shown = _clean(value_format(value), 40)
        if bar.note:
            shown = f"{shown} {_clean(bar.note, 40)}"
        fill = MUTED_FILL if bar.muted else BAR_FILL
        cls = "chart__bar chart__bar--muted" if bar.muted else "chart__bar"
        parts.append(f"<title>{label}: {shown}</title>")
        parts.append(_text(width - 4, baseline, label, anchor="start", cls="chart__label"))
        parts.append(
            f'<rect x="{bar_right - length:.1f}" y="{y + (row_height - bar_height) / 2:.1f}" '
            f'width="{length:.1f}" height="{bar_height}" rx="3" fill="{fill}" class="{cls}"/>'
        )
        parts.append(
            _text(bar_right - length - 6, baseline, shown, anchor="start", cls="chart__value")
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped by _clean


# --- columns or lines over months --------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One series of a column or line chart: its name (in the legend) and a value per category."""

    name: str
    values: Sequence[float | None]
    # A colour of its own (e.g. red for "negative"); None: the palette's next one.
    colour: str | None = None


def _nice_top(value: float, *, whole: bool) -> tuple[float, float]:
    """A round top for the axis and its step, four steps high (whole steps for counts)."""
    if value <= 0:
        return (4.0, 1.0) if whole else (1.0, 0.25)
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw:
            break
    if whole or step >= 1:
        step = float(max(math.ceil(step), 1))
    return step * 4, step


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    summary: str = "",
    kind: str = "column",
    value_format: Formatter = number,
    whole: bool = True,
    empty_text: str = "رقمی برای نمایش نیست.",
    ident: str = "",
    width: int = 640,
    height: int = 300,
) -> SafeString:
    """Categories (months) from right to left; per category one column of each series side by
    side (`kind="column"`) or one point of each series joined by lines (`kind="line"`).
    A category's text may hold a second line after a newline («فروردین\n۱۴۰۵»). `whole`: the
    values are counts, so the axis steps are whole numbers."""
    width = _clamp(width, MIN_WIDTH, MAX_WIDTH)
    height = _clamp(height, MIN_HEIGHT, MAX_HEIGHT)
    # A category may have a second line after a newline (the year under a month's name).
    lines = [str(c).split("\n", 1) for c in list(categories)[:MAX_CATEGORIES]]
    names = [_clean(" ".join(parts), 32) for parts in lines]
    seconds = [_clean(parts[1], 16) if len(parts) > 1 else "" for parts in lines]
    drawn = [
        (
            _clean(s.name, 40),
            [_finite(v) for v in list(s.values)[: len(names)]],
        )
        for s in list(series)[:MAX_SERIES]
    ]
    own = [bool(s.colour and _COLOUR.fullmatch(s.colour)) for s in list(series)[:MAX_SERIES]]
    colours = [
        str(s.colour) if mine else PALETTE[i % len(PALETTE)]
        for i, (s, mine) in enumerate(zip(list(series)[:MAX_SERIES], own, strict=True))
    ]
    # The stylesheet colours the palette's series by class; a series of its own colour gets
    # a class the stylesheet leaves alone.
    classes = [
        "chart__series--own" if mine else f"chart__series--{i}" for i, mine in enumerate(own)
    ]
    ident = _ident(ident, title)
    parts = [_open_svg(ident, title, summary, width, height, "columns")]
    if not names or not drawn:
        parts.append(
            _text(width - 4, 24, _clean(empty_text, 120), anchor="start", cls="chart__empty")
        )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped by _clean
    legend_height, axis_width, left = 28, 48, 8
    bottom = 40 if any(seconds) else 26
    plot_top, plot_bottom = legend_height + 8, height - bottom
    plot_right, plot_left = width - axis_width, left
    plot_height = plot_bottom - plot_top
    biggest = max((v for _, values in drawn for v in values if v is not None), default=0.0)
    top_value, step = _nice_top(biggest, whole=whole)

    # Legend, right to left.
    x = width - 4
    for index, (name, _) in enumerate(drawn):
        colour = colours[index]
        parts.append(
            f'<rect x="{x - 12}" y="8" width="12" height="12" rx="2" fill="{colour}" '
            f'class="{classes[index]}"/>'
        )
        parts.append(_text(x - 18, 19, name, anchor="start", cls="chart__legend"))
        x -= 30 + 8 * len(name)

    # Grid and axis values on the right.
    for tick in range(5):
        value = step * tick
        y = plot_bottom - plot_height * (value / top_value)
        parts.append(
            f'<line x1="{plot_left}" y1="{y:.1f}" x2="{plot_right}" y2="{y:.1f}" '
            f'stroke="{GRID_STROKE}" class="chart__grid"/>'
        )
        parts.append(
            _text(
                width - 4, y + 4, _clean(value_format(value), 20), anchor="start", cls="chart__tick"
            )
        )

    slot = (plot_right - plot_left) / len(names)
    every = max(1, math.ceil(len(names) / max(1, int((plot_right - plot_left) // 56))))
    for index in range(len(names)):
        centre = plot_right - slot * (index + 0.5)
        if index % every == 0:
            first = _clean(lines[index][0], 16)
            second = (
                f'<tspan x="{centre:.1f}" dy="14" font-size="11">{seconds[index]}</tspan>'
                if seconds[index]
                else ""
            )
            parts.append(
                f'<text x="{centre:.1f}" y="{plot_bottom + 16}" direction="rtl" '
                f'text-anchor="middle" class="chart__category" font-size="12" '
                f'fill="{TEXT_FILL}">{first}{second}</text>'
            )

    def y_of(value: float) -> float:
        return plot_bottom - plot_height * min(value / top_value, 1.0)

    if kind == "line":
        for s_index, (s_name, values) in enumerate(drawn):
            colour = colours[s_index]
            points = [
                (plot_right - slot * (i + 0.5), y_of(v))
                for i, v in enumerate(values)
                if v is not None
            ]
            if len(points) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'class="chart__line {classes[s_index]}"/>'
                )
            for i, v in enumerate(values):
                if v is None:
                    continue
                parts.append(
                    f'<circle cx="{plot_right - slot * (i + 0.5):.1f}" cy="{y_of(v):.1f}" r="3.5" '
                    f'fill="{colour}" class="chart__point {classes[s_index]}">'
                    f"<title>{s_name}، {names[i]}: {_clean(value_format(v), 20)}</title></circle>"
                )
    else:
        group = slot * 0.76
        width_each = group / len(drawn)
        for i, name in enumerate(names):
            right = plot_right - slot * i - (slot - group) / 2
            for s_index, (s_name, values) in enumerate(drawn):
                v = values[i] if i < len(values) else None
                if v is None:
                    continue
                colour = colours[s_index]
                y = y_of(v)
                x_left = right - width_each * (s_index + 1)
                parts.append(
                    f'<rect x="{x_left + 1:.1f}" y="{y:.1f}" width="{max(width_each - 2, 1):.1f}" '
                    f'height="{plot_bottom - y:.1f}" fill="{colour}" '
                    f'class="chart__column {classes[s_index]}">'
                    f"<title>{s_name}، {name}: {_clean(value_format(v), 20)}</title></rect>"
                )
    parts.append(
        f'<line x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" '
        f'stroke="{TEXT_FILL}" class="chart__axis"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped by _clean

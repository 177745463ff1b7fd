"""The kernel's server-drawn SVG charts: escaped labels, bounded sizes, Persian digits, an
accessible title, and no crash on empty, zero, missing or absurd values."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from ravabet.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    """The chart is well-formed XML (an SVG file as much as inline markup)."""
    return ET.fromstring(markup)  # noqa: S314 - our own output, under test


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_an_image_with_title_and_summary() -> None:
    svg = charts.bar_chart(
        [charts.Bar("راه و شهرسازی", 0.9), charts.Bar("شهرداری تهران", 0.45)],
        title="سهم پاسخ در مهلت",
        summary="بیشترین راه و شهرسازی",
        maximum=1.0,
        value_format=charts.percent,
        ident="in-time",
    )
    assert isinstance(svg, SafeString)
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "in-time-title in-time-desc"
    assert root.find(f"{SVG}title").text == "سهم پاسخ در مهلت"
    assert root.find(f"{SVG}desc").text == "بیشترین راه و شهرسازی"
    texts = _texts(root)
    assert "راه و شهرسازی" in texts and "۹۰٪" in texts and "۴۵٪" in texts


def test_bar_lengths_follow_the_values_right_to_left() -> None:
    root = _parse(
        charts.bar_chart(
            [charts.Bar("الف", 1.0), charts.Bar("ب", 0.5)], title="t", maximum=1.0, width=600
        )
    )
    first, second = root.iter(f"{SVG}rect")
    full, half = float(first.get("width")), float(second.get("width"))
    assert half == pytest.approx(full / 2, abs=0.2)
    # Both bars start at the same right edge and grow leftwards.
    right = float(first.get("x")) + full
    assert float(second.get("x")) + half == pytest.approx(right, abs=0.2)
    assert right < 600


def test_script_in_a_label_is_escaped_everywhere() -> None:
    hostile = '<script>alert(1)</script>" onload="x'
    markup = (
        str(
            charts.bar_chart(
                [charts.Bar(hostile, 3, note=hostile)],
                title=hostile,
                summary=hostile,
            )
        )
        + str(
            charts.column_chart(
                [hostile],
                [charts.Series(hostile, [2])],
                title=hostile,
                summary=hostile,
                kind="line",
            )
        )
        + str(charts.column_chart([hostile], [charts.Series(hostile, [2])], title=hostile))
    )
    assert "<script" not in markup
    assert 'onload="' not in markup
    assert "&lt;script&gt;" in markup
    for part in markup.split("</svg>")[:-1]:
        _parse(part + "</svg>")


def test_the_ident_cannot_break_out_of_its_attribute() -> None:
    root = _parse(charts.bar_chart([], title="عنوان", ident='x" onclick="alert(1)'))
    assert root.get("onclick") is None
    assert re.fullmatch(r"[a-z0-9-]+-title", root.get("aria-labelledby"))


def test_control_characters_and_private_use_are_dropped() -> None:
    root = _parse(charts.bar_chart([charts.Bar("الف\x00\x07ب\ue000", 1)], title="t\x0b"))
    assert "الف ب" in _texts(root)


def test_empty_data_says_so() -> None:
    bars = _parse(charts.bar_chart([], title="هیچ", empty_text="داده‌ای نیست"))
    assert _texts(bars) == ["داده‌ای نیست"]
    assert not list(bars.iter(f"{SVG}rect"))
    columns = _parse(charts.column_chart([], [], title="هیچ"))
    assert _texts(columns) == ["رقمی برای نمایش نیست."]
    no_series = _parse(charts.column_chart(["فروردین"], [], title="هیچ"))
    assert not list(no_series.iter(f"{SVG}rect"))


def test_zero_and_missing_values_draw_without_dividing_by_zero() -> None:
    root = _parse(
        charts.bar_chart(
            [charts.Bar("صفر", 0), charts.Bar("بی‌رقم", None), charts.Bar("نامعتبر", math.nan)],
            title="t",
            value_format=charts.percent,
        )
    )
    texts = _texts(root)
    assert "۰٪" in texts and texts.count("—") == 2
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths == [0.0]
    columns = _parse(
        charts.column_chart(["مهر", "آبان"], [charts.Series("الف", [0, 0])], title="t")
    )
    bars = [r for r in columns.iter(f"{SVG}rect") if "chart__column" in r.get("class", "")]
    assert len(bars) == 2 and all(float(r.get("height")) == 0 for r in bars)
    assert "۴" in _texts(columns)  # the axis still has whole steps


def test_values_over_the_maximum_and_negative_are_kept_in_the_frame() -> None:
    root = _parse(
        charts.bar_chart(
            [charts.Bar("زیاد", 7.0), charts.Bar("منفی", -3), charts.Bar("بی‌نهایت", math.inf)],
            title="t",
            maximum=5.0,
            width=500,
        )
    )
    for rect in root.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) < 500


def test_numbers_are_in_persian_digits() -> None:
    root = _parse(
        charts.column_chart(
            ["فروردین ۱۴۰۵", "اردیبهشت ۱۴۰۵"],
            [charts.Series("رسیده", [1234, 87]), charts.Series("پاسخ", [1000, 80])],
            title="ماه به ماه",
        )
    )
    texts = " ".join(_texts(root)) + " ".join(t.text or "" for t in root.iter(f"{SVG}title"))
    assert not re.search(r"[0-9]", texts)
    assert "۱٬۲۳۴" in texts and "فروردین ۱۴۰۵" in texts
    assert charts.percent(0.853, 1) == "۸۵٫۳٪"
    assert charts.decimal(4.25, 2) == "۴٫۲۵"
    assert charts.number(12345) == "۱۲٬۳۴۵"


def test_months_run_right_to_left() -> None:
    root = _parse(
        charts.column_chart(
            ["فروردین", "اردیبهشت", "خرداد"], [charts.Series("الف", [1, 2, 3])], title="t"
        )
    )
    positions = {
        "".join(t.itertext()): float(t.get("x"))
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "chart__category"
    }
    assert positions["فروردین"] > positions["اردیبهشت"] > positions["خرداد"]


def test_line_chart_joins_the_points() -> None:
    root = _parse(
        charts.column_chart(
            ["مهر", "آبان", "آذر"],
            [charts.Series("رسیده", [3, None, 5])],
            title="t",
            kind="line",
        )
    )
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert len(list(root.iter(f"{SVG}polyline"))) == 1


def test_sizes_are_bounded() -> None:
    many = [charts.Bar("ب" * 500, i) for i in range(1000)]
    root = _parse(charts.bar_chart(many, title="t" * 1000, width=10**9))
    assert int(root.get("width")) == charts.MAX_WIDTH
    assert len(list(root.iter(f"{SVG}rect"))) == charts.MAX_BARS
    assert max(len(t) for t in _texts(root)) <= charts.MAX_LABEL_CHARS
    columns = _parse(
        charts.column_chart(
            [f"ماه {i}" for i in range(500)],
            [charts.Series(str(s), list(range(500))) for s in range(50)],
            title="t",
            height=-5,
        )
    )
    assert int(columns.get("height")) == charts.MIN_HEIGHT
    assert len(list(columns.iter(f"{SVG}rect"))) <= (
        charts.MAX_CATEGORIES * charts.MAX_SERIES + charts.MAX_SERIES
    )


def test_template_filters_show_a_dash_without_a_figure() -> None:
    template = Template(
        "{% load charts %}{{ a|fa_percent }} {{ b|fa_percent }} {{ c|fa_decimal }} "
        "{{ d|fa_decimal:2 }} {{ e|fa_percent }}"
    )
    text = template.render(Context({"a": 0.5, "b": None, "c": 4.25, "d": "x", "e": 1}))
    assert text == "۵۰٪ — ۴٫۲ — ۱۰۰٪"


def test_a_series_keeps_its_own_colour_and_a_hostile_one_falls_back_to_the_palette() -> None:
    svg = str(
        charts.column_chart(
            ["فروردین", "اردیبهشت"],
            [
                charts.Series("منفی", [3, 1], colour="#b00020"),
                charts.Series("خنثی", [2, 2], colour='red"/><script>alert(1)</script>'),
            ],
            title="لحن",
            summary="لحن بازتاب‌ها",
        )
    )
    assert 'fill="#b00020"' in svg
    # The stylesheet's class colours (chart__series--0) must not paint over it.
    assert svg.count("chart__series--own") >= 3 and "chart__series--0" not in svg
    assert "<script" not in svg and 'fill="red"' not in svg
    assert f'fill="{charts.PALETTE[1]}"' in svg  # the second series' palette colour

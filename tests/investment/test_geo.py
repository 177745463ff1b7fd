"""The province's approximate outline and the schematic tile map of its counties."""

from __future__ import annotations

import pytest

from ravabet.core.organisation.demo import COUNTIES
from ravabet.investment import geo

INSIDE = {
    "Tehran": (35.69, 51.39),
    "Tajrish (Shemiranat)": (35.80, 51.43),
    "Eslamshahr": (35.55, 51.23),
    "Malard": (35.67, 50.98),
    "Robat-Karim": (35.48, 51.08),
    "Pardis": (35.74, 51.78),
    "Damavand": (35.72, 52.07),
    "Firuzkuh": (35.76, 52.77),
    "Varamin": (35.32, 51.65),
    "Pishva": (35.31, 51.73),
}
OUTSIDE = {
    "Qom": (34.64, 50.88),
    "Karaj (Alborz)": (35.83, 50.97),
    "Hashtgerd (Alborz)": (35.96, 50.68),
    "Semnan": (35.57, 53.39),
    "Garmsar (Semnan)": (35.22, 52.34),
    "Sari (Mazandaran)": (36.56, 53.06),
    "Amol (Mazandaran)": (36.47, 52.35),
    "Isfahan": (32.65, 51.67),
    "swapped Tehran": (51.39, 35.69),
}


@pytest.mark.parametrize("place", INSIDE)
def test_places_of_the_province_are_inside(place: str) -> None:
    assert geo.in_province(*INSIDE[place])


@pytest.mark.parametrize("place", OUTSIDE)
def test_places_of_other_provinces_are_outside(place: str) -> None:
    assert not geo.in_province(*OUTSIDE[place])


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "x", None])
def test_values_that_are_not_numbers_are_outside(value: object) -> None:
    assert not geo.in_province(value, 51.39)  # type: ignore[arg-type]


def test_every_county_has_one_tile_of_its_own() -> None:
    assert {t.slug for t in geo.TILES} == {slug for slug, _ in COUNTIES}
    assert len({(t.column, t.row) for t in geo.TILES}) == len(geo.TILES)
    names = dict(COUNTIES)
    assert all(names[t.slug] == t.name for t in geo.TILES)
    assert all(0 <= t.column < geo.GRID_COLUMNS and 0 <= t.row < geo.GRID_ROWS for t in geo.TILES)


def test_tiles_sit_roughly_where_the_counties_lie() -> None:
    tile = geo.TILE_BY_SLUG
    assert tile["shemiranat"].row < tile["tehran"].row  # north
    assert tile["firuzkuh"].column == max(t.column for t in geo.TILES)  # far east
    assert tile["damavand"].column > tile["pardis"].column > tile["tehran"].column
    for south_east in ("rey", "varamin", "pishva", "pakdasht", "qarchak"):
        assert tile[south_east].row > tile["tehran"].row
        assert tile[south_east].column >= tile["tehran"].column
    for south_west in ("eslamshahr", "baharestan", "robat-karim"):
        assert tile[south_west].row > tile["tehran"].row
        assert tile[south_west].column < tile["tehran"].column
    for west in ("shahriar", "malard", "qods"):
        assert tile[west].column < tile["tehran"].column

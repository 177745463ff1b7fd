"""Where things are in Tehran province, without a map server: a schematic tile map of its 16
counties and an approximate outline of the province for refusing coordinates outside it.

Both are drawn by hand from general knowledge, NOT licensed boundary data (docs/investment.md
«Map»):
- `TILES` places each county on a 7 × 4 grid roughly where it lies (north at the top, east to
  the right, as on any map): the tiles' sizes and shapes say nothing of the counties' areas or
  borders.
- `PROVINCE_OUTLINE` is a polygon of 17 points tracing the province's border to within about
  10–15 km; a point near the border (Fardis, on the Alborz side) may be judged wrongly. It is
  good enough to catch a latitude and longitude typed the wrong way round, or a project placed
  in another province.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GRID_COLUMNS = 7
GRID_ROWS = 4


@dataclass(frozen=True)
class Tile:
    """One county on the schematic map: its slug (core.organisation COUNTIES), its Persian
    name, and its cell (column from the west, row from the north)."""

    slug: str
    name: str
    column: int
    row: int


TILES: tuple[Tile, ...] = (
    Tile("shemiranat", "شمیرانات", 3, 0),
    Tile("malard", "ملارد", 0, 1),
    Tile("shahriar", "شهریار", 1, 1),
    Tile("qods", "قدس", 2, 1),
    Tile("tehran", "تهران", 3, 1),
    Tile("pardis", "پردیس", 4, 1),
    Tile("damavand", "دماوند", 5, 1),
    Tile("firuzkuh", "فیروزکوه", 6, 1),
    Tile("robat-karim", "رباط‌کریم", 1, 2),
    Tile("eslamshahr", "اسلامشهر", 2, 2),
    Tile("rey", "ری", 3, 2),
    Tile("pakdasht", "پاکدشت", 4, 2),
    Tile("baharestan", "بهارستان", 2, 3),
    Tile("qarchak", "قرچک", 3, 3),
    Tile("varamin", "ورامین", 4, 3),
    Tile("pishva", "پیشوا", 5, 3),
)

TILE_BY_SLUG = {tile.slug: tile for tile in TILES}

# (latitude, longitude) in degrees, clockwise from the north-west (east of Karaj, which is in
# Alborz province). Approximate: hand-traced, see the module's docstring.
PROVINCE_OUTLINE: tuple[tuple[float, float], ...] = (
    (35.78, 51.02),  # the Alborz border east of Karaj
    (35.95, 51.10),  # up the Kan valley
    (36.10, 51.30),  # the Alborz crest north of Shemiranat
    (36.15, 51.60),  # Shemshak and Dizin
    (36.05, 51.95),  # north of Damavand county (the peak is in Mazandaran)
    (35.92, 52.30),
    (35.98, 52.70),  # north of Firuzkuh
    (35.85, 53.15),  # the Semnan border, the province's east end
    (35.55, 53.05),
    (35.40, 52.50),  # north of Garmsar (Semnan)
    (35.25, 52.05),  # east of Pishva
    (34.95, 51.85),  # towards the salt lake
    (34.85, 51.40),  # the Qom border south of Rey
    (35.10, 51.00),
    (35.45, 50.45),  # the Markazi border, the province's west end
    (35.65, 50.55),  # west of Malard
    (35.70, 50.85),  # the Alborz border south of Mahdasht
)


def _inside(lat: float, lon: float, polygon: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting: a ray from the point towards the east crosses the outline an odd number
    of times exactly when the point is inside."""
    inside = False
    count = len(polygon)
    for index in range(count):
        lat1, lon1 = polygon[index]
        lat2, lon2 = polygon[(index + 1) % count]
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < crossing:
                inside = not inside
    return inside


def in_province(lat: float, lon: float) -> bool:
    """Whether a point (degrees) lies inside Tehran province's approximate outline. A value
    that is not a finite number is outside."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return _inside(lat, lon, PROVINCE_OUTLINE)

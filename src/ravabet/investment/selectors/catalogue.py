"""The public catalogue: published opportunities filtered and sorted, the map's counts per
county, one opportunity, and the published support programmes (and those that apply to an
opportunity). Nothing here shows a record that is not published."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from ravabet.investment.models import (
    Opportunity,
    Participation,
    Programme,
    Sector,
    Status,
)
from ravabet.persian import normalize

__all__ = [
    "SORTS",
    "CatalogueQuery",
    "catalogue",
    "county_counts",
    "opportunity_public",
    "programme_public",
    "programmes_for",
    "programmes_public",
]

# Sort keys of the catalogue and their Persian names (the first is the default).
SORTS: dict[str, str] = {
    "newest": "تازه‌ترین",
    "capital_asc": "سرمایهٔ کمتر",
    "capital_desc": "سرمایهٔ بیشتر",
    "completeness": "کامل‌ترین اطلاعات",
}
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class CatalogueQuery:
    """What a visitor asked for; every field empty means everything published. Codes and slugs
    that are not known filter nothing out (the view tells the visitor)."""

    sector: str = ""
    county: str = ""  # a County slug
    agency: str = ""  # an Agency slug
    participation: str = ""  # a Participation code
    capital_min: int | None = None  # rials
    capital_max: int | None = None  # rials
    q: str = ""
    sort: str = "newest"


def _published() -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(status=Status.PUBLISHED)


def _filtered(query: CatalogueQuery, *, county: bool = True) -> QuerySet[Opportunity]:
    items = _published()
    if query.sector in Sector.values:
        items = items.filter(sector=query.sector)
    if county and query.county:
        items = items.filter(county__slug=query.county)
    if query.agency:
        items = items.filter(agency__slug=query.agency)
    if query.participation in Participation.values:
        items = items.filter(**{f"allows_{query.participation}": True})
    if query.capital_min is not None:
        items = items.filter(capital_rials__gte=query.capital_min)
    if query.capital_max is not None:
        items = items.filter(capital_rials__lte=query.capital_max)
    text = normalize(query.q or "")[:MAX_QUERY_CHARS].strip()
    if text:
        items = items.filter(
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(title_en__icontains=text)
            | Q(summary_en__icontains=text)
        )
    return items


def catalogue(query: CatalogueQuery) -> QuerySet[Opportunity]:
    """The published opportunities matching `query`, sorted; an opportunity without a capital
    figure comes last in either order of capital."""
    items = _filtered(query).select_related("agency", "county")
    if query.sort == "capital_asc":
        return items.order_by(F("capital_rials").asc(nulls_last=True), "-id")
    if query.sort == "capital_desc":
        return items.order_by(F("capital_rials").desc(nulls_last=True), "-id")
    if query.sort == "completeness":
        return items.order_by("-completeness", "-published_at", "-id")
    return items.order_by("-published_at", "-id")


def county_counts(query: CatalogueQuery) -> dict[str, int]:
    """County slug -> how many published opportunities match `query`'s other filters (the
    map shows every county, whichever one is chosen)."""
    rows = (
        _filtered(query, county=False)
        .filter(county__isnull=False)
        .values_list("county__slug", flat=True)
    )
    return dict(Counter(rows))


def opportunity_public(pk: int) -> Opportunity:
    """A published opportunity with what its page shows; DoesNotExist otherwise (a 404)."""
    return (
        _published()
        .select_related("agency", "county")
        .prefetch_related("documents", "images")
        .get(pk=pk)
    )


def programmes_public() -> QuerySet[Programme]:
    return Programme.objects.filter(status=Status.PUBLISHED).select_related("agency")


def programme_public(pk: int) -> Programme:
    """A published programme; DoesNotExist otherwise (a 404)."""
    return programmes_public().get(pk=pk)


def programmes_for(opportunity: Opportunity) -> list[Programme]:
    """The published programmes that apply to an opportunity: listed with it, or covering its
    whole sector."""
    candidates = programmes_public().filter(
        Q(opportunities=opportunity) | Q(sectors__contains=opportunity.sector)
    )
    listed = set(opportunity.programmes.values_list("pk", flat=True))
    return [
        programme
        for programme in candidates.distinct()[:50]
        if programme.pk in listed or opportunity.sector in programme.sector_codes
    ]

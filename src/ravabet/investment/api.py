"""Investment in the API: the published opportunities (the catalogue's filters), one
opportunity, the published programmes. Reads are open: the catalogue is public."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from ravabet.core.organisation.models import Agency, County
from ravabet.core.pagination import Converted, LimitOffset
from ravabet.core.schemas import ErrorOut, one_of
from ravabet.investment import selectors
from ravabet.investment.models import Opportunity, Participation, Programme, Sector
from ravabet.persian.money import MoneyError, parse_amount

router = Router(tags=["سرمایه‌گذاری"])


class OpportunityOut(Schema):
    id: int
    title: str
    title_en: str
    summary: str
    summary_en: str
    sector: str
    sector_label: str
    county: str | None = Field(description="the county's slug")
    county_name: str | None
    agency: str = Field(description="the responsible agency's slug")
    agency_name: str
    capital_rials: int | None
    participation: list[str] = Field(description="codes: direct, partnership, bot, lease")
    irr_percent: float | None
    payback_years: float | None
    updated_at: dt.datetime
    published_at: dt.datetime | None
    url: str

    @staticmethod
    def of(opportunity: Opportunity) -> OpportunityOut:
        return OpportunityOut(
            id=opportunity.pk,
            title=opportunity.title,
            title_en=opportunity.title_en,
            summary=opportunity.summary,
            summary_en=opportunity.summary_en,
            sector=opportunity.sector,
            sector_label=str(opportunity.get_sector_display()),
            county=opportunity.county.slug if opportunity.county else None,
            county_name=opportunity.county.name if opportunity.county else None,
            agency=opportunity.agency.slug,
            agency_name=opportunity.agency.name,
            capital_rials=opportunity.capital_rials,
            participation=opportunity.participation,
            irr_percent=float(opportunity.irr_percent)
            if opportunity.irr_percent is not None
            else None,
            payback_years=float(opportunity.payback_years)
            if opportunity.payback_years is not None
            else None,
            updated_at=opportunity.updated_at,
            published_at=opportunity.published_at,
            url=opportunity.get_absolute_url(),
        )


class ProgrammeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    summary: str
    eligibility: str
    legal_basis: str
    agency: str
    agency_name: str
    sectors: list[str]
    opportunity_ids: list[int]
    url: str

    @staticmethod
    def of(programme: Programme) -> ProgrammeOut:
        return ProgrammeOut(
            id=programme.pk,
            kind=programme.kind,
            kind_label=str(programme.get_kind_display()),
            title=programme.title,
            summary=programme.summary,
            eligibility=programme.eligibility,
            legal_basis=programme.legal_basis,
            agency=programme.agency.slug,
            agency_name=programme.agency.name,
            sectors=programme.sector_codes,
            opportunity_ids=[o.pk for o in programme.opportunities.all() if o.is_public],
            url=programme.get_absolute_url(),
        )


def _amount(text: str, name: str) -> int | None:
    if not text:
        return None
    try:
        return parse_amount(text[:200], default_unit="rial")
    except MoneyError as exc:
        raise HttpError(400, f"{name}: {exc}") from exc


@router.get(
    "/opportunities",
    response={200: list[OpportunityOut], 400: ErrorOut, 404: ErrorOut},
    summary="فرصت‌های سرمایه‌گذاری منتشرشده",
    description="Filters as in the catalogue; capital_min/capital_max are amounts in rials"
    " (digits of any script, or Persian words with a unit: «۲۵ میلیارد تومان»).",
)
@paginate(LimitOffset)
def opportunity_list(
    request: HttpRequest,
    sector: str = one_of(Sector.values, description="a sector; empty: every sector"),
    county: str = Query("", description="a county's slug (an unknown one is 404)"),
    agency: str = Query("", description="an agency's slug (an unknown one is 404)"),
    participation: str = one_of(Participation.values, description="a way of taking part"),
    capital_min: str = Query("", description="an amount in rials (a wrong one is 400)"),
    capital_max: str = Query("", description="an amount in rials (a wrong one is 400)"),
    sort: str = one_of(selectors.SORTS, default="newest", description="the order"),
) -> Converted:
    if sector and sector not in Sector.values:
        raise HttpError(400, "این بخش شناخته نیست.")
    if participation and participation not in Participation.values:
        raise HttpError(400, "این شیوهٔ مشارکت شناخته نیست.")
    if sort not in selectors.SORTS:
        raise HttpError(400, "این ترتیب شناخته نیست.")
    if county and not County.objects.filter(slug=county[:64]).exists():
        raise HttpError(404, "شهرستانی با این شناسه نیست.")
    if agency and not Agency.objects.filter(slug=agency[:64]).exists():
        raise HttpError(404, "دستگاهی با این شناسه نیست.")
    query = selectors.CatalogueQuery(
        sector=sector,
        county=county,
        agency=agency,
        participation=participation,
        capital_min=_amount(capital_min, "capital_min"),
        capital_max=_amount(capital_max, "capital_max"),
        sort=sort,
    )
    return Converted(selectors.catalogue(query), OpportunityOut.of)


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityOut, 404: ErrorOut},
    summary="یک فرصت سرمایه‌گذاری",
)
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> OpportunityOut:
    try:
        return OpportunityOut.of(selectors.opportunity_public(opportunity_id))
    except Opportunity.DoesNotExist as exc:
        raise HttpError(404, "فرصتی با این شناسه منتشر نشده است.") from exc


@router.get(
    "/investment-programmes",
    response=list[ProgrammeOut],
    summary="حمایت‌های منتشرشده از سرمایه‌گذاران",
)
@paginate(LimitOffset)
def programme_list(request: HttpRequest) -> Converted:
    programmes = selectors.programmes_public().prefetch_related("opportunities")
    return Converted(programmes, ProgrammeOut.of)

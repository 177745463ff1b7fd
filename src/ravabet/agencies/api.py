"""Public agency API: GET /api/v1/agencies and /api/v1/agencies/{slug}."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from ravabet.core.organisation import selectors
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import Converted, LimitOffset
from ravabet.core.schemas import ErrorOut, one_of

router = Router(tags=["دستگاه‌ها"])


class AgencyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: str | None
    county: str | None
    phone: str
    email: str
    website: str
    address: str
    url: str

    @staticmethod
    def from_agency(agency: Agency) -> AgencyOut:
        return AgencyOut(
            slug=agency.slug,
            name=agency.name,
            short_name=agency.short_name,
            kind=agency.kind,
            kind_label=agency.get_kind_display(),
            parent=agency.parent.slug if agency.parent else None,
            county=agency.county.slug if agency.county else None,
            phone=agency.phone,
            email=agency.email,
            website=agency.website,
            address=agency.address,
            url=agency.get_absolute_url(),
        )


@router.get("/agencies", response={200: list[AgencyOut], 400: ErrorOut}, summary="فهرست دستگاه‌ها")
@paginate(LimitOffset)
def agency_list(
    request: HttpRequest,
    kind: str = one_of(Agency.Kind.values, description="an agency kind; empty: every kind"),
    county: str = Query("", description="a county's slug"),
    q: str = Query("", description="words in the name"),
) -> Converted:
    if kind and kind not in Agency.Kind.values:
        raise HttpError(400, "نوع دستگاه شناخته نیست.")
    agencies = selectors.agency_list_public(kind=kind, county=county, q=q[:200])
    return Converted(agencies, AgencyOut.from_agency)


@router.get("/agencies/{slug}", response={200: AgencyOut, 404: ErrorOut}, summary="یک دستگاه")
def agency_get(request: HttpRequest, slug: str) -> AgencyOut:
    try:
        return AgencyOut.from_agency(selectors.agency_get_public(slug=slug))
    except Agency.DoesNotExist as exc:
        raise HttpError(404, "دستگاهی با این شناسه نیست.") from exc

"""Releases in the API: public reads and search; writes go through the same services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import JsonValue

from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import Converted, LimitOffset, parse_page
from ravabet.core.richtext import body_text
from ravabet.core.schemas import ErrorOut, one_of
from ravabet.core.tokens.auth import TokenAuth
from ravabet.newsroom import selectors, services
from ravabet.newsroom.models import Release

router = Router(tags=["اخبار"])


class ReleaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    agency: str
    agency_name: str
    kicker: str
    headline: str
    lead: str
    body_html: str
    body_text: str
    tags: list[str]
    published_at: dt.datetime | None
    url: str
    withdrawal_reason: str = ""

    @staticmethod
    def of(release: Release) -> ReleaseOut:
        return ReleaseOut(
            id=release.pk,
            kind=release.kind,
            kind_label=release.get_kind_display(),
            status=release.status,
            agency=release.agency.slug,
            agency_name=release.agency.name,
            kicker=release.kicker,
            headline=release.headline,
            lead=release.lead,
            body_html=release.body,
            body_text=body_text(release.body),
            tags=[t.name for t in release.tags.all()],
            published_at=release.published_at,
            url=release.get_absolute_url(),
            withdrawal_reason=release.withdrawal_reason,
        )


def _limit(name: str) -> str:
    return f"at most {services.max_chars(name)} characters"


# The limits are the service's (services.check_texts), checked there for the form, the API and
# the importer alike; the schema only names them.
KINDS: list[JsonValue] = [*Release.Kind.values]


class ReleaseIn(Schema):
    agency: str = Field(description="the agency's slug")
    kind: str = Field(
        Release.Kind.NEWS,
        description="the kind of release (anything else is 400)",
        json_schema_extra={"enum": KINDS},
    )
    kicker: str = Field("", description=_limit("kicker"))
    headline: str = Field(description=_limit("headline"))
    lead: str = Field("", description=_limit("lead"))
    body: str = Field(
        "", description="plain text or simple HTML; at most RAVABET_MAX_BODY_CHARS characters"
    )
    tags: list[str] = Field([], description=f"at most {services.MAX_TAGS} tags")
    from_pdf: bool = False


class ApproveIn(Schema):
    publish_at: dt.datetime | None = Field(
        None,
        description="ISO time, Tehran time when it has no offset, Jalali years 1300–1499;"
        " empty: now",
    )


class SearchOut(Schema):
    # Matches counted up to 1,000; past that, total is 1,000 and total_is_lower_bound is true
    # («more than 1,000»), and the pages cover the 1,000 most recent matches.
    total: int
    total_is_lower_bound: bool
    page: int
    num_pages: int
    message: str
    items: list[ReleaseOut]


def _kind_query() -> str:
    return one_of(Release.Kind.values, description="a kind of release; empty: every kind")


def _agency_query() -> str:
    return Query("", description="an agency's slug (an unknown one is 404)")


def _agency(slug: str) -> Agency | None:
    if not slug:
        return None
    agency = Agency.objects.filter(slug=slug[:100]).first()
    if agency is None:
        raise HttpError(404, "دستگاهی با این شناسه نیست.")
    return agency


def _kind(kind: str) -> str:
    if kind and kind not in Release.Kind.values:
        raise HttpError(400, "نوع خبر شناخته نیست.")
    return kind


@router.get(
    "/releases",
    response={200: list[ReleaseOut], 400: ErrorOut, 404: ErrorOut},
    summary="خبرهای منتشرشده",
)
@paginate(LimitOffset)
def release_list(
    request: HttpRequest,
    agency: str = _agency_query(),
    kind: str = _kind_query(),
    tag: str = Query("", description="a tag's name"),
) -> Converted:
    qs = selectors.release_list_public(
        agency=_agency(agency), tag=tag, kind=_kind(kind)
    ).prefetch_related("tags")
    return Converted(qs, ReleaseOut.of)  # only the page asked for is read and converted


@router.get(
    "/releases/search",
    response={200: SearchOut, 400: ErrorOut, 404: ErrorOut},
    summary="جست‌وجوی خبرها",
)
def release_search(
    request: HttpRequest,
    q: str = Query("", description="the words searched for"),
    agency: str = _agency_query(),
    kind: str = _kind_query(),
    page: str = Query("1", description="a page number (Persian or ASCII digits)"),
) -> SearchOut:
    results, releases = selectors.release_search(
        selectors.SearchQuery(q=q, agency=_agency(agency), kind=_kind(kind), page=parse_page(page))
    )
    return SearchOut(
        total=results.total,
        total_is_lower_bound=results.total_is_lower_bound,
        page=results.page,
        num_pages=results.num_pages,
        message=results.message,
        items=[ReleaseOut.of(r) for r in releases],
    )


def anonymous_without_token(request: HttpRequest) -> AnonymousUser | None:
    """After TokenAuth: no Authorization header at all is an anonymous reader; a header whose
    token TokenAuth did not accept stays refused (401), never silently anonymous."""
    if "Authorization" in request.headers:
        return None
    return AnonymousUser()


@router.get(
    "/releases/{release_id}",
    response={200: ReleaseOut, 404: ErrorOut},
    auth=[TokenAuth(), anonymous_without_token],
    # The token is optional: ninja adds this empty requirement beside TokenAuth's.
    openapi_extra={"security": [{}]},
    summary="یک خبر",
    description="A published release for anyone; with a token, also a release in any state"
    " of an agency the token's person works for (a draft they wrote, one waiting for"
    " approval). Any other release is 404.",
)
def release_get(request: HttpRequest, release_id: int) -> ReleaseOut:
    try:
        return ReleaseOut.of(selectors.release_get_for(user=request.auth, pk=release_id))  # type: ignore[attr-defined]
    except Release.DoesNotExist as exc:
        raise HttpError(404, "خبری با این شناسه نیست.") from exc


def _own(request: HttpRequest, release_id: int) -> Release:
    try:
        return selectors.release_get_backoffice(user=request.user, pk=release_id)
    except Release.DoesNotExist as exc:
        raise HttpError(404, "خبری با این شناسه نیست.") from exc


T = TypeVar("T")


def _run(call: Callable[[], T]) -> T:
    """Map the services' refusals to HTTP answers (permission refusals map to 403 globally)."""
    try:
        return call()
    except services.ReleaseStateError as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc


@router.post(
    "/releases",
    response={201: ReleaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=TokenAuth(),
    summary="نوشتن پیش‌نویس",
)
def release_create(request: HttpRequest, payload: ReleaseIn) -> Status[ReleaseOut]:
    agency = Agency.objects.filter(slug=payload.agency).first()
    if agency is None:
        raise HttpError(404, "دستگاهی با این شناسه نیست.")
    data = services.ReleaseInput(
        kind=payload.kind,
        kicker=payload.kicker,
        headline=payload.headline,
        lead=payload.lead,
        body=payload.body,
        tags=[t for t in payload.tags if t.strip()],
        from_pdf=payload.from_pdf,
    )
    result = _run(lambda: services.release_create(actor=request.user, agency=agency, data=data))
    return Status(201, ReleaseOut.of(result.release))


@router.post(
    "/releases/{release_id}/submit",
    response={200: ReleaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=TokenAuth(),
    summary="فرستادن برای تأیید",
)
def release_submit(request: HttpRequest, release_id: int) -> ReleaseOut:
    release = _own(request, release_id)
    return ReleaseOut.of(_run(lambda: services.release_submit(actor=request.user, release=release)))


@router.post(
    "/releases/{release_id}/approve",
    response={200: ReleaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=TokenAuth(),
    summary="تأیید و انتشار یا زمان‌بندی",
)
def release_approve(request: HttpRequest, release_id: int, payload: ApproveIn) -> ReleaseOut:
    release = _own(request, release_id)
    return ReleaseOut.of(
        _run(
            lambda: services.release_approve(
                actor=request.user, release=release, publish_at=payload.publish_at
            )
        )
    )

"""Events in the API: public events and their agenda; attendees registered and cancelled through
the same services as the back office, with the same checks and Persian answers.

Refusals: a field the service refuses is 422 with `detail` and `errors` by field; a step the
event's state refuses (deadline passed, full, already registered, not invited, cancelled) is 409;
a refusal of permission is 403 (mapped once in api/urls.py); an event or a registration the
person may not see is 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from ravabet.core import jalali, permissions
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import Converted, LimitOffset
from ravabet.core.schemas import ErrorOut, one_of
from ravabet.core.tokens.auth import TokenAuth
from ravabet.events import selectors, services
from ravabet.events.models import AgendaItem, Event, EventDocument, Registration

router = Router(tags=["رویدادها"])

NO_EVENT = "رویدادی با این شناسه نیست."
NO_REGISTRATION = "ثبت‌نامی با این شناسه در این رویداد نیست."
NO_AGENCY = "دستگاهی با این شناسه نیست."
WHEN_VALUES = ("upcoming", "past")
# The largest id a database column holds; a longer number in a path is simply not there.
MAX_ID = 2**63 - 1


# --- output ------------------------------------------------------------------------------


class AgencyRefOut(Schema):
    """An agency by slug and name: the same schema, under the same name, in every API that
    names one (a name in the OpenAPI document stands for one shape)."""

    slug: str
    name: str

    @staticmethod
    def of(agency: Agency) -> AgencyRefOut:
        return AgencyRefOut(slug=agency.slug, name=agency.name)


class AgendaItemOut(Schema):
    position: int
    title: str
    speaker: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None

    @staticmethod
    def of(item: AgendaItem) -> AgendaItemOut:
        return AgendaItemOut(
            position=item.position,
            title=item.title,
            speaker=item.speaker,
            starts_at=_local(item.starts_at),
            ends_at=_local(item.ends_at),
        )


class DocumentOut(Schema):
    title: str
    kind: str
    size: int
    url: str

    @staticmethod
    def of(document: EventDocument) -> DocumentOut:
        return DocumentOut(
            title=document.title,
            kind=document.kind_label,
            size=document.size,
            url=absolute_url(document.url),
        )


class EventOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    cancel_reason: str
    starts_at: dt.datetime = Field(description="ISO 8601 with the offset, in Tehran time")
    ends_at: dt.datetime
    starts_at_jalali: str = Field(description="«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰»")
    ends_at_jalali: str
    venue: str
    address: str
    online_url: str
    organizer: AgencyRefOut
    capacity: int | None = Field(description="null: no limit")
    registered: int = Field(description="attendees registered (not cancelled)")
    registration_deadline: dt.datetime | None = Field(
        description="null: registration closes when the event starts"
    )
    registration_open: bool
    url: str
    ics_url: str

    @staticmethod
    def of(event: Event) -> EventOut:
        return EventOut(**_event_fields(event))


class EventDetailOut(EventOut):
    agenda: list[AgendaItemOut]
    documents: list[DocumentOut]

    @staticmethod
    def of(event: Event) -> EventDetailOut:
        return EventDetailOut(
            **_event_fields(event),
            agenda=[AgendaItemOut.of(item) for item in event.agenda.all()],
            documents=[DocumentOut.of(document) for document in event.documents.all()],
        )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return jalali.to_local(value) if value is not None else None


def _event_fields(event: Event) -> dict[str, Any]:
    registered = getattr(event, "registered", None)
    if registered is None:  # an event not read through the selectors' annotation
        registered = services.seats_taken(event)
    return {
        "id": event.pk,
        "title": event.title,
        "description": event.description,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "status": event.status,
        "status_label": event.get_status_display(),
        "cancel_reason": event.cancel_reason,
        "starts_at": jalali.to_local(event.starts_at),
        "ends_at": jalali.to_local(event.ends_at),
        "starts_at_jalali": jalali.format_datetime(event.starts_at),
        "ends_at_jalali": jalali.format_datetime(event.ends_at),
        "venue": event.venue,
        "address": event.address,
        "online_url": event.online_url,
        "organizer": AgencyRefOut.of(event.organizer),
        "capacity": event.capacity,
        "registered": registered,
        "registration_deadline": _local(event.registration_deadline),
        "registration_open": event.registration_open,
        "url": absolute_url(event.get_absolute_url()),
        "ics_url": absolute_url(reverse("events:event_ics", kwargs={"pk": event.pk})),
    }


class RegistrationOut(Schema):
    id: int
    event: int
    agency: AgencyRefOut
    name: str
    role: str
    phone: str
    email: str
    status: str
    status_label: str
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    attended: bool
    attended_at: dt.datetime | None

    @staticmethod
    def of(registration: Registration) -> RegistrationOut:
        return RegistrationOut(
            id=registration.pk,
            event=registration.event_id,
            agency=AgencyRefOut.of(registration.agency),
            name=registration.name,
            role=registration.role,
            phone=registration.phone,
            email=registration.email,
            status=registration.status,
            status_label=registration.get_status_display(),
            created_at=jalali.to_local(registration.created_at),
            cancelled_at=_local(registration.cancelled_at),
            attended=registration.attended_at is not None,
            attended_at=_local(registration.attended_at),
        )


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="the Persian messages, by field")


# --- input -------------------------------------------------------------------------------


# Every field has a default so that a missing one gets the service's Persian message (422 with
# errors by field) rather than the schema's; the limits are the service's (services.MAX_CHARS).
class RegistrationIn(Schema):
    agency: str = Field(
        "",
        description="the agency's slug; may be left out when you register for exactly one"
        " invited agency",
    )
    name: str = Field("", description=f"at most {services.MAX_CHARS['name']} characters")
    role: str = Field("", description=f"at most {services.MAX_CHARS['role']} characters")
    phone: str = Field("", description="a mobile or landline number with its prefix, 11 digits")
    email: str = Field("", description="optional; the confirmation and invitation go there")


# --- reads -------------------------------------------------------------------------------


@router.get("/events", response={200: list[EventOut], 400: ErrorOut}, summary="رویدادهای عمومی")
@paginate(LimitOffset)
def event_list(
    request: HttpRequest,
    when: str = one_of(WHEN_VALUES, default="upcoming", description="upcoming or past"),
) -> Converted:
    """Public events: `upcoming` (not yet ended, soonest first) or `past` (latest first)."""
    if when not in WHEN_VALUES:
        raise HttpError(400, "«when» یکی از upcoming (پیش رو) یا past (گذشته) است.")
    return Converted(selectors.event_list_public(when=when), EventOut.of)


# The same list at the address with a trailing slash, for clients that add one.
router.add_api_operation(
    "/events/",
    ["GET"],
    event_list,
    response=list[EventOut],
    include_in_schema=False,
    url_name="events_list_slash",
)


@router.get(
    "/events/{event_id}", response={200: EventDetailOut, 404: ErrorOut}, summary="یک رویداد"
)
def event_get(request: HttpRequest, event_id: int) -> EventDetailOut:
    if not 0 < event_id <= MAX_ID:
        raise HttpError(404, NO_EVENT)
    try:
        return EventDetailOut.of(selectors.event_get_public(pk=event_id))
    except Event.DoesNotExist as exc:
        raise HttpError(404, NO_EVENT) from exc


# --- registrations -----------------------------------------------------------------------


def _visible_event(request: HttpRequest, event_id: int) -> Event:
    """An event the token's person may see (public, organized or invited); 404 otherwise."""
    if not 0 < event_id <= MAX_ID:
        raise HttpError(404, NO_EVENT)
    try:
        event = selectors.event_get_for(request.user, pk=event_id)
    except Event.DoesNotExist as exc:
        raise HttpError(404, NO_EVENT) from exc
    return event


def _agency_for(request: HttpRequest, event: Event, slug: str) -> Agency:
    """The agency named, or the only invited agency this person registers for."""
    if slug:
        agency = Agency.objects.filter(slug=slug[:100]).first()
        if agency is None:
            raise ValidationError({"agency": NO_AGENCY})
        return agency
    candidates = selectors.registrable_agencies(request.user, event)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        # No invited agency among theirs: the service gives the right refusal for the first
        # agency they act for (not invited → 409), or 403 for someone who acts for none.
        own = list(permissions.visible_agencies(request.user)[:1])
        if own:
            return own[0]
        raise permissions.AgencyPermissionDenied("شما برای هیچ دستگاهی ثبت‌نام نمی‌کنید.")
    raise ValidationError(
        {"agency": "برای چند دستگاه ثبت‌نام می‌کنید؛ شناسهٔ دستگاه (agency) را بنویسید."}
    )


T = TypeVar("T")


def _run(call: Callable[[], T]) -> T | Status[FieldErrorsOut]:
    """Map the services' refusals (permission refusals map to 403 in api/urls.py)."""
    try:
        return call()
    except services.EventError as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        errors = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        return Status(422, FieldErrorsOut(detail=" ".join(exc.messages), errors=errors))


@router.post(
    "/events/{event_id}/registrations",
    response={
        201: RegistrationOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: FieldErrorsOut,
    },
    auth=TokenAuth(),
    summary="ثبت‌نام یک شرکت‌کننده",
)
def registration_create(
    request: HttpRequest, event_id: int, payload: RegistrationIn
) -> Status[Any]:
    event = _visible_event(request, event_id)

    def register() -> Registration:
        agency = _agency_for(request, event, payload.agency)
        return services.registration_create(
            actor=request.user,
            event=event,
            agency=agency,
            data=services.AttendeeInput(
                name=payload.name, phone=payload.phone, role=payload.role, email=payload.email
            ),
            request=request,
        )

    result = _run(register)
    if isinstance(result, Status):
        return result
    return Status(201, RegistrationOut.of(result))


@router.get(
    "/events/{event_id}/registrations",
    response={200: list[RegistrationOut], 404: ErrorOut},
    auth=TokenAuth(),
    summary="ثبت‌نام‌هایی که می‌بینید",
)
@paginate(LimitOffset)
def registration_list(request: HttpRequest, event_id: int) -> Converted:
    """The organizer and the directorate see every registration; an invited agency its own."""
    event = _visible_event(request, event_id)
    return Converted(selectors.registrations_for(request.user, event), RegistrationOut.of)


@router.delete(
    "/events/{event_id}/registrations/{registration_id}",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=TokenAuth(),
    summary="لغو یک ثبت‌نام",
)
def registration_cancel(request: HttpRequest, event_id: int, registration_id: int) -> Status[Any]:
    event = _visible_event(request, event_id)
    if not 0 < registration_id <= MAX_ID:
        raise HttpError(404, NO_REGISTRATION)
    registration = (
        selectors.registrations_for(request.user, event).filter(pk=registration_id).first()
    )
    if registration is None:
        raise HttpError(404, NO_REGISTRATION)
    result = _run(
        lambda: services.registration_cancel(
            actor=request.user, registration=registration, request=request
        )
    )
    if isinstance(result, Status):
        return result
    result.refresh_from_db()
    return Status(200, RegistrationOut.of(result))

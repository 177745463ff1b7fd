"""Every write to events: permission-checked, normalized, audited, atomic and short.

An event is created by its organizer agency (the directorate for any agency), invites all
agencies, a list, or a group (a kind of agency), and is scheduled until it is cancelled with a
reason. Invited agencies' writers register attendees within capacity and before the deadline;
the organizer marks attendance, writes the minutes and the resolutions; the responsible agency
reports each resolution: open → in progress (with %) → done (with evidence), or the organizer
cancels it with a reason. Every change is in the audit log, and what attendees' calendars must
take (a new time, a new venue, a cancellation) goes out by e-mail after the commit.

As in the newsroom (docs/architecture.md, "The write path"), input is checked and normalized
before the transaction; the transaction locks the row, checks permission and state, writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, jalali, pagecache, permissions, richtext, uploads, validation
from ravabet.core.organisation.models import Agency
from ravabet.events import media
from ravabet.events.models import (
    AgendaItem,
    Event,
    EventDocument,
    Registration,
    Resolution,
)
from ravabet.persian import normalize, to_persian_digits
from ravabet.persian.phones import phone_number

# The page-cache topic of the public event pages and calendars.
PUBLIC_TOPIC = "events"

MAX_CHARS = {
    "title": 300,
    "description": 10_000,
    "venue": 300,
    "address": 500,
    "online_url": 500,
    "reason": 2_000,
    "name": 200,
    "role": 200,
    "email": 254,
    "phone": 40,
    "speaker": 200,
    "minutes": 100_000,
    "text": 3_000,
    "evidence": 5_000,
}
LABELS = {
    "title": "عنوان",
    "description": "شرح",
    "venue": "محل برگزاری",
    "address": "نشانی",
    "online_url": "پیوند برخط",
    "reason": "دلیل",
    "name": "نام",
    "role": "سمت",
    "email": "پست الکترونیک",
    "phone": "تلفن",
    "speaker": "سخنران",
    "minutes": "صورت‌جلسه",
    "text": "متن مصوبه",
    "evidence": "مستندات انجام",
}
# The longest meeting people schedule as one event; a longer one is a typo (a wrong year).
MAX_DURATION = dt.timedelta(days=31)
MAX_AGENDA_ITEMS = 100
MAX_RESOLUTIONS = 200


class EventError(Exception):
    """The step is refused by the event's state (cancelled, past the deadline, full…);
    the message is Persian and shown to the person as it is."""


def _texts(*pairs: tuple[str, str | None]) -> None:
    validation.check_texts(
        (name, value, LABELS[name], MAX_CHARS[name]) for name, value in pairs if value is not None
    )


def _clean(value: str) -> str:
    return normalize(value).strip()


def _require_text(value: str, name: str, message: str) -> str:
    cleaned = _clean(value)
    if not cleaned:
        raise ValidationError({name: message})
    return cleaned


def _check_url(name: str, value: str) -> str:
    value = value.strip()
    if value and not re.match(r"^https?://[^\s<>\"']+$", value):
        raise ValidationError({name: "پیوند باید با http:// یا https:// آغاز شود."})
    return value


# --- events ------------------------------------------------------------------------------


@dataclass
class EventInput:
    """What an organizer gives; check() is the one validation of the form, the API and tests."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    organizer: Agency
    kind: str = Event.Kind.NETWORK_MEETING
    description: str = ""
    address: str = ""
    online_url: str = ""
    invite_mode: str = Event.Invite.ALL
    invite_kind: str = ""
    invited: list[Agency] = field(default_factory=list)
    capacity: int | None = None
    registration_deadline: dt.datetime | None = None
    is_public: bool = True

    def check(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(exc: ValidationError) -> None:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)

        try:
            _texts(
                ("title", self.title),
                ("description", self.description),
                ("venue", self.venue),
                ("address", self.address),
                ("online_url", self.online_url),
            )
        except ValidationError as exc:
            add(exc)
        for name in ("title", "venue"):
            if name not in errors and not _clean(getattr(self, name)):
                errors.setdefault(name, []).append(f"«{LABELS[name]}» را بنویسید.")
        if self.kind not in Event.Kind.values:
            errors.setdefault("kind", []).append("نوع رویداد شناخته نیست.")
        for name in ("starts_at", "ends_at", "registration_deadline"):
            try:
                setattr(self, name, validation.check_moment(name, getattr(self, name)))
            except ValidationError as exc:
                add(exc)
        if "online_url" not in errors:
            try:
                self.online_url = _check_url("online_url", self.online_url)
            except ValidationError as exc:
                add(exc)
        start, end = self.starts_at, self.ends_at
        if start and end and not {"starts_at", "ends_at"} & errors.keys():
            if end <= start:
                errors.setdefault("ends_at", []).append("پایان رویداد باید پس از آغاز آن باشد.")
            elif end - start > MAX_DURATION:
                errors.setdefault("ends_at", []).append(
                    "رویداد بیش از یک ماه نمی‌شود؛ تاریخ پایان را بررسی کنید."
                )
        deadline = self.registration_deadline
        if deadline and start and "registration_deadline" not in errors and deadline > start:
            errors.setdefault("registration_deadline", []).append(
                "مهلت ثبت‌نام باید پیش از آغاز رویداد باشد."
            )
        if self.capacity is not None and not 1 <= self.capacity <= 100_000:
            errors.setdefault("capacity", []).append(
                "ظرفیت باید دست‌کم ۱ نفر باشد (برای بدون سقف خالی بگذارید)."
            )
        if self.invite_mode not in Event.Invite.values:
            errors.setdefault("invite_mode", []).append("شیوهٔ دعوت شناخته نیست.")
        elif self.invite_mode == Event.Invite.KIND and self.invite_kind not in Agency.Kind.values:
            errors.setdefault("invite_kind", []).append("گروه دستگاه‌های دعوت‌شده را برگزینید.")
        elif self.invite_mode == Event.Invite.LIST and not self.invited:
            errors.setdefault("invited", []).append("دست‌کم یک دستگاه را دعوت کنید.")
        if len(self.invited) > 1_000:
            errors.setdefault("invited", []).append("فهرست دعوت بیش از اندازه بلند است.")
        if errors:
            raise ValidationError(errors)

    def apply_to(self, event: Event) -> None:
        event.title = _clean(self.title)
        event.description = _clean(self.description)
        event.kind = self.kind
        event.starts_at = self.starts_at
        event.ends_at = self.ends_at
        event.venue = _clean(self.venue)
        event.address = _clean(self.address)
        event.online_url = self.online_url
        event.organizer = self.organizer
        event.invite_mode = self.invite_mode
        event.invite_kind = self.invite_kind if self.invite_mode == Event.Invite.KIND else ""
        event.capacity = self.capacity
        event.registration_deadline = self.registration_deadline
        event.is_public = self.is_public


# What attendees' calendars hold: a change to any of these sends them the update.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "venue", "address", "online_url")


def _require_organizer(actor: Any, event: Event) -> None:
    permissions.require(
        permissions.can_organize_for(actor, event.organizer),
        "این رویداد را دستگاه دیگری برگزار می‌کند.",
    )


def _require_scheduled(event: Event) -> None:
    if event.is_cancelled:
        raise EventError("این رویداد لغو شده است.")


def _changed_public() -> None:
    transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC))


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["data"].organizer,
    message="شما برای این دستگاه رویداد برگزار نمی‌کنید.",
)
def event_create(*, actor: Any, data: EventInput, request: HttpRequest | None = None) -> Event:
    data.check()
    permissions.require(
        permissions.can_organize_for(actor, data.organizer),
        "شما برای این دستگاه رویداد برگزار نمی‌کنید.",
    )
    with transaction.atomic():
        event = Event(created_by=actor if getattr(actor, "is_authenticated", False) else None)
        data.apply_to(event)
        event.save()
        if data.invite_mode == Event.Invite.LIST:
            event.invited.set(data.invited)
        audit.record(
            actor=actor,
            action="event.create",
            obj=event,
            agency=event.organizer,
            to_state=event.status,
            request=request,
        )
        _changed_public()
    return event


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def event_update(
    *, actor: Any, event: Event, data: EventInput, request: HttpRequest | None = None
) -> Event:
    """Change an event; attendees get the calendar update when its time or place changed."""
    data.check()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _require_organizer(actor, event)
        permissions.require(
            permissions.can_organize_for(actor, data.organizer),
            "شما برای این دستگاه رویداد برگزار نمی‌کنید.",
        )
        _require_scheduled(event)
        before = {name: getattr(event, name) for name in CALENDAR_FIELDS}
        data.apply_to(event)
        changed = [name for name in CALENDAR_FIELDS if getattr(event, name) != before[name]]
        if changed:
            event.sequence += 1
            event.reminded_at = None if "starts_at" in changed else event.reminded_at
        event.save()
        event.invited.set(data.invited if data.invite_mode == Event.Invite.LIST else [])
        audit.record(
            actor=actor,
            action="event.update",
            obj=event,
            agency=event.organizer,
            data={"changed": changed},
            request=request,
        )
        _changed_public()
        if changed:
            _enqueue("send_event_update", event.pk)
    return event


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def event_cancel(
    *, actor: Any, event: Event, reason: str, request: HttpRequest | None = None
) -> Event:
    _texts(("reason", reason))
    reason = _require_text(reason, "reason", "دلیل لغو را بنویسید؛ به دعوت‌شدگان گفته می‌شود.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _require_organizer(actor, event)
        _require_scheduled(event)
        event.status = Event.Status.CANCELLED
        event.cancel_reason = reason
        event.sequence += 1
        event.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        audit.record(
            actor=actor,
            action="event.cancel",
            obj=event,
            agency=event.organizer,
            from_state=Event.Status.SCHEDULED,
            to_state=Event.Status.CANCELLED,
            data={"reason": reason},
            request=request,
        )
        _changed_public()
        _enqueue("send_event_update", event.pk)
    return event


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def event_save_minutes(
    *, actor: Any, event: Event, minutes: str, request: HttpRequest | None = None
) -> Event:
    """The minutes (صورت‌جلسه) as sanitized rich text; pasted plain text becomes paragraphs."""
    _texts(("minutes", minutes))
    cleaned = richtext.clean_body(minutes)  # before the lock: sanitizing takes time
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _require_organizer(actor, event)
        event.minutes = cleaned
        event.minutes_updated_at = timezone.now()
        event.save(update_fields=["minutes", "minutes_updated_at", "updated_at"])
        audit.record(
            actor=actor,
            action="event.minutes",
            obj=event,
            agency=event.organizer,
            data={"chars": len(cleaned)},
            request=request,
        )
    return event


# --- agenda and documents ----------------------------------------------------------------


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def agenda_item_add(
    *,
    actor: Any,
    event: Event,
    title: str,
    speaker: str = "",
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> AgendaItem:
    _texts(("title", title), ("speaker", speaker))
    title = _require_text(title, "title", "موضوع بند دستور جلسه را بنویسید.")
    starts_at = validation.check_moment("starts_at", starts_at)
    ends_at = validation.check_moment("ends_at", ends_at)
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": "پایان این بند باید پس از آغاز آن باشد."})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _require_organizer(actor, event)
        if event.agenda.count() >= MAX_AGENDA_ITEMS:
            raise EventError("دستور جلسه بیش از ۱۰۰ بند نمی‌شود.")
        position = (event.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            event=event,
            position=position,
            title=title,
            speaker=_clean(speaker),
            starts_at=starts_at,
            ends_at=ends_at,
        )
        audit.record(
            actor=actor,
            action="event.agenda",
            obj=event,
            agency=event.organizer,
            data={"item": title},
            request=request,
        )
        _changed_public()
    return item


def _remove_part(
    *,
    actor: Any,
    record: AgendaItem | EventDocument,
    action: str,
    data: dict[str, str],
    request: HttpRequest | None,
) -> None:
    """Delete an agenda item or a document of an event: the organizer's, audited on the event."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=record.event_id)
        _require_organizer(actor, event)
        type(record).objects.filter(pk=record.pk, event=event).delete()
        audit.record(
            actor=actor,
            action=action,
            obj=event,
            agency=event.organizer,
            data=data,
            request=request,
        )
        _changed_public()


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["item"].event.organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def agenda_item_remove(*, actor: Any, item: AgendaItem, request: HttpRequest | None = None) -> None:
    _remove_part(
        actor=actor,
        record=item,
        action="event.agenda_remove",
        data={"item": item.title},
        request=request,
    )


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def event_add_document(
    *,
    actor: Any,
    event: Event,
    upload: Any,
    title: str = "",
    request: HttpRequest | None = None,
) -> EventDocument:
    """A document beside the event (invitation letter, presentation…), checked by content."""
    _require_organizer(actor, event)
    _texts(("title", title))
    accepted = uploads.accept(upload, policy=media.EVENT_DOCUMENT, field="file")
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            _require_organizer(actor, event)
            if event.documents.count() >= 50:
                raise EventError("بیش از ۵۰ سند برای یک رویداد پذیرفته نمی‌شود.")
            document = EventDocument(
                event=event,
                title=_clean(title) or accepted.original_name.rsplit(".", 1)[0] or "سند",
                size=accepted.size,
                original_name=accepted.original_name,
                content_type=accepted.content_type,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            uploads.save_with_file(document, "file", accepted)
            audit.record(
                actor=actor,
                action="event.document",
                obj=event,
                agency=event.organizer,
                data={"file": document.title, "type": accepted.content_type},
                request=request,
            )
            _changed_public()
            return document
    finally:
        accepted.close()


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["document"].event.organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def event_remove_document(
    *, actor: Any, document: EventDocument, request: HttpRequest | None = None
) -> None:
    _remove_part(
        actor=actor,
        record=document,
        action="event.document_remove",
        data={"file": document.title},
        request=request,
    )
    transaction.on_commit(lambda: document.file.delete(save=False))


# --- registration ------------------------------------------------------------------------


def normalize_phone(value: str) -> str:
    """«۰۹۱۲ ۱۲۳ ۴۵۶۷», «+98 912-123-4567» → «09121234567»; raises ValidationError."""
    number = phone_number(value)
    if number is None:
        raise ValidationError(
            {"phone": "شمارهٔ تلفن را با پیش‌شماره و یازده رقم بنویسید، مانند ۰۹۱۲۱۲۳۴۵۶۷."}
        )
    return number


@dataclass
class AttendeeInput:
    name: str
    phone: str
    role: str = ""
    email: str = ""

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            _texts(
                ("name", self.name),
                ("role", self.role),
                ("phone", self.phone),
                ("email", self.email),
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if "name" not in errors and not _clean(self.name):
            errors["name"] = ["نام شرکت‌کننده را بنویسید."]
        if "phone" not in errors:
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        self.email = self.email.strip()
        if self.email and "email" not in errors:
            from django.core.validators import validate_email

            try:
                validate_email(self.email)
            except ValidationError:
                errors["email"] = ["نشانی پست الکترونیک درست نیست."]
        if errors:
            raise ValidationError(errors)


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.REGISTERED).count()


@permissions.guarded(
    permissions.can_act_for,
    agency=lambda kw: kw["agency"],
    message="شما برای این دستگاه ثبت‌نام نمی‌کنید.",
)
def registration_create(
    *,
    actor: Any,
    event: Event,
    agency: Agency,
    data: AttendeeInput,
    request: HttpRequest | None = None,
) -> Registration:
    """Register one attendee of an invited agency; exactly one wins the last seat."""
    data.check()
    permissions.require(
        permissions.can_act_for(actor, agency), "شما برای این دستگاه ثبت‌نام نمی‌کنید."
    )
    try:
        with transaction.atomic():
            # The lock serializes registrations of one event: the count below is exact.
            event = Event.objects.select_for_update().get(pk=event.pk)
            _require_scheduled(event)
            if not event.invites(agency):
                raise EventError(f"«{agency.display_name}» به این رویداد دعوت نشده است.")
            if timezone.now() >= event.deadline:
                raise EventError(
                    "مهلت ثبت‌نام در این رویداد "
                    f"{jalali.format_datetime(event.deadline)} به پایان رسیده است."
                )
            if event.registrations.filter(
                status=Registration.Status.REGISTERED, phone=data.phone
            ).exists():
                raise EventError(
                    f"شخصی با شمارهٔ {to_persian_digits(data.phone)} "
                    "پیش‌تر در این رویداد ثبت‌نام شده است."
                )
            if event.capacity is not None and seats_taken(event) >= event.capacity:
                raise EventError(
                    f"ظرفیت این رویداد ({jalali.format_number(event.capacity)} نفر) پر شده است."
                )
            registration = Registration.objects.create(
                event=event,
                agency=agency,
                name=_clean(data.name),
                role=_clean(data.role),
                phone=data.phone,
                email=data.email,
                registered_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(
                actor=actor,
                action="registration.create",
                obj=event,
                agency=agency,
                data={"name": registration.name, "registration": registration.pk},
                request=request,
            )
            _changed_public()
            _enqueue("send_registration_confirmation", registration.pk)
            return registration
    except IntegrityError as exc:
        # Two requests for the same person at once: the constraint stops the second.
        raise EventError("این شخص پیش‌تر در این رویداد ثبت‌نام شده است.") from exc


@permissions.guarded(permissions.is_staff_member)
def registration_cancel(
    *, actor: Any, registration: Registration, request: HttpRequest | None = None
) -> Registration:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_related("agency").get(pk=registration.pk)
        permissions.require(
            permissions.can_act_for(actor, registration.agency)
            or permissions.can_organize_for(actor, event.organizer),
            "این ثبت‌نام از دستگاه دیگری است.",
        )
        if not registration.is_active:
            raise EventError("این ثبت‌نام پیش‌تر لغو شده است.")
        if event.is_past:
            raise EventError("رویداد برگزار شده است؛ ثبت‌نام آن را نمی‌توان لغو کرد.")
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.record(
            actor=actor,
            action="registration.cancel",
            obj=event,
            agency=registration.agency,
            data={"name": registration.name, "registration": registration.pk},
            request=request,
        )
        _changed_public()
        _enqueue("send_registration_cancellation", registration.pk)
    return registration


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["registration"].event.organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def registration_check_in(
    *,
    actor: Any,
    registration: Registration,
    attended: bool = True,
    request: HttpRequest | None = None,
) -> Registration:
    """Mark (or unmark) an attendee present on the day; the organizer's check-in page."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("event__organizer", "agency")
            .get(pk=registration.pk)
        )
        event = registration.event
        _require_organizer(actor, event)
        if not registration.is_active:
            raise EventError("این ثبت‌نام لغو شده است.")
        registration.attended_at = timezone.now() if attended else None
        registration.save(update_fields=["attended_at"])
        audit.record(
            actor=actor,
            action="registration.attend" if attended else "registration.absent",
            obj=event,
            agency=registration.agency,
            data={"name": registration.name, "registration": registration.pk},
            request=request,
        )
    return registration


# --- resolutions -------------------------------------------------------------------------


@dataclass
class ResolutionInput:
    text: str
    responsible: Agency
    deadline: dt.date
    owner: Any = None  # a User of the responsible agency, or None

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            _texts(("text", self.text))
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if "text" not in errors and not _clean(self.text):
            errors["text"] = ["متن مصوبه را بنویسید."]
        if self.deadline is None:
            errors["deadline"] = ["مهلت انجام مصوبه را بنویسید."]
        elif not jalali.in_supported_range(self.deadline):
            errors["deadline"] = [jalali.OUT_OF_RANGE_MESSAGE]
        if self.owner is not None and not permissions.can_act_for(self.owner, self.responsible):
            errors["owner"] = ["مسئول پیگیری باید از کارکنان دستگاه مسئول باشد."]
        if errors:
            raise ValidationError(errors)


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["event"].organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def resolution_create(
    *, actor: Any, event: Event, data: ResolutionInput, request: HttpRequest | None = None
) -> Resolution:
    data.check()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _require_organizer(actor, event)
        if event.resolutions.count() >= MAX_RESOLUTIONS:
            raise EventError("بیش از ۲۰۰ مصوبه برای یک رویداد پذیرفته نمی‌شود.")
        number = (event.resolutions.aggregate(m=Max("number"))["m"] or 0) + 1
        resolution = Resolution.objects.create(
            event=event,
            number=number,
            text=_clean(data.text),
            responsible=data.responsible,
            owner=data.owner,
            deadline=data.deadline,
        )
        audit.record(
            actor=actor,
            action="resolution.create",
            obj=resolution,
            agency=data.responsible,
            to_state=resolution.status,
            data={"deadline": data.deadline.isoformat(), "event": event.pk},
            request=request,
        )
    return resolution


@permissions.guarded(
    permissions.can_organize_for,
    agency=lambda kw: kw["resolution"].event.organizer,
    message="این رویداد را دستگاه دیگری برگزار می‌کند.",
)
def resolution_edit(
    *,
    actor: Any,
    resolution: Resolution,
    data: ResolutionInput,
    request: HttpRequest | None = None,
) -> Resolution:
    """The organizer changes what was resolved, who is responsible or the deadline."""
    data.check()
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update()
            .select_related("event__organizer")
            .get(pk=resolution.pk)
        )
        _require_organizer(actor, resolution.event)
        before = {
            "text": resolution.text,
            "responsible": resolution.responsible_id,
            "owner": resolution.owner_id,
            "deadline": resolution.deadline.isoformat(),
        }
        resolution.text = _clean(data.text)
        resolution.responsible = data.responsible
        resolution.owner = data.owner
        resolution.deadline = data.deadline
        if resolution.deadline.isoformat() != before["deadline"]:
            resolution.overdue_notified_on = None
        resolution.save()
        audit.record(
            actor=actor,
            action="resolution.edit",
            obj=resolution,
            agency=resolution.responsible,
            data={"before": before},
            request=request,
        )
    return resolution


R = Resolution.Status


@dataclass
class ResolutionReport:
    """A status report on a resolution: the new state and what it needs."""

    status: str
    progress: int | None = None
    evidence: str = ""
    evidence_upload: Any = None
    reason: str = ""

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.status not in R.values:
            errors["status"] = ["وضعیت شناخته نیست."]
        try:
            _texts(("evidence", self.evidence), ("reason", self.reason))
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.status == R.IN_PROGRESS and (
            self.progress is None or not 0 <= self.progress <= 100
        ):
            errors["progress"] = ["درصد پیشرفت را میان ۰ و ۱۰۰ بنویسید."]
        if (
            self.status == R.DONE
            and not _clean(self.evidence)
            and self.evidence_upload is None
            and "evidence" not in errors
        ):
            errors["evidence"] = ["برای انجام‌شده، مستندات انجام را بنویسید یا پرونده‌ای بفرستید."]
        if self.status == R.CANCELLED and not _clean(self.reason) and "reason" not in errors:
            errors["reason"] = ["دلیل لغو مصوبه را بنویسید."]
        if errors:
            raise ValidationError(errors)


@permissions.question(reason="may this person report on the resolution")
def may_report(actor: Any, resolution: Resolution) -> bool:
    """The responsible agency's writers, and the organizer (the directorate sees all)."""
    return permissions.can_act_for(actor, resolution.responsible) or permissions.can_organize_for(
        actor, resolution.event.organizer
    )


@permissions.guarded(
    permissions.is_staff_member, message="این مصوبه به دستگاه دیگری سپرده شده است."
)
def resolution_report(
    *,
    actor: Any,
    resolution: Resolution,
    report: ResolutionReport,
    request: HttpRequest | None = None,
) -> Resolution:
    """Move a resolution: open ↔ in progress (with %), done (with evidence), cancelled (by the
    organizer, with a reason). A done or cancelled one is reopened by the organizer only."""
    report.check()
    accepted = None
    if report.status == R.DONE and report.evidence_upload is not None:
        accepted = uploads.accept(
            report.evidence_upload, policy=media.RESOLUTION_EVIDENCE, field="evidence_file"
        )
    try:
        with transaction.atomic():
            resolution = (
                Resolution.objects.select_for_update()
                .select_related("event__organizer", "responsible")
                .get(pk=resolution.pk)
            )
            permissions.require(
                may_report(actor, resolution), "این مصوبه به دستگاه دیگری سپرده شده است."
            )
            organizer = permissions.can_organize_for(actor, resolution.event.organizer)
            before = resolution.status
            if report.status == R.CANCELLED and not organizer:
                raise EventError("مصوبه را تنها برگزارکنندهٔ جلسه لغو می‌کند.")
            if not resolution.is_open and not organizer:
                raise EventError(
                    f"این مصوبه «{resolution.get_status_display()}» است؛ "
                    "بازگشایی آن با برگزارکنندهٔ جلسه است."
                )
            resolution.status = report.status
            if report.status == R.IN_PROGRESS:
                resolution.progress = int(report.progress or 0)
            elif report.status == R.DONE:
                resolution.progress = 100
                resolution.evidence = _clean(report.evidence)
                resolution.cancel_reason = ""
            elif report.status == R.CANCELLED:
                resolution.cancel_reason = _clean(report.reason)
            elif report.status == R.OPEN:
                resolution.progress = 0
            if accepted is not None:
                resolution.evidence_content_type = accepted.content_type
                uploads.save_with_file(resolution, "evidence_file", accepted)
            else:
                resolution.save()
            audit.record(
                actor=actor,
                action="resolution.report",
                obj=resolution,
                agency=resolution.responsible,
                from_state=before,
                to_state=resolution.status,
                data={
                    "progress": resolution.progress,
                    "evidence": resolution.evidence[:300],
                    "reason": resolution.cancel_reason[:300],
                },
                request=request,
            )
            return resolution
    finally:
        if accepted is not None:
            accepted.close()


def today() -> dt.date:
    return jalali.to_local(timezone.now()).date()


# Overdue resolutions are e-mailed to their owner when they fall due and then weekly.
OVERDUE_REPEAT_DAYS = 7


@permissions.system_only(
    reason="the daily task reminds the responsible agencies of overdue resolutions"
)
def resolutions_notify_overdue(*, on: dt.date | None = None) -> list[int]:
    """E-mail the owner (or, without one, the responsible agency) of each overdue resolution
    not told in the last week; returns the resolutions told. Run daily by the scheduler."""
    from ravabet.events import mail

    on = on or today()
    told: list[int] = []
    due = Resolution.objects.filter(status__in=Resolution.OPEN_STATES, deadline__lt=on).exclude(
        overdue_notified_on__gt=on - dt.timedelta(days=OVERDUE_REPEAT_DAYS)
    )
    for pk in due.values_list("pk", flat=True)[:1_000]:
        with transaction.atomic():
            resolution = (
                # "of": the owner is optional (an outer join), which PostgreSQL cannot lock.
                Resolution.objects.select_for_update(of=("self",))
                .select_related("owner", "responsible", "event")
                .get(pk=pk)
            )
            if not resolution.is_overdue(on):
                continue
            last = resolution.overdue_notified_on
            if last and last > on - dt.timedelta(days=OVERDUE_REPEAT_DAYS):
                continue
            resolution.overdue_notified_on = on
            resolution.save(update_fields=["overdue_notified_on"])
            audit.record(
                actor=None,
                action="resolution.overdue",
                obj=resolution,
                agency=resolution.responsible,
                data={"deadline": resolution.deadline.isoformat()},
            )
        mail.send_overdue(resolution)
        told.append(pk)
    return told


# --- reminders ---------------------------------------------------------------------------


@permissions.system_only(reason="the task reminds the registered attendees before the event")
def event_send_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """A set time before each event (RAVABET_EVENT_REMINDER_HOURS), remind its registrants and
    the invited agencies that registered nobody; each event once. Run by the scheduler."""
    from django.conf import settings

    from ravabet.events import mail

    now = now or timezone.now()
    window = dt.timedelta(hours=float(settings.RAVABET_EVENT_REMINDER_HOURS))
    reminded: list[int] = []
    due = Event.objects.filter(
        status=Event.Status.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + window,
    ).order_by("starts_at")
    for pk in due.values_list("pk", flat=True)[:200]:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=pk)
            if event.reminded_at is not None or event.is_cancelled:
                continue
            event.reminded_at = now
            event.save(update_fields=["reminded_at"])
        mail.send_reminders(event)
        reminded.append(pk)
    return reminded


# --- side effects ------------------------------------------------------------------------


def _enqueue(task_name: str, pk: int) -> None:
    """Enqueue one of events/tasks.py after the commit (mail never runs in a request)."""

    def go() -> None:
        from ravabet.events import tasks

        getattr(tasks, task_name).enqueue(pk)

    transaction.on_commit(go)

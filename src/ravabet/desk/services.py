"""Every write to the citizen desk: checked, normalized, audited, atomic and short.

A citizen's message is received into its agency's inbox (or the directorate's triage when the
citizen did not know the agency) with a tracking code and a clock of working days; an officer
is assigned, notes are written inside, a public answer goes out; the citizen rates it (which
closes it) or reopens it once with a reason (which restarts the clock). An agency asks the
directorate to transfer a message that is not its own; the directorate routes triage and
decides transfers; duplicates are merged into one, spam is set aside. Overdue messages are
escalated to the directorate by a periodic task (tasks.py).

As everywhere (docs/capability.md): input is checked and normalized before the transaction;
the transaction locks the row, checks permission and state, writes, records the audit entry;
mail and SMS leave after the commit, from tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, jalali, pagecache, permissions, uploads, validation
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.organisation.models import Agency, County, Membership
from ravabet.desk import media, tracking
from ravabet.desk.models import (
    OPEN_STATUSES,
    PUBLIC_KINDS,
    Attachment,
    Channel,
    Kind,
    Message,
    MessageEvent,
    ReplyTemplate,
    SlaRule,
    Status,
)
from ravabet.persian import normalize
from ravabet.persian.phones import mobile_number

# The page-cache topic of the public figures (/desk/stats/).
PUBLIC_TOPIC = "desk"

MAX_CHARS = {
    "subject": 200,
    "body": 10_000,
    "citizen_name": 150,
    "email": 254,
    "mobile": 40,
    "address": 300,
    "about_title": 300,
    "text": 10_000,
    "reason": 2_000,
    "comment": 2_000,
    "title": 200,
}
LABELS = {
    "subject": "موضوع",
    "body": "متن پیام",
    "citizen_name": "نام",
    "email": "رایانامه",
    "mobile": "تلفن همراه",
    "address": "نشانی",
    "about_title": "دربارهٔ",
    "text": "متن",
    "reason": "دلیل",
    "comment": "نظر",
    "title": "عنوان",
}
EV = MessageEvent.Kind


class DeskError(Exception):
    """The step is refused by the message's state (already answered, reopened once…);
    the message is Persian and shown to the person as it is."""


def _texts(*pairs: tuple[str, str | None]) -> None:
    validation.check_texts(
        (name, value, LABELS[name], MAX_CHARS[name]) for name, value in pairs if value is not None
    )


def _clean(value: str) -> str:
    return normalize(value or "").strip()


def _required_text(name: str, value: str, message: str) -> None:
    """Refuse a text that is too long, holds a forbidden character, or says nothing."""
    _texts((name, value))
    if not _clean(value):
        raise ValidationError({name: message})


def _required(errors: dict[str, list[str]], name: str, value: str, message: str) -> None:
    if name not in errors and not _clean(value):
        errors[name] = [message]


def sla_days_for(kind: str) -> int:
    """Working days an agency has for a kind: the directorate's rule, or the setting."""
    rule = SlaRule.objects.filter(kind=kind).values_list("working_days", flat=True).first()
    if rule:
        return int(rule)
    return int(settings.RAVABET_DESK_SLA_DAYS.get(kind, 7))


# --- a citizen's message -------------------------------------------------------------------


@dataclass
class MessageInput:
    kind: str
    subject: str
    body: str
    agency: Agency | None = None  # None: «نمی‌دانم», the directorate triages
    county: County | None = None
    citizen_name: str = ""
    mobile: str = ""
    email: str = ""
    is_anonymous: bool = False
    attachments: list[Any] = field(default_factory=list)
    channel: str = Channel.WEB
    # Another capability's record the message is about (an investment opportunity).
    about: models.Model | None = None
    about_title: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    filed_by: Any = None
    # The public form and Open311 offer the public kinds; another capability names its own.
    allow_kinds: tuple[str, ...] = tuple(PUBLIC_KINDS)
    # The web form asks for a way to reach the citizen; an API client tracks the message itself.
    contact_required: bool = True

    def check(self) -> None:
        """Raise ValidationError keyed by field; normalizes the mobile number in place."""
        errors: dict[str, list[str]] = {}
        try:
            _texts(
                ("subject", self.subject),
                ("body", self.body),
                ("citizen_name", self.citizen_name),
                ("email", self.email),
                ("mobile", self.mobile),
                ("address", self.address),
                ("about_title", self.about_title),
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.kind not in self.allow_kinds:
            errors["kind"] = ["نوع پیام را از فهرست برگزینید."]
        _required(errors, "subject", self.subject, "موضوع پیام را بنویسید.")
        _required(errors, "body", self.body, "متن پیام را بنویسید.")
        if self.mobile and "mobile" not in errors:
            number = mobile_number(self.mobile)
            if number is None:
                errors["mobile"] = ["شمارهٔ همراه را با یازده رقم بنویسید، مانند ۰۹۱۲۱۲۳۴۵۶۷."]
            else:
                self.mobile = number
        if self.email and "email" not in errors:
            self.email = self.email.strip()
            try:
                validate_email(self.email)
            except ValidationError:
                errors["email"] = ["نشانی رایانامه درست نیست؛ مانند name@example.ir بنویسید."]
        if (
            self.contact_required
            and not (self.mobile or self.email)
            and not errors.keys()
            & {
                "mobile",
                "email",
            }
        ):
            errors["mobile"] = [
                "شمارهٔ همراه یا نشانی رایانامه را بنویسید تا کد رهگیری و پاسخ برایتان فرستاده شود."
            ]
        if self.agency is not None and not self.agency.is_active:
            errors["agency"] = ["این دستگاه دیگر پیام نمی‌پذیرد؛ دستگاه دیگری برگزینید."]
        limit = settings.RAVABET_DESK_MAX_ATTACHMENTS
        if len(self.attachments) > limit:
            errors["attachments"] = [f"بیش از {jalali.format_number(limit)} پیوست پذیرفته نمی‌شود."]
        for name, value, low, high in (
            ("latitude", self.latitude, -90.0, 90.0),
            ("longitude", self.longitude, -180.0, 180.0),
        ):
            if value is not None and not (low <= value <= high):
                errors[name] = ["مختصات جغرافیایی درست نیست."]
        if errors:
            raise ValidationError(errors)


def _event(
    message: Message,
    kind: str,
    *,
    actor: Any = None,
    text: str = "",
    agency: Agency | None = None,
) -> MessageEvent:
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        agency=agency if agency is not None else message.agency,
        text=text,
        is_public=kind in MessageEvent.PUBLIC,
    )


@permissions.open_to_all(reason="a citizen's message, no account needed")
def message_submit(*, data: MessageInput, request: HttpRequest | None = None) -> Message:
    """Receive a message: one transaction that either gives a tracking code or an error.
    The confirmation (SMS, e-mail) is enqueued after the commit and never undoes it."""
    data.check()
    accepted = [
        uploads.accept(upload, policy=media.ATTACHMENT, field="attachments")
        for upload in data.attachments
    ]
    # Files stored before a failure later in the transaction: the rollback drops their rows,
    # and these lines their files (save_with_file removes only the one whose row failed).
    stored: list[Attachment] = []
    try:
        now = timezone.now()
        days = sla_days_for(data.kind)
        due_at = WorkingCalendar().add_working_days(now, days)
        about_type = ContentType.objects.get_for_model(data.about) if data.about else None
        with transaction.atomic():
            message = _create_with_code(
                kind=data.kind,
                channel=data.channel,
                status=Status.RECEIVED if data.agency else Status.TRIAGE,
                agency=data.agency,
                county=data.county,
                subject=_clean(data.subject),
                body=_clean(data.body),
                citizen_name=_clean(data.citizen_name),
                mobile=data.mobile,
                email=data.email,
                is_anonymous=data.is_anonymous,
                about_type=about_type,
                about_id=str(data.about.pk) if data.about else "",
                about_title=_clean(data.about_title),
                latitude=data.latitude,
                longitude=data.longitude,
                address=_clean(data.address),
                filed_by=data.filed_by
                if getattr(data.filed_by, "is_authenticated", False)
                else None,
                sla_days=days,
                due_at=due_at,
            )
            _event(message, EV.RECEIVED)
            for item in accepted:
                attachment = Attachment(
                    message=message,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                )
                uploads.save_with_file(attachment, "file", item)
                stored.append(attachment)
            audit.record(
                actor=data.filed_by,
                action="message.receive",
                obj=message,
                agency=message.agency,
                to_state=message.status,
                data={"kind": message.kind, "channel": message.channel},
                request=request,
            )
            _enqueue("send_confirmation", message.pk)
            _changed_public()
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    finally:
        for item in accepted:
            item.close()
    return message


def _create_with_code(**fields: Any) -> Message:
    """Insert under a fresh tracking code; a collision (one in 10¹¹) draws another."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Message.objects.create(tracking_code=tracking.new_code(), **fields)
        except IntegrityError:
            continue
    raise DeskError("ثبت پیام ممکن نشد؛ دوباره بفرستید.")


# --- the citizen's answer to the answer -------------------------------------------------------


def _locked(message: Message) -> Message:
    # Only the message's row: PostgreSQL cannot lock the nullable side of the agency's join.
    return (
        Message.objects.select_for_update(of=("self",)).select_related("agency").get(pk=message.pk)
    )


@permissions.open_to_all(reason="the citizen who holds the tracking code rates the answer")
def message_rate(
    *, message: Message, rating: int, comment: str = "", request: HttpRequest | None = None
) -> Message:
    """The citizen (holder of the code) rates the answer from 1 to 5; it closes the message."""
    _texts(("comment", comment))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "رضایت خود را از ۱ تا ۵ برگزینید."})
    with transaction.atomic():
        message = _locked(message)
        if message.rating is not None:
            raise DeskError("این پاسخ پیش‌تر ارزیابی شده است.")
        if message.status not in (Status.ANSWERED, Status.CLOSED) or message.answered_at is None:
            raise DeskError("پیام هنوز پاسخ داده نشده است؛ پس از پاسخ می‌توانید آن را ارزیابی کنید.")
        before = message.status
        now = timezone.now()
        message.rating = rating
        message.rating_comment = _clean(comment)
        message.rated_at = now
        message.status = Status.CLOSED
        message.closed_at = message.closed_at or now
        message.save()
        _event(message, EV.RATED, text=jalali.format_number(rating))
        audit.record(
            actor=None,
            action="message.rate",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            data={"rating": rating},
            request=request,
        )
        _changed_public()
    return message


@permissions.open_to_all(reason="the citizen who holds the tracking code reopens the message")
def message_reopen(*, message: Message, reason: str, request: HttpRequest | None = None) -> Message:
    """The citizen reopens an answered message once, saying why; the clock starts again."""
    _required_text("reason", reason, "بنویسید چرا پاسخ کافی نبود.")
    with transaction.atomic():
        message = _locked(message)
        if message.status != Status.ANSWERED:
            raise DeskError("تنها پیامی که پاسخ داده شده و هنوز بسته نشده است بازگشایی می‌شود.")
        if message.reopen_count >= 1:
            raise DeskError("هر پیام تنها یک بار بازگشایی می‌شود.")
        now = timezone.now()
        message.status = Status.REOPENED
        message.reopen_count += 1
        message.reopen_reason = _clean(reason)
        message.due_at = WorkingCalendar().add_working_days(now, message.sla_days)
        message.escalated_at = None
        message.save()
        _event(message, EV.REOPENED, text=message.reopen_reason)
        audit.record(
            actor=None,
            action="message.reopen",
            obj=message,
            agency=message.agency,
            from_state=Status.ANSWERED,
            to_state=Status.REOPENED,
            request=request,
        )
        _changed_public()
    return message


# --- the agency's work ----------------------------------------------------------------------


def _require_handler(actor: Any, message: Message) -> None:
    if message.agency is None:
        permissions.require(
            permissions.can_route_messages(actor), "پیام‌های در انتظار ارجاع با استانداری است."
        )
    else:
        permissions.require(
            permissions.can_handle_messages_for(actor, message.agency),
            "این پیام به دستگاه شما نرسیده است.",
        )


def _require_open(message: Message, verb: str) -> None:
    if message.status not in OPEN_STATUSES:
        raise DeskError(f"پیام «{message.get_status_display()}» است و {verb} نمی‌شود.")


# Declared once: who may handle a message (its agency's staff; the directorate while it waits).
_handles_message = permissions.guarded(
    permissions.can_handle_messages_for,
    agency=lambda kw: kw["message"].agency,
    message=lambda kw: (
        "پیام‌های در انتظار ارجاع با استانداری است."
        if kw["message"].agency is None
        else "این پیام به دستگاه شما نرسیده است."
    ),
)


@_handles_message
def message_assign(
    *, actor: Any, message: Message, assignee: Any, request: HttpRequest | None = None
) -> Message:
    """Give the message to one of the agency's staff (or take it back with None)."""
    _require_handler(actor, message)
    with transaction.atomic():
        message = _locked(message)
        _require_handler(actor, message)
        _require_open(message, "سپرده")
        if message.agency is None:
            raise DeskError("پیش از سپردن به کارشناس، پیام را به دستگاهی ارجاع دهید.")
        if (
            assignee is not None
            and not Membership.objects.filter(user=assignee, agency=message.agency).exists()
        ):
            raise ValidationError({"assignee": "کارشناس باید از کارکنان همین دستگاه باشد."})
        before = message.status
        message.assignee = assignee
        if assignee is not None and message.status == Status.RECEIVED:
            message.status = Status.IN_PROGRESS
        elif assignee is None and message.status == Status.IN_PROGRESS:
            message.status = Status.RECEIVED
        message.save()
        if assignee is not None:
            _event(message, EV.ASSIGNED, actor=actor)
        audit.record(
            actor=actor,
            action="message.assign",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            data={"assignee": getattr(assignee, "username", "")},
            request=request,
        )
    return message


@_handles_message
def message_note(
    *, actor: Any, message: Message, text: str, request: HttpRequest | None = None
) -> MessageEvent:
    """An internal note: the agency and the directorate read it, the citizen never does."""
    _required_text("text", text, "متن یادداشت را بنویسید.")
    _require_handler(actor, message)
    with transaction.atomic():
        message = _locked(message)
        _require_handler(actor, message)
        note = _event(message, EV.NOTE, actor=actor, text=_clean(text))
        audit.record(
            actor=actor, action="message.note", obj=message, agency=message.agency, request=request
        )
    return note


@_handles_message
def message_answer(
    *, actor: Any, message: Message, text: str, request: HttpRequest | None = None
) -> Message:
    """The public answer: the citizen reads it by the code and is told by SMS or e-mail."""
    _required_text("text", text, "متن پاسخ را بنویسید.")
    _require_handler(actor, message)
    with transaction.atomic():
        message = _locked(message)
        _require_handler(actor, message)
        _require_open(message, "پاسخ داده")
        if message.agency is None or message.status == Status.TRIAGE:
            raise DeskError("پیام در انتظار ارجاع است؛ پس از ارجاع به دستگاه پاسخ داده می‌شود.")
        before = message.status
        now = timezone.now()
        message.answer = _clean(text)
        message.answered_by = actor if getattr(actor, "is_authenticated", False) else None
        message.answered_at = now
        message.status = Status.ANSWERED
        if message.first_answered_at is None:
            message.first_answered_at = now
            message.first_answer_days = WorkingCalendar().working_days_between(
                message.created_at, now
            )
            message.answered_in_time = now <= message.due_at
        message.save()
        _event(message, EV.ANSWERED, actor=actor, text=message.answer)
        audit.record(
            actor=actor,
            action="message.answer",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            request=request,
        )
        _enqueue("send_answer_notice", message.pk)
        for duplicate in message.duplicates.values_list("pk", flat=True)[:100]:
            _enqueue("send_answer_notice", duplicate)
        _changed_public()
    return message


@_handles_message
def message_request_transfer(
    *,
    actor: Any,
    message: Message,
    to_agency: Agency,
    reason: str,
    request: HttpRequest | None = None,
) -> Message:
    """The agency says the message is another's: the directorate decides (its own staff move
    it at once, as `message_route` does)."""
    _required_text("reason", reason, "دلیل ارجاع را بنویسید.")
    if permissions.can_route_messages(actor):
        return message_route(
            actor=actor, message=message, agency=to_agency, reason=reason, request=request
        )
    _require_handler(actor, message)
    with transaction.atomic():
        message = _locked(message)
        _require_handler(actor, message)
        _require_open(message, "ارجاع")
        if message.status == Status.TRIAGE:
            raise DeskError("درخواست ارجاع این پیام پیش‌تر فرستاده شده است.")
        if message.agency_id == to_agency.pk:
            raise ValidationError({"to_agency": "پیام هم‌اکنون نزد همین دستگاه است."})
        if not to_agency.is_active:
            raise ValidationError({"to_agency": "این دستگاه دیگر پیام نمی‌پذیرد."})
        before = message.status
        message.transfer_to = to_agency
        message.transfer_reason = _clean(reason)
        message.status = Status.TRIAGE
        message.save()
        _event(
            message,
            EV.TRANSFER_REQUESTED,
            actor=actor,
            text=f"به {to_agency.name}: {message.transfer_reason}",
        )
        audit.record(
            actor=actor,
            action="message.transfer_request",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            data={"to": to_agency.name},
            request=request,
        )
    return message


@permissions.guarded(permissions.can_route_messages, message="ارجاع پیام‌ها با استانداری است.")
def message_route(
    *,
    actor: Any,
    message: Message,
    agency: Agency,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Message:
    """The directorate sends a message to an agency: out of triage, approving (or overriding)
    a transfer an agency asked for, or straight from one agency to another. The clock keeps
    running from the receipt: the citizen has waited since then."""
    _texts(("reason", reason))
    permissions.require(permissions.can_route_messages(actor), "ارجاع پیام‌ها با استانداری است.")
    with transaction.atomic():
        message = _locked(message)
        _require_open(message, "ارجاع")
        if message.agency_id == agency.pk and message.status != Status.TRIAGE:
            raise ValidationError({"agency": "پیام هم‌اکنون نزد همین دستگاه است."})
        if not agency.is_active:
            raise ValidationError({"agency": "این دستگاه دیگر پیام نمی‌پذیرد."})
        before, from_agency = message.status, message.agency
        message.agency = agency
        message.assignee = None
        message.transfer_to = None
        message.transfer_reason = ""
        message.status = (
            Status.REOPENED
            if message.reopen_count and before != Status.TRIAGE
            else (Status.RECEIVED)
        )
        message.save()
        kind = EV.ROUTED if from_agency is None else EV.TRANSFERRED
        _event(message, kind, actor=actor, text=agency.name)
        if _clean(reason):
            _event(message, EV.NOTE, actor=actor, text=_clean(reason))
        audit.record(
            actor=actor,
            action="message.route",
            obj=message,
            agency=agency,
            from_state=before,
            to_state=message.status,
            data={"from": from_agency.name if from_agency else "", "to": agency.name},
            request=request,
        )
    return message


@permissions.guarded(permissions.can_route_messages, message="تصمیم دربارهٔ ارجاع با استانداری است.")
def message_refuse_transfer(
    *, actor: Any, message: Message, reason: str, request: HttpRequest | None = None
) -> Message:
    """The directorate keeps the message with its agency, saying why."""
    _required_text("reason", reason, "بنویسید چرا ارجاع پذیرفته نشد.")
    permissions.require(
        permissions.can_route_messages(actor), "تصمیم دربارهٔ ارجاع با استانداری است."
    )
    with transaction.atomic():
        message = _locked(message)
        if message.status != Status.TRIAGE or message.agency is None:
            raise DeskError("درخواست ارجاعی برای این پیام در انتظار نیست.")
        message.status = Status.IN_PROGRESS if message.assignee_id else Status.RECEIVED
        if message.reopen_count:
            message.status = Status.REOPENED
        message.transfer_to = None
        message.transfer_reason = ""
        message.save()
        _event(message, EV.TRANSFER_REFUSED, actor=actor, text=_clean(reason))
        audit.record(
            actor=actor,
            action="message.transfer_refuse",
            obj=message,
            agency=message.agency,
            from_state=Status.TRIAGE,
            to_state=message.status,
            request=request,
        )
    return message


@_handles_message
def message_merge(
    *, actor: Any, message: Message, into: Message, request: HttpRequest | None = None
) -> Message:
    """A duplicate joins the message it repeats: its citizen follows the other's answer."""
    _require_handler(actor, message)
    _require_handler(actor, into)
    if message.pk == into.pk:
        raise ValidationError({"into": "پیام را نمی‌توان با خودش ادغام کرد."})
    with transaction.atomic():
        # Lock both in id order, so two merges the other way round cannot deadlock.
        locked = {
            m.pk: m
            for m in Message.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk__in=[message.pk, into.pk])
            .order_by("pk")
        }
        message, into = locked[message.pk], locked[into.pk]
        _require_open(message, "ادغام")
        if into.status in (Status.MERGED, Status.SPAM):
            raise ValidationError({"into": "پیام مقصد خودش ادغام‌شده یا هرزنامه است."})
        if message.agency_id != into.agency_id:
            raise ValidationError({"into": "تنها پیام‌های یک دستگاه با هم ادغام می‌شوند."})
        before = message.status
        message.status = Status.MERGED
        message.merged_into = into
        message.closed_at = timezone.now()
        message.save()
        _event(message, EV.MERGED, actor=actor)
        _event(
            into, EV.NOTE, actor=actor, text=f"پیام {message.code_display} در این پیام ادغام شد."
        )
        audit.record(
            actor=actor,
            action="message.merge",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            data={"into": into.pk},
            request=request,
        )
        if into.status in (Status.ANSWERED, Status.CLOSED):
            _enqueue("send_answer_notice", message.pk)
        _changed_public()
    return message


@_handles_message
def message_mark_spam(
    *, actor: Any, message: Message, reason: str = "", request: HttpRequest | None = None
) -> Message:
    """Set aside a message that is not one (advertising, abuse): counted nowhere."""
    _texts(("reason", reason))
    _require_handler(actor, message)
    with transaction.atomic():
        message = _locked(message)
        _require_handler(actor, message)
        _require_open(message, "هرزنامه شمرده")
        before = message.status
        message.status = Status.SPAM
        message.closed_at = timezone.now()
        message.save()
        _event(message, EV.SPAM, actor=actor, text=_clean(reason))
        audit.record(
            actor=actor,
            action="message.spam",
            obj=message,
            agency=message.agency,
            from_state=before,
            to_state=message.status,
            request=request,
        )
        _changed_public()
    return message


@_handles_message
def message_reveal_contact(
    *, actor: Any, message: Message, request: HttpRequest | None = None
) -> dict[str, str]:
    """The citizen's name, mobile and e-mail, for one who may see them; every look is audited."""
    permissions.require(
        permissions.can_see_citizen_contact(actor, message.agency, anonymous=message.is_anonymous),
        "شهروند خواسته است نام و نشانی‌اش نزد دستگاه پنهان بماند."
        if message.is_anonymous
        else "این پیام به دستگاه شما نرسیده است.",
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="message.contact_view",
            obj=message,
            agency=message.agency,
            request=request,
        )
    return {"name": message.citizen_name, "mobile": message.mobile, "email": message.email}


# --- settings of the desk -------------------------------------------------------------------


@permissions.guarded(
    permissions.can_route_messages, message="مهلت‌های پاسخ را روابط عمومی استانداری تعیین می‌کند."
)
def sla_rule_save(
    *, actor: Any, kind: str, working_days: int, request: HttpRequest | None = None
) -> SlaRule:
    """The directorate sets the working days of a kind; messages already received keep theirs."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "نوع پیام را از فهرست برگزینید."})
    if not isinstance(working_days, int) or not 1 <= working_days <= 90:
        raise ValidationError({"working_days": "مهلت پاسخ میان ۱ تا ۹۰ روز کاری است."})
    permissions.require(
        permissions.can_route_messages(actor), "مهلت‌های پاسخ را روابط عمومی استانداری تعیین می‌کند."
    )
    with transaction.atomic():
        rule, _ = SlaRule.objects.select_for_update().get_or_create(
            kind=kind, defaults={"working_days": working_days}
        )
        before = rule.working_days
        rule.working_days = working_days
        rule.save()
        audit.record(
            actor=actor,
            action="desk.sla",
            obj=rule,
            data={"kind": kind, "from": before, "to": working_days},
            request=request,
        )
    return rule


@permissions.guarded(
    permissions.can_handle_messages_for,
    agency=lambda kw: kw["template"].agency if kw["template"] is not None else kw["agency"],
    message=lambda kw: (
        "پاسخ‌های آمادهٔ همگانی با استانداری است."
        if (kw["template"].agency if kw["template"] is not None else kw["agency"]) is None
        else "این دستگاه از آنِ شما نیست."
    ),
)
def reply_template_save(
    *,
    actor: Any,
    agency: Agency | None,
    title: str,
    body: str,
    template: ReplyTemplate | None = None,
    request: HttpRequest | None = None,
) -> ReplyTemplate:
    """An agency's ready answer (its staff), or a shared one for all (the directorate)."""
    _texts(("title", title), ("text", body))
    errors: dict[str, list[str]] = {}
    _required(errors, "title", title, "عنوان پاسخ آماده را بنویسید.")
    _required(errors, "text", body, "متن پاسخ آماده را بنویسید.")
    if errors:
        raise ValidationError(errors)
    owner = template.agency if template is not None else agency
    _require_template_owner(actor, owner)
    with transaction.atomic():
        if template is None:
            template = ReplyTemplate(agency=agency)
        else:
            template = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
        template.title = _clean(title)
        template.body = _clean(body)
        template.save()
        audit.record(
            actor=actor, action="desk.template", obj=template, agency=owner, request=request
        )
    return template


@permissions.guarded(
    permissions.can_handle_messages_for,
    agency=lambda kw: kw["template"].agency,
    message=lambda kw: (
        "پاسخ‌های آمادهٔ همگانی با استانداری است."
        if kw["template"].agency is None
        else "این دستگاه از آنِ شما نیست."
    ),
)
def reply_template_delete(
    *, actor: Any, template: ReplyTemplate, request: HttpRequest | None = None
) -> None:
    _require_template_owner(actor, template.agency)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="desk.template_delete",
            obj=template,
            agency=template.agency,
            request=request,
        )
        ReplyTemplate.objects.filter(pk=template.pk).delete()


@permissions.question(reason="may this person write the agency's (or the shared) ready answers")
def may_edit_templates_of(actor: Any, agency: Agency | None) -> bool:
    """Write the ready answers of an agency (its staff) or the shared ones (the directorate)."""
    if agency is None:
        return permissions.can_route_messages(actor)
    return permissions.can_handle_messages_for(actor, agency)


def _require_template_owner(actor: Any, agency: Agency | None) -> None:
    permissions.require(
        may_edit_templates_of(actor, agency),
        "پاسخ‌های آمادهٔ همگانی با استانداری است."
        if agency is None
        else "این دستگاه از آنِ شما نیست.",
    )


# --- what the clock and the tasks do --------------------------------------------------------


@permissions.system_only(reason="the clock task escalates the messages past their deadline")
def messages_escalate_overdue(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Mark the open messages past their deadline as escalated (once per deadline) and tell
    the directorate; returns their ids. Short transactions, a batch at a time."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            Message.objects.select_for_update(of=("self",))
            .filter(status__in=OPEN_STATUSES, due_at__lt=now, escalated_at__isnull=True)
            .order_by("due_at")[:limit]
        )
        for message in overdue:
            message.escalated_at = now
            message.save(update_fields=["escalated_at", "updated_at"])
            _event(message, EV.ESCALATED)
        ids = [m.pk for m in overdue]
        if ids:
            audit.record(
                actor=None,
                action="desk.escalate",
                data={"messages": ids[:100], "count": len(ids)},
            )
            _enqueue("send_escalation_notice", ids)
    return ids


@permissions.system_only(reason="the clock task closes answered messages nobody reopened")
def messages_close_stale(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Close answered messages the citizen neither rated nor reopened in time."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RAVABET_DESK_CLOSE_AFTER_DAYS)
    with transaction.atomic():
        stale = list(
            Message.objects.select_for_update(of=("self",))
            .filter(status=Status.ANSWERED, answered_at__lt=cutoff)
            .order_by("answered_at")[:limit]
        )
        for message in stale:
            message.status = Status.CLOSED
            message.closed_at = now
            message.save(update_fields=["status", "closed_at", "updated_at"])
            _event(message, EV.CLOSED)
        if stale:
            _changed_public()
    return [m.pk for m in stale]


# Longer than sending a confirmation can take (an SMS provider's and an SMTP server's timeouts).
CONFIRMATION_CLAIM = dt.timedelta(minutes=5)


@permissions.system_only(reason="the notice task claims the confirmation it is about to send")
def confirmation_claim(message_id: int, *, now: dt.datetime | None = None) -> bool:
    """Take the sending of a confirmation for this worker: one conditional UPDATE, so of two
    workers running the task at once only one sends. False when it was sent, or another
    worker's claim still runs."""
    now = now or timezone.now()
    return bool(
        Message.objects.filter(pk=message_id, confirmation_sent_at__isnull=True)
        .filter(
            models.Q(confirmation_claimed_until__isnull=True)
            | models.Q(confirmation_claimed_until__lte=now)
        )
        .update(confirmation_claimed_until=now + CONFIRMATION_CLAIM)
    )


@permissions.system_only(reason="the notice task gives back a confirmation it could not send")
def confirmation_release(message_id: int) -> None:
    """Every channel failed: the next sweep may try again at once."""
    Message.objects.filter(pk=message_id, confirmation_sent_at__isnull=True).update(
        confirmation_claimed_until=None
    )


@permissions.system_only(reason="the notice task records the confirmation it sent")
def confirmation_mark_sent(message_id: int) -> bool:
    """Record that the confirmation left; False if it had already (another worker sent it)."""
    return bool(
        Message.objects.filter(pk=message_id, confirmation_sent_at__isnull=True).update(
            confirmation_sent_at=timezone.now()
        )
    )


@permissions.system_only(reason="the notice task reads the confirmations still to send")
def confirmations_pending(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Messages whose confirmation has not left ten minutes after receipt (the enqueue failed,
    the worker was down): the periodic task enqueues them again. Two days on, it gives up."""
    now = now or timezone.now()
    return list(
        Message.objects.filter(
            confirmation_sent_at__isnull=True,
            created_at__lt=now - dt.timedelta(minutes=10),
            created_at__gt=now - dt.timedelta(days=2),
        )
        .exclude(confirmation_claimed_until__gt=now)  # a worker is sending it
        .exclude(mobile="", email="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- side effects -----------------------------------------------------------------------------


def _changed_public() -> None:
    transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC), robust=True)


def _enqueue(task_name: str, argument: int | list[int]) -> None:
    """Enqueue one of desk/tasks.py (with a message id, or a list of them) after the commit.
    `robust`: a failing queue is logged and never turns a saved message into an error page
    (the periodic task sends it later)."""

    def go() -> None:
        from ravabet.desk import tasks

        getattr(tasks, task_name).enqueue(argument)

    transaction.on_commit(go, robust=True)

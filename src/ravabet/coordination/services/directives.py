"""Directives (بخشنامه‌ها): the directorate drafts, issues and revokes; each audience agency
opens (the read receipt), acknowledges and, where action is required, reports.

    draft --issue--> issued --revoke--> revoked
    receipt: written at issue --open--> opened --acknowledge--> acknowledged (--report--> reported)

Who: the directorate (sees_all_agencies) writes, issues, revokes, attaches and reminds; an
audience agency's staff (its head and officers) open and report; its head acknowledges. The
number «1405/001» (Jalali year of issue / running number) is stored with Latin digits and shown
with Persian ones. Reminders: `receipts_remind_due` (the daily task) and `directive_remind`
(the directorate's «یادآوری اکنون»), each receipt at most once a Tehran day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ravabet.coordination import media
from ravabet.coordination.models import Directive, DirectiveAttachment, Receipt
from ravabet.core import audit, jalali, notifications, permissions, search, uploads, validation
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.organisation.models import Agency, Membership
from ravabet.persian import dates as pdates
from ravabet.persian import normalize, to_persian_digits

__all__ = [
    "DIRECTIVE_SCOPE",
    "DirectiveError",
    "DirectiveInput",
    "acknowledge_due",
    "can_acknowledge",
    "can_act_on_receipt",
    "can_manage_directives",
    "directive_add_attachment",
    "directive_create",
    "directive_document",
    "directive_input_from",
    "directive_issue",
    "directive_remind",
    "directive_remove_attachment",
    "directive_revoke",
    "directive_update",
    "index_directive",
    "receipt_acknowledge",
    "receipt_open",
    "receipt_report",
    "receipts_remind_due",
    "report_is_late",
]

DIRECTIVE_SCOPE = "directive"

MAX_CHARS = {
    "subject": 300,
    "text": 20_000,
    "reason": 2_000,
    "report": 10_000,
    "attachment_title": 200,
}
LABELS = {
    "subject": "موضوع",
    "text": "متن بخشنامه",
    "reason": "دلیل لغو",
    "report": "گزارش اقدام",
    "attachment_title": "عنوان پیوست",
}
MAX_ACKNOWLEDGE_DAYS = 30
# A report deadline this many days ahead (or past) makes the daily reminder tell the agency.
REPORT_SOON_DAYS = 2
# The most receipts reminded in one run of the daily task (the next day takes the rest).
MAX_REMINDERS_PER_RUN = 500


class DirectiveError(Exception):
    """The directive's or receipt's state does not allow this (a Persian message)."""


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


# --- who may do what ----------------------------------------------------------------------


# The rules are the kernel's (core/permissions.py), named here as the services use them.
can_manage_directives = permissions.can_issue_directives
can_act_on_receipt = permissions.can_act_on_directives_for
can_acknowledge = permissions.can_acknowledge_directives_for


_NOT_DIRECTORATE = "بخشنامه را فقط اداره‌کل روابط عمومی استانداری می‌نویسد و ابلاغ می‌کند."


# --- input --------------------------------------------------------------------------------


@dataclass
class DirectiveInput:
    subject: str = ""
    text: str = ""
    urgency: str = Directive.Urgency.NORMAL
    to_all: bool = True
    audience_ids: list[int] = field(default_factory=list)
    action_required: bool = False
    deadline: dt.date | None = None
    acknowledge_days: int = 3

    def check(self) -> dict[str, Any]:
        """Raise ValidationError keyed by field (Persian); return the model's fields (the
        audience under "audience", ids of active agencies other than the directorate)."""
        errors: dict[str, list[str]] = {}
        try:
            validation.check_texts(
                (name, getattr(self, name), LABELS[name], MAX_CHARS[name])
                for name in ("subject", "text")
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        fields: dict[str, Any] = {}
        for name, message in (
            ("subject", "موضوع بخشنامه را بنویسید."),
            ("text", "متن بخشنامه را بنویسید."),
        ):
            if name in errors:
                continue
            fields[name] = normalize(getattr(self, name) or "").strip()
            if not fields[name]:
                errors.setdefault(name, []).append(message)
        if self.urgency not in Directive.Urgency.values:
            errors.setdefault("urgency", []).append("فوریت را از فهرست انتخاب کنید.")
        fields["urgency"] = self.urgency
        fields["to_all"] = bool(self.to_all)
        audience: list[int] = []
        if not self.to_all:
            try:
                wanted = list(dict.fromkeys(int(x) for x in self.audience_ids))
            except (TypeError, ValueError):
                wanted = []
                errors.setdefault("audience", []).append("دستگاه انتخاب‌شده درست نیست.")
            found = set(
                Agency.objects.filter(pk__in=wanted, is_active=True)
                .exclude(kind=Agency.Kind.DIRECTORATE)
                .values_list("pk", flat=True)
            )
            audience = [pk for pk in wanted if pk in found]
            if "audience" not in errors:
                if len(found) != len(wanted):
                    errors.setdefault("audience", []).append(
                        "دستگاهی که انتخاب شده پیدا نشد یا فعال نیست."
                    )
                elif not audience:
                    errors.setdefault("audience", []).append(
                        "دستگاه‌های مخاطب را انتخاب کنید یا «همهٔ دستگاه‌ها» را بزنید."
                    )
        fields["audience"] = audience
        fields["action_required"] = bool(self.action_required)
        if self.deadline is not None:
            if not self.action_required:
                errors.setdefault("deadline", []).append(
                    "مهلت گزارش فقط برای بخشنامه‌ای است که اقدام و گزارش می‌خواهد."
                )
            elif not jalali.in_supported_range(self.deadline):
                errors.setdefault("deadline", []).append(jalali.OUT_OF_RANGE_MESSAGE)
        fields["deadline"] = self.deadline if self.action_required else None
        try:
            days = int(self.acknowledge_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= MAX_ACKNOWLEDGE_DAYS:
            errors.setdefault("acknowledge_days", []).append(
                f"مهلت تأیید باید میان ۱ و {_fa(MAX_ACKNOWLEDGE_DAYS)} روز کاری باشد."
            )
        fields["acknowledge_days"] = days
        if errors:
            raise ValidationError(errors)
        return fields


def directive_input_from(directive: Directive) -> DirectiveInput:
    return DirectiveInput(
        subject=directive.subject,
        text=directive.text,
        urgency=directive.urgency,
        to_all=directive.to_all,
        audience_ids=list(directive.audience.values_list("pk", flat=True)),
        action_required=directive.action_required,
        deadline=directive.deadline,
        acknowledge_days=directive.acknowledge_days,
    )


# --- search -------------------------------------------------------------------------------


def directive_document(directive: Directive) -> search.Document:
    return search.Document(
        scope=DIRECTIVE_SCOPE,
        object_id=directive.pk,
        title=directive.subject,
        extra=directive.number,
        body=directive.text,
        published_at=directive.issued_at or directive.created_at,
        kind=directive.status,
    )


def index_directive(directive: Directive) -> None:
    """Every directive is in the index (drafts too): the list intersects the hits with what
    the person may see, so the index never decides who sees what."""
    search.index_documents([directive_document(directive)])


# --- the directorate's writes -------------------------------------------------------------


def _apply(directive: Directive, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name != "audience":
            setattr(directive, name, value)


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_create(
    *, actor: Any, data: DirectiveInput, request: HttpRequest | None = None
) -> Directive:
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    fields = data.check()
    with transaction.atomic():
        directive = Directive(created_by=actor, status=Directive.Status.DRAFT)
        _apply(directive, fields)
        directive.save()
        directive.audience.set(fields["audience"])
        index_directive(directive)
        audit.record(
            actor=actor,
            action="directive.create",
            obj=directive,
            to_state=Directive.Status.DRAFT,
            request=request,
        )
    return directive


def _lock(directive: Directive) -> Directive:
    return Directive.objects.select_for_update().get(pk=directive.pk)


def _require_draft(directive: Directive) -> None:
    if directive.status != Directive.Status.DRAFT:
        raise DirectiveError("بخشنامهٔ ابلاغ‌شده ویرایش نمی‌شود؛ اگر نادرست است آن را لغو کنید.")


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_update(
    *, actor: Any, directive: Directive, data: DirectiveInput, request: HttpRequest | None = None
) -> Directive:
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    fields = data.check()
    with transaction.atomic():
        directive = _lock(directive)
        _require_draft(directive)
        _apply(directive, fields)
        directive.save()
        directive.audience.set(fields["audience"])
        index_directive(directive)
        audit.record(actor=actor, action="directive.update", obj=directive, request=request)
    return directive


def _audience(directive: Directive) -> list[Agency]:
    if directive.to_all:
        qs = Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.DIRECTORATE)
    else:
        qs = directive.audience.filter(is_active=True)
    return list(qs.order_by("pk"))


def _next_number(moment: dt.datetime) -> str:
    year = pdates.to_jalali(jalali.to_local(moment).date()).year
    prefix = f"{year}/"
    used = [0]
    for number in Directive.objects.filter(number__startswith=prefix).values_list(
        "number", flat=True
    ):
        tail = number[len(prefix) :]
        if tail.isdigit():
            used.append(int(tail))
    return f"{prefix}{max(used) + 1:03d}"


def _staff_of(agency_ids: list[int]) -> list[Any]:
    rows = Membership.objects.filter(agency_id__in=agency_ids).select_related("user")
    return [m.user for m in rows.order_by("agency_id", "pk")]


def _number_fa(directive: Directive) -> str:
    return to_persian_digits(directive.number)


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_issue(
    *, actor: Any, directive: Directive, request: HttpRequest | None = None
) -> Directive:
    """Give the number, write one receipt per audience agency, tell their staff."""
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    for attempt in range(3):
        try:
            return _issue(actor, directive, request)
        except IntegrityError:  # another issue took the same number meanwhile
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _issue(actor: Any, directive: Directive, request: HttpRequest | None) -> Directive:
    with transaction.atomic():
        directive = _lock(directive)
        if directive.status != Directive.Status.DRAFT:
            raise DirectiveError("این بخشنامه پیش‌تر ابلاغ شده است.")
        agencies = _audience(directive)
        if not agencies:
            raise ValidationError({"audience": "بخشنامه دستگاه مخاطبی ندارد."})
        now = timezone.now()
        if directive.deadline is not None and directive.deadline < jalali.to_local(now).date():
            raise ValidationError({"deadline": "مهلت گزارش گذشته است؛ آن را به‌روز کنید."})
        directive.number = _next_number(now)
        directive.status = Directive.Status.ISSUED
        directive.issued_at = now
        directive.issued_by = actor
        directive.save()
        Receipt.objects.bulk_create([Receipt(directive=directive, agency=a) for a in agencies])
        index_directive(directive)
        text = f"بخشنامهٔ {_number_fa(directive)}: {directive.subject}"
        if directive.urgency != Directive.Urgency.NORMAL:
            text = f"[{directive.get_urgency_display()}] {text}"
        notifications.notify(
            _staff_of([a.pk for a in agencies]),
            kind="directive.issued",
            text=text,
            link=directive.get_absolute_url(),
            email=True,
        )
        audit.record(
            actor=actor,
            action="directive.issue",
            obj=directive,
            from_state=Directive.Status.DRAFT,
            to_state=Directive.Status.ISSUED,
            data={"number": directive.number, "receipts": len(agencies)},
            request=request,
        )
    return directive


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_revoke(
    *, actor: Any, directive: Directive, reason: str, request: HttpRequest | None = None
) -> Directive:
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    validation.check_texts([("reason", reason, LABELS["reason"], MAX_CHARS["reason"])])
    reason = normalize(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "دلیل لغو بخشنامه را بنویسید."})
    with transaction.atomic():
        directive = _lock(directive)
        if directive.status != Directive.Status.ISSUED:
            raise DirectiveError("فقط بخشنامهٔ ابلاغ‌شده لغو می‌شود.")
        directive.status = Directive.Status.REVOKED
        directive.revoked_reason = reason
        directive.save()
        index_directive(directive)
        agency_ids = list(directive.receipts.values_list("agency_id", flat=True))
        notifications.notify(
            _staff_of(agency_ids),
            kind="directive.revoked",
            text=f"بخشنامهٔ {_number_fa(directive)} لغو شد: {reason}",
            link=directive.get_absolute_url(),
            email=True,
        )
        audit.record(
            actor=actor,
            action="directive.revoke",
            obj=directive,
            from_state=Directive.Status.ISSUED,
            to_state=Directive.Status.REVOKED,
            data={"reason": reason},
            request=request,
        )
    return directive


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_add_attachment(
    *,
    actor: Any,
    directive: Directive,
    upload: Any,
    title: str = "",
    request: HttpRequest | None = None,
) -> DirectiveAttachment:
    """A file of the draft, checked by its content (PDF, Office, OpenDocument, image)."""
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    validation.check_texts(
        [("title", title, LABELS["attachment_title"], MAX_CHARS["attachment_title"])]
    )
    _require_draft(directive)
    if directive.attachments.count() >= media.MAX_ATTACHMENTS:
        raise ValidationError(
            {"file": f"هر بخشنامه حداکثر {_fa(media.MAX_ATTACHMENTS)} پیوست دارد."}
        )
    accepted = media.accept_attachment(upload)
    try:
        with transaction.atomic():
            directive = _lock(directive)
            _require_draft(directive)
            if directive.attachments.count() >= media.MAX_ATTACHMENTS:
                raise ValidationError(
                    {"file": f"هر بخشنامه حداکثر {_fa(media.MAX_ATTACHMENTS)} پیوست دارد."}
                )
            attachment = DirectiveAttachment(
                directive=directive,
                title=(normalize(title).strip() or accepted.original_name or "پیوست")[:200],
                original_name=accepted.original_name[:200],
                content_type=accepted.content_type,
                size=accepted.size,
            )
            uploads.save_with_file(attachment, "file", accepted)
            audit.record(
                actor=actor,
                action="directive.attachment_add",
                obj=directive,
                data={"file": attachment.title, "type": accepted.content_type},
                request=request,
            )
            return attachment
    finally:
        accepted.close()


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_remove_attachment(
    *, actor: Any, attachment: DirectiveAttachment, request: HttpRequest | None = None
) -> None:
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    with transaction.atomic():
        directive = _lock(attachment.directive)
        _require_draft(directive)
        attachment = DirectiveAttachment.objects.get(pk=attachment.pk, directive=directive)
        title, stored = attachment.title, attachment.file
        attachment.delete()
        transaction.on_commit(lambda: stored.delete(save=False))
        audit.record(
            actor=actor,
            action="directive.attachment_remove",
            obj=directive,
            data={"file": title},
            request=request,
        )


# --- the agencies' side -------------------------------------------------------------------


def _lock_receipt(receipt: Receipt) -> Receipt:
    return (
        Receipt.objects.select_for_update().select_related("directive", "agency").get(pk=receipt.pk)
    )


@permissions.guarded(permissions.can_act_on_directives_for, agency=lambda kw: kw["receipt"].agency)
def receipt_open(*, actor: Any, receipt: Receipt, request: HttpRequest | None = None) -> bool:
    """The read receipt: the first time one of the agency's staff opens the directive. Returns
    whether this call recorded it; the directorate's visits record nothing."""
    if receipt.opened_at is not None or not can_act_on_receipt(actor, receipt.agency):
        return False
    with transaction.atomic():
        receipt = _lock_receipt(receipt)
        if receipt.opened_at is not None or receipt.directive.status == Directive.Status.DRAFT:
            return False
        receipt.opened_at = timezone.now()
        receipt.opened_by = actor
        receipt.save(update_fields=["opened_at", "opened_by"])
        audit.record(
            actor=actor,
            action="directive.open",
            obj=receipt.directive,
            agency=receipt.agency,
            request=request,
        )
    return True


def _require_issued(receipt: Receipt) -> None:
    if receipt.directive.status == Directive.Status.REVOKED:
        raise DirectiveError("این بخشنامه لغو شده است.")
    if receipt.directive.status != Directive.Status.ISSUED:
        raise DirectiveError("این بخشنامه هنوز ابلاغ نشده است.")


@permissions.guarded(
    permissions.can_acknowledge_directives_for,
    agency=lambda kw: kw["receipt"].agency,
    message="تأیید دریافت بخشنامه با مدیر روابط عمومی همان دستگاه است.",
)
def receipt_acknowledge(
    *, actor: Any, receipt: Receipt, request: HttpRequest | None = None
) -> Receipt:
    permissions.require(
        can_acknowledge(actor, receipt.agency),
        "تأیید دریافت بخشنامه با مدیر روابط عمومی همان دستگاه است.",
    )
    with transaction.atomic():
        receipt = _lock_receipt(receipt)
        _require_issued(receipt)
        if receipt.acknowledged_at is not None:
            raise DirectiveError("دریافت این بخشنامه پیش‌تر تأیید شده است.")
        now = timezone.now()
        receipt.acknowledged_at = now
        receipt.acknowledged_by = actor
        fields = ["acknowledged_at", "acknowledged_by"]
        if receipt.opened_at is None:  # acknowledging is reading it
            receipt.opened_at, receipt.opened_by = now, actor
            fields += ["opened_at", "opened_by"]
        receipt.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="directive.acknowledge",
            obj=receipt.directive,
            agency=receipt.agency,
            request=request,
        )
    return receipt


def report_is_late(receipt: Receipt) -> bool:
    """A report sent after the deadline's day (Tehran), or none yet with the deadline past."""
    deadline = receipt.directive.deadline
    if deadline is None:
        return False
    moment = receipt.reported_at or timezone.now()
    return jalali.to_local(moment).date() > deadline


@permissions.guarded(
    permissions.can_act_on_directives_for,
    agency=lambda kw: kw["receipt"].agency,
    message="گزارش اقدام را کارکنان روابط عمومی همان دستگاه می‌فرستند.",
)
def receipt_report(
    *, actor: Any, receipt: Receipt, report: str, request: HttpRequest | None = None
) -> Receipt:
    """The agency's report of its action; after the deadline still taken, shown as late."""
    permissions.require(
        can_act_on_receipt(actor, receipt.agency),
        "گزارش اقدام را کارکنان روابط عمومی همان دستگاه می‌فرستند.",
    )
    validation.check_texts([("report", report, LABELS["report"], MAX_CHARS["report"])])
    report = normalize(report or "").strip()
    if not report:
        raise ValidationError({"report": "گزارش اقدام را بنویسید."})
    with transaction.atomic():
        receipt = _lock_receipt(receipt)
        _require_issued(receipt)
        if not receipt.directive.action_required:
            raise DirectiveError("این بخشنامه گزارش اقدام نمی‌خواهد.")
        now = timezone.now()
        first = receipt.reported_at is None
        receipt.report = report
        receipt.reported_at = now
        receipt.reported_by = actor
        fields = ["report", "reported_at", "reported_by"]
        if receipt.opened_at is None:
            receipt.opened_at, receipt.opened_by = now, actor
            fields += ["opened_at", "opened_by"]
        receipt.save(update_fields=fields)
        late = report_is_late(receipt)
        audit.record(
            actor=actor,
            action="directive.report" if first else "directive.report_update",
            obj=receipt.directive,
            agency=receipt.agency,
            data={"late": late},
            request=request,
        )
    return receipt


# --- reminders ----------------------------------------------------------------------------


def acknowledge_due(
    directive: Directive, calendar: WorkingCalendar | None = None
) -> dt.datetime | None:
    """The end of the acknowledge_days-th working day after issue (None before issue)."""
    if directive.issued_at is None:
        return None
    calendar = calendar or WorkingCalendar()
    return calendar.add_working_days(directive.issued_at, directive.acknowledge_days)


def _pending(now: dt.datetime) -> QuerySet[Receipt]:
    """Receipts of issued directives not yet reminded today, still owing something."""
    today_start = jalali.start_of_day(jalali.to_local(now).date())
    return (
        Receipt.objects.filter(directive__status=Directive.Status.ISSUED)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=today_start))
        .filter(
            Q(acknowledged_at__isnull=True)
            | Q(directive__action_required=True, reported_at__isnull=True)
        )
        .select_related("directive", "agency")
        .order_by("directive__issued_at", "pk")
    )


def _why(receipt: Receipt, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """What the agency owes now, in Persian, or "" when nothing is due yet."""
    directive = receipt.directive
    if receipt.acknowledged_at is None:
        due = acknowledge_due(directive, calendar)
        if due is not None and due < now:
            return "باز نشده است" if receipt.opened_at is None else "تأیید دریافت نشده است"
    if directive.action_required and receipt.reported_at is None and directive.deadline:
        today = jalali.to_local(now).date()
        if directive.deadline < today:
            return "مهلت گزارش اقدام گذشته است"
        if (directive.deadline - today).days <= REPORT_SOON_DAYS:
            return "مهلت گزارش اقدام نزدیک است"
    return ""


def _remind(receipts: list[tuple[Receipt, str]], now: dt.datetime) -> int:
    staff: dict[int, list[Any]] = {}
    for membership in Membership.objects.filter(
        agency_id__in={r.agency_id for r, _ in receipts}
    ).select_related("user"):
        staff.setdefault(membership.agency_id, []).append(membership.user)
    for receipt, why in receipts:
        directive = receipt.directive
        notifications.notify(
            staff.get(receipt.agency_id, []),
            kind="directive.reminder",
            text=f"یادآوری بخشنامهٔ {_number_fa(directive)} «{directive.subject}»: {why}.",
            link=directive.get_absolute_url(),
            email=True,
        )
    Receipt.objects.filter(pk__in=[r.pk for r, _ in receipts]).update(
        reminded_at=now, reminders=F("reminders") + 1
    )
    return len(receipts)


@permissions.system_only(reason="the daily task reminds the agencies of unanswered directives")
def receipts_remind_due(*, limit: int = MAX_REMINDERS_PER_RUN) -> int:
    """The daily task: remind every agency that owes something (not opened or acknowledged
    after acknowledge_days working days; a report due within REPORT_SOON_DAYS or past), each
    receipt at most once a day, at most `limit` receipts a run. Returns how many."""
    now = timezone.now()
    calendar = WorkingCalendar()
    due: list[tuple[Receipt, str]] = []
    for receipt in _pending(now).iterator(chunk_size=500):
        why = _why(receipt, now, calendar)
        if why:
            due.append((receipt, why))
            if len(due) >= limit:
                break
    if not due:
        return 0
    with transaction.atomic():
        return _remind(due, now)


@permissions.guarded(permissions.can_issue_directives, message=_NOT_DIRECTORATE)
def directive_remind(
    *, actor: Any, directive: Directive, request: HttpRequest | None = None
) -> int:
    """«یادآوری اکنون»: every audience agency that has not acknowledged (or not reported),
    whatever the deadlines, except those already reminded today. Returns how many."""
    permissions.require(can_manage_directives(actor), _NOT_DIRECTORATE)
    if directive.status != Directive.Status.ISSUED:
        raise DirectiveError("فقط برای بخشنامهٔ ابلاغ‌شده یادآوری فرستاده می‌شود.")
    now = timezone.now()
    due = []
    for receipt in _pending(now).filter(directive=directive):
        if receipt.acknowledged_at is None:
            why = "باز نشده است" if receipt.opened_at is None else "تأیید دریافت نشده است"
        else:
            why = "گزارش اقدام فرستاده نشده است"
        due.append((receipt, why))
    with transaction.atomic():
        count = _remind(due, now) if due else 0
        audit.record(
            actor=actor,
            action="directive.remind",
            obj=directive,
            data={"receipts": count},
            request=request,
        )
    return count

"""An investor's inquiry about a published opportunity or programme, and what became of it.

The inquiry IS a citizen-desk message of kind «inquiry» (one inbox, one SLA clock, one
tracking page): `inquiry_submit` files it through `desk.services.message_submit` and writes
the Inquiry row (company, capital range, the pipeline's outcome) in the same transaction, so
there is never one without the other. Submissions are counted per address and per contact
like the desk's public form. `inquiry_set_outcome` records a meeting, an MoU or a decline
(with its reason), by whoever handles the agency's messages, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, permissions, validation
from ravabet.core import ratelimit as counters
from ravabet.desk import services as desk
from ravabet.investment.models import (
    CapitalRange,
    Inquiry,
    Opportunity,
    Programme,
    Status,
)
from ravabet.persian import normalize

__all__ = [
    "INQUIRY_KIND",
    "InquiryError",
    "InquiryInput",
    "InquiryLimited",
    "inquiry_set_outcome",
    "inquiry_submit",
]

INQUIRY_KIND = "inquiry"
HOUR = 3600
DAY = 24 * HOUR
MAX_CHARS = {"name": 150, "company": 200, "message": 8_000, "reason": 2_000}
LABELS = {"name": "نام", "company": "شرکت", "message": "متن درخواست", "reason": "توضیح"}
# The desk's field names -> the inquiry form's.
_FIELD = {"citizen_name": "name", "body": "message", "subject": "message"}
NOT_PUBLISHED = "این فرصت یا حمایت اکنون در فهرست منتشرشده نیست و درخواست نمی‌پذیرد."


class InquiryError(Exception):
    """A refusal by state (the opportunity is no longer published); Persian, shown as is."""


class InquiryLimited(Exception):
    """Past a submission limit: `str(exc)` says so in Persian; `retry_after` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class InquiryInput:
    name: str
    message: str
    company: str = ""
    mobile: str = ""
    email: str = ""
    capital_range: str = CapitalRange.UNKNOWN
    is_foreign: bool = False
    opportunity: Opportunity | None = None
    programme: Programme | None = None

    @property
    def about(self) -> Opportunity | Programme:
        about = self.opportunity or self.programme
        if about is None:
            raise ValueError("an inquiry is about an opportunity or a programme")
        return about

    def message_input(self) -> desk.MessageInput:
        """The desk message this inquiry is filed as."""
        about = self.about
        title = normalize(about.title).strip()
        subject = f"درخواست سرمایه‌گذار: {title}"
        if len(subject) > desk.MAX_CHARS["subject"]:
            subject = subject[: desk.MAX_CHARS["subject"] - 1] + "…"
        lines = [normalize(self.message).strip(), ""]
        if self.company.strip():
            lines.append(f"شرکت: {normalize(self.company).strip()}")
        lines.append(f"سرمایهٔ در نظر: {CapitalRange(self.capital_range).label}")
        lines.append(f"سرمایه‌گذار: {'خارجی' if self.is_foreign else 'داخلی'}")
        return desk.MessageInput(
            kind=INQUIRY_KIND,
            allow_kinds=(INQUIRY_KIND,),
            subject=subject,
            body="\n".join(lines),
            agency=about.agency,
            county=getattr(about, "county", None),
            citizen_name=self.name,
            mobile=self.mobile,
            email=self.email,
            about=about,
            about_title=title[: desk.MAX_CHARS["about_title"]],
        )

    def check(self) -> desk.MessageInput:
        """Raise ValidationError keyed by the inquiry's fields; the desk message, checked."""
        errors: dict[str, list[str]] = {}
        try:
            validation.check_texts(
                (name, getattr(self, name), LABELS[name], MAX_CHARS[name])
                for name in ("name", "company", "message")
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if "name" not in errors and not normalize(self.name).strip():
            errors["name"] = ["نام خود را بنویسید."]
        if "message" not in errors and not normalize(self.message).strip():
            errors["message"] = ["متن درخواست را بنویسید."]
        if self.capital_range not in CapitalRange.values:
            errors["capital_range"] = ["سرمایهٔ در نظر را از فهرست برگزینید."]
        if (self.opportunity is None) == (self.programme is None):
            errors["__all__"] = ["درخواست باید دربارهٔ یک فرصت یا یک حمایت باشد."]
        if errors:
            raise ValidationError(errors)
        data = self.message_input()
        try:
            data.check()
        except ValidationError as exc:
            raise ValidationError(
                {_FIELD.get(name, name): messages for name, messages in exc.message_dict.items()}
            ) from exc
        return data


def _over(key: str, *, window: int, limit: int) -> bool:
    return counters.increment(key, window=window) > limit


def _count(request: HttpRequest, *, mobile: str, email: str) -> None:
    """Count one inquiry from this address and to these contacts (the desk's limits, under
    investment's own keys); raise InquiryLimited past any, before anything is stored."""
    address = audit.client_ip(request) or "unknown"
    if _over(
        f"investment:inquiry:ip:{address}",
        window=HOUR,
        limit=settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR,
    ):
        raise InquiryLimited(
            "از این نشانی اینترنتی در یک ساعت گذشته درخواست‌های بسیاری فرستاده شده است. "
            "یک ساعت دیگر دوباره بفرستید؛ آنچه نوشته‌اید در همین صفحه مانده است.",
            HOUR,
        )
    for kind, contact in (("mobile", mobile), ("email", email)):
        if contact and _over(
            f"investment:inquiry:{kind}:{counters.key_part(contact)}",
            window=DAY,
            limit=settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY,
        ):
            what = "این شمارهٔ همراه" if kind == "mobile" else "این نشانی رایانامه"
            raise InquiryLimited(
                f"امروز با {what} درخواست‌های بسیاری ثبت شده است. فردا دوباره بفرستید.", DAY
            )


@permissions.open_to_all(reason="an investor's inquiry, no account needed")
def inquiry_submit(*, data: InquiryInput, request: HttpRequest | None = None) -> Inquiry:
    """File an inquiry in the responsible agency's inbox: the desk message (tracking code, SLA
    clock, confirmation) and the Inquiry row, in one transaction. Only a published opportunity
    or programme takes inquiries (InquiryError); a request is counted against the limits."""
    message_data = data.check()
    if request is not None:
        _count(request, mobile=message_data.mobile, email=message_data.email)
    about = data.about
    with transaction.atomic():
        fresh = type(about).objects.select_for_update().filter(pk=about.pk).first()
        if fresh is None or fresh.status != Status.PUBLISHED:
            raise InquiryError(NOT_PUBLISHED)
        message = desk.message_submit(data=message_data, request=request)
        inquiry = Inquiry.objects.create(
            message_id=message.pk,
            tracking_code=message.tracking_code,
            agency=fresh.agency,
            opportunity=fresh if isinstance(fresh, Opportunity) else None,
            programme=fresh if isinstance(fresh, Programme) else None,
            company=normalize(data.company).strip(),
            is_foreign=data.is_foreign,
            capital_range=data.capital_range,
        )
    return inquiry


@permissions.guarded(permissions.can_follow_inquiries_for, agency=lambda kw: kw["inquiry"].agency)
def inquiry_set_outcome(
    *,
    actor: Any,
    inquiry: Inquiry,
    outcome: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Inquiry:
    """Record what became of an inquiry; a decline needs its reason. By whoever handles the
    agency's desk messages (core.permissions.can_follow_inquiries_for)."""
    if outcome not in Inquiry.Outcome.values:
        raise ValidationError({"outcome": ["نتیجه را از فهرست برگزینید."]})
    validation.check_texts([("reason", reason, LABELS["reason"], MAX_CHARS["reason"])])
    reason = normalize(reason or "").strip()
    if outcome == Inquiry.Outcome.DECLINED and not reason:
        raise ValidationError({"reason": ["بنویسید چرا درخواست منتفی شد."]})
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().select_related("agency").get(pk=inquiry.pk)
        permissions.require(
            permissions.can_follow_inquiries_for(actor, locked.agency),
            "ثبت نتیجهٔ درخواست‌های این دستگاه با شما نیست.",
        )
        before = locked.outcome
        locked.outcome = outcome
        locked.outcome_reason = reason
        locked.outcome_at = timezone.now() if outcome != Inquiry.Outcome.OPEN else None
        locked.outcome_by = actor if outcome != Inquiry.Outcome.OPEN else None
        locked.save(update_fields=["outcome", "outcome_reason", "outcome_at", "outcome_by"])
        audit.record(
            actor=actor,
            action="inquiry.outcome",
            obj=locked,
            agency=locked.agency,
            from_state=before,
            to_state=outcome,
            data={"reason": reason} if reason else None,
            request=request,
        )
    return locked

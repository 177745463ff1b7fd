"""Opportunities: create, edit, documents and images, the workflow, the completeness score.

The workflow (OPPORTUNITY_STEPS, on the kernel's `core.workflow`): the agency's writer submits a
draft; its head approves it or returns it with a reason (kept in `return_reason`, shown to the
writer); the directorate publishes it in the province's catalogue and archives it; an archived
one is restored to draft by an approver. Writers edit in draft; approvers also while it is
submitted or approved; the directorate also once published. Never archived.

`updated_at` is the public «last updated»: content edits and file changes bump it, workflow
steps do not. Every save recomputes `completeness`.

Each write checks and prepares its input first (OpportunityInput.check(): parsing the capital,
normalizing, the province's bounds), then opens a short transaction that locks, checks
permission and state, writes and audits.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ravabet.core import (
    audit,
    jalali,
    notifications,
    pagecache,
    permissions,
    uploads,
    validation,
    workflow,
)
from ravabet.core.organisation.models import Agency, County, Membership
from ravabet.investment import geo, media
from ravabet.investment.models import (
    LandStatus,
    Opportunity,
    OpportunityDocument,
    OpportunityImage,
    Participation,
    PermitStatus,
    Sector,
    Status,
)
from ravabet.persian import normalize, to_latin_digits
from ravabet.persian.money import MoneyError, group_digits, parse_amount

__all__ = [
    "OPPORTUNITY_STEPS",
    "PUBLIC_TOPIC",
    "OpportunityError",
    "OpportunityInput",
    "approvers_to_notify",
    "can_edit_opportunity",
    "completeness",
    "opportunity_add_document",
    "opportunity_add_image",
    "opportunity_create",
    "opportunity_input_from",
    "opportunity_remove_document",
    "opportunity_remove_image",
    "opportunity_step",
    "opportunity_update",
    "why_not_editable",
]

# The page-cache topic of what the public sees of investment (catalogue, map, pages).
PUBLIC_TOPIC = "investment"


class OpportunityError(workflow.StateError):
    """The opportunity's state does not allow this (a Persian message)."""


# --- the workflow ------------------------------------------------------------------------


def make_steps(noun: str, error_noun: str) -> tuple[workflow.Step, ...]:
    """The workflow's steps with refusals naming the record («فرصت», «حمایت»): opportunities
    and programmes share the list, each with its own words."""
    return (
        workflow.Step(
            "submit",
            frozenset({Status.DRAFT}),
            Status.SUBMITTED,
            permissions.can_write_opportunities_for,
            f"شما برای این دستگاه {error_noun} نمی‌نویسید.",
            "فرستادن برای تأیید",
        ),
        workflow.Step(
            "return",
            frozenset({Status.SUBMITTED, Status.APPROVED}),
            Status.DRAFT,
            permissions.can_approve_opportunities_for,
            f"بازگرداندن {noun} با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            "بازگرداندن به نویسنده",
        ),
        workflow.Step(
            "approve",
            frozenset({Status.SUBMITTED}),
            Status.APPROVED,
            permissions.can_approve_opportunities_for,
            f"تأیید {noun} با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            "تأیید",
        ),
        workflow.Step(
            "publish",
            frozenset({Status.APPROVED}),
            Status.PUBLISHED,
            permissions.can_publish_opportunities,
            f"انتشار {noun} در فهرست استان با اداره‌کل روابط عمومی است.",
            "انتشار در فهرست استان",
        ),
        workflow.Step(
            "archive",
            frozenset({Status.PUBLISHED}),
            Status.ARCHIVED,
            permissions.can_publish_opportunities,
            f"بایگانی {noun} با اداره‌کل روابط عمومی است.",
            "بایگانی",
        ),
        workflow.Step(
            "restore",
            frozenset({Status.ARCHIVED}),
            Status.DRAFT,
            permissions.can_approve_opportunities_for,
            f"بازگرداندن {noun} بایگانی‌شده با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            "بازگرداندن به پیش‌نویس",
        ),
    )


OPPORTUNITY_STEPS = make_steps("فرصت", "فرصت سرمایه‌گذاری")
_STEPS = {s.action: s for s in OPPORTUNITY_STEPS}


# --- the one check of what people send ---------------------------------------------------

MAX_CHARS = {
    "title": 200,
    "summary": 600,
    "description": 20_000,
    "title_en": 200,
    "summary_en": 1_200,
    "address": 300,
    "status_notes": 3_000,
    "capital": 200,
    "usd_estimate": 40,
    "usd_rate": 40,
    "usd_rate_source": 200,
    "returns_assumptions": 3_000,
    "contact_name": 150,
    "contact_phone": 30,
    "contact_email": 254,
    "reason": 2_000,
    "document_title": 200,
    "alt_text": 300,
}
LABELS = {
    "title": "عنوان",
    "summary": "خلاصه",
    "description": "شرح طرح",
    "title_en": "عنوان انگلیسی",
    "summary_en": "خلاصهٔ انگلیسی",
    "address": "نشانی",
    "status_notes": "توضیح زمین و مجوزها",
    "capital": "سرمایهٔ لازم",
    "usd_estimate": "برآورد دلاری",
    "usd_rate": "نرخ دلار",
    "usd_rate_source": "منبع نرخ",
    "returns_assumptions": "فرض‌های محاسبهٔ بازده",
    "contact_name": "نام رابط",
    "contact_phone": "تلفن رابط",
    "contact_email": "رایانامهٔ رابط",
    "reason": "دلیل",
    "document_title": "عنوان سند",
    "alt_text": "متن جایگزین",
}
# Texts stored as typed once normalized (the figures are parsed instead).
_TEXTS = (
    "title",
    "summary",
    "description",
    "title_en",
    "summary_en",
    "address",
    "status_notes",
    "usd_rate_source",
    "returns_assumptions",
    "contact_name",
    "contact_phone",
)
# The largest capital accepted (rials): ten million hemat, far past any project.
MAX_CAPITAL_RIALS = 10**20 // 1000
MAX_USD = 10**12
MAX_USD_RATE = 10**9
MAX_IRR = Decimal("100")
MAX_PAYBACK = Decimal("99")
_SEPARATORS = re.compile(r"[\s,٬،'_]")
_PHONE = re.compile(r"^[0-9+()\- ]{4,30}$")


def check_texts(texts: list[tuple[str, str | None]]) -> None:
    validation.check_texts(
        (name, value, LABELS[name], MAX_CHARS[name]) for name, value in texts if value is not None
    )


def _fa(value: Any) -> str:
    return jalali.format_number(value)


_UNIT = re.compile(r"(ریال|دلار|USD|US\$|\$)", re.IGNORECASE)


def _whole_number(text: str) -> int | None:
    """Digits in any script, with or without thousands separators, with or without the unit
    written beside («۷۰۰٬۰۰۰ ریال», «$500,000»); None if not a number."""
    digits = _SEPARATORS.sub("", _UNIT.sub("", to_latin_digits(normalize(text))))
    if not digits.isdigit() or not digits.isascii():
        return None
    return int(digits)


def _decimal(value: Any) -> Decimal | None:
    """A Decimal from a Decimal, a number or text in any script («۱۸٫۵»); None if none."""
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _decimal(Decimal(str(value)))
    text = to_latin_digits(str(value)).strip().replace("٫", ".").replace("/", ".")
    try:
        return _decimal(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


@dataclass
class OpportunityInput:
    """What a writer gives: text as typed (the capital too), checked and parsed by check()."""

    title: str = ""
    summary: str = ""
    description: str = ""
    title_en: str = ""
    summary_en: str = ""
    sector: str = ""
    county: County | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    land_status: str = ""
    permit_status: str = ""
    status_notes: str = ""
    capital: str = ""
    usd_estimate: str = ""
    usd_rate: str = ""
    usd_rate_date: dt.date | None = None
    usd_rate_source: str = ""
    irr_percent: Decimal | None = None
    payback_years: Decimal | None = None
    returns_assumptions: str = ""
    participation: list[str] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    def check(self) -> dict[str, Any]:
        """The one validation of an opportunity: raises ValidationError keyed by field (Persian
        messages, every field's at once); returns the model's fields, parsed and normalized."""
        errors: dict[str, list[str]] = {}

        def refuse(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        try:
            check_texts(
                [(name, getattr(self, name)) for name in _TEXTS]
                + [
                    ("capital", self.capital),
                    ("usd_estimate", self.usd_estimate),
                    ("usd_rate", self.usd_rate),
                    ("contact_email", self.contact_email),
                ]
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        fields: dict[str, Any] = {
            name: normalize(getattr(self, name) or "").strip()
            for name in _TEXTS
            if name not in errors
        }
        if "title" in fields and not fields["title"]:
            refuse("title", "عنوان فرصت را بنویسید.")
        if "summary" in fields and not fields["summary"]:
            refuse("summary", "خلاصهٔ فرصت را بنویسید: چند جمله که سرمایه‌گذار اول می‌خواند.")
        if not self.sector:
            refuse("sector", "بخش اقتصادی فرصت را انتخاب کنید.")
        elif self.sector not in Sector.values:
            refuse("sector", "این بخش در فهرست بخش‌ها نیست.")
        fields["sector"] = self.sector
        if self.county is not None and not isinstance(self.county, County):
            refuse("county", "شهرستان را از فهرست انتخاب کنید.")
        fields["county"] = self.county
        if self.land_status and self.land_status not in LandStatus.values:
            refuse("land_status", "وضعیت زمین را از فهرست انتخاب کنید.")
        fields["land_status"] = self.land_status or ""
        if self.permit_status and self.permit_status not in PermitStatus.values:
            refuse("permit_status", "وضعیت مجوزها را از فهرست انتخاب کنید.")
        fields["permit_status"] = self.permit_status or ""

        # The capital, as typed («۲۵۰ میلیارد ریال», «2,500,000,000»).
        fields["capital_rials"] = None
        if "capital" not in errors and (self.capital or "").strip():
            try:
                rials = parse_amount(self.capital)
            except MoneyError as exc:
                refuse("capital", exc.message)
            else:
                if rials <= 0:
                    refuse("capital", "سرمایهٔ لازم باید بیشتر از صفر باشد.")
                elif rials > MAX_CAPITAL_RIALS:
                    refuse("capital", "این مبلغ بیش از اندازه است؛ واحد را درست بنویسید.")
                else:
                    fields["capital_rials"] = rials

        # The dollar estimate: the figure, its rate, the rate's date and source, or nothing.
        usd = self._usd(refuse)
        fields.update(usd)

        fields["irr_percent"] = self._figure(
            refuse, "irr_percent", self.irr_percent, Decimal("0"), MAX_IRR, "0.01",
            "نرخ بازده داخلی باید عددی از ۰ تا ۱۰۰ درصد باشد.",
        )  # fmt: skip
        fields["payback_years"] = self._figure(
            refuse, "payback_years", self.payback_years, Decimal("0.1"), MAX_PAYBACK, "0.1",
            "دورهٔ بازگشت سرمایه باید عددی بیشتر از صفر و تا ۹۹ سال باشد.",
        )  # fmt: skip

        unknown = [p for p in self.participation if p not in Participation.values]
        if unknown:
            refuse("participation", "شیوهٔ مشارکت را از فهرست انتخاب کنید.")
        for code in Participation.values:
            fields[f"allows_{code}"] = code in self.participation

        email = to_latin_digits(self.contact_email or "").strip()
        if email and "contact_email" not in errors:
            try:
                validate_email(email)
            except ValidationError:
                refuse("contact_email", "نشانی رایانامه درست نیست (مانند invest@example.ir).")
        fields["contact_email"] = email.lower()
        phone = fields.get("contact_phone", "")
        if phone:
            fields["contact_phone"] = to_latin_digits(phone)
            if not _PHONE.match(fields["contact_phone"]):
                refuse("contact_phone", "شمارهٔ تلفن فقط رقم و + و - دارد.")

        fields.update(self._coordinates(refuse))
        if errors:
            raise ValidationError(errors)
        return fields

    def _usd(self, refuse: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "usd_estimate": None,
            "usd_rate": None,
            "usd_rate_date": None,
            "usd_rate_source": normalize(self.usd_rate_source or "").strip(),
        }
        estimate_text = (self.usd_estimate or "").strip()
        rate_text = (self.usd_rate or "").strip()
        if estimate_text:
            estimate = _whole_number(estimate_text)
            if estimate is None or not 0 < estimate <= MAX_USD:
                refuse("usd_estimate", "برآورد دلاری را با رقم و بدون اعشار بنویسید (دلار).")
            else:
                out["usd_estimate"] = estimate
        if rate_text:
            rate = _whole_number(rate_text)
            if rate is None or not 0 < rate <= MAX_USD_RATE:
                refuse("usd_rate", "نرخ دلار را به ریال و با رقم بنویسید.")
            else:
                out["usd_rate"] = rate
        if self.usd_rate_date is not None:
            if not isinstance(self.usd_rate_date, dt.date):
                refuse("usd_rate_date", "تاریخ نرخ درست نیست.")
            elif self.usd_rate_date > timezone.localdate():
                refuse("usd_rate_date", "تاریخ نرخ نمی‌تواند در آینده باشد.")
            else:
                out["usd_rate_date"] = self.usd_rate_date
        if estimate_text:
            if not rate_text:
                refuse("usd_rate", "برآورد دلاری بدون نرخ تبدیل منتشر نمی‌شود: نرخ را بنویسید.")
            if self.usd_rate_date is None:
                refuse("usd_rate_date", "تاریخ نرخ دلار را بنویسید.")
            if not out["usd_rate_source"]:
                refuse("usd_rate_source", "منبع نرخ دلار را بنویسید (مانند مرکز مبادله).")
        elif rate_text or self.usd_rate_date is not None or out["usd_rate_source"]:
            refuse("usd_estimate", "نرخ دلار بدون برآورد دلاری معنا ندارد: برآورد را بنویسید.")
        return out

    @staticmethod
    def _figure(
        refuse: Any,
        name: str,
        value: Any,
        low: Decimal,
        high: Decimal,
        step: str,
        message: str,
    ) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = _decimal(value)
        if number is None or not low <= number <= high:
            refuse(name, message)
            return None
        return number.quantize(Decimal(step))

    def _coordinates(self, refuse: Any) -> dict[str, Any]:
        lat, lon = self.latitude, self.longitude
        if lat is None and lon is None:
            return {"latitude": None, "longitude": None}
        if lat is None:
            refuse("latitude", "عرض و طول جغرافیایی را با هم بنویسید (عرض جغرافیایی مانده است).")
            return {}
        if lon is None:
            refuse("longitude", "عرض و طول جغرافیایی را با هم بنویسید (طول جغرافیایی مانده است).")
            return {}
        try:
            lat_f, lon_f = float(lat), float(lon)
        except (TypeError, ValueError):
            refuse("latitude", "مختصات را با عدد بنویسید، مانند ۳۵٫۶۹ و ۵۱٫۳۹.")
            return {}
        finite = math.isfinite(lat_f) and math.isfinite(lon_f)
        if not (finite and -90 <= lat_f <= 90 and -180 <= lon_f <= 180):
            refuse("latitude", "مختصات درست نیست: عرض بین ۹۰- و ۹۰ و طول بین ۱۸۰- و ۱۸۰ است.")
            return {}
        if not geo.in_province(lat_f, lon_f):
            refuse(
                "latitude",
                "این نقطه بیرون از استان تهران است؛ مختصات محل طرح را درست بنویسید.",
            )
            return {}
        return {"latitude": lat_f, "longitude": lon_f}


def opportunity_input_from(opportunity: Opportunity) -> OpportunityInput:
    """The input that would save the opportunity as it is (the edit form's starting point)."""
    return OpportunityInput(
        title=opportunity.title,
        summary=opportunity.summary,
        description=opportunity.description,
        title_en=opportunity.title_en,
        summary_en=opportunity.summary_en,
        sector=opportunity.sector,
        county=opportunity.county,
        address=opportunity.address,
        latitude=opportunity.latitude,
        longitude=opportunity.longitude,
        land_status=opportunity.land_status,
        permit_status=opportunity.permit_status,
        status_notes=opportunity.status_notes,
        capital=(
            f"{group_digits(opportunity.capital_rials)} ریال" if opportunity.capital_rials else ""
        ),
        usd_estimate=str(opportunity.usd_estimate or ""),
        usd_rate=str(opportunity.usd_rate or ""),
        usd_rate_date=opportunity.usd_rate_date,
        usd_rate_source=opportunity.usd_rate_source,
        irr_percent=opportunity.irr_percent,
        payback_years=opportunity.payback_years,
        returns_assumptions=opportunity.returns_assumptions,
        participation=opportunity.participation,
        contact_name=opportunity.contact_name,
        contact_phone=opportunity.contact_phone,
        contact_email=opportunity.contact_email,
    )


# --- completeness ------------------------------------------------------------------------

# What an investor needs, with its weight (the sum is 100) and its Persian name.
COMPLETENESS: tuple[tuple[str, int, str], ...] = (
    ("summary", 10, "خلاصه"),
    ("description", 10, "شرح طرح"),
    ("county", 5, "شهرستان"),
    ("location", 5, "نشانی یا مختصات محل"),
    ("land_permits", 10, "وضعیت زمین و مجوزها"),
    ("capital", 15, "سرمایهٔ لازم"),
    ("returns", 10, "بازده (نرخ بازده داخلی یا دورهٔ بازگشت) با فرض‌های محاسبه"),
    ("participation", 5, "شیوهٔ مشارکت"),
    ("feasibility", 15, "مطالعهٔ امکان‌سنجی (PDF)"),
    ("image", 5, "تصویر"),
    ("contact", 5, "راه تماس (نام رابط و تلفن یا رایانامه)"),
    ("english", 5, "عنوان و خلاصهٔ انگلیسی"),
)


def _has(opportunity: Opportunity, key: str) -> bool:
    o = opportunity
    if key == "summary":
        return bool(o.summary.strip())
    if key == "description":
        return bool(o.description.strip())
    if key == "county":
        return o.county_id is not None
    if key == "location":
        return bool(o.address.strip()) or o.latitude is not None
    if key == "land_permits":
        return bool(o.land_status and o.permit_status)
    if key == "capital":
        return bool(o.capital_rials)
    if key == "returns":
        has_figure = o.irr_percent is not None or o.payback_years is not None
        return has_figure and bool(o.returns_assumptions.strip())
    if key == "participation":
        return bool(o.participation)
    if key == "feasibility":
        return (
            o.pk is not None
            and o.documents.filter(
                kind=OpportunityDocument.Kind.FEASIBILITY, content_type="application/pdf"
            ).exists()
        )
    if key == "image":
        return o.pk is not None and o.images.exists()
    if key == "contact":
        return bool(o.contact_name.strip() and (o.contact_phone or o.contact_email))
    if key == "english":
        return bool(o.title_en.strip() and o.summary_en.strip())
    raise KeyError(key)


def completeness(opportunity: Opportunity) -> tuple[int, list[str]]:
    """(score 0–100, the Persian names of what is missing, heaviest first)."""
    score = 0
    missing: list[tuple[int, str]] = []
    for key, weight, name in COMPLETENESS:
        if _has(opportunity, key):
            score += weight
        else:
            missing.append((weight, name))
    missing.sort(key=lambda item: -item[0])
    return score, [name for _, name in missing]


def _store_completeness(opportunity: Opportunity) -> None:
    opportunity.completeness = completeness(opportunity)[0]
    Opportunity.objects.filter(pk=opportunity.pk).update(completeness=opportunity.completeness)


# --- create and edit ---------------------------------------------------------------------

_NOT_WRITER = "شما برای این دستگاه فرصت سرمایه‌گذاری نمی‌نویسید."


@permissions.question(reason="may this person edit the opportunity now")
def can_edit_opportunity(actor: Any, opportunity: Opportunity) -> bool:
    """May this person change the opportunity's text and files now."""
    agency = opportunity.agency
    if opportunity.status == Status.DRAFT:
        return permissions.can_write_opportunities_for(actor, agency)
    if opportunity.status in (Status.SUBMITTED, Status.APPROVED):
        return permissions.can_approve_opportunities_for(actor, agency)
    if opportunity.status == Status.PUBLISHED:
        return permissions.can_publish_opportunities(actor, agency)
    return False


@permissions.question(reason="why this person may not edit the opportunity now")
def why_not_editable(actor: Any, opportunity: Opportunity) -> str:
    """In Persian: why this person cannot edit the opportunity now, and what to do instead."""
    status = opportunity.status
    if status in (Status.SUBMITTED, Status.APPROVED):
        return (
            f"این فرصت «{opportunity.get_status_display()}» است؛ ویرایش آن اکنون با مدیر روابط"
            " عمومی دستگاه یا اداره‌کل است. برای ویرایش از او بخواهید آن را به شما بازگرداند."
        )
    if status == Status.PUBLISHED:
        return "این فرصت منتشر شده است؛ ویرایش فرصت منتشرشده با اداره‌کل روابط عمومی است."
    if status == Status.ARCHIVED:
        return "فرصت بایگانی‌شده ویرایش نمی‌شود؛ نخست آن را به پیش‌نویس بازگردانید."
    return "شما نمی‌توانید این فرصت را ویرایش کنید."


def _apply(opportunity: Opportunity, fields: dict[str, Any]) -> list[str]:
    """Copy the checked fields; return the names of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(opportunity, name) != value:
            setattr(opportunity, name, value)
            changed.append(name)
    return changed


def _bump_if_public(opportunity: Opportunity) -> None:
    if opportunity.status == Status.PUBLISHED:
        transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC))


@permissions.guarded(
    permissions.can_write_opportunities_for, agency=lambda kw: kw["agency"], message=_NOT_WRITER
)
def opportunity_create(
    *, actor: Any, agency: Agency, data: OpportunityInput, request: HttpRequest | None = None
) -> Opportunity:
    permissions.require(permissions.can_write_opportunities_for(actor, agency), _NOT_WRITER)
    fields = data.check()
    with transaction.atomic():
        opportunity = Opportunity(
            agency=agency, status=Status.DRAFT, created_by=actor, updated_at=timezone.now()
        )
        _apply(opportunity, fields)
        opportunity.completeness = completeness(opportunity)[0]
        opportunity.save()
        audit.record(
            actor=actor,
            action="opportunity.create",
            obj=opportunity,
            agency=agency,
            to_state=Status.DRAFT,
            request=request,
        )
    return opportunity


def _lock(opportunity: Opportunity) -> Opportunity:
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("agency", "county")
        .get(pk=opportunity.pk)
    )


def _require_editable(actor: Any, opportunity: Opportunity) -> None:
    permissions.require(
        permissions.can_write_opportunities_for(actor, opportunity.agency), _NOT_WRITER
    )
    if not can_edit_opportunity(actor, opportunity):
        raise OpportunityError(why_not_editable(actor, opportunity))


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["opportunity"].agency,
    message=_NOT_WRITER,
)
def opportunity_update(
    *,
    actor: Any,
    opportunity: Opportunity,
    data: OpportunityInput,
    request: HttpRequest | None = None,
) -> Opportunity:
    """Save an edit: `updated_at` (the public «last updated») moves only if something changed."""
    permissions.require(
        permissions.can_write_opportunities_for(actor, opportunity.agency), _NOT_WRITER
    )
    fields = data.check()
    with transaction.atomic():
        opportunity = _lock(opportunity)
        _require_editable(actor, opportunity)
        changed = _apply(opportunity, fields)
        if changed:
            opportunity.updated_at = timezone.now()
        opportunity.completeness = completeness(opportunity)[0]
        opportunity.save()
        if changed:
            audit.record(
                actor=actor,
                action="opportunity.edit",
                obj=opportunity,
                agency=opportunity.agency,
                from_state=opportunity.status,
                to_state=opportunity.status,
                data={"fields": changed},
                request=request,
            )
            _bump_if_public(opportunity)
    return opportunity


# --- the workflow's steps ----------------------------------------------------------------


def _required_reason(reason: str, message: str) -> str:
    check_texts([("reason", reason)])
    text = normalize(reason or "").strip()
    if not text:
        raise ValidationError({"reason": message})
    return text


@permissions.guarded(permissions.can_write_opportunities_for, agency=lambda kw: kw["record"].agency)
def take_step(
    *,
    steps: dict[str, workflow.Step],
    record: Any,
    actor: Any,
    action: str,
    reason: str,
    request: HttpRequest | None,
    error: type[workflow.StateError],
    unknown: str,
    after: Callable[[Any], None] | None = None,
) -> Any:
    """One step of the catalogue's workflow for an opportunity or a programme: «return» needs
    a reason (kept for the writer, cleared by the next step forward), «publish» sets the
    publication time, the public pages are renewed on publish and archive; `after(locked)`
    runs inside the transaction (notifications). `updated_at` does not move."""
    step = steps.get(action)
    if step is None:
        raise error(unknown)
    data = None
    if action == "return":
        reason = _required_reason(
            reason, "دلیل بازگرداندن را بنویسید تا نویسنده بداند چه را اصلاح کند."
        )
        data = {"reason": reason}
    with transaction.atomic():
        locked = workflow.take(
            step, actor=actor, obj=record, request=request, data=data, error=error
        )
        update = ["status"]
        if action == "return":
            locked.return_reason = reason
            update.append("return_reason")
        elif action in ("submit", "approve", "restore") and locked.return_reason:
            locked.return_reason = ""
            update.append("return_reason")
        if action == "publish":
            locked.published_at = timezone.now()
            update.append("published_at")
        locked.save(update_fields=update)
        if after is not None:
            after(locked)
        if action in ("publish", "archive"):
            transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC))
    return locked


@permissions.guarded(
    permissions.can_write_opportunities_for, agency=lambda kw: kw["opportunity"].agency
)
def opportunity_step(
    *,
    actor: Any,
    opportunity: Opportunity,
    action: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Opportunity:
    """Take one step of OPPORTUNITY_STEPS (take_step); the writer and heads are told."""
    return take_step(
        steps=_STEPS,
        record=opportunity,
        actor=actor,
        action=action,
        reason=reason,
        request=request,
        error=OpportunityError,
        unknown="این کار در گردش کار فرصت‌ها نیست.",
        after=lambda locked: _tell(actor, locked, action),
    )


def approvers_to_notify(agency: Agency) -> list[Any]:
    """Who is told an opportunity waits for approval: the agency's heads; for the
    directorate's own, its staff."""
    roles = [Membership.Role.HEAD]
    if agency.kind == Agency.Kind.DIRECTORATE:
        roles.append(Membership.Role.OFFICER)
    memberships = Membership.objects.filter(agency=agency, role__in=roles)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def _tell(actor: Any, opportunity: Opportunity, action: str) -> None:
    """The people the step concerns, in the back office's notifications (and by e-mail)."""
    link = reverse("investment:bo_detail", kwargs={"pk": opportunity.pk})
    title = opportunity.title
    if action == "submit":
        notifications.notify(
            [u for u in approvers_to_notify(opportunity.agency) if u.pk != actor.pk],
            kind="opportunity.submitted",
            text=f"فرصت «{title}» از {opportunity.agency.display_name} در انتظار تأیید شماست.",
            link=link,
            email=True,
        )
    elif action == "return" and opportunity.created_by_id not in (None, actor.pk):
        notifications.notify(
            [opportunity.created_by],
            kind="opportunity.returned",
            text=f"فرصت «{title}» برای اصلاح بازگشت: {opportunity.return_reason}",
            link=link,
            email=True,
        )
    elif action == "publish" and opportunity.created_by_id not in (None, actor.pk):
        notifications.notify(
            [opportunity.created_by],
            kind="opportunity.published",
            text=f"فرصت «{title}» در فهرست فرصت‌های سرمایه‌گذاری استان منتشر شد.",
            link=link,
        )


# --- documents and images ----------------------------------------------------------------


def _name_stem(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return (stem if dot and stem and len(ext) <= 5 else name).strip() or "سند"


def _default_title(kind: str, accepted: uploads.AcceptedFile) -> str:
    """An untitled document is named by its kind (what an investor looks for), an untitled
    «other» by its file's name."""
    if kind == OpportunityDocument.Kind.OTHER:
        return _name_stem(accepted.original_name)
    return str(OpportunityDocument.Kind(kind).label)


def _touch(opportunity: Opportunity) -> None:
    """A file change is a content change: «last updated» moves, completeness is recomputed."""
    opportunity.updated_at = timezone.now()
    opportunity.completeness = completeness(opportunity)[0]
    opportunity.save(update_fields=["updated_at", "completeness"])
    _bump_if_public(opportunity)


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["opportunity"].agency,
    message=_NOT_WRITER,
)
def opportunity_add_document(
    *,
    actor: Any,
    opportunity: Opportunity,
    upload: Any,
    title: str,
    kind: str,
    request: HttpRequest | None = None,
) -> OpportunityDocument:
    """A document of the opportunity (the feasibility study: PDF only), checked by content."""
    _require_editable(actor, opportunity)
    if kind not in OpportunityDocument.Kind.values:
        raise ValidationError({"kind": "نوع سند را از فهرست انتخاب کنید."})
    check_texts([("document_title", title)])
    if opportunity.documents.count() >= media.MAX_DOCUMENTS:
        raise ValidationError(
            {"file": f"هر فرصت حداکثر {_fa(media.MAX_DOCUMENTS)} سند دارد؛ نخست یکی را حذف کنید."}
        )
    accepted = media.accept_document(upload, kind)
    try:
        with transaction.atomic():
            opportunity = _lock(opportunity)
            _require_editable(actor, opportunity)
            if opportunity.documents.count() >= media.MAX_DOCUMENTS:
                raise ValidationError(
                    {"file": f"هر فرصت حداکثر {_fa(media.MAX_DOCUMENTS)} سند دارد."}
                )
            document = OpportunityDocument(
                opportunity=opportunity,
                kind=kind,
                title=(normalize(title).strip() or _default_title(kind, accepted))[:200],
                original_name=accepted.original_name,
                content_type=accepted.content_type,
                size=accepted.size,
            )
            uploads.save_with_file(document, "file", accepted)
            _touch(opportunity)
            audit.record(
                actor=actor,
                action="opportunity.document_add",
                obj=opportunity,
                agency=opportunity.agency,
                data={"file": document.title, "kind": kind, "type": accepted.content_type},
                request=request,
            )
            return document
    finally:
        accepted.close()


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["document"].opportunity.agency,
    message=_NOT_WRITER,
)
def opportunity_remove_document(
    *, actor: Any, document: OpportunityDocument, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        opportunity = _lock(document.opportunity)
        _require_editable(actor, opportunity)
        document = OpportunityDocument.objects.get(pk=document.pk, opportunity=opportunity)
        title = document.title
        stored = document.file
        document.delete()
        transaction.on_commit(lambda: stored.delete(save=False))
        _touch(opportunity)
        audit.record(
            actor=actor,
            action="opportunity.document_remove",
            obj=opportunity,
            agency=opportunity.agency,
            data={"file": title},
            request=request,
        )


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["opportunity"].agency,
    message=_NOT_WRITER,
)
def opportunity_add_image(
    *,
    actor: Any,
    opportunity: Opportunity,
    upload: Any,
    alt_text: str,
    request: HttpRequest | None = None,
) -> OpportunityImage:
    """A picture of the site or the project: decoded and written again, under a name of ours."""
    _require_editable(actor, opportunity)
    check_texts([("alt_text", alt_text)])
    alt_text = normalize(alt_text or "").strip()
    if not alt_text:
        raise ValidationError(
            {"alt_text": "متن جایگزین تصویر را بنویسید: آنچه تصویر نشان می‌دهد، برای نابینایان."}
        )
    if opportunity.images.count() >= media.MAX_IMAGES:
        raise ValidationError(
            {"image": f"هر فرصت حداکثر {_fa(media.MAX_IMAGES)} تصویر دارد؛ نخست یکی را حذف کنید."}
        )
    accepted = media.accept_image(upload)
    try:
        with transaction.atomic():
            opportunity = _lock(opportunity)
            _require_editable(actor, opportunity)
            count = opportunity.images.count()
            if count >= media.MAX_IMAGES:
                raise ValidationError(
                    {"image": f"هر فرصت حداکثر {_fa(media.MAX_IMAGES)} تصویر دارد."}
                )
            image = OpportunityImage(
                opportunity=opportunity,
                alt_text=alt_text,
                position=count,
                original_name=accepted.original_name,
                content_type=accepted.content_type,
                size=accepted.size,
                width=accepted.width,
                height=accepted.height,
            )
            uploads.save_with_file(image, "image", accepted)
            _touch(opportunity)
            audit.record(
                actor=actor,
                action="opportunity.image_add",
                obj=opportunity,
                agency=opportunity.agency,
                data={"alt": alt_text},
                request=request,
            )
            return image
    finally:
        accepted.close()


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["image"].opportunity.agency,
    message=_NOT_WRITER,
)
def opportunity_remove_image(
    *, actor: Any, image: OpportunityImage, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        opportunity = _lock(image.opportunity)
        _require_editable(actor, opportunity)
        image = OpportunityImage.objects.get(pk=image.pk, opportunity=opportunity)
        alt = image.alt_text
        stored = image.image
        image.delete()
        transaction.on_commit(lambda: stored.delete(save=False))
        _touch(opportunity)
        audit.record(
            actor=actor,
            action="opportunity.image_remove",
            obj=opportunity,
            agency=opportunity.agency,
            data={"alt": alt},
            request=request,
        )

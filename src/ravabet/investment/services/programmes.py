"""Support programmes (حمایت‌ها): create, edit, the same workflow as opportunities
(PROGRAMME_STEPS: OPPORTUNITY_STEPS with the programme's words), the opportunities a programme
applies to (listed one by one, or every opportunity of its sectors).

Same rules as opportunities: writers edit in draft, approvers also while submitted or approved,
the directorate also once published; never archived. `updated_at` moves on content edits only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, jalali, pagecache, permissions, validation, workflow
from ravabet.core.organisation.models import Agency
from ravabet.investment.models import Opportunity, Programme, Sector, Status
from ravabet.investment.services.opportunities import PUBLIC_TOPIC, make_steps, take_step
from ravabet.persian import normalize

__all__ = [
    "PROGRAMME_STEPS",
    "ProgrammeError",
    "ProgrammeInput",
    "can_edit_programme",
    "programme_create",
    "programme_input_from",
    "programme_step",
    "programme_update",
]


class ProgrammeError(workflow.StateError):
    """The programme's state does not allow this (a Persian message)."""


PROGRAMME_STEPS = make_steps("حمایت", "حمایت")
_STEPS = {s.action: s for s in PROGRAMME_STEPS}

MAX_CHARS = {
    "title": 200,
    "summary": 1_000,
    "eligibility": 5_000,
    "legal_basis": 300,
    "reason": 2_000,
}
LABELS = {
    "title": "عنوان",
    "summary": "خلاصه",
    "eligibility": "شرایط برخورداری",
    "legal_basis": "مبنای قانونی",
    "reason": "دلیل",
}
_REQUIRED = {
    "title": "عنوان حمایت را بنویسید.",
    "summary": "بنویسید این حمایت چه می‌دهد.",
    "eligibility": "بنویسید چه کسانی از این حمایت برخوردار می‌شوند.",
    "legal_basis": "مبنای قانونی حمایت را بنویسید (قانون، ماده، مصوبه).",
}
# The most opportunities one programme lists by name (beyond that, use its sectors).
MAX_OPPORTUNITIES = 200


def _check_texts(texts: list[tuple[str, str | None]]) -> None:
    validation.check_texts(
        (name, value, LABELS[name], MAX_CHARS[name]) for name, value in texts if value is not None
    )


@dataclass
class ProgrammeInput:
    kind: str = ""
    title: str = ""
    summary: str = ""
    eligibility: str = ""
    legal_basis: str = ""
    sectors: list[str] = field(default_factory=list)
    opportunity_ids: list[int] = field(default_factory=list)

    def check(self) -> dict[str, Any]:
        """Raise ValidationError keyed by field (Persian); return the model's fields (the
        opportunities under "opportunities", a list of ids that exist)."""
        errors: dict[str, list[str]] = {}
        try:
            _check_texts([(name, getattr(self, name)) for name in _REQUIRED])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        fields: dict[str, Any] = {}
        for name, message in _REQUIRED.items():
            if name in errors:
                continue
            fields[name] = normalize(getattr(self, name) or "").strip()
            if not fields[name]:
                errors.setdefault(name, []).append(message)
        if not self.kind:
            errors.setdefault("kind", []).append("نوع حمایت را انتخاب کنید.")
        elif self.kind not in Programme.Kind.values:
            errors.setdefault("kind", []).append("این نوع حمایت در فهرست نیست.")
        fields["kind"] = self.kind
        if any(s not in Sector.values for s in self.sectors):
            errors.setdefault("sectors", []).append("بخش‌ها را از فهرست انتخاب کنید.")
        fields["sectors"] = ",".join(s for s in Sector.values if s in self.sectors)
        ids: list[int] = []
        for raw in self.opportunity_ids:
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                errors.setdefault("opportunity_ids", []).append("فرصت انتخاب‌شده درست نیست.")
                break
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_OPPORTUNITIES:
            errors.setdefault("opportunity_ids", []).append(
                f"بیش از {jalali.format_number(MAX_OPPORTUNITIES)} فرصت را با نام فهرست نکنید؛"
                " حمایت را به بخش‌ها ببندید."
            )
        else:
            found = set(Opportunity.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if len(found) != len(ids):
                errors.setdefault("opportunity_ids", []).append("فرصتی که انتخاب شده پیدا نشد.")
            fields["opportunities"] = [pk for pk in ids if pk in found]
        if errors:
            raise ValidationError(errors)
        return fields


def programme_input_from(programme: Programme) -> ProgrammeInput:
    return ProgrammeInput(
        kind=programme.kind,
        title=programme.title,
        summary=programme.summary,
        eligibility=programme.eligibility,
        legal_basis=programme.legal_basis,
        sectors=programme.sector_codes,
        opportunity_ids=list(programme.opportunities.values_list("pk", flat=True)),
    )


_NOT_WRITER = "شما برای این دستگاه حمایت نمی‌نویسید."


@permissions.question(reason="may this person edit the programme now")
def can_edit_programme(actor: Any, programme: Programme) -> bool:
    agency = programme.agency
    if programme.status == Status.DRAFT:
        return permissions.can_write_opportunities_for(actor, agency)
    if programme.status in (Status.SUBMITTED, Status.APPROVED):
        return permissions.can_approve_opportunities_for(actor, agency)
    if programme.status == Status.PUBLISHED:
        return permissions.can_publish_opportunities(actor, agency)
    return False


def _why_not(programme: Programme) -> str:
    if programme.status == Status.PUBLISHED:
        return "این حمایت منتشر شده است؛ ویرایش آن با اداره‌کل روابط عمومی است."
    if programme.status == Status.ARCHIVED:
        return "حمایت بایگانی‌شده ویرایش نمی‌شود؛ نخست آن را به پیش‌نویس بازگردانید."
    return (
        f"این حمایت «{programme.get_status_display()}» است؛ ویرایش آن اکنون با مدیر روابط"
        " عمومی دستگاه یا اداره‌کل است."
    )


def _apply(programme: Programme, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name == "opportunities":
            continue
        if getattr(programme, name) != value:
            setattr(programme, name, value)
            changed.append(name)
    return changed


@permissions.guarded(
    permissions.can_write_opportunities_for, agency=lambda kw: kw["agency"], message=_NOT_WRITER
)
def programme_create(
    *, actor: Any, agency: Agency, data: ProgrammeInput, request: HttpRequest | None = None
) -> Programme:
    permissions.require(permissions.can_write_opportunities_for(actor, agency), _NOT_WRITER)
    fields = data.check()
    with transaction.atomic():
        programme = Programme(
            agency=agency, status=Status.DRAFT, created_by=actor, updated_at=timezone.now()
        )
        _apply(programme, fields)
        programme.save()
        programme.opportunities.set(fields["opportunities"])
        audit.record(
            actor=actor,
            action="programme.create",
            obj=programme,
            agency=agency,
            to_state=Status.DRAFT,
            request=request,
        )
    return programme


@permissions.guarded(
    permissions.can_write_opportunities_for,
    agency=lambda kw: kw["programme"].agency,
    message=_NOT_WRITER,
)
def programme_update(
    *,
    actor: Any,
    programme: Programme,
    data: ProgrammeInput,
    request: HttpRequest | None = None,
) -> Programme:
    permissions.require(
        permissions.can_write_opportunities_for(actor, programme.agency), _NOT_WRITER
    )
    fields = data.check()
    with transaction.atomic():
        programme = (
            Programme.objects.select_for_update().select_related("agency").get(pk=programme.pk)
        )
        permissions.require(
            permissions.can_write_opportunities_for(actor, programme.agency), _NOT_WRITER
        )
        if not can_edit_programme(actor, programme):
            raise ProgrammeError(_why_not(programme))
        changed = _apply(programme, fields)
        before = set(programme.opportunities.values_list("pk", flat=True))
        if before != set(fields["opportunities"]):
            programme.opportunities.set(fields["opportunities"])
            changed.append("opportunities")
        if changed:
            programme.updated_at = timezone.now()
            programme.save()
            audit.record(
                actor=actor,
                action="programme.edit",
                obj=programme,
                agency=programme.agency,
                from_state=programme.status,
                to_state=programme.status,
                data={"fields": changed},
                request=request,
            )
            if programme.status == Status.PUBLISHED:
                transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC))
    return programme


@permissions.guarded(
    permissions.can_write_opportunities_for, agency=lambda kw: kw["programme"].agency
)
def programme_step(
    *,
    actor: Any,
    programme: Programme,
    action: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Programme:
    return take_step(
        steps=_STEPS,
        record=programme,
        actor=actor,
        action=action,
        reason=reason,
        request=request,
        error=ProgrammeError,
        unknown="این کار در گردش کار حمایت‌ها نیست.",
    )

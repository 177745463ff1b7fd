"""Writes to agencies: every change is checked, normalized, audited and atomic."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from ravabet.core import audit, permissions
from ravabet.core.organisation.models import Agency
from ravabet.persian import normalize

# The fields an agency's head (or the directorate) may change from the back office.
EDITABLE_FIELDS = ("short_name", "phone", "email", "website", "address", "description")
_TEXT_FIELDS = {"short_name", "address", "description"}


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["agency"],
    message="ویرایش مشخصات این دستگاه فقط با مدیر روابط عمومی آن یا اداره‌کل است.",
)
@transaction.atomic
def agency_update(
    *, actor: Any, agency: Agency, data: dict[str, str], request: HttpRequest | None = None
) -> Agency:
    permissions.require(
        permissions.can_manage_agency(actor, agency),
        "ویرایش مشخصات این دستگاه فقط با مدیر روابط عمومی آن یا اداره‌کل است.",
    )
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    changes: dict[str, list[str]] = {}
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field] or ""
        if field in _TEXT_FIELDS:
            value = normalize(value)
        old = getattr(agency, field)
        if old != value:
            changes[field] = [old, value]
            setattr(agency, field, value)
    if changes:
        agency.full_clean()
        agency.save(update_fields=[*changes, "updated_at"])
        audit.record(
            actor=actor,
            action="agency.update",
            obj=agency,
            agency=agency,
            data={"changes": changes},
            request=request,
        )
    return agency

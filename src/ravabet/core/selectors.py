"""Reads of the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from ravabet.core import permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.jalali import start_of_day
from ravabet.core.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    agency: str = ""
    action: str = ""
    actor: str = ""
    since: dt.date | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> AuditFilters:
        try:
            since = JalaliDateField(required=False).clean(query.get("since", ""))
        except ValidationError:
            since = None  # a bad filter value is ignored, not an error page
        return cls(
            agency=query.get("agency", "")[:64],
            action=query.get("action", "")[:64],
            actor=query.get("actor", "")[:150].strip(),
            since=since,
        )


def audit_list(filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor", "agency", "content_type")
    if filters.agency:
        qs = qs.filter(agency__slug=filters.agency)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(actor_name__icontains=filters.actor)
    if filters.since:
        qs = qs.filter(created_at__gte=start_of_day(filters.since))
    return qs


def audit_list_for(user: Any) -> QuerySet[AuditEntry]:
    """What a person may see of the log: everything for the directorate, else their agencies'."""
    qs = AuditEntry.objects.select_related("actor", "agency")
    if permissions.sees_all_agencies(user):
        return qs
    return qs.filter(agency__in=permissions.visible_agencies(user))

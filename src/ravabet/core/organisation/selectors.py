"""Reads of agencies, counties and memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ravabet.core.organisation.models import Agency, County, Membership
from ravabet.persian import search_key


def agency_list_public(*, kind: str = "", county: str = "", q: str = "") -> QuerySet[Agency]:
    qs = Agency.objects.filter(is_active=True).select_related("county", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(county__slug=county)
    if q:
        # Small table: match the search key of each name in Python, whatever the spelling typed.
        key = search_key(q)
        ids = [a.pk for a in qs if key and key in search_key(f"{a.name} {a.short_name}")]
        qs = qs.filter(pk__in=ids)
    return qs


def agency_get_public(*, slug: str) -> Agency:
    return Agency.objects.select_related("county", "parent").get(slug=slug, is_active=True)


def county_list() -> QuerySet[County]:
    return County.objects.annotate(
        agency_count=Count("agency", filter=Q(agency__is_active=True))
    ).order_by("name")


def membership_list_for(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("agency")


def member_list(*, agency: Agency) -> QuerySet[Membership]:
    return Membership.objects.filter(agency=agency).select_related("user").order_by("role")

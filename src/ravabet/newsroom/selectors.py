"""Reads of releases: the public portal, the back office, related releases, search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from ravabet.core import permissions, search, todo
from ravabet.core.jalali import start_of_day
from ravabet.core.organisation.models import Agency
from ravabet.newsroom.models import Release
from ravabet.newsroom.search import SCOPE

S = Release.Status


def release_list_public(
    *, agency: Agency | None = None, tag: str = "", kind: str = ""
) -> QuerySet[Release]:
    """Published and withdrawn releases (a withdrawn page stays, marked), newest first."""
    qs = (
        Release.objects.filter(status__in=[S.PUBLISHED, S.WITHDRAWN])
        .select_related("agency", "county", "category")
        .order_by("-published_at", "-id")
    )
    if agency is not None:
        qs = qs.filter(Q(agency=agency) | Q(supporting_agencies=agency)).distinct()
    if tag:
        qs = qs.filter(tags__name=tag)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def release_list_published() -> QuerySet[Release]:
    """What feeds and subscriptions carry: published only."""
    return release_list_public().filter(status=S.PUBLISHED)


def release_get_public(*, pk: int) -> Release:
    return (
        release_list_public()
        .prefetch_related("tags", "images", "attachments", "corrections", "supporting_agencies")
        .get(pk=pk)
    )


def release_get_for(*, user: Any, pk: int) -> Release:
    """A release as this person may read it: a public one for anyone; for the staff of its
    agency (and the directorate), also one in any other state, such as a draft they wrote.
    Another agency's unpublished release does not exist for them."""
    try:
        return release_get_public(pk=pk)
    except Release.DoesNotExist:
        if not getattr(user, "is_authenticated", False):
            raise
    release = release_get_for_distribution(pk=pk)
    if not permissions.can_view_agency(user, release.agency):
        raise Release.DoesNotExist
    return release


def release_get_for_distribution(*, pk: int) -> Release:
    """A release in any status, with its agency and what its public page shows: for
    distribution's tasks and the press preview, which act for the agency, not a person."""
    return (
        Release.objects.select_related("agency", "county", "category")
        .prefetch_related("tags", "images", "attachments", "corrections", "supporting_agencies")
        .get(pk=pk)
    )


def release_is_withdrawn(*, pk: int) -> bool:
    return Release.objects.filter(pk=pk, status=S.WITHDRAWN).exists()


def release_list_featured(limit: int = 3) -> list[Release]:
    return list(
        release_list_published().filter(featured_at__isnull=False).order_by("-featured_at")[:limit]
    )


def latest_by_agency(
    *, agencies: int = 6, per_agency: int = 3
) -> list[tuple[Agency, list[Release]]]:
    """The agencies that published most recently, each with its latest releases."""
    recent = (
        release_list_published().values_list("agency_id", flat=True).order_by("-published_at")[:200]
    )
    order: list[int] = []
    for agency_id in recent:
        if agency_id not in order:
            order.append(agency_id)
        if len(order) == agencies:
            break
    by_id = Agency.objects.in_bulk(order)
    return [
        (by_id[a], list(release_list_published().filter(agency_id=a)[:per_agency])) for a in order
    ]


def related_releases(release: Release, limit: int = 4) -> list[Release]:
    """Releases sharing most tags, then the same agency, newest first."""
    tag_ids = list(release.tags.values_list("id", flat=True))
    qs = release_list_published().exclude(pk=release.pk)
    related: list[Release] = []
    if tag_ids:
        sharing = qs.filter(tags__in=tag_ids).annotate(
            shared=Count("tags", filter=Q(tags__in=tag_ids))
        )
        related.extend(sharing.order_by("-shared", "-published_at")[:limit])
    if len(related) < limit:
        more = qs.filter(agency=release.agency).exclude(pk__in=[r.pk for r in related])
        related += list(more[: limit - len(related)])
    return related


def release_list_backoffice(
    *, user: Any, status: str = "", agency_slug: str = ""
) -> QuerySet[Release]:
    qs = Release.objects.filter(agency__in=permissions.visible_agencies(user)).select_related(
        "agency", "created_by"
    )
    if status:
        qs = qs.filter(status=status)
    if agency_slug:
        qs = qs.filter(agency__slug=agency_slug)
    return qs.order_by("-updated_at")


def status_counts(*, user: Any) -> dict[str, int]:
    rows = (
        Release.objects.filter(agency__in=permissions.visible_agencies(user))
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {status: n for status, n in rows}


def release_get_backoffice(*, user: Any, pk: int) -> Release:
    """A release the person may see in the back office; anything else is 'does not exist'."""
    release = Release.objects.select_related("agency", "created_by").get(pk=pk)
    if not permissions.can_view_agency(user, release.agency):
        raise Release.DoesNotExist
    return release


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    agency: Agency | None = None
    kind: str = ""
    county_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1


def release_search(query: SearchQuery, per_page: int = 20) -> tuple[search.Results, list[Release]]:
    filters = search.Filters(
        agency_ids=[query.agency.pk] if query.agency else (),
        kinds=[query.kind] if query.kind else (),
        county_ids=[query.county_id] if query.county_id else (),
        since=start_of_day(query.since) if query.since else None,
        # `until` is exclusive: the start of the day after the chosen one. Only published
        # releases are indexed, so no bound on "now" is needed.
        until=start_of_day(query.until + dt.timedelta(days=1)) if query.until else None,
    )
    results = search.search(SCOPE, query.q, filters=filters, page=query.page, per_page=per_page)
    by_id = release_list_published().in_bulk([h.object_id for h in results.hits])
    return results, [by_id[h.object_id] for h in results.hits if h.object_id in by_id]


# --- the officer's day: what waits for this person (the back-office home) ----------------


def approvable_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose submitted releases this person approves (permissions.can_approve_for)."""
    agencies = permissions.visible_agencies(user)
    if permissions.sees_all_agencies(user):
        return agencies
    return agencies.filter(pk__in=[a.pk for a in agencies if permissions.can_approve_for(user, a)])


def _todo_item(release: Release, detail: str = "") -> dict[str, Any]:
    return {
        "label": release.headline or "(بی‌تیتر)",
        "url": release.get_backoffice_url(),
        "meta": release.agency.short_name or release.agency.name,
        "detail": detail,
    }


def _todo_list(
    label: str,
    status: str,
    releases: QuerySet[Release],
    empty: str,
    detail: Any = None,
    *,
    urgent: bool = False,
) -> dict[str, Any]:
    """One list of the home's card (core/todo.py): its total in the badge, its first items."""
    return todo.todo_list(
        label=label,
        queryset=releases.select_related("agency"),
        entry=lambda r: _todo_item(r, detail(r) if detail else ""),
        url=reverse("newsroom:bo_list") + f"?status={status}",
        empty=empty,
        urgent=urgent,
    )


def todo_lists(user: Any) -> list[dict[str, Any]]:
    """The newsroom's to-do lists for the back-office home (a dashboard card's figures): my
    drafts, returned to me with the reason, awaiting my approval, scheduled. Only releases of
    agencies the person may see; nothing for someone who does not work in the back office."""
    from ravabet.core.jalali import format_datetime

    if not permissions.is_staff_member(user):
        return []
    visible = Release.objects.filter(agency__in=permissions.visible_agencies(user))
    mine = visible.filter(created_by=user)
    lists = [
        _todo_list(
            "پیش‌نویس‌های من",
            S.DRAFT,
            mine.filter(status=S.DRAFT).order_by("-updated_at", "-id"),
            "پیش‌نویسی ندارید.",
        ),
        _todo_list(
            "بازگشته به من برای اصلاح",
            S.RETURNED,
            mine.filter(status=S.RETURNED).order_by("-updated_at", "-id"),
            "خبری به شما بازنگشته است.",
            detail=lambda r: f"دلیل: {r.return_reason}" if r.return_reason else "",
            urgent=True,
        ),
    ]
    approvable = approvable_agencies(user)
    can_approve = permissions.sees_all_agencies(user) or approvable.exists()
    if can_approve:
        lists.append(
            _todo_list(
                "در انتظار تأیید من",
                S.SUBMITTED,
                visible.filter(status=S.SUBMITTED, agency__in=approvable).order_by(
                    "updated_at", "id"
                ),
                "خبری در انتظار تأیید شما نیست.",
            )
        )
    scheduled = visible.filter(status=S.SCHEDULED)
    if can_approve:
        scheduled = scheduled.filter(Q(created_by=user) | Q(agency__in=approvable))
    else:
        scheduled = scheduled.filter(created_by=user)
    lists.append(
        _todo_list(
            "زمان‌بندی‌شده",
            S.SCHEDULED,
            scheduled.order_by("scheduled_for", "id"),
            "خبر زمان‌بندی‌شده‌ای نیست.",
            detail=lambda r: (
                f"انتشار: {format_datetime(r.scheduled_for)}" if r.scheduled_for else ""
            ),
        )
    )
    return lists

"""What a person may see of investment in the back office: opportunities and programmes of the
agencies they may see (another agency's record is DoesNotExist, a 404 to the view), and the
home's to-do lists (awaiting my approval, to publish, returned to me)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from ravabet.core import permissions, todo
from ravabet.core.organisation.models import Agency
from ravabet.investment.models import Opportunity, Programme, Status

__all__ = [
    "opportunity_get_for",
    "opportunity_list_for",
    "opportunity_status_counts",
    "programme_get_for",
    "programme_list_for",
    "todo_lists",
]


def opportunity_list_for(
    user: Any, *, status: str = "", agency: Agency | None = None
) -> QuerySet[Opportunity]:
    """The opportunities of the agencies this person may see, last changed first."""
    items = Opportunity.objects.filter(agency__in=permissions.visible_agencies(user))
    if status:
        items = items.filter(status=status)
    if agency is not None:
        items = items.filter(agency=agency)
    return items.select_related("agency", "county").order_by("-updated_at", "-id")


def opportunity_status_counts(user: Any, *, agency: Agency | None = None) -> dict[str, int]:
    """How many of each status (the list's filter tabs)."""
    items = Opportunity.objects.filter(agency__in=permissions.visible_agencies(user))
    if agency is not None:
        items = items.filter(agency=agency)
    rows = items.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def opportunity_get_for(user: Any, pk: Any) -> Opportunity:
    """One opportunity this person may see in the back office; another agency's (or none)
    raises Opportunity.DoesNotExist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Opportunity.DoesNotExist from exc
    return (
        Opportunity.objects.filter(agency__in=permissions.visible_agencies(user))
        .select_related("agency", "county", "created_by")
        .prefetch_related("documents", "images", "programmes__agency")
        .get(pk=pk)
    )


def programme_list_for(user: Any, *, status: str = "") -> QuerySet[Programme]:
    items = Programme.objects.filter(agency__in=permissions.visible_agencies(user))
    if status:
        items = items.filter(status=status)
    return (
        items.select_related("agency")
        .annotate(opportunity_count=Count("opportunities"))
        .order_by("-updated_at", "-id")
    )


def programme_get_for(user: Any, pk: Any) -> Programme:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Programme.DoesNotExist from exc
    return (
        Programme.objects.filter(agency__in=permissions.visible_agencies(user))
        .select_related("agency", "created_by")
        .prefetch_related("opportunities__agency")
        .get(pk=pk)
    )


# --- the home's to-do card ---------------------------------------------------------------


def _approvable(user: Any) -> QuerySet[Agency]:
    agencies = permissions.visible_agencies(user)
    if permissions.sees_all_agencies(user):
        return agencies
    return agencies.filter(
        pk__in=[a.pk for a in agencies if permissions.can_approve_opportunities_for(user, a)]
    )


def _entry(opportunity: Opportunity, detail: str = "") -> dict[str, Any]:
    return {
        "label": opportunity.title,
        "url": reverse("investment:bo_detail", kwargs={"pk": opportunity.pk}),
        "meta": opportunity.agency.short_name or opportunity.agency.name,
        "detail": detail,
    }


def _list(
    label: str,
    status: str,
    items: QuerySet[Opportunity],
    empty: str,
    *,
    detail: Any = None,
    urgent: bool = False,
) -> dict[str, Any]:
    return todo.todo_list(
        label=label,
        queryset=items.select_related("agency"),
        entry=lambda o: _entry(o, detail(o) if detail else ""),
        url=reverse("investment:bo_list") + f"?status={status}",
        empty=empty,
        urgent=urgent,
    )


def todo_lists(user: Any) -> list[dict[str, Any]]:
    """Investment's to-do lists for the back-office home: returned to me (with the reason),
    awaiting my approval (heads and the directorate), to publish (the directorate). Nothing
    for someone who does not work in the back office, or has nothing to do here."""
    if not permissions.is_staff_member(user):
        return []
    visible = Opportunity.objects.filter(agency__in=permissions.visible_agencies(user))
    lists = []
    returned = visible.filter(status=Status.DRAFT, created_by=user, return_reason__gt="").order_by(
        "-updated_at", "-id"
    )
    if returned.exists():
        lists.append(
            _list(
                "فرصت‌های بازگشته به من",
                Status.DRAFT,
                returned,
                "فرصتی به شما بازنگشته است.",
                detail=lambda o: f"دلیل: {o.return_reason}",
                urgent=True,
            )
        )
    approvable = _approvable(user)
    if permissions.sees_all_agencies(user) or approvable.exists():
        waiting = visible.filter(status=Status.SUBMITTED, agency__in=approvable)
        lists.append(
            _list(
                "فرصت‌های در انتظار تأیید من",
                Status.SUBMITTED,
                waiting.order_by("updated_at", "id"),
                "فرصتی در انتظار تأیید شما نیست.",
            )
        )
    if permissions.can_publish_opportunities(user):
        lists.append(
            _list(
                "فرصت‌های تأییدشده برای انتشار",
                Status.APPROVED,
                visible.filter(status=Status.APPROVED).order_by("updated_at", "id"),
                "فرصت تأییدشده‌ای در انتظار انتشار نیست.",
            )
        )
    # A card with only empty lists says nothing: leave it out of the home.
    return lists if any(item["count"] for item in lists) else []

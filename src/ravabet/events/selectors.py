"""Every read of events that is more than a get(); the only module other capabilities read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ravabet.core import jalali, permissions
from ravabet.core.organisation.models import Agency
from ravabet.events.models import Event, Registration, Resolution

ACTIVE = Registration.Status.REGISTERED


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("organizer").annotate(
        registered=Count("registrations", filter=Q(registrations__status=ACTIVE), distinct=True)
    )


def event_list_public(*, when: str = "upcoming", now: dt.datetime | None = None) -> QuerySet[Event]:
    """Public events: "upcoming" (not yet ended, soonest first) or "past" (latest first)."""
    now = now or timezone.now()
    events = _with_counts(Event.objects.filter(is_public=True))
    if when == "past":
        return events.filter(ends_at__lte=now).order_by("-starts_at")
    return events.filter(ends_at__gt=now).order_by("starts_at")


def event_get_public(*, pk: int) -> Event:
    """A public event with what its page shows; raises Event.DoesNotExist."""
    return (
        _with_counts(Event.objects.filter(is_public=True))
        .prefetch_related("agenda", "documents")
        .get(pk=pk)
    )


def _visible_filter(user: Any) -> Q | None:
    """None: every event; otherwise the events this staff member may see."""
    if permissions.sees_all_agencies(user):
        return None
    if not permissions.is_staff_member(user):
        return Q(is_public=True)  # an account without a role in any agency: a citizen
    agencies = list(permissions.visible_agencies(user).values_list("pk", "kind"))
    ids = [pk for pk, _ in agencies]
    kinds = {kind for _, kind in agencies}
    return (
        Q(is_public=True)
        | Q(organizer_id__in=ids)
        | Q(invite_mode=Event.Invite.ALL)
        | Q(invite_mode=Event.Invite.KIND, invite_kind__in=kinds)
        | Q(invite_mode=Event.Invite.LIST, invited__in=ids)
    )


def may_see(user: Any, event: Event) -> bool:
    """Whether this person may see the event: the one rule of the back office, the API and the
    event's files (public: everyone; internal: the directorate, the organizer, the invited)."""
    if event.is_public:
        return True
    visible = _visible_filter(user)
    return visible is None or Event.objects.filter(visible, pk=event.pk).exists()


def event_list_for(user: Any, *, when: str = "upcoming") -> QuerySet[Event]:
    """The back office's events: what this person may see, upcoming soonest first or past."""
    events = Event.objects.all()
    visible = _visible_filter(user)
    if visible is not None:
        events = events.filter(visible).distinct()
    events = _with_counts(events)
    now = timezone.now()
    if when == "past":
        return events.filter(ends_at__lte=now).order_by("-starts_at")
    if when == "all":
        return events.order_by("-starts_at")
    return events.filter(ends_at__gt=now).order_by("starts_at")


def event_get_for(user: Any, *, pk: int) -> Event:
    """An event this person may see in the back office; raises Event.DoesNotExist otherwise."""
    events = Event.objects.filter(pk=pk)
    visible = _visible_filter(user)
    if visible is not None:
        events = events.filter(visible).distinct()
    return _with_counts(events).prefetch_related("agenda", "documents", "invited").get()


def registrations_for(user: Any, event: Event) -> QuerySet[Registration]:
    """The organizer and the directorate see every registration; an invited agency its own."""
    registrations = event.registrations.select_related("agency").order_by(
        "status", "agency__name", "name"
    )
    if permissions.can_organize_for(user, event.organizer):
        return registrations
    return registrations.filter(agency__in=permissions.visible_agencies(user))


def attendance_counts(event: Event) -> dict[str, int]:
    """{"registered": live registrations, "present": those checked in}, in one query."""
    return event.registrations.filter(status=ACTIVE).aggregate(
        registered=Count("pk"), present=Count("pk", filter=Q(attended_at__isnull=False))
    )


def registrable_agencies(user: Any, event: Event) -> list[Agency]:
    """The agencies this person may register attendees for at this event (one query)."""
    invited = event.invited_agencies().values("pk")
    return list(
        permissions.visible_agencies(user)
        .filter(is_active=True, pk__in=invited)
        .order_by("name")[:500]
    )


def resolutions_of(event: Event) -> QuerySet[Resolution]:
    return event.resolutions.select_related("responsible", "owner").order_by("number")


def resolution_list_for(
    user: Any, *, overdue: bool = False, status: str = "", agency: Agency | None = None
) -> QuerySet[Resolution]:
    """Resolutions this person follows: of agencies they act for or events they organize
    (the directorate: all). Overdue ones: open or in progress past their deadline."""
    resolutions = Resolution.objects.select_related("event", "responsible", "owner")
    if not permissions.sees_all_agencies(user):
        ids = list(permissions.visible_agencies(user).values_list("pk", flat=True))
        resolutions = resolutions.filter(Q(responsible_id__in=ids) | Q(event__organizer_id__in=ids))
    if agency is not None:
        resolutions = resolutions.filter(responsible=agency)
    if overdue:
        resolutions = resolutions.filter(
            status__in=Resolution.OPEN_STATES, deadline__lt=jalali.to_local(timezone.now()).date()
        )
    elif status in Resolution.Status.values:
        resolutions = resolutions.filter(status=status)
    return resolutions.order_by("deadline", "pk")


def resolution_get_for(user: Any, *, pk: int) -> Resolution:
    """A resolution this person follows; raises Resolution.DoesNotExist otherwise."""
    return resolution_list_for(user).get(pk=pk)


def resolution_counts(user: Any) -> dict[str, int]:
    """How many of this person's resolutions are in each state, and how many are overdue."""
    resolutions = resolution_list_for(user)
    counts = {
        row["status"]: row["n"]
        for row in resolutions.order_by().values("status").annotate(n=Count("pk"))
    }
    counts["overdue"] = resolution_list_for(user, overdue=True).count()
    return counts

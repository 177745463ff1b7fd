"""Every read of the citizen desk that is more than a get(); the only module another
capability (investment, for its inquiries) reads through."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency
from ravabet.desk import tracking
from ravabet.desk.models import (
    COUNTED_EXCLUDE,
    OPEN_STATUSES,
    Message,
    MessageEvent,
    ReplyTemplate,
    Status,
)

# --- the citizen's view -----------------------------------------------------------------------


def message_by_code(text: str) -> Message | None:
    """The message of a tracking code as a person typed it (any digits, dashes), or None."""
    code = tracking.clean(text)
    if code is None:
        return None
    return (
        Message.objects.select_related("agency", "merged_into", "merged_into__agency")
        .filter(tracking_code=code)
        .first()
    )


def public_timeline(message: Message) -> list[MessageEvent]:
    """The steps a citizen sees: public kinds only, in the agency's name (never a person's)."""
    return list(
        message.events.filter(kind__in=MessageEvent.PUBLIC)
        .select_related("agency")
        .order_by("created_at", "pk")[:200]
    )


def answer_for_citizen(message: Message) -> Message:
    """Whose answer the citizen reads: a merged duplicate reads the message it joined."""
    return message.merged_into or message


# --- the back office ------------------------------------------------------------------------


def _visible(user: Any) -> QuerySet[Message]:
    messages = Message.objects.all()
    if permissions.sees_all_agencies(user):
        return messages
    return messages.filter(agency__in=permissions.visible_agencies(user))


def inbox_for(
    user: Any,
    *,
    status: str = "",
    kind: str = "",
    overdue: bool = False,
    assignee: str = "",
    county: int | None = None,
    agency: int | None = None,
    triage: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Message]:
    """The messages this person handles, filtered: `status` a Status value or "open";
    `assignee` a user id, "me" or "none"; `triage` the directorate's waiting messages."""
    now = now or timezone.now()
    messages = _visible(user).select_related("agency", "assignee", "county", "transfer_to")
    if triage:
        messages = messages.filter(status=Status.TRIAGE)
    if status == "open":
        messages = messages.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    if overdue:
        messages = messages.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if assignee == "me":
        messages = messages.filter(assignee=user)
    elif assignee == "none":
        messages = messages.filter(assignee__isnull=True)
    elif assignee.isdigit():
        messages = messages.filter(assignee_id=int(assignee))
    if county:
        messages = messages.filter(county_id=county)
    if agency:
        messages = messages.filter(agency_id=agency)
    return messages.order_by("due_at", "pk") if status == "open" or overdue else messages


def inbox_counts(user: Any, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Open, overdue, unassigned and (for the directorate) triage counts, in one query."""
    now = now or timezone.now()
    is_open = Q(status__in=OPEN_STATUSES)
    return _visible(user).aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
        unassigned=Count("pk", filter=is_open & Q(assignee__isnull=True)),
        triage=Count("pk", filter=Q(status=Status.TRIAGE)),
        mine=Count("pk", filter=is_open & Q(assignee=user)),
    )


def message_get_for(user: Any, pk: int) -> Message | None:
    """One message for the back office, or None when this person may not see it (a 404)."""
    return (
        _visible(user)
        .select_related("agency", "assignee", "county", "transfer_to", "merged_into")
        .filter(pk=pk)
        .first()
    )


def timeline_for_staff(message: Message) -> list[MessageEvent]:
    return list(message.events.select_related("actor", "agency").order_by("created_at", "pk")[:500])


def assignable_users(agency: Agency) -> QuerySet[Any]:
    """The agency's staff, the people a message of it may be given to."""
    return (
        get_user_model()
        .objects.filter(memberships__agency=agency, is_active=True)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def templates_for(agency: Agency | None) -> QuerySet[ReplyTemplate]:
    """The agency's ready answers and the directorate's shared ones."""
    shared = Q(agency__isnull=True)
    return ReplyTemplate.objects.filter(shared | Q(agency=agency) if agency else shared)[:200]


def templates_visible_to(user: Any) -> QuerySet[ReplyTemplate]:
    """The ready answers a person's back office lists: the shared ones and those of the
    agencies they handle (every agency's for the directorate)."""
    templates = ReplyTemplate.objects.select_related("agency")
    if not permissions.sees_all_agencies(user):
        templates = templates.filter(
            Q(agency__isnull=True) | Q(agency__in=permissions.visible_agencies(user))
        )
    # The shared ones first, on every database.
    return templates.order_by(F("agency__name").asc(nulls_first=True), "title", "pk")


def possible_duplicates(message: Message, *, limit: int = 20) -> QuerySet[Message]:
    """Other messages of the same agency this one could be merged into: recent first."""
    return (
        Message.objects.filter(agency=message.agency)
        .exclude(pk=message.pk)
        .exclude(status__in=COUNTED_EXCLUDE)
        .order_by("-created_at")[:limit]
    )


def messages_about(obj: Any) -> QuerySet[Message]:
    """The messages about another capability's record (an opportunity's inquiries)."""
    from django.contrib.contenttypes.models import ContentType

    return Message.objects.filter(
        about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk)
    )


# --- the public figures -----------------------------------------------------------------------


@dataclass
class Figures:
    """How one agency (or the province) answered the messages received in a period."""

    agency: Agency | None
    received: int = 0
    answered: int = 0
    in_time: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    days: list[int] = field(default_factory=list)
    ranked: bool = False
    rank: int | None = None

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else "کل استان"

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.received if self.received else None

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.answered if self.answered else None

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def satisfaction(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.answered if self.answered else None

    def add(self, row: Mapping[str, Any]) -> None:
        self.received += 1
        if row["first_answered_at"] is not None:
            self.answered += 1
            if row["answered_in_time"]:
                self.in_time += 1
            if row["first_answer_days"] is not None:
                self.days.append(row["first_answer_days"])
            if row["reopen_count"]:
                self.reopened += 1
        if row["rating"] is not None:
            self.rated += 1
            self.rating_sum += row["rating"]


@dataclass
class Statistics:
    start: dt.date
    end: dt.date
    province: Figures
    agencies: list[Figures]  # ranked first (best first), then those under the minimum
    min_volume: int


# The most messages one period's figures read (a province's several years).
MAX_STATS_ROWS = 500_000


def statistics_between(start: dt.date, end: dt.date) -> Statistics:
    """The figures of messages received on Tehran days [start, end], per agency and for the
    province. Merged duplicates and spam are not counted; triage counts for the province.

    Ranking: agencies with at least RAVABET_DESK_MIN_VOLUME messages, by the share answered
    in time, then satisfaction, then median days; the others are listed unranked."""
    from ravabet.core.calendar.selectors import WorkingCalendar

    begins = WorkingCalendar.end_of(start - dt.timedelta(days=1))
    ends = WorkingCalendar.end_of(end)
    rows = (
        Message.objects.filter(created_at__gte=begins, created_at__lt=ends)
        .exclude(status__in=COUNTED_EXCLUDE)
        .values(
            "agency_id",
            "first_answered_at",
            "first_answer_days",
            "answered_in_time",
            "reopen_count",
            "rating",
        )[:MAX_STATS_ROWS]
    )
    province = Figures(agency=None)
    per_agency: dict[int, Figures] = {}
    agencies = {a.pk: a for a in Agency.objects.all()}
    for row in rows.iterator(chunk_size=5_000):
        province.add(row)
        agency_id = row["agency_id"]
        if agency_id is not None and agency_id in agencies:
            per_agency.setdefault(agency_id, Figures(agency=agencies[agency_id])).add(row)
    minimum = settings.RAVABET_DESK_MIN_VOLUME
    ranked = [f for f in per_agency.values() if f.received >= minimum]
    ranked.sort(
        key=lambda f: (
            -(f.in_time_share or 0.0),
            -(f.satisfaction or 0.0),
            f.median_days if f.median_days is not None else 1e9,
            f.name,
        )
    )
    for position, figures in enumerate(ranked, start=1):
        figures.ranked, figures.rank = True, position
    unranked = sorted(
        (f for f in per_agency.values() if f.received < minimum),
        key=lambda f: (-f.received, f.name),
    )
    return Statistics(start, end, province, ranked + unranked, minimum)

"""Reads of directives: the list a person may see (the directorate: all; an agency's staff:
the issued directives addressed to their agencies), one directive, its receipts table with who
has not read / acknowledged / reported, the to-do lists of the home and the indicator
«بخشنامه‌های تأییدشده در مهلت»."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from ravabet.coordination.models import Directive, Receipt
from ravabet.coordination.services.directives import (
    DIRECTIVE_SCOPE,
    acknowledge_due,
    can_acknowledge,
    report_is_late,
)
from ravabet.core import jalali, permissions, search, todo
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.organisation.models import Agency, Membership
from ravabet.core.registry import IndicatorValue
from ravabet.persian import to_persian_digits

__all__ = [
    "ReceiptRow",
    "directive_get_for",
    "directive_list_for",
    "directive_receipt_counts",
    "directive_receipt_rows",
    "directive_search_ids",
    "directives_on_time",
    "directives_todo_lists",
    "my_receipts",
]

# The most search hits a list filters by (pages of 100 from the shared index).
MAX_SEARCH_HITS = 500


def _member_agency_ids(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


def directive_search_ids(query: str) -> tuple[list[int], str]:
    """Ids of directives matching `query` (any spelling the Persian keys unify), at most
    MAX_SEARCH_HITS, and the search's Persian note ("" when none)."""
    ids: list[int] = []
    message = ""
    for number in range(1, MAX_SEARCH_HITS // 100 + 1):
        results = search.search(DIRECTIVE_SCOPE, query, page=number, per_page=100)
        message = message or results.message
        ids += [hit.object_id for hit in results.hits]
        if results.page >= results.num_pages:
            break
    return ids, message


def directive_list_for(
    user: Any,
    *,
    status: str = "",
    urgency: str = "",
    not_acknowledged: bool = False,
    agency: Agency | None = None,
    ids: list[int] | None = None,
) -> QuerySet[Directive]:
    """What this person may list, newest first, filtered. `not_acknowledged`: for an agency's
    staff, directives their agency has not acknowledged; for the directorate, directives some
    agency has not acknowledged. `agency`: directives addressed to it (its receipts)."""
    qs = Directive.objects.all()
    # The receipts counted beside each directive: every agency's for the directorate, only
    # one's own agencies' for their staff (never another agency's progress).
    counted = Q()
    if not permissions.sees_all_agencies(user):
        mine = _member_agency_ids(user)
        counted = Q(receipts__agency_id__in=mine)
        qs = qs.exclude(status=Directive.Status.DRAFT).filter(receipts__agency_id__in=mine)
        if not_acknowledged:
            qs = qs.filter(
                receipts__agency_id__in=mine,
                receipts__acknowledged_at__isnull=True,
                status=Directive.Status.ISSUED,
            )
    elif not_acknowledged:
        qs = qs.filter(status=Directive.Status.ISSUED, receipts__acknowledged_at__isnull=True)
    if agency is not None:
        qs = qs.filter(receipts__agency=agency)
    if status in Directive.Status.values:
        qs = qs.filter(status=status)
    if urgency in Directive.Urgency.values:
        qs = qs.filter(urgency=urgency)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return (
        Directive.objects.filter(pk__in=qs.values("pk"))
        .annotate(
            receipt_count=Count("receipts", filter=counted, distinct=True),
            acknowledged_count=Count(
                "receipts",
                filter=counted & Q(receipts__acknowledged_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-issued_at", "-id")
    )


def directive_get_for(user: Any, pk: int) -> Directive:
    """The directive if this person may see it; Directive.DoesNotExist otherwise (a 404)."""
    qs = Directive.objects.select_related("issued_by", "created_by")
    if not permissions.sees_all_agencies(user):
        qs = qs.exclude(status=Directive.Status.DRAFT).filter(
            receipts__agency_id__in=_member_agency_ids(user)
        )
    return qs.distinct().get(pk=pk)


def my_receipts(user: Any, directive: Directive) -> list[Receipt]:
    """The receipts of the person's own agencies (what they open, acknowledge, report)."""
    return list(
        directive.receipts.filter(agency_id__in=_member_agency_ids(user)).select_related(
            "agency", "opened_by", "acknowledged_by", "reported_by"
        )
    )


@dataclass
class ReceiptRow:
    receipt: Receipt
    state: str  # Persian
    state_code: str  # unopened, opened, acknowledged, reported
    acknowledged_late: bool
    report_late: bool
    can_acknowledge: bool = False


def _row(receipt: Receipt, due: dt.datetime | None, user: Any = None) -> ReceiptRow:
    directive = receipt.directive
    if receipt.reported_at is not None:
        code, state = "reported", "گزارش داده"
    elif receipt.acknowledged_at is not None:
        code, state = "acknowledged", "تأیید شده"
    elif receipt.opened_at is not None:
        code, state = "opened", "خوانده شده، تأیید نشده"
    else:
        code, state = "unopened", "باز نشده"
    ack_late = due is not None and ((receipt.acknowledged_at or timezone.now()) > due)
    report_late = (
        directive.action_required and bool(directive.deadline) and (report_is_late(receipt))
    )
    return ReceiptRow(
        receipt,
        state,
        code,
        ack_late,
        report_late,
        can_acknowledge=user is not None and can_acknowledge(user, receipt.agency),
    )


def directive_receipt_rows(user: Any, directive: Directive) -> list[ReceiptRow]:
    """The directorate: every receipt; an agency's staff: their own agencies' only."""
    qs = directive.receipts.select_related(
        "agency", "opened_by", "acknowledged_by", "reported_by", "directive"
    ).order_by("agency__name")
    if not permissions.sees_all_agencies(user):
        qs = qs.filter(agency_id__in=_member_agency_ids(user))
    due = acknowledge_due(directive)
    return [_row(r, due, user) for r in qs]


def directive_receipt_counts(directive: Directive) -> dict[str, int]:
    """How many agencies received it, and have not opened / acknowledged / reported."""
    qs = directive.receipts.all()
    counts = qs.aggregate(
        total=Count("pk"),
        unopened=Count("pk", filter=Q(opened_at__isnull=True)),
        unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        unreported=Count("pk", filter=Q(reported_at__isnull=True)),
    )
    if not directive.action_required:
        counts["unreported"] = 0
    return {k: int(v or 0) for k, v in counts.items()}


# --- the home's to-do lists ---------------------------------------------------------------


def _entry(receipt: Receipt, detail: str = "") -> dict[str, Any]:
    directive = receipt.directive
    return {
        "label": directive.subject,
        "url": directive.get_absolute_url(),
        "meta": f"{to_persian_digits(directive.number)} · {receipt.agency.display_name}",
        "detail": detail,
    }


def directives_todo_lists(user: Any) -> list[dict[str, Any]]:
    """For an agency's people: directives to open, to acknowledge (its head), reports due.
    For the directorate: its drafts. Nothing when there is nothing to do."""
    url = reverse("coordination:directives")
    lists = []
    # The directorate's own office receives no directive: its people see only their drafts.
    if not getattr(user, "is_authenticated", False):
        return []
    mine = list(
        Membership.objects.filter(user=user)
        .exclude(agency__kind=Agency.Kind.DIRECTORATE)
        .values_list("agency_id", flat=True)
    )
    if mine:
        receipts = Receipt.objects.filter(
            agency_id__in=mine, directive__status=Directive.Status.ISSUED
        ).select_related("directive", "agency")
        unopened = receipts.filter(opened_at__isnull=True).order_by("directive__issued_at")
        lists.append(
            todo.todo_list(
                label="بخشنامه‌های خوانده‌نشده",
                queryset=unopened,
                entry=_entry,
                url=url + "?mine=unacknowledged",
                empty="بخشنامهٔ خوانده‌نشده‌ای ندارید.",
                urgent=True,
            )
        )
        heads = list(
            Membership.objects.filter(
                user=user, role=Membership.Role.HEAD, agency_id__in=mine
            ).values_list("agency_id", flat=True)
        )
        if heads:
            lists.append(
                todo.todo_list(
                    label="بخشنامه‌های در انتظار تأیید دریافت",
                    queryset=receipts.filter(
                        agency_id__in=heads, acknowledged_at__isnull=True
                    ).order_by("directive__issued_at"),
                    entry=_entry,
                    url=url + "?mine=unacknowledged",
                    empty="بخشنامه‌ای در انتظار تأیید شما نیست.",
                )
            )
        lists.append(
            todo.todo_list(
                label="گزارش‌های اقدام موعددار",
                queryset=receipts.filter(
                    directive__action_required=True, reported_at__isnull=True
                ).order_by("directive__deadline", "directive__issued_at"),
                entry=lambda r: _entry(
                    r,
                    f"مهلت: {jalali.format_short(r.directive.deadline)}"
                    if r.directive.deadline
                    else "",
                ),
                url=url,
                empty="گزارشی از شما خواسته نشده است.",
            )
        )
    if permissions.sees_all_agencies(user):
        drafts = Directive.objects.filter(status=Directive.Status.DRAFT).order_by("-updated_at")
        lists.append(
            todo.todo_list(
                label="پیش‌نویس‌های بخشنامه",
                queryset=drafts,
                entry=lambda d: {
                    "label": d.subject,
                    "url": d.get_absolute_url(),
                    "meta": "پیش‌نویس",
                    "detail": "",
                },
                url=url + "?status=draft",
                empty="پیش‌نویسی نیست.",
            )
        )
    return lists if any(item["count"] for item in lists) else []


# --- the indicator ------------------------------------------------------------------------


def directives_on_time(
    agencies: list[Any], start: dt.date, end: dt.date
) -> dict[int, IndicatorValue]:
    """«بخشنامه‌های تأییدشده در مهلت»: of the receipts of directives issued in [start, end)
    (revoked ones left out), the share acknowledged within the directive's acknowledge_days
    working days of issue. An agency with no receipt in the period has no data."""
    ids = [a.pk for a in agencies]
    receipts = (
        Receipt.objects.filter(
            agency_id__in=ids,
            directive__status=Directive.Status.ISSUED,
            directive__issued_at__gte=jalali.start_of_day(start),
            directive__issued_at__lt=jalali.start_of_day(end),
        )
        .select_related("directive")
        .order_by("pk")
    )
    calendar = WorkingCalendar()
    due_of: dict[int, dt.datetime | None] = {}
    totals: dict[int, list[int]] = {}
    for receipt in receipts.iterator(chunk_size=1000):
        if receipt.directive_id not in due_of:
            due_of[receipt.directive_id] = acknowledge_due(receipt.directive, calendar)
        due = due_of[receipt.directive_id]
        on_time = (
            receipt.acknowledged_at is not None
            and due is not None
            and receipt.acknowledged_at <= due
        )
        counts = totals.setdefault(receipt.agency_id, [0, 0])
        counts[0] += int(on_time)
        counts[1] += 1
    slugs = {a.pk: a.slug for a in agencies}
    url = reverse("coordination:directives")
    return {
        agency_id: IndicatorValue(
            value=round(100 * on_time / total, 1),
            volume=total,
            detail=(
                f"{to_persian_digits(str(on_time))} از {to_persian_digits(str(total))}"
                " بخشنامه در مهلت تأیید شد"
            ),
            link=f"{url}?agency={slugs[agency_id]}",
        )
        for agency_id, (on_time, total) in totals.items()
    }

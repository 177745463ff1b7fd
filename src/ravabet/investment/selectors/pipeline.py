"""The pipeline of investors' inquiries: per opportunity (or programme), how many came in a
period, how the agency answered them (from the desk's clock: the median working days to the
first answer, the share answered in time) and what became of them (meeting, MoU, declined
with its reasons). The directorate sees every agency; anyone else only the agencies they
work for (core.permissions.visible_agencies)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ravabet.core import jalali, permissions
from ravabet.desk import selectors as desk
from ravabet.investment.models import Inquiry

__all__ = ["Pipeline", "PipelineRow", "inquiries_for", "pipeline"]

MAX_ROWS = 500


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class PipelineRow:
    """One opportunity's or programme's inquiries (or, with `about` None, the total)."""

    about: Any
    agency: Any
    received: int = 0
    answered: int = 0
    in_time: int = 0
    # Answered, or unanswered past the deadline: the base of the share in time (the desk's).
    due: int = 0
    days: list[int] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    declined_reasons: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.about.title if self.about is not None else "همه"

    @property
    def median_days(self) -> float | None:
        return _median(self.days)

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.due if self.due else None

    @property
    def meetings(self) -> int:
        return self.outcomes[Inquiry.Outcome.MEETING]

    @property
    def mous(self) -> int:
        return self.outcomes[Inquiry.Outcome.MOU]

    @property
    def declined(self) -> int:
        return self.outcomes[Inquiry.Outcome.DECLINED]

    @property
    def open(self) -> int:
        return self.outcomes[Inquiry.Outcome.OPEN]


@dataclass
class Pipeline:
    start: dt.date
    end: dt.date
    rows: list[PipelineRow]
    total: PipelineRow
    all_agencies: bool


def inquiries_for(user: Any, start: dt.date, end: dt.date) -> QuerySet[Inquiry]:
    """The inquiries received on the Tehran days [start, end] that this person may follow."""
    inquiries = Inquiry.objects.filter(
        created_at__gte=jalali.start_of_day(start),
        created_at__lt=jalali.start_of_day(end + dt.timedelta(days=1)),
    ).select_related("agency", "opportunity", "programme", "outcome_by")
    if not permissions.can_see_investment_pipeline(user):
        inquiries = inquiries.filter(agency__in=permissions.visible_agencies(user))
    return inquiries.order_by("-created_at", "-id")


def pipeline(
    user: Any, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> Pipeline:
    """The rows per opportunity or programme, most inquiries first, and their total."""
    now = now or timezone.now()
    inquiries = list(inquiries_for(user, start, end)[:5000])
    timings = desk.answer_timings([i.message_id for i in inquiries])
    rows: dict[tuple[str, int], PipelineRow] = {}
    total = PipelineRow(about=None, agency=None)
    for inquiry in inquiries:
        timing = timings.get(inquiry.message_id)
        if timing is None:  # merged into another message or set aside as spam
            continue
        about = inquiry.opportunity or inquiry.programme
        key = (
            ("o", inquiry.opportunity_id)
            if inquiry.opportunity_id
            else ("p", inquiry.programme_id or 0)
        )
        row = rows.setdefault(key, PipelineRow(about=about, agency=inquiry.agency))
        for target in (row, total):
            target.received += 1
            target.outcomes[inquiry.outcome] += 1
            if inquiry.outcome == Inquiry.Outcome.DECLINED and inquiry.outcome_reason:
                target.declined_reasons.append(inquiry.outcome_reason)
            if timing["first_answered_at"] is not None:
                target.answered += 1
                target.due += 1
                if timing["answered_in_time"]:
                    target.in_time += 1
                if timing["first_answer_days"] is not None:
                    target.days.append(timing["first_answer_days"])
            elif timing["due_at"] < now:
                target.due += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.received, r.title))[:MAX_ROWS]
    return Pipeline(
        start=start,
        end=end,
        rows=ordered,
        total=total,
        all_agencies=permissions.can_see_investment_pipeline(user),
    )

"""Every read of the citizen desk that is more than a get(); the only module another
capability (investment, for its inquiries) reads through."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from ravabet.core import jalali, permissions
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
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits

# --- the citizen's view -----------------------------------------------------------------------


def tracking_display(code: str) -> str:
    """A tracking code as pages show it («۴۸۲۷-۱۹۳۵-۰۶۱۲»), for capabilities whose records
    carry a desk message's code (an investor's inquiry)."""
    return tracking.display(code)


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


def _median(days: Mapping[int, int]) -> float | None:
    """The median of values given as value -> how many times (the middle two averaged)."""
    total = sum(days.values())
    if not total:
        return None
    middle = (total - 1) // 2, total // 2
    found: list[int] = []
    seen = 0
    for value in sorted(days):
        seen += days[value]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


@dataclass
class Figures:
    """How one agency (or the province) answered the messages received in a period.

    `due`: the messages whose answer is owed by now — the answered ones and those still
    unanswered past their deadline — the base of the share answered in time, so an agency
    cannot look punctual by leaving the hard messages unanswered."""

    agency: Agency | None
    received: int = 0
    answered: int = 0
    in_time: int = 0
    due: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    # Working days to the first answer -> how many messages took that long.
    days: Counter[int] = field(default_factory=Counter)
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
        return self.in_time / self.due if self.due else None

    @property
    def median_days(self) -> float | None:
        return _median(self.days)

    @property
    def satisfaction(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.answered if self.answered else None

    def merge(self, other: Figures) -> None:
        """Add another's counts to these (the province is the sum of its parts)."""
        self.received += other.received
        self.answered += other.answered
        self.in_time += other.in_time
        self.due += other.due
        self.reopened += other.reopened
        self.rated += other.rated
        self.rating_sum += other.rating_sum
        self.days.update(other.days)


@dataclass
class Statistics:
    start: dt.date
    end: dt.date
    province: Figures
    agencies: list[Figures]  # ranked first (best first), then those under the minimum
    min_volume: int

    @property
    def ranked(self) -> list[Figures]:
        return [f for f in self.agencies if f.ranked]

    @property
    def unranked(self) -> list[Figures]:
        return [f for f in self.agencies if not f.ranked]


def _period_messages(start: dt.date, end: dt.date) -> QuerySet[Message]:
    """Messages received on the Tehran days [start, end] that count (not spam, not merged)."""
    return Message.objects.filter(
        created_at__gte=jalali.start_of_day(start),
        created_at__lt=jalali.start_of_day(end + dt.timedelta(days=1)),
    ).exclude(status__in=COUNTED_EXCLUDE)


def _rank_key(figures: Figures) -> tuple[float, float, float, str]:
    in_time = figures.in_time_share
    satisfaction = figures.satisfaction
    median = figures.median_days
    return (
        -(in_time if in_time is not None else -1.0),
        -(satisfaction if satisfaction is not None else -1.0),
        median if median is not None else math.inf,
        figures.name,
    )


def statistics_between(
    start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> Statistics:
    """The figures of messages received on Tehran days [start, end], per agency and for the
    province, as they stand `now`. Merged duplicates and spam are not counted; messages still
    in triage count for the province only. Two grouped queries, whatever the volume.

    Ranking: agencies with at least RAVABET_DESK_MIN_VOLUME messages, by the share answered
    in time, then satisfaction, then the median working days to the first answer (fewer is
    better); the others are listed unranked, by volume."""
    now = now or timezone.now()
    messages = _period_messages(start, end)
    answered = Q(first_answered_at__isnull=False)
    totals = (
        messages.values("agency_id")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=answered),
            in_time=Count("pk", filter=answered & Q(answered_in_time=True)),
            late_open=Count("pk", filter=~answered & Q(due_at__lt=now)),
            reopened=Count("pk", filter=answered & Q(reopen_count__gt=0)),
            rated=Count("rating"),
            rating_sum=Sum("rating"),
        )
        .order_by()
    )
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=messages.values("agency_id"))}
    per_agency: dict[int | None, Figures] = {}
    for row in totals:
        agency_id = row["agency_id"]
        figures = Figures(
            agency=agencies.get(agency_id) if agency_id is not None else None,
            received=row["received"],
            answered=row["answered"],
            in_time=row["in_time"],
            due=row["answered"] + row["late_open"],
            reopened=row["reopened"],
            rated=row["rated"],
            rating_sum=row["rating_sum"] or 0,
        )
        per_agency[agency_id] = figures
    spread = (
        messages.filter(answered, first_answer_days__isnull=False)
        .values("agency_id", "first_answer_days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in spread:
        if row["agency_id"] in per_agency:
            per_agency[row["agency_id"]].days[row["first_answer_days"]] += row["n"]
    province = Figures(agency=None)
    for figures in per_agency.values():
        province.merge(figures)
    listed = [f for key, f in per_agency.items() if key is not None and f.agency is not None]
    minimum = settings.RAVABET_DESK_MIN_VOLUME
    ranked = sorted((f for f in listed if f.received >= minimum), key=_rank_key)
    for position, figures in enumerate(ranked, start=1):
        figures.ranked, figures.rank = True, position
    unranked = sorted(
        (f for f in listed if f.received < minimum), key=lambda f: (-f.received, f.name)
    )
    return Statistics(start, end, province, ranked + unranked, minimum)


@dataclass(frozen=True)
class MonthFigures:
    """One Jalali month of the province: messages received in it and first answers given in it
    (to messages of any month), both within the period asked."""

    year: int
    month: int
    received: int
    answered: int

    @property
    def label(self) -> str:
        return f"{pdates.MONTHS[self.month - 1]} {to_persian_digits(str(self.year))}"


# A period of the public figures is at most three years: 37 months touch it at most.
MAX_MONTHS = 40


def monthly_series(start: dt.date, end: dt.date) -> list[MonthFigures]:
    """Per Jalali month touching the Tehran days [start, end] (cut to them), how many counted
    messages the province received and how many got their first answer. One query."""
    bounds: list[tuple[int, int, dt.date, dt.date]] = []
    first = pdates.to_jalali(start)
    year, month = first.year, first.month
    while len(bounds) < MAX_MONTHS:
        begins = max(pdates.to_gregorian(year, month, 1), start)
        year_after, month_after = (year + 1, 1) if month == 12 else (year, month + 1)
        ends = min(pdates.to_gregorian(year_after, month_after, 1), end + dt.timedelta(days=1))
        if begins > end:
            break
        bounds.append((year, month, begins, ends))
        year, month = year_after, month_after
    if not bounds:
        return []
    counted = Message.objects.exclude(status__in=COUNTED_EXCLUDE)
    aggregates: dict[str, Any] = {}
    for index, (_, _, begins, ends) in enumerate(bounds):
        low, high = jalali.start_of_day(begins), jalali.start_of_day(ends)
        aggregates[f"r{index}"] = Count("pk", filter=Q(created_at__gte=low, created_at__lt=high))
        aggregates[f"a{index}"] = Count(
            "pk", filter=Q(first_answered_at__gte=low, first_answered_at__lt=high)
        )
    low = jalali.start_of_day(bounds[0][2])
    high = jalali.start_of_day(bounds[-1][3])
    totals = counted.filter(
        Q(created_at__gte=low, created_at__lt=high)
        | Q(first_answered_at__gte=low, first_answered_at__lt=high)
    ).aggregate(**aggregates)
    return [
        MonthFigures(year, month, totals[f"r{i}"] or 0, totals[f"a{i}"] or 0)
        for i, (year, month, _, _) in enumerate(bounds)
    ]


def dashboard_figures(user: Any) -> list[dict[str, Any]]:
    """The back-office overview's card: what waits for this person in the desk (nothing for
    someone who handles no messages)."""
    from django.urls import reverse

    if not permissions.is_staff_member(user):
        return []
    counts = inbox_counts(user)
    inbox = reverse("desk:bo_inbox")
    figures = [
        {"label": "پیام‌های باز", "count": counts["open"], "url": f"{inbox}?status=open"},
        {
            "label": "از مهلت گذشته",
            "count": counts["overdue"],
            "url": f"{inbox}?overdue=1",
            "urgent": counts["overdue"] > 0,
        },
        {"label": "سپرده به من", "count": counts["mine"], "url": f"{inbox}?assignee=me"},
    ]
    if permissions.can_route_messages(user):
        figures.append(
            {
                "label": "در انتظار ارجاع",
                "count": counts["triage"],
                "url": f"{inbox}?triage=1",
                "urgent": counts["triage"] > 0,
            }
        )
    return figures


# --- the needs report (surveys) -------------------------------------------------------------

# The most messages read for one report, the newest first (a year of a busy agency).
NEEDS_MAX_MESSAGES = 5000
NEEDS_MAX_WORDS = 12
NEEDS_SAMPLES = 3


def _subject_topics(
    subjects: list[tuple[int, str]],
) -> list[tuple[str, int, list[int]]]:
    """The topics of the subjects: (topic, how many messages, a few of their ids). A subject
    several citizens wrote alike is a topic of its own; then the words other subjects share,
    stop words and verbs dropped and variants («قطعی‌ها», «قطعی») counted as one through
    their lemma's search key. A word of one message alone is no topic."""
    from ravabet.persian import lemmatize, normalize, search_key, stopwords, tokenize

    alike: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    for pk, subject in subjects:
        key = search_key(subject[:300])
        alike.setdefault(key, []).append(pk)
        shown.setdefault(key, normalize(subject[:200]))
    found = [
        (shown[key], len(pks), pks[:NEEDS_SAMPLES]) for key, pks in alike.items() if len(pks) > 1
    ]
    # Words by the messages that hold them; words always found together are one topic.
    holders: dict[str, list[int]] = {}
    shapes: dict[str, Counter[str]] = {}
    for pk, subject in subjects:
        if len(alike[search_key(subject[:300])]) > 1:
            continue
        seen: set[str] = set()
        for token in tokenize(normalize(subject[:300])):
            if not token[0].isalpha() or token in stopwords:
                continue
            lemma = lemmatize(token).rstrip("\u0654")
            key = search_key(lemma)
            if lemma in stopwords or len(key) < 2 or key in seen:
                continue
            if lemma != token and lemma.endswith(("دن", "تن")):
                continue  # a verb: no topic
            seen.add(key)
            holders.setdefault(key, []).append(pk)
            shapes.setdefault(key, Counter())[lemma] += 1
    together: dict[tuple[int, ...], list[str]] = {}
    for key, pks in holders.items():
        if len(pks) >= 2:
            together.setdefault(tuple(pks), []).append(shapes[key].most_common(1)[0][0])
    words = sorted(together.items(), key=lambda item: -len(item[0]))[:NEEDS_MAX_WORDS]
    found += [(" ".join(shown), len(pks), list(pks[:NEEDS_SAMPLES])) for pks, shown in words]
    return found


def needs_evidence(user: Any, agency: Agency, start: dt.datetime, end: dt.datetime) -> list[Any]:
    """What people asked the desk of `agency` from `start` to `end` (end excluded), for the
    needs report: one topic a kind of message («شکایت») and one a word many subjects share,
    weighed by messages, linked to the inbox and to a few of the messages. Nothing for
    someone who does not handle the agency's messages; merged duplicates and spam left out."""
    from django.urls import reverse

    from ravabet.core.registry import NeedsEvidence
    from ravabet.desk.models import Kind

    if not permissions.can_handle_messages_for(user, agency):
        return []
    messages = Message.objects.filter(
        agency=agency, created_at__gte=start, created_at__lt=end
    ).exclude(status__in=COUNTED_EXCLUDE)
    inbox = reverse("desk:bo_inbox")
    labels = dict(Kind.choices)
    found: list[NeedsEvidence] = []
    for row in messages.values("kind").annotate(n=Count("pk")).order_by("-n", "kind"):
        label = str(labels.get(row["kind"], row["kind"]))
        found.append(
            NeedsEvidence(
                topic=label,
                weight=float(row["n"]),
                detail=f"{to_persian_digits(str(row['n']))} پیام از نوع «{label}»",
                links=(
                    (
                        f"پیام‌های «{label}» در صندوق پیام‌ها",
                        f"{inbox}?agency={agency.pk}&status=all&kind={row['kind']}",
                    ),
                ),
            )
        )
    subjects = list(
        messages.order_by("-created_at", "-pk").values_list("pk", "subject")[:NEEDS_MAX_MESSAGES]
    )
    titles = dict(subjects)
    for word, n, sample in _subject_topics(subjects):
        found.append(
            NeedsEvidence(
                topic=word,
                weight=float(n),
                detail=f"در موضوع {to_persian_digits(str(n))} پیام",
                links=tuple(
                    (titles[pk][:80], reverse("desk:bo_message", args=[pk])) for pk in sample
                ),
            )
        )
    found.sort(key=lambda e: (-e.weight, e.topic))
    return found


def answer_timings(message_ids: list[int]) -> dict[int, dict[str, Any]]:
    """How the given messages were answered, by id (for investment's pipeline of inquiries,
    which keeps only message ids): status, created_at, due_at, first_answered_at,
    first_answer_days (working days) and answered_in_time. Merged duplicates and spam are
    left out, as in the public figures."""
    rows = (
        Message.objects.filter(pk__in=message_ids)
        .exclude(status__in=COUNTED_EXCLUDE)
        .values(
            "pk",
            "status",
            "created_at",
            "due_at",
            "first_answered_at",
            "first_answer_days",
            "answered_in_time",
        )
    )
    return {row["pk"]: {k: v for k, v in row.items() if k != "pk"} for row in rows}

"""Alerts: negative mentions of an agency, or matches of a saved search, above their usual level.

**The usual level.** The window is the last 24 hours (rolling). The history is the
`HISTORY_DAYS` whole Tehran days before the day the window begins (the window is never part of
its own baseline); an article counts once a subject (two watches of an agency matching one
article are one mention), on its `published_at`. From the daily counts: the baseline is their
mean μ and the spread s = max(standard deviation, √μ) — news counts are Poisson-like, so a
history that happens to be very regular does not make a tiny rise look extreme.

**Opening.** An episode (one `Alert` row) opens when the window's count reaches the threshold
    max(MIN_COUNT, μ + 3·s, 2·μ)
— three spreads above the usual, at least double the usual, and never under `MIN_COUNT`
(3): with a quiet history (μ = 0) one or two negative articles never alert, three do. The
database holds at most one open episode per agency (and per saved search): two workers checking
at once cannot open two; the second one's insert fails and is ignored.

**Closing (hysteresis).** An open episode is updated (count, peak, last seen) while the count
stays high and closed (`ended_at`) when the count falls below max(μ + s, MIN_COUNT − 1): lower
than the opening threshold, so a count hovering at the threshold does not open and close
episode after episode. A later rise is a new episode.

**Notifying.** Once per episode, after the commit: e-mail (Persian, plain text with an HTML
twin, a link to the alert's page) to the agency's members and the directorate's (a saved
search: its owner only). `notified_at` is claimed by one UPDATE … WHERE notified_at IS NULL
before sending, so two workers or a re-run never e-mail twice. In the app: the alerts page and
the count of open unacknowledged alerts on the back-office card (`dashboard_figures`,
`open_alert_count`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, jalali, permissions
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, Membership
from ravabet.monitoring.models import Alert, Mention, Watch

logger = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=24)
HISTORY_DAYS = 28
MIN_COUNT = 3
SIGMAS = 3.0
RATIO = 2.0
# Bounds of one check: subjects evaluated (the busiest first), mail recipients of one alert.
MAX_SUBJECTS = 1_000
MAX_RECIPIENTS = 200
MAX_UNNOTIFIED = 100
CHUNK = 500

NOT_YOURS = "تنها کارکنان روابط عمومی همان دستگاه و روابط عمومی استانداری این هشدار را می‌بینند."


class AlertError(Exception):
    """A refused step on an alert, with a Persian message."""


# --- the usual level --------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A subject's window count against its history (daily counts, oldest first)."""

    count: int
    days: tuple[int, ...]
    baseline: float
    spread: float
    threshold: float
    close_below: float

    @property
    def high(self) -> bool:
        return self.count >= self.threshold

    @property
    def back_to_usual(self) -> bool:
        return self.count < self.close_below


def level(count: int, days: Iterable[int]) -> Level:
    history = tuple(days)
    mean = sum(history) / len(history) if history else 0.0
    variance = sum((x - mean) ** 2 for x in history) / len(history) if history else 0.0
    spread = max(math.sqrt(variance), math.sqrt(mean))
    threshold = max(float(MIN_COUNT), mean + SIGMAS * spread, RATIO * mean)
    close_below = max(mean + spread, float(MIN_COUNT - 1))
    return Level(count, history, mean, spread, threshold, close_below)


@dataclass(frozen=True)
class Periods:
    """The window and the history's days for a check at `now`."""

    now: dt.datetime
    window_start: dt.datetime
    first_day: dt.date  # the oldest history day
    history_start: dt.datetime
    history_end: dt.datetime  # the first moment of the day the window begins

    @classmethod
    def at(cls, now: dt.datetime) -> Periods:
        window_start = now - WINDOW
        window_day = jalali.to_local(window_start).date()
        first_day = window_day - dt.timedelta(days=HISTORY_DAYS)
        return cls(
            now,
            window_start,
            first_day,
            jalali.start_of_day(first_day),
            jalali.start_of_day(window_day),
        )


@dataclass(frozen=True)
class Subject:
    """What is watched: an agency's negative mentions, or a saved search's matches."""

    kind: str
    key: str  # the Mention field naming the subject: agency_id or watch_id

    def mentions(self) -> QuerySet[Mention]:
        if self.kind == Alert.Kind.NEGATIVE:
            return Mention.objects.filter(tone=Mention.Tone.NEGATIVE, agency__isnull=False)
        return Mention.objects.filter(
            watch__kind=Watch.Kind.SEARCH, watch__owner__isnull=False, watch__is_active=True
        )

    def alerts(self) -> QuerySet[Alert]:
        if self.kind == Alert.Kind.NEGATIVE:
            return Alert.objects.filter(kind=self.kind, watch__isnull=True)
        return Alert.objects.filter(kind=self.kind, watch__isnull=False)


NEGATIVE = Subject(Alert.Kind.NEGATIVE, "agency_id")
SEARCH = Subject(Alert.Kind.SEARCH, "watch_id")


def _window(subject: Subject, periods: Periods) -> QuerySet[Mention]:
    """The subject's mentions in the window."""
    return subject.mentions().filter(
        article__published_at__gt=periods.window_start, article__published_at__lte=periods.now
    )


def _per_subject(rows: QuerySet[Mention], key: str) -> QuerySet[Any]:
    """(subject id, distinct articles) of the rows."""
    return rows.values(key).annotate(n=Count("article_id", distinct=True)).values_list(key, "n")


def window_counts(subject: Subject, periods: Periods) -> dict[int, int]:
    """subject id → distinct articles in the window, the MAX_SUBJECTS busiest."""
    rows = _per_subject(_window(subject, periods), subject.key)
    return dict(rows.order_by("-n", subject.key)[:MAX_SUBJECTS])


def history(subject: Subject, ids: Iterable[int], periods: Periods) -> dict[int, list[int]]:
    """subject id → its daily counts over the history's days, oldest first."""
    wanted = list(ids)
    found: dict[int, list[int]] = {pk: [0] * HISTORY_DAYS for pk in wanted}
    day = TruncDate("article__published_at", tzinfo=jalali.local_tz())
    for i in range(0, len(wanted), CHUNK):
        rows = (
            subject.mentions()
            .filter(
                **{f"{subject.key}__in": wanted[i : i + CHUNK]},
                article__published_at__gte=periods.history_start,
                article__published_at__lt=periods.history_end,
            )
            .annotate(day=day)
            .values(subject.key, "day")
            .annotate(n=Count("article_id", distinct=True))
            .values_list(subject.key, "day", "n")
        )
        for pk, d, n in rows:
            index = (d - periods.first_day).days
            if 0 <= index < HISTORY_DAYS:
                found[pk][index] += n
    return found


def levels(subject: Subject, ids: Iterable[int], periods: Periods) -> dict[int, Level]:
    """The level of each subject (its window count and history) at `periods.now`."""
    wanted = list(ids)[:MAX_SUBJECTS]
    counts: dict[int, int] = {}
    for i in range(0, len(wanted), CHUNK):
        chunk = _window(subject, periods).filter(**{f"{subject.key}__in": wanted[i : i + CHUNK]})
        counts.update(_per_subject(chunk, subject.key))
    days = history(subject, wanted, periods)
    return {pk: level(counts.get(pk, 0), days[pk]) for pk in wanted}


# --- the check --------------------------------------------------------------------------------


@dataclass
class CheckResult:
    opened: list[int] = field(default_factory=list)
    updated: int = 0
    closed: int = 0
    subjects: int = 0


def _title(subject: Subject, pk: int) -> str:
    if subject.kind == Alert.Kind.NEGATIVE:
        agency = Agency.objects.filter(pk=pk).first()
        name = (agency.short_name or agency.name) if agency else "دستگاه"
        return f"افزایش بازتاب منفی «{name}» در رسانه‌ها"[:500]
    watch = Watch.objects.filter(pk=pk).first()
    return f"افزایش نتایج جست‌وجوی «{watch.name if watch else ''}»"[:500]


def _evaluate(subject: Subject, pk: int, lvl: Level, now: dt.datetime, result: CheckResult) -> None:
    with transaction.atomic():
        current = (
            subject.alerts()
            .select_for_update()
            .filter(**{subject.key: pk}, ended_at__isnull=True)
            .first()
        )
        if current is not None:
            current.count = lvl.count
            current.peak = max(current.peak, lvl.count)
            current.last_seen_at = now
            if lvl.back_to_usual:
                current.ended_at = now
                result.closed += 1
            else:
                result.updated += 1
            current.save(update_fields=["count", "peak", "last_seen_at", "ended_at"])
            return
        if not lvl.high:
            return
        try:
            with transaction.atomic():  # another worker may open it first: its insert wins
                alert = Alert.objects.create(
                    kind=subject.kind,
                    **{subject.key: pk},
                    title=_title(subject, pk),
                    started_at=now,
                    last_seen_at=now,
                    count=lvl.count,
                    peak=lvl.count,
                    baseline=round(lvl.baseline, 3),
                    threshold=round(lvl.threshold, 3),
                )
        except IntegrityError:
            return
    result.opened.append(alert.pk)


def check(now: dt.datetime | None = None) -> CheckResult:
    """Evaluate every agency with negative mentions in the window, every active saved search
    with matches, and every open episode; open, update and close episodes; notify new ones
    after the commit."""
    now = now or timezone.now()
    periods = Periods.at(now)
    result = CheckResult()
    for subject in (NEGATIVE, SEARCH):
        busy = window_counts(subject, periods)
        still_open = (
            subject.alerts()
            .filter(ended_at__isnull=True)
            .values_list(subject.key, flat=True)[:MAX_SUBJECTS]
        )
        ids = list(dict.fromkeys([*busy, *still_open]))[:MAX_SUBJECTS]
        for pk, lvl in levels(subject, ids, periods).items():
            _evaluate(subject, pk, lvl, now, result)
        result.subjects += len(ids)
    # New episodes, and any a killed worker opened without notifying.
    pending = list(
        Alert.objects.filter(ended_at__isnull=True, notified_at__isnull=True).values_list(
            "pk", flat=True
        )[:MAX_UNNOTIFIED]
    )
    for pk in pending:
        transaction.on_commit(functools.partial(notify, pk))
    return result


@task()
def check_alerts() -> int:
    """Every 15 minutes (the scheduler): the episodes opened."""
    result = check()
    logger.info(
        "alerts: %s subjects, %s opened, %s updated, %s closed",
        result.subjects,
        len(result.opened),
        result.updated,
        result.closed,
    )
    return len(result.opened)


# --- notifying --------------------------------------------------------------------------------


def recipients(alert: Alert) -> list[str]:
    """The agency's members and the directorate's; a saved search's owner only."""
    if alert.watch_id is not None:
        owner = alert.watch.owner if alert.watch else None
        return [owner.email] if owner is not None and owner.is_active and owner.email else []
    return list(
        Membership.objects.filter(
            Q(agency_id=alert.agency_id) | Q(agency__kind=Agency.Kind.DIRECTORATE),
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()[:MAX_RECIPIENTS]
    )


def alert_url(alert: Alert) -> str:
    return absolute_url(reverse("monitoring:alert", args=[alert.pk]))


def subject_name(alert: Alert) -> str:
    if alert.watch is not None:
        return alert.watch.name
    return alert.agency.name if alert.agency is not None else ""


def notify(alert_id: int) -> int:
    """E-mail the alert's people once: claim `notified_at`, then send; the number sent."""
    now = timezone.now()
    if not Alert.objects.filter(pk=alert_id, notified_at__isnull=True).update(notified_at=now):
        return 0  # another worker (or an earlier run) notified it
    alert = Alert.objects.select_related("agency", "watch__owner").get(pk=alert_id)
    context = {
        "alert": alert,
        "site_name": settings.RAVABET_SITE_NAME,
        "subject_name": alert.watch.name
        if alert.watch
        else (alert.agency.name if alert.agency else ""),
        "search": alert.watch_id is not None,
        "count": jalali.format_number(alert.count),
        "baseline": jalali.format_number(round(alert.baseline, 1)),
        "threshold": jalali.format_number(math.ceil(alert.threshold)),
        "started": jalali.format_datetime(alert.started_at),
        "url": alert_url(alert),
    }
    subject = " ".join(f"هشدار رسانه‌ای: {alert.title}".split())[:250]
    text = render_to_string("monitoring/email/alert.txt", context).strip() + "\n"
    html = render_to_string("monitoring/email/alert.html", {**context, "text": text})
    sent = 0
    for address in recipients(alert):
        try:
            email = EmailMultiAlternatives(subject, text, to=[address])
            email.attach_alternative(html, "text/html")
            email.send()
            sent += 1
        except Exception:  # one bad address must not stop the others
            logger.exception("alert %s to %s failed", alert_id, address)
    return sent


# --- reads and the one write of a person ------------------------------------------------------


def visible(user: Any) -> QuerySet[Alert]:
    """The alerts this person may see: their agencies' (every agency's for the directorate) and
    their own saved searches'."""
    if not permissions.can_monitor(user):
        return Alert.objects.none()
    return Alert.objects.filter(
        Q(watch__isnull=True, agency__in=permissions.visible_agencies(user)) | Q(watch__owner=user)
    ).select_related("agency", "watch")


def open_alert_count(user: Any) -> int:
    """Open episodes this person may see that nobody has acknowledged yet."""
    return visible(user).filter(ended_at__isnull=True, acknowledged_at__isnull=True).count()


@permissions.question(reason="may this person acknowledge the alert", actor="user")
def may_acknowledge(user: Any, alert: Alert) -> bool:
    if alert.watch_id is not None:
        return alert.watch is not None and alert.watch.owner_id == getattr(user, "pk", None)
    return alert.agency is not None and permissions.can_label_mentions_for(user, alert.agency)


@permissions.guarded(permissions.can_monitor, message=NOT_YOURS)
def acknowledge(*, actor: Any, alert: Alert, request: HttpRequest | None = None) -> Alert:
    """Mark the alert seen: the agency's officers and head and the directorate (a saved
    search: its owner). Audited."""
    with transaction.atomic():
        locked = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("agency", "watch")
            .get(pk=alert.pk)
        )
        permissions.require(
            may_acknowledge(actor, locked), "شما اجازهٔ ثبت دیدن این هشدار را ندارید."
        )
        if locked.acknowledged_at is not None:
            raise AlertError("این هشدار پیش‌تر دیده و ثبت شده است.")
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            actor=actor,
            action="alert.acknowledge",
            obj=locked,
            agency=locked.agency,
            request=request,
        )
    return locked


def dashboard_figures(user: Any) -> list[dict[str, Any]]:
    """The back-office card: open alerts not yet acknowledged (nothing for a non-staff person)."""
    if not permissions.can_monitor(user):
        return []
    count = open_alert_count(user)
    return [
        {
            "label": "هشدارهای رسانه‌ای باز",
            "count": count,
            "url": reverse("monitoring:alerts") + "?state=open",
            "urgent": count > 0,
        }
    ]


def alert_history(alert: Alert) -> tuple[Periods, Level]:
    """The subject's level at the alert's last check (at most a check's interval old while it
    is open), so the chart agrees with the alert's count."""
    periods = Periods.at(alert.last_seen_at)
    subject, pk = (SEARCH, alert.watch_id) if alert.watch_id else (NEGATIVE, alert.agency_id)
    # The model's check: an agency or a watch, so pk is never None (0 matches nothing).
    return periods, levels(subject, [pk or 0], periods)[pk or 0]


def alert_mentions(alert: Alert, limit: int = 50) -> QuerySet[Mention]:
    """The mentions of the alert's window (up to its end), newest first."""
    end = alert.ended_at or alert.last_seen_at
    subject = SEARCH if alert.watch_id else NEGATIVE
    rows = subject.mentions().filter(
        article__published_at__gt=min(alert.started_at, end) - WINDOW,
        article__published_at__lte=end,
    )
    rows = rows.filter(**{subject.key: alert.watch_id or alert.agency_id})
    return rows.select_related("article").order_by("-article__published_at", "-id")[:limit]


def by_pk(user: Any, pk: int) -> Alert | None:
    return visible(user).filter(pk=pk).first()

"""The homes' «امروز»: for the directorate, what is overdue across the capabilities, what
waits, the coming occasions and meetings, and the ranking's trend; for an agency head, the
same for their agencies and their scorecard's trend once released.

Other capabilities are read only through their selectors, and only when installed: the citizen
desk (`inbox_counts`: overdue messages), events (`resolution_list_for(overdue=True)`,
`event_list_for`), and on the page only (the home shows these as cards of their own already)
monitoring (`overview`: open alerts), the newsroom's and investment's `todo_lists`, and
coordination's own directives and plan to-dos; the kernel's calendar for the occasions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from ravabet.coordination.selectors import scores
from ravabet.core import jalali, permissions
from ravabet.core.calendar import selectors as calendar
from ravabet.core.organisation.models import Agency, Membership

__all__ = [
    "Today",
    "dashboard_agencies",
    "dashboard_card",
    "may_see_dashboard",
    "today_for",
]

UPCOMING_DAYS = 14
MAX_UPCOMING = 10


def _installed(app: str) -> bool:
    return apps.is_installed(f"ravabet.{app}")


def dashboard_agencies(user: Any) -> list[Agency]:
    """The agencies whose day an agency head follows here (where they are head)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Agency.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.HEAD
        ).order_by("name")[:20]
    )


def may_see_dashboard(user: Any) -> bool:
    """The directorate (every agency) and agency heads (their own)."""
    return permissions.sees_all_agencies(user) or bool(dashboard_agencies(user))


@dataclass
class Today:
    directorate: bool
    agencies: list[Agency]
    overdue: list[dict[str, Any]] = field(default_factory=list)
    waiting: list[dict[str, Any]] = field(default_factory=list)
    occasions: list[Any] = field(default_factory=list)
    meetings: list[Any] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)  # directorate: the mean
    cards: list[dict[str, Any]] = field(default_factory=list)  # a head: their scorecards
    not_read: list[str] = field(default_factory=list)  # capabilities with nothing public to read

    @property
    def overdue_total(self) -> int:
        return sum(item["count"] for item in self.overdue)


def _overdue(user: Any, *, page: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(overdue items, waiting to-dos) across the capabilities, each {label, count, url}."""
    overdue: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    if _installed("desk"):
        from ravabet.desk import selectors as desk

        count = desk.inbox_counts(user)["overdue"]
        overdue.append(
            {
                "label": "پیام‌های مردمی از مهلت گذشته",
                "count": count,
                "url": reverse("desk:bo_inbox") + "?overdue=1",
            }
        )
    if _installed("events"):
        from ravabet.events import selectors as events

        count = events.resolution_list_for(user, overdue=True).count()
        overdue.append(
            {
                "label": "مصوبه‌های جلسه‌ها که مهلتشان گذشته",
                "count": count,
                "url": reverse("events:bo_resolutions") + "?status=overdue",
            }
        )
    if page and _installed("monitoring"):
        from ravabet.monitoring import selectors as monitoring

        count = monitoring.overview(user, days=1).open_alerts
        overdue.append(
            {
                "label": "هشدارهای رسانه‌ای باز",
                "count": count,
                "url": reverse("monitoring:alerts") + "?state=open",
            }
        )
    if not page:
        # On the home these to-do lists are cards of their own, just beside this one.
        return overdue, waiting
    # Coordination's own to-dos (directives, the plan): the urgent ones are overdue.
    from ravabet.coordination.selectors import directives, plan

    # (read by name: the two parts are written beside this one)
    own = [
        getattr(directives, "directives_todo_lists", None),
        getattr(plan, "plan_todo_lists", None),
    ]
    for lists in (read(user) for read in own if read is not None):
        for item in lists:
            if item.get("count"):
                row = {"label": item["label"], "count": item["count"], "url": item["url"]}
                (overdue if item.get("urgent") else waiting).append(row)
    for app in ("newsroom", "investment"):
        if not _installed(app):
            continue
        module: Any
        if app == "newsroom":
            from ravabet.newsroom import selectors as module
        else:
            from ravabet.investment import selectors as module
        for item in module.todo_lists(user):
            if item.get("count"):
                row = {"label": item["label"], "count": item["count"], "url": item["url"]}
                (overdue if item.get("urgent") else waiting).append(row)
    return overdue, waiting


def _meetings(user: Any, today: dt.date) -> list[Any]:
    if not _installed("events"):
        return []
    from ravabet.events import selectors as events

    until = jalali.start_of_day(today + dt.timedelta(days=UPCOMING_DAYS + 1))
    return list(
        events.event_list_for(user, when="upcoming")
        .filter(starts_at__lt=until)
        .exclude(status="cancelled")[:MAX_UPCOMING]
    )


def today_for(user: Any, *, page: bool = True) -> Today:
    """The day of this person: the directorate's across the province, a head's for their
    agencies (the selectors cut every figure to what the person may see)."""
    directorate = permissions.sees_all_agencies(user)
    today = jalali.to_local(timezone.now()).date()
    result = Today(
        directorate=directorate, agencies=[] if directorate else dashboard_agencies(user)
    )
    result.overdue, result.waiting = _overdue(user, page=page)
    result.occasions = calendar.occasions_upcoming(days=UPCOMING_DAYS, today=today)[:MAX_UPCOMING]
    result.meetings = _meetings(user, today)
    if directorate:
        result.trend = scores.scores_trend(limit=12 if page else 2)
    else:
        for agency in result.agencies:
            trend = scores.scorecard_trend(agency, limit=12 if page else 1)
            result.cards.append(
                {"agency": agency, "trend": trend, "latest": trend[-1] if trend else None}
            )
    if not _installed("monitoring"):
        result.not_read.append("پایش رسانه‌ها")
    return result


def _entry(label: str, url: str, meta: str = "", detail: str = "") -> dict[str, Any]:
    return {"label": label, "url": url, "meta": meta, "detail": detail}


def dashboard_card(user: Any) -> list[dict[str, Any]]:
    """The home's «امروز» card (core.registry dashboard card): overdue items, the coming
    occasions and meetings, the ranking's latest figure; nothing for people other than the
    directorate and agency heads."""
    if not may_see_dashboard(user):
        return []
    day = today_for(user, page=False)
    url = reverse("coordination:dashboard")
    overdue = [
        _entry(f"{item['label']}: {jalali.format_number(item['count'])}", item["url"])
        for item in day.overdue
        if item["count"]
    ]
    upcoming = [
        _entry(o.title, reverse("core:calendar"), jalali.format_date(o.starts_on))
        for o in day.occasions[:5]
    ] + [
        _entry(e.title, e.get_backoffice_url(), jalali.format_datetime(e.starts_at))
        for e in day.meetings[:5]
    ]
    figures: list[dict[str, Any]] = [
        {
            "label": "کارهای معوق",
            "count": day.overdue_total,
            "entries": overdue,
            "empty": "کار معوقی نیست.",
            "urgent": day.overdue_total > 0,
            "url": url,
        },
        {
            "label": "مناسبت‌ها و جلسه‌های دو هفتهٔ پیش رو",
            "count": len(upcoming),
            "entries": upcoming,
            "empty": "در دو هفتهٔ پیش رو مناسبت یا جلسه‌ای نیست.",
            "url": url,
        },
    ]
    if day.directorate and day.trend:
        last = day.trend[-1]
        if last["mean"] is not None:
            figures.append(
                {
                    "label": f"میانگین امتیاز «{last['ranking'].title}»",
                    "count": round(last["mean"]),
                    "url": reverse("coordination:ranking") + f"?ranking={last['ranking'].pk}",
                }
            )
    for card in day.cards:
        latest = card["latest"]
        if latest and latest["ranked"] and latest["rank"]:
            figures.append(
                {
                    "label": f"رتبهٔ {card['agency'].display_name} از "
                    f"{jalali.format_number(latest['offices'])} در «{latest['ranking'].title}»",
                    "count": latest["rank"],
                    "url": reverse("coordination:scorecard", kwargs={"slug": card["agency"].slug}),
                }
            )
    return figures

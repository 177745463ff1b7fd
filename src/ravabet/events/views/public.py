"""Public pages of events: the list, an event, the occasions calendar, and the iCalendar feeds.

Anonymous visitors get them from the page cache (core/pagecache.py); the services bump
"events" (services.PUBLIC_TOPIC) when what the public sees changes, the organisation model
"agencies", the kernel's calendar "calendar" (an occasion or holiday edited; the two pages that
show occasions, read through `ravabet.core.calendar.selectors`). Internal events (not public) are
a 404 here, whoever asks: the back office shows them to the network.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ravabet.core import jalali, permissions
from ravabet.core.calendar import selectors as calendar_selectors
from ravabet.core.calendar import services as calendar_services
from ravabet.core.links import absolute_url
from ravabet.core.pagecache import cached_page
from ravabet.core.pagination import paginate
from ravabet.events import ical, selectors, services
from ravabet.events.models import Event
from ravabet.persian import dates as pdates

PUBLIC = (services.PUBLIC_TOPIC, "agencies")
# Pages that show occasions and holidays as well.
WITH_OCCASIONS = (*PUBLIC, calendar_services.PUBLIC_TOPIC)
PER_PAGE = 20
# The subscribed calendar: what is coming (at most FEED_UPCOMING) and what just happened.
FEED_UPCOMING = 200
FEED_PAST_DAYS = 30
FEED_PAST = 100
# Events shown beside a year's occasions.
YEAR_EVENTS = 500


def _when(request: HttpRequest) -> str:
    return "past" if request.GET.get("when") == "past" else "upcoming"


def _feed_url() -> tuple[str, str]:
    """The calendar's address, and the same as webcal:// for "subscribe" buttons."""
    from django.urls import reverse

    url = absolute_url(reverse("events:calendar_feed"))
    return url, "webcal://" + url.split("://", 1)[1]


def _public_event(pk: int) -> Event:
    """A public event; 404 for an internal or missing one, whoever asks."""
    try:
        return selectors.event_get_public(pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


@cached_page(topics=WITH_OCCASIONS, params=("when", "page"))
def event_list(request: HttpRequest) -> HttpResponse:
    when = _when(request)
    page = paginate(request, selectors.event_list_public(when=when), PER_PAGE)
    feed, webcal = _feed_url()
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "when": when,
            "occasions": calendar_selectors.occasions_upcoming(),
            "feed_url": feed,
            "webcal_url": webcal,
        },
    )


@cached_page(topics=PUBLIC)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    user = request.user
    registered: int = getattr(event, "registered", 0)  # annotated by the selector
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "when": ical.when_text(event),
            "ends_same_day": jalali.to_local(event.starts_at).date()
            == jalali.to_local(event.ends_at).date(),
            "location": ical.location_text(event),
            "absolute_url": absolute_url(event.get_absolute_url()),
            "agenda": list(event.agenda.all()),
            "documents": list(event.documents.all()),
            "seats_left": (
                max(event.capacity - registered, 0) if event.capacity is not None else None
            ),
            "can_manage": permissions.is_staff_member(user) and selectors.may_see(user, event),
        },
    )


def _calendar_response(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_page(topics=PUBLIC)
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    return _calendar_response(ical.event_calendar([event], name=event.title), ical.filename(event))


@cached_page(topics=PUBLIC)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Public events to subscribe to: the coming ones and those of the last month; cancelled
    ones stay with STATUS:CANCELLED so subscribed calendars drop them."""
    now = timezone.now()
    upcoming = list(selectors.event_list_public(when="upcoming", now=now)[:FEED_UPCOMING])
    recent = list(
        selectors.event_list_public(when="past", now=now).filter(
            ends_at__gt=now - dt.timedelta(days=FEED_PAST_DAYS)
        )[:FEED_PAST]
    )
    events = sorted(recent + upcoming, key=lambda e: (e.starts_at, e.pk))
    return _calendar_response(ical.event_calendar(events))


def _jalali_year_bounds(today: dt.date) -> tuple[int, dt.date, dt.date]:
    year = pdates.to_jalali(today).year
    first = pdates.to_gregorian(year, 1, 1)
    last = pdates.to_gregorian(year + 1, 1, 1) - dt.timedelta(days=1)
    return year, first, last


@cached_page(topics=WITH_OCCASIONS)
def occasion_list(request: HttpRequest) -> HttpResponse:
    """The occasions of this Jalali year, month by month, with the public events of each."""
    today = jalali.to_local(timezone.now()).date()
    year, first, last = _jalali_year_bounds(today)
    by_month: dict[int, dict[str, list[Any]]] = defaultdict(lambda: {"occasions": [], "events": []})
    for day in calendar_selectors.occasions_between(first, last):
        # One that began in last year's Esfand is shown under Farvardin.
        shown = max(day.starts_on, first)
        by_month[pdates.to_jalali(shown).month]["occasions"].append(day)
    begins = jalali.start_of_day(first)
    events = (
        selectors.event_list_public(when="upcoming", now=begins)
        .filter(
            starts_at__gte=begins, starts_at__lt=jalali.start_of_day(last + dt.timedelta(days=1))
        )
        .order_by("starts_at")[:YEAR_EVENTS]
    )
    for event in events:
        month = pdates.to_jalali(jalali.to_local(event.starts_at).date()).month
        by_month[month]["events"].append(event)
    current = pdates.to_jalali(today).month
    months = [
        {
            "number": number,
            "name": pdates.MONTHS[number - 1],
            "is_current": number == current,
            **by_month.get(number, {"occasions": [], "events": []}),
        }
        for number in range(1, 13)
    ]
    return render(
        request,
        "events/occasions.html",
        {"year": year, "months": months, "today": today},
    )

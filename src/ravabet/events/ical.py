"""Events as iCalendar (RFC 5545) with the icalendar library: the public feeds (/events.ics,
/events/<pk>.ics) and the invitations the e-mails carry (iTIP, RFC 5546: METHOD:REQUEST and
METHOD:CANCEL).

Times are written in Tehran wall-clock time with TZID=Asia/Tehran and the calendar carries the
matching VTIMEZONE, so a client that does not know the zone (or knows an old rule: Iran kept
daylight saving time until 1401) still places the event at the right instant. A feed (no
METHOD) stamps each event with its last change, so the same rows give the same bytes (ETag);
an iTIP message is stamped with the moment it is made.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.links import absolute_url
from ravabet.events.models import Event, Registration

TZID = "Asia/Tehran"
PRODID = "-//Ravabet//Events//FA"
CALENDAR_NAME = "رویدادهای شبکهٔ روابط عمومی استان"
CONTENT_TYPE = "text/calendar; charset=utf-8"

REQUEST = "REQUEST"
CANCEL = "CANCEL"
METHODS = (REQUEST, CANCEL)


def when_text(event: Event) -> str:
    """«سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ساعت ۱۰:۰۰ تا ۱۲:۰۰»; the end's date too when it is on
    another day."""
    start, end = jalali.to_local(event.starts_at), jalali.to_local(event.ends_at)
    if start.date() == end.date():
        return f"{jalali.format_datetime(event.starts_at)} تا {jalali.format_time(event.ends_at)}"
    return f"{jalali.format_datetime(event.starts_at)} تا {jalali.format_datetime(event.ends_at)}"


def location_text(event: Event) -> str:
    """The venue, and its address after a Persian comma."""
    return "، ".join(part for part in (event.venue, event.address) if part)


def organizer_address(event: Event) -> tuple[str, str]:
    """(name, e-mail) of the organizer: the agency's own address, or the site's sender."""
    agency = event.organizer
    email = agency.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "ravabet@localhost"
    return agency.name, email


def _address(email: str, name: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key] = value
    return address


def _description(event: Event, url: str) -> str:
    lines = []
    if event.is_cancelled:
        lines.append(
            "این رویداد لغو شد." + (f" دلیل: {event.cancel_reason}" if event.cancel_reason else "")
        )
    lines.append(f"{event.get_kind_display()} — برگزارکننده: {event.organizer.name}")
    lines.append(when_text(event))
    if event.description:
        lines.append(event.description)
    if event.online_url:
        lines.append(f"پیوند برخط: {event.online_url}")
    lines.append(url)
    return "\n\n".join(lines)


@functools.lru_cache(maxsize=32)
def _vtimezone(first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of Tehran for these years (making it walks the zone's rules: kept)."""
    zone = icalendar.Timezone.from_tzinfo(
        ZoneInfo(TZID),
        tzid=TZID,
        first_date=dt.date(first_year, 1, 1),
        last_date=dt.date(last_year, 12, 31),
    )
    return bytes(zone.to_ical())


def vtimezone(events: list[Event]) -> icalendar.Timezone:
    """Tehran's VTIMEZONE covering every event given (a year either side), or this year."""
    moments = [jalali.to_local(e.starts_at) for e in events] + [
        jalali.to_local(e.ends_at) for e in events
    ]
    if not moments:
        moments = [jalali.to_local(timezone.now())]
    first = max(min(m.year for m in moments) - 1, 1970)
    last = max(max(m.year for m in moments) + 1, first + 1)
    component = icalendar.Timezone.from_ical(_vtimezone(first, last))
    assert isinstance(component, icalendar.Timezone)  # noqa: S101 (it was one)
    return component


def vevent(
    event: Event,
    *,
    method: str | None = None,
    attendee: Registration | None = None,
    stamp: dt.datetime | None = None,
) -> icalendar.Event:
    """One event as a VEVENT. For METHOD:CANCEL of a scheduled event (an attendee's registration
    was cancelled) the SEQUENCE is one above the event's, so the attendee's copy is replaced."""
    tz = ZoneInfo(TZID)
    url = absolute_url(event.get_absolute_url())
    cancelled = event.is_cancelled or method == CANCEL
    sequence = event.sequence + (1 if method == CANCEL and not event.is_cancelled else 0)
    component = icalendar.Event()
    component.add("uid", event.ical_uid)
    component.add("dtstamp", (stamp or event.updated_at or timezone.now()).astimezone(dt.UTC))
    component.add("sequence", sequence)
    component.add("dtstart", event.starts_at.astimezone(tz))
    component.add("dtend", event.ends_at.astimezone(tz))
    component.add("summary", event.title)
    component.add("description", _description(event, url))
    component.add("location", location_text(event))
    component.add("url", url)
    name, email = organizer_address(event)
    component.add("organizer", _address(email, name))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    component.add("categories", [event.get_kind_display()])
    if event.updated_at:
        component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    if event.created_at:
        component.add("created", event.created_at.astimezone(dt.UTC))
    if attendee is not None and attendee.email:
        # Registered by their agency: accepted already, nothing to answer.
        params = {"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"}
        if method != CANCEL:
            params["PARTSTAT"] = "ACCEPTED"
        component.add("attendee", _address(attendee.email, attendee.name, **params))
    return component


def event_calendar(
    events: Iterable[Event],
    method: str | None = None,
    *,
    attendee: Registration | None = None,
    name: str = CALENDAR_NAME,
) -> bytes:
    """A VCALENDAR of the events, as bytes (UTF-8, CRLF, lines folded at 75 octets).

    `method`: None for a published calendar (a feed, a download), "REQUEST" for an invitation or
    an update, "CANCEL" for a cancellation; `attendee` is the registrant the message is for.
    """
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    events = list(events)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(vtimezone(events))
    stamp = timezone.now() if method else None
    for event in events:
        calendar.add_component(vevent(event, method=method, attendee=attendee, stamp=stamp))
    return bytes(calendar.to_ical())


def filename(event: Event) -> str:
    return f"event-{event.pk}.ics"

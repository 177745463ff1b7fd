"""The events' e-mails; each about an attendee's calendar carries the event as an iCalendar
invitation (events/ical.py): a confirmation and every later change are METHOD:REQUEST with the
event's current SEQUENCE, a cancellation METHOD:CANCEL.

The calendar goes twice, as mail clients expect it: as the `text/calendar; method=…` part of
the multipart/alternative (Gmail and Outlook show their "add to calendar" bar from it) and as
an `invite.ics` attachment for the others. Bodies are Persian plain text with an HTML twin
(right to left).

Every function sends and returns whether (or how many) it sent. The services record the state
before calling here (registration, reminded_at, overdue_notified_on), so a failing mail server
loses a message, never the record. A message for one person (a confirmation, its cancellation)
lets the backend's error through, so the task shows it failed; functions that send to many log
each failure and go on with the others. Every loop is bounded (MAX_RECIPIENTS).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.links import absolute_url
from ravabet.events import ical
from ravabet.events.models import Event, Registration, Resolution

logger = logging.getLogger(__name__)

# The most messages one call sends: registrants of an event, agencies reminded.
MAX_RECIPIENTS = 5_000
ICS_NAME = "invite.ics"


def _subject(prefix: str, title: str) -> str:
    # A header carries one line: a title is never multi-line after normalizing, but be sure.
    return " ".join(f"{prefix}: {title}".split())[:250]


def _context(event: Event, **extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "when": ical.when_text(event),
        "location": ical.location_text(event),
        "url": absolute_url(event.get_absolute_url()) if event.is_public else "",
        "backoffice_url": absolute_url(event.get_backoffice_url()),
        "deadline": jalali.format_datetime(event.deadline),
        "site_name": settings.RAVABET_SITE_NAME,
        **extra,
    }


def _message(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    calendar: tuple[str, bytes] | None = None,
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """A Persian message from events/email/<template>.txt, with its HTML twin; `calendar` is
    (METHOD, the .ics bytes) to carry."""
    text = render_to_string(f"events/email/{template}.txt", context).strip() + "\n"
    html = render_to_string("events/email/_body.html", {**context, "text": text})
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        method, ics = calendar
        content = ics.decode("utf-8")
        message.attach_alternative(content, f"text/calendar; method={method}")
        message.attach(ICS_NAME, ics, f"application/ics; method={method}")
    return message


def _invitation(
    registration: Registration, method: str, template: str, subject: str, **extra: Any
) -> EmailMultiAlternatives:
    event = registration.event
    calendar = ical.event_calendar([event], method, attendee=registration, name=event.title)
    return _message(
        to=registration.email,
        subject=_subject(subject, event.title),
        template=template,
        context=_context(event, registration=registration, **extra),
        calendar=(method, calendar),
        reply_to=event.organizer.email,
    )


def _send_each(messages: Iterable[EmailMultiAlternatives]) -> int:
    """Send one by one on one connection; log a failure and go on. Returns how many went."""
    sent = 0
    connection = get_connection()
    try:
        connection.open()
        for message in messages:
            message.connection = connection
            try:
                sent += message.send()
            except Exception:
                logger.exception("events: e-mail to %s not sent", ", ".join(message.to))
    finally:
        connection.close()
    return sent


def _registrants(event: Event) -> Iterator[Registration]:
    registrations = (
        event.registrations.filter(status=Registration.Status.REGISTERED)
        .exclude(email="")
        .select_related("agency")
        .order_by("pk")
    )
    for registration in registrations[:MAX_RECIPIENTS].iterator(chunk_size=500):
        registration.event = event  # one event object for all: no query per registrant
        yield registration


# --- one attendee ------------------------------------------------------------------------


def send_confirmation(registration: Registration) -> bool:
    """«تأیید ثبت‌نام»: the attendee's invitation (METHOD:REQUEST, PARTSTAT=ACCEPTED)."""
    event = registration.event
    if not registration.email or not registration.is_active or event.is_cancelled:
        return False
    message = _invitation(registration, ical.REQUEST, "confirmation", "تأیید ثبت‌نام")
    return bool(message.send())


def send_registration_cancelled(registration: Registration) -> bool:
    """The attendee's calendar drops the event (METHOD:CANCEL for them alone)."""
    if not registration.email or registration.is_active:
        return False
    message = _invitation(registration, ical.CANCEL, "registration_cancelled", "لغو ثبت‌نام")
    return bool(message.send())


# --- every registrant --------------------------------------------------------------------


def send_event_changed(event: Event) -> int:
    """The changed event (METHOD:REQUEST, the current SEQUENCE) to each active registrant, or
    its cancellation (METHOD:CANCEL, with the reason) when it was cancelled."""
    if event.is_cancelled:
        method, template, subject = ical.CANCEL, "event_cancelled", "لغو رویداد"
    else:
        method, template, subject = ical.REQUEST, "event_changed", "تغییر در رویداد"
    return _send_each(
        _invitation(registration, method, template, subject) for registration in _registrants(event)
    )


def _agencies_to_nudge(event: Event) -> Iterator[Any]:
    """Invited agencies with an address that have registered nobody (the organizer aside: it
    runs the event)."""
    registered = Registration.objects.filter(
        event=event, agency=OuterRef("pk"), status=Registration.Status.REGISTERED
    )
    agencies = (
        event.invited_agencies()
        .exclude(email="")
        .exclude(pk=event.organizer_id)
        .filter(~Exists(registered))
        .order_by("pk")
    )
    yield from agencies[:MAX_RECIPIENTS].iterator(chunk_size=500)


def send_reminders(event: Event) -> int:
    """A reminder to each registrant with an address; and, while registration is open, to each
    invited agency that has registered nobody («هنوز کسی را ثبت‌نام نکرده‌اید»)."""
    if event.is_cancelled:
        return 0

    def messages() -> Iterator[EmailMultiAlternatives]:
        for registration in _registrants(event):
            yield _message(
                to=registration.email,
                subject=_subject("یادآوری", event.title),
                template="reminder",
                context=_context(event, registration=registration),
                reply_to=event.organizer.email,
            )
        if not event.registration_open:
            return
        for agency in _agencies_to_nudge(event):
            yield _message(
                to=agency.email,
                subject=_subject("هنوز کسی را ثبت‌نام نکرده‌اید", event.title),
                template="agency_reminder",
                context=_context(event, agency=agency),
                reply_to=event.organizer.email,
            )

    return _send_each(messages())


# --- resolutions -------------------------------------------------------------------------


def send_overdue(resolution: Resolution) -> bool:
    """The overdue resolution to its owner, or (no owner, or one without an address) to the
    responsible agency. Called in the scheduler's loop: a failure is logged, not raised."""
    owner = resolution.owner
    to = (getattr(owner, "email", "") or "") if owner is not None else ""
    to = to or resolution.responsible.email
    if not to:
        logger.info("events: overdue resolution %s has nobody to write to", resolution.pk)
        return False
    on = resolution.overdue_notified_on or jalali.to_local(timezone.now()).date()
    days_late = max((on - resolution.deadline).days, 0)
    event = resolution.event
    context = {
        "resolution": resolution,
        "event": event,
        "owner": owner if owner is not None and to == getattr(owner, "email", "") else None,
        "agency": resolution.responsible,
        "deadline": jalali.format_date(resolution.deadline),
        "days_late": jalali.format_number(days_late),
        "event_date": jalali.format_date(event.starts_at),
        "url": absolute_url(reverse("events:bo_resolution", kwargs={"pk": resolution.pk})),
        "site_name": settings.RAVABET_SITE_NAME,
    }
    message = _message(
        to=to,
        subject=_subject(f"مصوبهٔ معوق ({jalali.format_number(days_late)} روز)", event.title),
        template="overdue",
        context=context,
    )
    return _send_each([message]) == 1

"""The events' e-mails; each carries the event as an iCalendar invitation (events/ical.py).

STUB: to be written (helper). Each function sends and returns whether (or how many) it sent.
"""

from __future__ import annotations

from ravabet.events.models import Event, Registration, Resolution


def send_confirmation(registration: Registration) -> bool:
    raise NotImplementedError


def send_registration_cancelled(registration: Registration) -> bool:
    raise NotImplementedError


def send_event_changed(event: Event) -> int:
    raise NotImplementedError


def send_reminders(event: Event) -> int:
    raise NotImplementedError


def send_overdue(resolution: Resolution) -> bool:
    raise NotImplementedError

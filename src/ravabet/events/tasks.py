"""Background work of events: e-mails with calendar invitations, reminders, overdue resolutions.
Tasks take ids; the mail is composed in events/mail.py."""

from __future__ import annotations

from django_tasks import task

from ravabet.events import mail, services
from ravabet.events.models import Event, Registration


@task()
def send_registration_confirmation(registration_id: int) -> bool:
    """The attendee's confirmation, carrying the invitation (METHOD:REQUEST)."""
    registration = (
        Registration.objects.select_related("event", "agency").filter(pk=registration_id).first()
    )
    return bool(registration and mail.send_confirmation(registration))


@task()
def send_registration_cancellation(registration_id: int) -> bool:
    """The attendee's calendar drops the event (METHOD:CANCEL)."""
    registration = (
        Registration.objects.select_related("event", "agency").filter(pk=registration_id).first()
    )
    return bool(registration and mail.send_registration_cancelled(registration))


@task()
def send_event_update(event_id: int) -> int:
    """Every active registrant gets the changed event, or its cancellation."""
    event = Event.objects.select_related("organizer").filter(pk=event_id).first()
    return mail.send_event_changed(event) if event else 0


@task()
def send_event_reminders() -> int:
    return len(services.event_send_reminders())


@task()
def notify_overdue_resolutions() -> int:
    return len(services.resolutions_notify_overdue())

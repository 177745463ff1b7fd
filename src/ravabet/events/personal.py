"""Events' part of personal data: the attendees agencies registered (name, role, phone,
e-mail), found for an export and anonymized once the event is over for longer than the
retention period. The registration stays (who came from which agency is counted), with no
person in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from ravabet.core import personal_data
from ravabet.core.personal_data import ANONYMIZED, Contact, when
from ravabet.events.models import Registration


def find(contact: Contact) -> list[dict[str, Any]]:
    if contact.mobile:
        found = Registration.objects.filter(phone=contact.mobile)
    else:
        found = Registration.objects.filter(email__iexact=contact.email)
    return [
        {
            "نوع سابقه": "ثبت‌نام در رویداد",
            "رویداد": registration.event.title,
            "آغاز رویداد": when(registration.event.starts_at),
            "دستگاه": registration.agency.name,
            "نام": registration.name,
            "سمت": registration.role,
            "تلفن همراه": registration.phone,
            "رایانامه": registration.email,
            "وضعیت": registration.get_status_display(),
            "زمان ثبت‌نام": when(registration.created_at),
            "حضور": when(registration.attended_at),
        }
        for registration in found.select_related("event", "agency").order_by("pk")
    ]


def anonymize(before: dt.datetime) -> int:
    """Registrations of events that ended before `before`. The phone becomes «-<id>», not
    blank: one live registration per phone and event is a constraint, and «-» is no number
    anyone can search for."""
    return (
        Registration.objects.filter(event__ends_at__lt=before)
        .exclude(name=ANONYMIZED)
        .update(
            name=ANONYMIZED,
            role="",
            email="",
            phone=Concat(Value("-"), Cast("pk", output_field=CharField())),
        )
    )


def register() -> None:
    personal_data.register_provider("events", "ثبت‌نام در رویدادها", find=find, anonymize=anonymize)

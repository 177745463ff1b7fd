"""Distribution's part of personal data: the journalists on an agency's press list (name,
outlet, e-mail). A press list is kept up by the agency (a journalist who leaves is removed
there), not closed like a case, so retention anonymizes nothing here; the export lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ravabet.core import personal_data
from ravabet.core.personal_data import Contact, when
from ravabet.distribution.models import Journalist


def find(contact: Contact) -> list[dict[str, Any]]:
    if not contact.email:
        return []
    found = Journalist.objects.filter(email__iexact=contact.email).select_related("agency")
    return [
        {
            "نوع سابقه": "فهرست خبرنگاران",
            "دستگاه": journalist.agency.name,
            "نام": journalist.name,
            "رسانه": journalist.outlet,
            "رایانامه": journalist.email,
            "حوزه‌ها": journalist.beats,
            "فعال": journalist.is_active,
            "زمان ثبت": when(journalist.created_at),
        }
        for journalist in found.order_by("pk")
    ]


def anonymize(before: dt.datetime) -> int:
    return 0


def register() -> None:
    personal_data.register_provider(
        "distribution", "فهرست خبرنگاران", find=find, anonymize=anonymize
    )

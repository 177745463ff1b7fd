"""Surveys' part of personal data. A public survey that verifies mobiles keeps only a keyed
hash of the number (one response a mobile), never the number; so a person's responses are
found by hashing their number for each such survey, and anonymizing drops the hash once the
survey has closed for longer than the retention period (the answers and results stay)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from ravabet.core import personal_data
from ravabet.core.personal_data import Contact, when
from ravabet.surveys.models import MobileCheck, Response, Survey
from ravabet.surveys.services.answers import mobile_key


def find(contact: Contact) -> list[dict[str, Any]]:
    if not contact.mobile:
        return []
    records = []
    for survey in Survey.objects.filter(verify_mobile=True).order_by("pk"):
        key = mobile_key(survey, contact.mobile)
        for response in Response.objects.filter(survey=survey, mobile_key=key).order_by("pk"):
            records.append(
                {
                    "نوع سابقه": "پاسخ به نظرسنجی",
                    "نظرسنجی": survey.title,
                    "وضعیت پاسخ": response.get_status_display(),
                    "زمان ارسال": when(response.submitted_at),
                    "شمار پاسخ‌ها": response.answers.count(),
                    "آنچه نگه داشته می‌شود": "چکیدهٔ رمزنگاشتهٔ شماره، نه خود شماره",
                }
            )
    return records


def anonymize(before: dt.datetime) -> int:
    closed = Q(survey__closes_at__lt=before) | Q(
        survey__state=Survey.State.CLOSED, submitted_at__lt=before
    )
    count = Response.objects.filter(closed).exclude(mobile_key="").update(mobile_key="")
    # The one-time codes' records outlive their minutes only by accident.
    MobileCheck.objects.filter(created_at__lt=before).delete()
    return count


def register() -> None:
    personal_data.register_provider("surveys", "پاسخ به نظرسنجی‌ها", find=find, anonymize=anonymize)

"""The newsroom's part of personal data: e-mail subscriptions to an agency's or a tag's
releases. A confirmed subscription is a standing request (it lasts until the person leaves
it, from the link in every e-mail), so retention does not end it; one never confirmed is
deleted once older than the retention period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ravabet.core import personal_data
from ravabet.core.personal_data import Contact, when
from ravabet.newsroom.models import Subscription


def find(contact: Contact) -> list[dict[str, Any]]:
    if not contact.email:
        return []
    found = Subscription.objects.filter(email__iexact=contact.email).select_related("agency", "tag")
    return [
        {
            "نوع سابقه": "اشتراک خبرنامه",
            "رایانامه": subscription.email,
            "موضوع": subscription.topic,
            "دفعات": subscription.get_frequency_display(),
            "زمان ثبت": when(subscription.created_at),
            "زمان تأیید": when(subscription.confirmed_at),
        }
        for subscription in found.order_by("pk")
    ]


def anonymize(before: dt.datetime) -> int:
    deleted, _ = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=before
    ).delete()
    return deleted


def register() -> None:
    personal_data.register_provider("newsroom", "اشتراک خبرنامه", find=find, anonymize=anonymize)

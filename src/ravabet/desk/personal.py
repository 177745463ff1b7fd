"""The citizen desk's part of personal data: the messages a person sent (name, mobile, e-mail,
their files, what officers noted of them), found for an export and anonymized once closed for
longer than the retention period. The message, its timeline, its clock and its rating stay:
the public figures (answer times, satisfaction) do not change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ravabet.core import personal_data
from ravabet.core.personal_data import ANONYMIZED, Contact, replace_in, spellings, when
from ravabet.desk.models import Attachment, Message, MessageEvent, Status

# Finished cases: closed (answered and accepted, or left), merged into another, or spam.
FINISHED = (Status.CLOSED, Status.MERGED, Status.SPAM)
TEXT_FIELDS = (
    "subject",
    "body",
    "answer",
    "reopen_reason",
    "rating_comment",
    "transfer_reason",
    "about_title",
)


def find(contact: Contact) -> list[dict[str, Any]]:
    if contact.mobile:
        messages = Message.objects.filter(mobile=contact.mobile)
    else:
        messages = Message.objects.filter(email__iexact=contact.email)
    records = []
    for message in messages.select_related("agency").prefetch_related("attachments", "events"):
        records.append(
            {
                "نوع سابقه": "پیام مردمی",
                "کد رهگیری": message.code_display,
                "نوع پیام": message.get_kind_display(),
                "دستگاه": message.agency.name if message.agency else "",
                "وضعیت": message.get_status_display(),
                "زمان دریافت": when(message.created_at),
                "نام": message.citizen_name,
                "تلفن همراه": message.mobile,
                "رایانامه": message.email,
                "ناشناس برای دستگاه": message.is_anonymous,
                "موضوع": message.subject,
                "متن": message.body,
                "نشانی": message.address,
                "پاسخ": message.answer,
                "زمان پاسخ": when(message.answered_at),
                "رضایت": message.rating,
                "نظر شهروند": message.rating_comment,
                "زمان بستن": when(message.closed_at),
                "پیوست‌ها": [a.original_name or a.file.name for a in message.attachments.all()],
                "رویدادها": [
                    {
                        "رویداد": event.get_kind_display(),
                        "زمان": when(event.created_at),
                        "متن": event.text,
                    }
                    for event in message.events.all()
                ],
            }
        )
    return records


def anonymize(before: dt.datetime) -> int:
    """Messages finished before `before` that still hold personal data: name, mobile, e-mail,
    address and files removed, the person's details replaced in every text (the citizen's own
    and the officers' notes). Open and answered-but-not-closed cases are never touched."""
    pending = (
        Message.objects.filter(status__in=FINISHED, closed_at__lt=before)
        .exclude(citizen_name=ANONYMIZED, mobile="", email="", address="")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(pending.iterator(chunk_size=500)):
        if _anonymize_one(pk):
            count += 1
    return count


def _anonymize_one(pk: int) -> bool:
    files = []
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=pk).first()
        if message is None or message.status not in FINISHED:
            return False
        needles = spellings(
            mobile=message.mobile,
            email=message.email,
            name="" if message.citizen_name == ANONYMIZED else message.citizen_name,
        )
        changes: dict[str, Any] = {
            "citizen_name": ANONYMIZED,
            "mobile": "",
            "email": "",
            "address": "",
        }
        for name in TEXT_FIELDS:
            changes[name] = replace_in(getattr(message, name), needles)
        # update(), not save(): the record's updated_at (and so its figures) stay as they were.
        Message.objects.filter(pk=pk).update(**changes)
        for event in MessageEvent.objects.filter(message_id=pk).exclude(text=""):
            text = replace_in(event.text, needles)
            if text != event.text:
                MessageEvent.objects.filter(pk=event.pk).update(text=text)
        attachments = list(Attachment.objects.filter(message_id=pk))
        files = [a.file for a in attachments if a.file]
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    return True


def register() -> None:
    personal_data.register_provider(
        "desk", "پیام‌های مردمی (پیشخوان)", find=find, anonymize=anonymize
    )

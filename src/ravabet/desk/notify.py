"""What the desk tells people: the citizen (by SMS and e-mail: the code, then the answer) and
the directorate (overdue messages). Called from tasks, never in a request or a transaction.

A message to one citizen lets the backend's error through, so the task shows it failed; the
escalation notice to many logs each failure and goes on.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from ravabet.core import sms
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, Membership
from ravabet.desk.models import Message

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 200


def track_url(message: Message) -> str:
    return absolute_url(reverse("desk:track", args=[message.tracking_code]))


def _to_citizen(message: Message, *, subject: str, text: str) -> bool:
    sent = False
    if message.mobile:
        sms.send(message.mobile, text)
        sent = True
    if message.email:
        send_mail(subject, text, None, [message.email])
        sent = True
    return sent


def send_confirmation(message: Message) -> bool:
    agency = message.agency.name if message.agency else "روابط عمومی استانداری"
    text = (
        f"{settings.RAVABET_SITE_NAME}\n"
        f"پیام شما («{message.subject[:60]}») برای {agency} ثبت شد.\n"
        f"کد رهگیری: {message.code_display}\n"
        f"پیگیری: {track_url(message)}"
    )
    return _to_citizen(message, subject=f"کد رهگیری پیام شما: {message.code_display}", text=text)


def send_answer_notice(message: Message) -> bool:
    """The answer is ready; a merged duplicate's citizen is told too (its page shows it)."""
    source = message.merged_into or message
    agency = source.agency.name if source.agency else "روابط عمومی استانداری"
    text = (
        f"{settings.RAVABET_SITE_NAME}\n"
        f"{agency} به پیام شما ({message.code_display}) پاسخ داد.\n"
        f"پاسخ را اینجا بخوانید و ارزیابی کنید: {track_url(message)}"
    )
    return _to_citizen(message, subject=f"پاسخ پیام {message.code_display}", text=text)


def _agency_name(message: Message) -> str:
    return message.agency.name if message.agency else "در انتظار ارجاع"


def send_escalation_notice(message_ids: list[int]) -> int:
    """One e-mail to the directorate's staff listing the messages that just went overdue."""
    messages = list(
        Message.objects.filter(pk__in=message_ids).select_related("agency").order_by("due_at")
    )
    if not messages:
        return 0
    emails = list(
        Membership.objects.filter(agency__kind=Agency.Kind.DIRECTORATE)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()[:MAX_RECIPIENTS]
    )
    if not emails:
        return 0
    lines = [f"- {m.code_display} · {_agency_name(m)} · {m.subject[:80]}" for m in messages[:100]]
    text = (
        f"{len(messages)} پیام مردمی از مهلت پاسخ گذشت:\n"
        + "\n".join(lines)
        + f"\n\nصندوق پیام‌ها: {absolute_url(reverse('desk:bo_inbox'))}?overdue=1"
    )
    sent = 0
    for address in emails:
        try:
            send_mail("پیام‌های مردمی بی‌پاسخ مانده از مهلت", text, None, [address])
            sent += 1
        except Exception:  # one bad address must not stop the others
            logger.exception("escalation notice to %s failed", address)
    return sent

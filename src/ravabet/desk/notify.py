"""What the desk tells people: the citizen (by SMS and e-mail: the code, then the answer) and
the directorate (overdue messages). Called from tasks, never in a request or a transaction.

A text message is short (core/sms.py: the code and the link); an e-mail is Persian plain text
with an HTML twin (right to left), from desk/email/<name>.txt. A citizen who gave both a
number and an address gets both; one channel failing does not stop the other, and the call
fails (so the task shows it, and the confirmation is sent again by the periodic check) only
when nothing reached the citizen. The escalation notice to many logs each failure and goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from ravabet.core import jalali, sms
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, Membership
from ravabet.desk.models import Message

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 200
# Messages listed by name in one escalation notice; the rest are counted.
MAX_LISTED = 100
DIRECTORATE = "روابط عمومی استانداری"


def track_url(message: Message) -> str:
    return absolute_url(reverse("desk:track", args=[message.tracking_code]))


def _subject(text: str) -> str:
    # A header is one line: a subject never is more after normalizing, but be sure.
    return " ".join(text.split())[:250]


def _email(to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    context = {"site_name": settings.RAVABET_SITE_NAME, **context}
    text = render_to_string(f"desk/email/{template}.txt", context).strip() + "\n"
    html = render_to_string("desk/email/_body.html", {"text": text, "subject": subject})
    email = EmailMultiAlternatives(_subject(subject), text, to=[to])
    email.attach_alternative(html, "text/html")
    email.send()


def _to_citizen(
    message: Message, *, sms_text: str, subject: str, template: str, context: dict[str, Any]
) -> bool:
    """Both channels the citizen gave; False if they gave none. Raises the last failure when
    every channel failed."""
    sends: list[tuple[str, Any]] = []
    if message.mobile:
        sends.append(("SMS", lambda: sms.send(message.mobile, sms_text)))
    if message.email:
        sends.append(("e-mail", lambda: _email(message.email, subject, template, context)))
    failures: list[Exception] = []
    for channel, send in sends:
        try:
            send()
        except Exception as exc:  # the other channel may still reach the citizen
            logger.exception("%s to the citizen of message %s failed", channel, message.pk)
            failures.append(exc)
    if failures and len(failures) == len(sends):
        raise failures[-1]
    return bool(sends)


def _deadline(message: Message) -> str:
    # The clock runs out at the end of a Tehran day (midnight after it): name that day.
    return jalali.format_date(message.due_at - dt.timedelta(seconds=1))


def _agency_name(message: Message) -> str:
    return message.agency.name if message.agency else DIRECTORATE


def send_confirmation(message: Message) -> bool:
    """The tracking code and the link; the e-mail says by when the answer is due."""
    url = track_url(message)
    sms_text = (
        f"{settings.RAVABET_SITE_NAME}\n"
        f"پیام شما («{message.subject[:40]}») ثبت شد.\n"
        f"کد رهگیری: {message.code_display}\n"
        f"پیگیری: {url}"
    )
    return _to_citizen(
        message,
        sms_text=sms_text,
        subject=f"کد رهگیری پیام شما: {message.code_display}",
        template="confirmation",
        context={
            "message": message,
            "url": url,
            "deadline": _deadline(message),
            "days": jalali.format_number(message.sla_days),
        },
    )


def send_answer_notice(message: Message) -> bool:
    """The answer is ready; a merged duplicate's citizen is told too (its page shows it).
    The e-mail carries the answer itself; the text message, the link."""
    source = message.merged_into or message
    agency = _agency_name(source)
    url = track_url(message)
    return _to_citizen(
        message,
        sms_text=(
            f"{settings.RAVABET_SITE_NAME}\n"
            f"{agency} به پیام شما ({message.code_display}) پاسخ داد.\n"
            f"پاسخ را اینجا بخوانید و ارزیابی کنید: {url}"
        ),
        subject=f"پاسخ پیام {message.code_display}",
        template="answer",
        context={
            "message": message,
            "agency": agency,
            "answer": source.answer,
            "merged": source.pk != message.pk,
            "url": url,
        },
    )


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
    context = {
        "count": len(messages),
        "rows": [
            {
                "code": m.code_display,
                "agency": m.agency.name if m.agency else "در انتظار ارجاع",
                "subject": m.subject,
            }
            for m in messages[:MAX_LISTED]
        ],
        "more": max(len(messages) - MAX_LISTED, 0),
        "url": absolute_url(reverse("desk:bo_inbox")) + "?overdue=1",
    }
    sent = 0
    for address in emails:
        try:
            _email(address, "پیام‌های مردمی بی‌پاسخ مانده از مهلت", "escalation", context)
            sent += 1
        except Exception:  # one bad address must not stop the others
            logger.exception("escalation notice to %s failed", address)
    return sent

"""The kernel's background tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from ravabet.core.models import Notification


@task()
def send_notification_emails(ids: list[int]) -> int:
    """E-mail each notification asked for and not sent yet (a retry sends none twice): its
    text and an absolute link. The number sent."""
    base = getattr(settings, "RAVABET_BASE_URL", "").rstrip("/")
    sent = 0
    pending = Notification.objects.filter(
        pk__in=ids[:500], email=True, emailed_at__isnull=True
    ).select_related("user")
    for note in pending:
        if not note.user.email:
            continue
        body = note.text + (f"\n\n{base}{note.link}" if note.link else "")
        message = EmailMultiAlternatives(f"روابط: {note.text[:80]}", body, to=[note.user.email])
        message.send()
        Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent

"""Telling people what waits for them: a row per person in `Notification` (the back office's
bell and list) and, when `email=True`, one e-mail each, sent after the commit by a task.

    notifications.notify(
        [writer], kind="release.returned", text="خبر «…» بازگردانده شد: …", link="/backoffice/…",
        email=True,
    )

Call it inside the service's transaction: the rows commit with the change or not at all, and
the e-mails leave only after the commit. Texts are cut to the field's length; a link that is
not a path on this site is dropped (no open redirect through a notification).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ravabet.core.models import Notification

MAX_TEXT = 300
MAX_LINK = 500
# At most this many people told at once (a whole agency, the directorate): a bound, not a
# business rule.
MAX_RECIPIENTS = 500


def _safe_link(link: str) -> str:
    link = (link or "").strip()
    if not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > MAX_LINK:
        return ""
    return link


def notify(
    users: Iterable[Any], *, kind: str, text: str, link: str = "", email: bool = False
) -> list[int]:
    """One notification for each distinct active user (the ids created, in order)."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or not getattr(user, "is_active", True) or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind[:64],
                text=text[:MAX_TEXT],
                link=_safe_link(link),
                email=email and bool(getattr(user, "email", "")),
            )
        )
        if len(rows) >= MAX_RECIPIENTS:
            break
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if len(ids) != len(created):  # a backend that does not return ids (none of ours)
        ids = list(
            Notification.objects.filter(user__in=[r.user for r in rows], kind=kind)
            .order_by("-id")
            .values_list("pk", flat=True)[: len(rows)]
        )
    mailed = [n.pk for n in created if n.email and n.pk is not None]
    if mailed:
        from ravabet.core import tasks

        transaction.on_commit(lambda: tasks.send_notification_emails.enqueue(mailed))
    return ids


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

"""Every release out to the messenger channels: one Delivery per channel and event, posted
exactly once.

Exactly once: when a release is published, corrected or withdrawn, a Delivery row is written
for each active channel of its agency (its unique key: channel × release × event × revision)
and a task enqueued for each. The task, in its own short transactions: marks the row SENDING
with `sending_since` (committed BEFORE the platform is called), calls the platform, then marks
it SENT with the message id and link. A run that finds the row SENT does nothing; a run that
finds it SENDING (the worker died between the call and its record: the post may or may not be
in the channel) does NOT post again: it marks the delivery UNKNOWN («وضعیت نامعلوم») for the
officer to check the channel and press «ارسال دوباره» if the post is not there.

Withdrawal overtakes what is still queued: a post of the release not yet begun when it is
withdrawn is CANCELLED (never sent), and a channel that never received anything of the release
gets no withdrawal notice either: its readers never saw what is taken back. A withdrawal
notice waits while an earlier post to the same channel is being sent, so it never comes first.

Failures: 429 (after the platform's `retry_after`), 5xx, timeouts and unreachable platforms are
tried again with back-off (MAX_ATTEMPTS in all); 400/401/403 (a wrong token or chat id) are
not: the delivery fails at once and the channel shows the Persian reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ravabet.distribution import crypto, senders
from ravabet.distribution.models import Channel, Delivery

logger = logging.getLogger(__name__)

D = Delivery.Status
MAX_ATTEMPTS = 5
FIRST_WAIT = 30.0  # seconds; doubled each attempt
MOST_WAIT = 30 * 60.0
# A SENDING row older than this was left by a worker that died (the call times out long before).
STALE_SENDING = dt.timedelta(minutes=5)
UNKNOWN = (
    "وضعیت نامعلوم: ارسال آغاز شد ولی نتیجه‌اش ثبت نشد (کار پس‌زمینه قطع شد). "
    "کانال را ببینید؛ اگر پیام آنجا نیست «ارسال دوباره» را بزنید."
)


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.RAVABET_BASE_URL.rstrip("/") + path


def _release(pk: int) -> Any:
    from ravabet.newsroom import selectors

    return selectors.release_get_public(pk=pk)


def _latest_correction(release: Any) -> Any:
    corrections = sorted(release.corrections.all(), key=lambda c: (c.created_at, c.pk))
    return corrections[-1] if corrections else None


def build_message(release: Any, event: str, *, kind: str, revision: int = 0) -> senders.Message:
    """The post of this event of the release, formatted for the channel's platform."""
    link = _absolute(release.get_absolute_url())
    images = sorted(release.images.all(), key=lambda i: (i.position, i.pk))
    image = _absolute(images[0].url) if images and event == "published" else ""
    # Sent as a photo with a caption where the platform fetches it by URL; elsewhere the text
    # (with the link, whose preview card carries the image).
    photo = image if kind in senders.PHOTOS_BY_URL else ""
    if event == "corrected":
        note = next((c.note for c in release.corrections.all() if c.pk == revision), "")
        if not note:
            latest = _latest_correction(release)
            note = latest.note if latest else ""
        parts = [f"اصلاحیه: {note or release.headline}", release.headline if note else ""]
    elif event == "withdrawn":
        reason = release.withdrawal_reason or "—"
        parts = [f"این خبر پس گرفته شد: دلیل {reason}", release.headline]
    else:
        parts = [release.headline, release.lead]
    limit = senders.CAPTION_LIMIT if photo else senders.TEXT_LIMIT
    text = senders.compose(parts, link, limit)
    data = {
        "event": event,
        "release": {
            "id": release.pk,
            "headline": release.headline,
            "lead": release.lead,
            "url": link,
            "image": image,
            "agency": release.agency.slug,
        },
    }
    return senders.Message(text=text, photo_url=photo, link=link, data=data)


def revision_for(pk: int, event: str) -> int:
    """A correction is posted once per correction (its id); the other events once."""
    if event != "corrected":
        return 0
    latest = _latest_correction(_release(pk))
    return latest.pk if latest else 0


def enqueue(delivery_id: int, *, run_after: dt.datetime | None = None) -> None:
    from ravabet.distribution import tasks

    task = tasks.deliver
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id)


CANCELLED = "لغو شد: خبر پیش از ارسال پس گرفته شد."
# What may already be in the channel: a withdrawal notice is owed to its readers.
REACHED = (D.SENT, D.SENDING, D.UNKNOWN)


def _cancel_queued(pk: int) -> set[int]:
    """On withdrawal: the release's posts not yet begun are cancelled. The channels that may
    have shown the release (a post sent, being sent or of unknown outcome)."""
    mine = Delivery.objects.filter(content_kind="release", content_id=pk).exclude(
        event=Delivery.Event.WITHDRAWN
    )
    mine.filter(status=D.PENDING).update(status=D.CANCELLED, error=CANCELLED, next_attempt_at=None)
    return set(mine.filter(status__in=REACHED).values_list("channel_id", flat=True))


def on_content_changed(*, pk: int, event: str, agency_id: int | None) -> None:
    """Heard after the commit: a Delivery per active channel of the agency, each its own task.
    Never raises (the publication is committed already)."""
    if agency_id is None or event not in Delivery.Event.values:
        return  # e.g. «unscheduled»: nothing was posted before publication
    try:
        revision = revision_for(pk, event)
        channels = Channel.objects.filter(agency_id=agency_id, is_active=True)
        if event == Delivery.Event.WITHDRAWN:
            channels = channels.filter(pk__in=_cancel_queued(pk))
        for channel in channels:
            delivery, created = Delivery.objects.get_or_create(
                channel=channel,
                content_kind="release",
                content_id=pk,
                event=event,
                revision=revision,
            )
            if created:
                enqueue(delivery.pk)
    except Exception:
        logger.exception("deliveries of release %s (%s) not queued", pk, event)


def _wait(attempts: int, retry_after: float | None) -> float:
    wait = min(FIRST_WAIT * 2 ** max(attempts - 1, 0), MOST_WAIT)
    return max(wait, retry_after or 0.0)


def withdrawn(pk: int) -> bool:
    from ravabet.newsroom import selectors

    return selectors.release_is_withdrawn(pk=pk)


def _post_in_flight(notice: Delivery) -> bool:
    return (
        Delivery.objects.filter(
            channel_id=notice.channel_id,
            content_kind=notice.content_kind,
            content_id=notice.content_id,
            status=D.SENDING,
        )
        .exclude(pk=notice.pk)
        .filter(sending_since__gte=timezone.now() - STALE_SENDING)
        .exists()
    )


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """Mark the delivery SENDING (committed before the call); None when there is nothing to do."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("channel").filter(pk=delivery_id)
        ).first()
        if delivery is None or delivery.status in (D.SENT, D.FAILED, D.UNKNOWN, D.CANCELLED):
            return None
        if delivery.status == D.SENDING:
            # The worker died between the call and its record: do not post blindly again.
            delivery.status = D.UNKNOWN
            delivery.error = UNKNOWN
            delivery.save(update_fields=["status", "error"])
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None  # an earlier run asked to wait; its own task comes then
        if delivery.event != Delivery.Event.WITHDRAWN and withdrawn(delivery.content_id):
            delivery.status = D.CANCELLED
            delivery.error = CANCELLED
            delivery.save(update_fields=["status", "error"])
            return None
        if delivery.event == Delivery.Event.WITHDRAWN and _post_in_flight(delivery):
            # The post it follows is still being sent: the notice must not arrive first.
            wait = now + dt.timedelta(seconds=FIRST_WAIT)
            delivery.next_attempt_at = wait
            delivery.save(update_fields=["next_attempt_at"])
            transaction.on_commit(lambda: enqueue(delivery_id, run_after=wait))
            return None
        delivery.status = D.SENDING
        delivery.sending_since = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "sending_since", "attempts"])
        return delivery


def deliver(delivery_id: int) -> str:
    """Post one delivery; the delivery's status afterwards («sent», «pending» for a retry,
    «failed»), or «skipped» when another run did or does it."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    channel = delivery.channel
    try:
        token = crypto.decrypt(channel.token_encrypted) if channel.token_encrypted else ""
        release = _release(delivery.content_id)
        message = build_message(
            release, delivery.event, kind=channel.kind, revision=delivery.revision
        )
        posted = senders.send(
            kind=channel.kind,
            base_url=channel.base_url,
            token=token,
            chat_id=channel.chat_id,
            message=message,
        )
    except senders.SendError as exc:
        return _failed(delivery, exc.message, retryable=exc.retryable, after=exc.retry_after)
    except crypto.TokenUnreadable as exc:
        return _failed(delivery, str(exc), retryable=False)
    except Exception as exc:  # the release gone, a bug: recorded, not retried blindly
        logger.exception("delivery %s failed", delivery_id)
        return _failed(delivery, f"خطای پیش‌بینی‌نشده: {exc}", retryable=False)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=D.SENT,
            remote_id=posted.remote_id[:200],
            remote_url=posted.remote_url[:500],
            sent_at=timezone.now(),
            error="",
            next_attempt_at=None,
        )
        Channel.objects.filter(pk=channel.pk).update(health=Channel.Health.OK, last_ok_at=now)
    return D.SENT


def _failed(delivery: Delivery, error: str, *, retryable: bool, after: float | None = None) -> str:
    now = timezone.now()
    again = retryable and delivery.attempts < MAX_ATTEMPTS
    next_at = now + dt.timedelta(seconds=_wait(delivery.attempts, after)) if again else None
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=D.PENDING if again else D.FAILED,
            error=error[:2000],
            next_attempt_at=next_at,
        )
        if not again or not retryable:
            Channel.objects.filter(pk=delivery.channel_id).update(
                health=Channel.Health.FAILING, last_error=error[:2000], last_error_at=now
            )
    if again and next_at is not None:
        enqueue(delivery.pk, run_after=next_at)  # its own task, run when the wait is over
    return D.PENDING if again else D.FAILED


def sweep() -> int:
    """The periodic safety net: deliveries whose retry is due (their own task lost), and
    SENDING rows a dead worker left (marked unknown). The number handled."""
    now = timezone.now()
    handled = 0
    stale = Delivery.objects.filter(status=D.SENDING, sending_since__lt=now - STALE_SENDING)
    handled += stale.update(status=D.UNKNOWN, error=UNKNOWN)
    due = Delivery.objects.filter(status=D.PENDING).exclude(next_attempt_at__gt=now)
    due = due.filter(created_at__lt=now - dt.timedelta(minutes=1))
    for pk in due.values_list("pk", flat=True)[:200]:
        deliver(pk)
        handled += 1
    return handled


def register() -> None:
    """Registrations from AppConfig.ready(): periodic tasks, panels, cards, audit labels."""
    from ravabet.core import registry
    from ravabet.core.audit import register_labels
    from ravabet.distribution.selectors import channels as channel_selectors

    registry.register_periodic_task("ravabet.distribution.tasks.sweep_deliveries", every=60)
    registry.register_panel(
        "newsroom.release",
        "distribution",
        "ارسال به کانال‌های پیام‌رسان",
        "distribution/_delivery_panel.html",
        channel_selectors.delivery_panel,
        order=50,
    )
    registry.register_dashboard_card(
        "distribution", "ارسال به کانال‌ها", channel_selectors.failed_todo, order=60
    )
    register_labels(
        actions={
            "channel.create": "افزودن کانال",
            "channel.edit": "ویرایش کانال",
            "channel.deactivate": "غیرفعال‌کردن کانال",
            "channel.remove": "حذف کانال",
            "channel.test": "ارسال آزمایشی",
            "delivery.retry": "ارسال دوباره به کانال",
        },
        states={},
    )

"""Writes of channels and deliveries: permission-checked (the agency's head and the
directorate manage channels; the agency's people may retry a delivery), audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, netguard, permissions
from ravabet.core.organisation.models import Agency
from ravabet.distribution import crypto, delivery, senders
from ravabet.distribution.models import Channel, Delivery
from ravabet.persian import normalize

__all__ = [
    "ChannelInput",
    "channel_create",
    "channel_deactivate",
    "channel_remove",
    "channel_test",
    "channel_update",
    "delivery_retry",
]

MANAGE_REFUSED = "کانال‌های دستگاه را مدیر روابط عمومی دستگاه یا اداره‌کل تعریف می‌کنند."
MAX_TOKEN = 500


def _require_manage(actor: Any, agency: Agency) -> None:
    """The agency's head and the directorate; `actor=None` is the operator on the server (the
    `ravabet channel` command), audited as no person."""
    if actor is not None:
        permissions.require(permissions.can_manage_agency(actor, agency), MANAGE_REFUSED)


@dataclass
class ChannelInput:
    kind: str
    name: str
    base_url: str = ""
    token: str = ""  # empty on edit: keep the stored one
    chat_id: str = ""
    is_active: bool = True


def _clean(data: ChannelInput, *, new: bool) -> ChannelInput:
    errors: dict[str, str] = {}
    name = normalize(data.name or "").strip()
    if data.kind not in Channel.Kind.values:
        errors["kind"] = "نوع کانال را از فهرست برگزینید."
    if not name:
        errors["name"] = "نامی برای کانال بنویسید."
    elif len(name) > 200:
        errors["name"] = "نام کانال حداکثر ۲۰۰ نویسه است."
    base_url = (data.base_url or "").strip() or senders.DEFAULT_BASES.get(data.kind, "")
    if not base_url.startswith(("http://", "https://")) or len(base_url) > 500:
        errors["base_url"] = "نشانی باید با http:// یا https:// آغاز شود (حداکثر ۵۰۰ نویسه)."
    else:
        refused = _refused_base_url(base_url)
        if refused:
            errors["base_url"] = refused
    token = (data.token or "").strip()
    if new and not token:
        errors["token"] = (
            "راز امضای وب‌هوک را وارد کنید." if data.kind == "webhook" else "توکن ربات را وارد کنید."
        )
    elif len(token) > MAX_TOKEN or any(c.isspace() for c in token):
        errors["token"] = "توکن نباید فاصله داشته باشد (حداکثر ۵۰۰ نویسه)."  # noqa: S105
    chat_id = (data.chat_id or "").strip()
    if data.kind != "webhook" and not chat_id:
        errors["chat_id"] = "شناسهٔ کانال را بنویسید (مثلاً ‎@ravabet_news یا شناسهٔ عددی)."
    elif len(chat_id) > 200:
        errors["chat_id"] = "شناسهٔ کانال حداکثر ۲۰۰ نویسه است."
    if errors:
        raise ValidationError(errors)
    return ChannelInput(data.kind, name, base_url, token, chat_id, data.is_active)


def _refused_base_url(url: str) -> str | None:
    """Why the server may not post to this URL (None: it may): the kernel's guard against
    requests into the internal network (core/netguard.py), lifted by
    RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS. A host that does not resolve now is accepted:
    every connection of a send is checked again."""
    try:
        senders.guard().check_url(url)
    except netguard.Blocked as exc:
        return f"{exc}؛ نشانی پیام‌رسان باید نشانی عمومی اینترنت باشد."
    return None


def _set_token(channel: Channel, token: str) -> None:
    channel.token_encrypted = crypto.encrypt(token)
    channel.token_hint = crypto.hint(token)


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["agency"],
    message=MANAGE_REFUSED,
    unattended=True,
)
def channel_create(
    *, actor: Any, agency: Agency, data: ChannelInput, request: HttpRequest | None = None
) -> Channel:
    _require_manage(actor, agency)
    data = _clean(data, new=True)
    with transaction.atomic():
        channel = Channel(
            agency=agency,
            kind=data.kind,
            name=data.name,
            base_url=data.base_url,
            chat_id=data.chat_id,
            is_active=data.is_active,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _set_token(channel, data.token)
        channel.save()
        audit.record(
            actor=actor,
            action="channel.create",
            obj=channel,
            agency=agency,
            data={"kind": channel.kind, "name": channel.name},
            request=request,
        )
    return channel


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["channel"].agency,
    message=MANAGE_REFUSED,
    unattended=True,
)
def channel_update(
    *, actor: Any, channel: Channel, data: ChannelInput, request: HttpRequest | None = None
) -> Channel:
    """A new token replaces the stored one; an empty token keeps it."""
    _require_manage(actor, channel.agency)
    data = _clean(data, new=False)
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        channel.kind, channel.name = data.kind, data.name
        channel.base_url, channel.chat_id = data.base_url, data.chat_id
        channel.is_active = data.is_active
        if data.token:
            _set_token(channel, data.token)
            channel.health = Channel.Health.NEW
        channel.save()
        audit.record(
            actor=actor,
            action="channel.edit",
            obj=channel,
            agency=channel.agency,
            data={"name": channel.name, "new_token": bool(data.token)},
            request=request,
        )
    return channel


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["channel"].agency,
    message=MANAGE_REFUSED,
    unattended=True,
)
def channel_deactivate(*, actor: Any, channel: Channel, request: HttpRequest | None = None) -> None:
    _require_manage(actor, channel.agency)
    with transaction.atomic():
        Channel.objects.filter(pk=channel.pk).update(is_active=False)
        audit.record(
            actor=actor,
            action="channel.deactivate",
            obj=channel,
            agency=channel.agency,
            request=request,
        )


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["channel"].agency,
    message=MANAGE_REFUSED,
    unattended=True,
)
def channel_remove(*, actor: Any, channel: Channel) -> None:
    """Delete the channel and its deliveries (the CLI's `remove`)."""
    _require_manage(actor, channel.agency)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="channel.remove",
            agency=channel.agency,
            data={"channel": channel.pk, "name": channel.name},
        )
        channel.delete()


@permissions.guarded(
    permissions.can_manage_agency,
    agency=lambda kw: kw["channel"].agency,
    message=MANAGE_REFUSED,
    unattended=True,
)
def channel_test(*, actor: Any, channel: Channel, request: HttpRequest | None = None) -> str:
    """Send «ارسال آزمایشی» now; the Persian outcome (raises ValidationError on failure)."""
    _require_manage(actor, channel.agency)
    now = timezone.now()
    try:
        token = crypto.decrypt(channel.token_encrypted) if channel.token_encrypted else ""
        senders.send(
            kind=channel.kind,
            base_url=channel.base_url,
            token=token,
            chat_id=channel.chat_id,
            message=senders.Message(
                text=senders.compose(
                    [f"ارسال آزمایشی از روابط — {channel.agency.name}"], "", senders.TEXT_LIMIT
                ),
                data={"event": "test"},
            ),
        )
    except (senders.SendError, crypto.TokenUnreadable) as exc:
        message = exc.message if isinstance(exc, senders.SendError) else str(exc)
        Channel.objects.filter(pk=channel.pk).update(
            health=Channel.Health.FAILING, last_error=message, last_error_at=now
        )
        raise ValidationError({"__all__": message}) from exc
    with transaction.atomic():
        Channel.objects.filter(pk=channel.pk).update(health=Channel.Health.OK, last_ok_at=now)
        audit.record(
            actor=actor, action="channel.test", obj=channel, agency=channel.agency, request=request
        )
    return "پیام آزمایشی فرستاده شد؛ آن را در کانال ببینید."


@permissions.guarded(permissions.can_write_for, agency=lambda kw: kw["delivery_obj"].channel.agency)
def delivery_retry(
    *, actor: Any, delivery_obj: Delivery, request: HttpRequest | None = None
) -> None:
    """Send a failed (or unknown) delivery again, from a fresh count of attempts."""
    agency = delivery_obj.channel.agency
    permissions.require(permissions.can_write_for(actor, agency))
    if delivery_obj.event != Delivery.Event.WITHDRAWN and delivery.withdrawn(
        delivery_obj.content_id
    ):
        raise ValidationError({"__all__": "این خبر پس گرفته شده است؛ دوباره فرستاده نمی‌شود."})
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery_obj.pk, status__in=(Delivery.Status.FAILED, Delivery.Status.UNKNOWN)
        ).update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=None, error="")
        if not updated:
            raise ValidationError({"__all__": "این ارسال ناموفق نیست؛ دوباره فرستاده نشد."})
        audit.record(
            actor=actor, action="delivery.retry", obj=delivery_obj, agency=agency, request=request
        )
        pk = delivery_obj.pk
        transaction.on_commit(lambda: delivery.enqueue(pk))

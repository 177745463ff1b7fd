"""Reads of channels and deliveries, cut to the agencies a person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from ravabet.core import permissions, todo
from ravabet.distribution.models import Channel, Delivery

__all__ = [
    "channel_get",
    "channel_list",
    "deliveries_for",
    "delivery_get",
    "delivery_panel",
    "failed_deliveries",
    "failed_todo",
]


def channel_list(*, user: Any) -> QuerySet[Channel]:
    return Channel.objects.filter(agency__in=permissions.visible_agencies(user)).select_related(
        "agency"
    )


def channel_get(*, user: Any, pk: int) -> Channel:
    """A channel of an agency the person may see; 404 for any other."""
    channel = channel_list(user=user).filter(pk=pk).first()
    if channel is None:
        raise Http404("کانال پیدا نشد.")
    return channel


def deliveries_for(*, release_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(content_kind="release", content_id=release_id)
        .select_related("channel")
        .order_by("channel__name", "created_at", "id")
    )


def delivery_get(*, user: Any, pk: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(pk=pk, channel__agency__in=permissions.visible_agencies(user))
        .select_related("channel", "channel__agency")
        .first()
    )
    if delivery is None:
        raise Http404("ارسال پیدا نشد.")
    return delivery


def delivery_panel(user: Any, release: Any) -> dict[str, Any] | None:
    """The release page's panel: its deliveries, for those who can see the release's agency."""
    if user is None or not permissions.can_view_agency(user, release.agency):
        return None
    deliveries = list(deliveries_for(release_id=release.pk))
    has_channels = Channel.objects.filter(agency=release.agency, is_active=True).exists()
    if not deliveries and not has_channels:
        return None
    return {
        "deliveries": deliveries,
        "can_retry": permissions.can_write_for(user, release.agency),
    }


def failed_deliveries(*, user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        status__in=(Delivery.Status.FAILED, Delivery.Status.UNKNOWN),
        channel__agency__in=permissions.visible_agencies(user),
        content_kind="release",
    ).select_related("channel", "channel__agency")


def failed_todo(user: Any) -> list[dict[str, Any]]:
    """The home's to-do: failed deliveries of the agencies the person may see."""
    if not permissions.is_staff_member(user):
        return []
    failed = failed_deliveries(user=user).order_by("-created_at", "-id")
    found = todo.todo_list(
        label="ارسال ناموفق",
        queryset=failed,
        entry=lambda d: {
            "label": f"{d.channel.name} — {d.get_event_display()}",
            "url": reverse("newsroom:bo_detail", kwargs={"pk": d.content_id}),
            "meta": d.channel.agency.short_name or d.channel.agency.name,
            "detail": d.error,
        },
        url=reverse("distribution:channel_list"),
        urgent=True,
    )
    return [found] if found["count"] else []

"""Channel pages under /backoffice/distribution/channels/ and the retry of a delivery."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.core import permissions
from ravabet.distribution import forms
from ravabet.distribution.selectors import channels as selectors
from ravabet.distribution.services import channels as services


def _managed_agencies(user: Any) -> Any:
    agencies = permissions.visible_agencies(user)
    return agencies.filter(
        pk__in=[a.pk for a in agencies if permissions.can_manage_agency(user, a)]
    )


def _staff(request: HttpRequest) -> None:
    permissions.require(
        permissions.is_staff_member(request.user), "این بخش ویژهٔ کارکنان روابط عمومی است."
    )


def _input(form: forms.ChannelForm) -> services.ChannelInput:
    d = form.cleaned_data
    return services.ChannelInput(
        kind=d["kind"],
        name=d["name"],
        base_url=d["base_url"],
        token=d["token"],
        chat_id=d["chat_id"],
        is_active=bool(d["is_active"]),
    )


def _add_errors(form: forms.ChannelForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    channels = list(selectors.channel_list(user=request.user))
    managed = set(_managed_agencies(request.user).values_list("pk", flat=True))
    for channel in channels:
        channel.can_manage = channel.agency_id in managed  # type: ignore[attr-defined]
    return render(
        request,
        "distribution/channel_list.html",
        {"channels": channels, "can_add": bool(managed)},
    )


@login_required
def channel_add(request: HttpRequest) -> HttpResponse:
    agencies = _managed_agencies(request.user)
    permissions.require(agencies.exists(), services.MANAGE_REFUSED)
    form = forms.ChannelForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_create(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                data=_input(form),
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "کانال افزوده شد.")
            return redirect("distribution:channel_list")
    return render(request, "distribution/channel_form.html", {"form": form, "channel": None})


@login_required
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    permissions.require(
        permissions.can_manage_agency(request.user, channel.agency), services.MANAGE_REFUSED
    )
    initial = {
        "agency": channel.agency,
        "kind": channel.kind,
        "name": channel.name,
        "base_url": channel.base_url,
        "chat_id": channel.chat_id,
        "is_active": channel.is_active,
    }
    form = forms.ChannelForm(
        request.POST or None,
        initial=initial,
        agencies=permissions.visible_agencies(request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(
                actor=request.user, channel=channel, data=_input(form), request=request
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "کانال ذخیره شد.")
            return redirect("distribution:channel_list")
    return render(request, "distribution/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_POST
def channel_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    services.channel_deactivate(actor=request.user, channel=channel, request=request)
    messages.success(request, f"کانال «{channel.name}» غیرفعال شد.")
    return redirect("distribution:channel_list")


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    channel = selectors.channel_get(user=request.user, pk=pk)
    try:
        outcome = services.channel_test(actor=request.user, channel=channel, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, outcome)
    return redirect("distribution:channel_list")


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        services.delivery_retry(actor=request.user, delivery_obj=delivery, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"ارسال به «{delivery.channel.name}» دوباره در صف است.")
    return redirect("newsroom:bo_detail", pk=delivery.content_id)


urlpatterns = [
    path("channels/", channel_list, name="channel_list"),
    path("channels/add/", channel_add, name="channel_add"),
    path("channels/<int:pk>/", channel_edit, name="channel_edit"),
    path("channels/<int:pk>/deactivate/", channel_deactivate, name="channel_deactivate"),
    path("channels/<int:pk>/test/", channel_test, name="channel_test"),
    path("deliveries/<int:pk>/retry/", delivery_retry, name="delivery_retry"),
]

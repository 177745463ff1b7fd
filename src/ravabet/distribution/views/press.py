"""The press list's pages: journalists of the agencies one may see (/backoffice/distribution/
press/), sending a scheduled release under embargo (from the panel on its page), and the
private preview of an embargoed release (/press/<token>/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ravabet.core import permissions
from ravabet.core.pagination import paginate
from ravabet.distribution.forms_press import EmbargoForm, JournalistForm
from ravabet.distribution.selectors import press as selectors
from ravabet.distribution.services import press as services
from ravabet.newsroom import selectors as newsroom


def _staff(request: HttpRequest) -> None:
    permissions.require(
        permissions.is_staff_member(request.user), "این بخش ویژهٔ کارکنان روابط عمومی است."
    )


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@login_required
def journalist_list(request: HttpRequest, slug: str = "") -> HttpResponse:
    _staff(request)
    agency = None
    if slug:
        try:
            agency = selectors.press_agency_get(user=request.user, slug=slug)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
    page = paginate(request, selectors.journalist_list(user=request.user, agency=agency), 50)
    agencies = permissions.visible_agencies(request.user).order_by("name")
    approvable = [a.pk for a in agencies[:500] if permissions.can_approve_for(request.user, a)]
    return render(
        request,
        "distribution/press_list.html",
        {
            "agency": agency,
            "page": page,
            "approvable": approvable,
            "agencies": agencies[:500],
            "form": JournalistForm() if agency else None,
        },
    )


@login_required
def journalist_add(request: HttpRequest, slug: str) -> HttpResponse:
    _staff(request)
    try:
        agency = selectors.press_agency_get(user=request.user, slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    form = JournalistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            journalist = services.journalist_create(
                actor=request.user, agency=agency, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                f"«{journalist.name}» به فهرست افزوده شد"
                + ("." if journalist.approved_at else "؛ در انتظار تأیید مدیر است."),
            )
            return redirect("distribution:press_agency", slug=agency.slug)
    return render(
        request,
        "distribution/press_form.html",
        {"form": form, "agency": agency, "journalist": None},
    )


def _journalist(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.journalist_get(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def journalist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    journalist = _journalist(request, pk)
    initial = {
        "name": journalist.name,
        "outlet": journalist.outlet,
        "email": journalist.email,
        "beats": journalist.beats,
    }
    form = JournalistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            journalist = services.journalist_update(
                actor=request.user, journalist=journalist, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "تغییرها ذخیره شد.")
            return redirect("distribution:press_agency", slug=journalist.agency.slug)
    return render(
        request,
        "distribution/press_form.html",
        {"form": form, "agency": journalist.agency, "journalist": journalist},
    )


ACTIONS = {
    "approve": (
        "تأیید شد.",
        lambda actor, j, r: services.journalist_approve(actor=actor, journalist=j, request=r),
    ),
    "deactivate": (
        "از فهرست کنار رفت.",
        lambda actor, j, r: services.journalist_set_active(
            actor=actor, journalist=j, active=False, request=r
        ),
    ),
    "activate": (
        "دوباره فعال شد.",
        lambda actor, j, r: services.journalist_set_active(
            actor=actor, journalist=j, active=True, request=r
        ),
    ),
}


@login_required
@require_POST
def journalist_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request)
    if action not in ACTIONS:
        raise Http404
    journalist = _journalist(request, pk)
    done, run = ACTIONS[action]
    journalist = run(request.user, journalist, request)
    messages.success(request, f"«{journalist.name}» {done}")
    return redirect("distribution:press_agency", slug=journalist.agency.slug)


@login_required
@require_POST
def press_send(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    try:
        release = newsroom.release_get_backoffice(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    form = EmbargoForm(request.POST)
    beat = form.cleaned_data.get("beat", "") if form.is_valid() else ""
    try:
        count = services.press_send_embargo(
            actor=request.user, release=release, beat=beat, request=request
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        if count:
            messages.success(
                request,
                f"خبر برای {_fa(count)} خبرنگار با ممنوعیت انتشار فرستاده می‌شود.",
            )
        else:
            messages.info(request, "این خبر پیش‌تر برای همهٔ این خبرنگاران فرستاده شده است.")
    return redirect(release.get_backoffice_url())


def _fa(n: int) -> str:
    from ravabet.core import jalali

    return jalali.format_number(n)


@never_cache
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """The release under embargo, for the press: only while the link lives (not expired nor
    revoked) and the release waits for its time; once published, its public page. Anything
    else is 404. The release is read for the agency, not as the link's creator."""
    link = selectors.preview_link_get(token=token)
    if link is None:
        raise Http404
    try:
        release = newsroom.release_get_for_distribution(pk=link.release_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if release.status == "published":
        return redirect(release.get_absolute_url())
    if release.status != "scheduled":
        raise Http404
    response = render(
        request,
        "distribution/press_preview.html",
        {
            # The release's time now (it may have been moved since the e-mail went out).
            "embargo": release.scheduled_for or link.embargo_until,
            "release": release,
            "expires": link.expires_at,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


backoffice_urlpatterns: list[Any] = [
    path("press/", journalist_list, name="press_list"),
    path("press/agency/<slug:slug>/", journalist_list, name="press_agency"),
    path("press/agency/<slug:slug>/add/", journalist_add, name="press_add"),
    path("press/journalist/<int:pk>/edit/", journalist_edit, name="press_edit"),
    path(
        "press/journalist/<int:pk>/<slug:action>/",
        journalist_action,
        name="press_journalist_action",
    ),
    path("press/release/<int:pk>/send/", press_send, name="press_send"),
]
public_urlpatterns: list[Any] = [
    path("<str:token>/", preview, name="press_preview"),
]

"""The public portal of releases and the newsroom's back office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ravabet.core import audit, jalali, permissions
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, County
from ravabet.core.pagecache import cached_page
from ravabet.core.pagination import paginate, parse_page
from ravabet.core.search.cache import page_topic
from ravabet.newsroom import importer, pageviews, selectors, services, subscriptions
from ravabet.newsroom import search as release_search
from ravabet.newsroom.forms import (
    ApproveForm,
    AttachmentForm,
    CorrectionForm,
    ImageForm,
    ImportForm,
    ReasonForm,
    ReleaseForm,
    SearchForm,
    SubscribeForm,
)
from ravabet.newsroom.models import Release, Subscription, Tag

# --- the public portal -------------------------------------------------------------------
# Anonymous visitors get these pages from the page cache; services bump "releases" when what the
# public sees of a release changes, the organisation model bumps "agencies" (core/pagecache.py).
PORTAL = ("releases", "agencies")


@cached_page(topics=PORTAL)
def home(request: HttpRequest) -> HttpResponse:
    from ravabet.core.organisation import selectors as agency_selectors

    return render(
        request,
        "newsroom/home.html",
        {
            "featured": selectors.release_list_featured(),
            "latest": selectors.release_list_published()[:8],
            "by_agency": selectors.latest_by_agency(),
            "agency_count": agency_selectors.agency_list_public().count(),
            "counties": agency_selectors.county_list(),
        },
    )


@pageviews.counted  # before the page cache answers: cached pages are read too
@cached_page(topics=PORTAL)
def release_detail(request: HttpRequest, pk: int, printable: bool = False) -> HttpResponse:
    try:
        release = selectors.release_get_public(pk=pk)
    except Release.DoesNotExist as exc:
        raise Http404 from exc
    template = "newsroom/release_print.html" if printable else "newsroom/release_detail.html"
    return render(
        request,
        template,
        {
            "release": release,
            "related": selectors.related_releases(release),
            "absolute_url": absolute_url(release.get_absolute_url()),
            "can_edit": permissions.can_view_agency(request.user, release.agency),
        },
    )


@cached_page(topics=PORTAL, params=("page",))
def tag_detail(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag, name=name)
    page = paginate(request, selectors.release_list_public(tag=tag.name), 20)
    return render(request, "newsroom/tag.html", {"tag": tag, "page": page})


@cached_page(topics=PORTAL, params=("kind", "page"))
def release_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Release.Kind.values:
        kind = ""
    page = paginate(request, selectors.release_list_public(kind=kind), 20)
    return render(
        request,
        "newsroom/release_list.html",
        {"page": page, "kind": kind, "kinds": Release.Kind.choices},
    )


@cached_page(
    # What the index holds, too: a rebuild or a removal outside the services shows at once.
    topics=(*PORTAL, page_topic(release_search.SCOPE)),
    params=("q", "agency", "kind", "county", "since", "until", "page"),
    popular=("q",),
)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "agencies": Agency.objects.filter(is_active=True),
        "counties": County.objects.all(),
        "kinds": Release.Kind.choices,
    }
    if form.is_bound:
        form.is_valid()  # a bad date is shown next to its field; the rest still searches
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        agency = Agency.objects.filter(slug=request.GET.get("agency", "")[:64]).first()
        county = County.objects.filter(slug=request.GET.get("county", "")[:64]).first()
        notes = []
        if request.GET.get("agency") and agency is None:
            notes.append("دستگاهی با این نام پیدا نشد؛ در همهٔ دستگاه‌ها جست‌وجو شد.")
        # Said in the results, which htmx replaces: a date that was not read is not ignored
        # silently, and a reversed range is searched the right way round, with a word.
        for name in ("since", "until"):
            notes += [str(e) for e in form.errors.get(name, [])]
        if form.reversed_range:
            notes.append(
                "«از تاریخ» پس از «تا تاریخ» بود؛ جست‌وجو از "
                f"{jalali.format_date(data['since'])} تا {jalali.format_date(data['until'])}"
                " انجام شد."
            )
        query = selectors.SearchQuery(
            q=request.GET.get("q", ""),
            agency=agency,
            kind=data.get("kind") or "",
            county_id=county.pk if county else None,
            since=data.get("since"),
            until=data.get("until"),
            page=parse_page(request.GET.get("page")),
        )
        results, releases = selectors.release_search(query)
        context.update(
            {
                "results": results,
                "releases": releases,
                "query": query,
                "notes": notes,
                "agency": agency,
                "county": county,
            }
        )
    template = "newsroom/_search_results.html" if request.htmx else "newsroom/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def subscribe(request: HttpRequest) -> HttpResponse:
    agency = Agency.objects.filter(slug=request.GET.get("agency", "")[:64], is_active=True).first()
    tag = Tag.objects.filter(name=request.GET.get("tag", "")[:80]).first()
    if (agency is None) == (tag is None):
        raise Http404
    form = SubscribeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscription_create(
                email=form.cleaned_data["email"],
                agency=agency,
                tag=tag,
                frequency=form.cleaned_data["frequency"],
                request=request,
            )
        except subscriptions.SubscriptionThrottled as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            # The same answer whether the address was subscribed already or not.
            return render(
                request, "newsroom/subscribe_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(
        request,
        "newsroom/subscribe.html",
        {"form": form, "agency": agency, "tag": tag},
        status=status,
    )


def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail shows what it will do; the button (POST) does it."""
    pending, frequency = subscriptions.subscription_pending(token=token)
    if pending is None:
        return render(request, "newsroom/subscription_bad_link.html", status=400)
    is_change = pending.confirmed_at is not None
    if request.method != "POST":
        return render(
            request,
            "newsroom/subscription_confirm.html",
            {
                "subscription": pending,
                "is_change": is_change,
                "frequency": Subscription.Frequency(frequency).label,
            },
        )
    subscription = subscriptions.subscription_confirm(token=token)
    if subscription is None:
        return render(request, "newsroom/subscription_bad_link.html", status=400)
    return render(
        request,
        "newsroom/subscription_confirmed.html",
        {"subscription": subscription, "is_change": is_change},
    )


@csrf_exempt  # the signed token is the authority; mail clients POST without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET (the link opened, or prefetched by a mail scanner) only asks; POST unsubscribes:
    the page's button, or the mail client's one-click POST (RFC 8058, List-Unsubscribe-Post)."""
    if request.method != "POST":
        subscription = subscriptions.subscription_from_token(token, "unsubscribe")
        if subscription is None:
            return render(request, "newsroom/subscription_bad_link.html", status=400)
        return render(request, "newsroom/unsubscribe_confirm.html", {"subscription": subscription})
    cancelled = subscriptions.subscription_cancel(token=token)
    if cancelled is None:
        return render(request, "newsroom/subscription_bad_link.html", status=400)
    return render(request, "newsroom/unsubscribed.html", {"subscription": cancelled})


# --- the back office ---------------------------------------------------------------------


def _release_for(request: HttpRequest, pk: int) -> Release:
    try:
        return selectors.release_get_backoffice(user=request.user, pk=pk)
    except Release.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def bo_list(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.is_staff_member(request.user), "این بخش ویژهٔ کارکنان روابط عمومی است."
    )
    status = request.GET.get("status", "")
    if status not in Release.Status.values:
        status = ""
    agency_slug = request.GET.get("agency", "")[:64]
    page = paginate(
        request,
        selectors.release_list_backoffice(
            user=request.user, status=status, agency_slug=agency_slug
        ),
        25,
    )
    return render(
        request,
        "newsroom/bo_list.html",
        {
            "page": page,
            "status": status,
            "agency_slug": agency_slug,
            "statuses": Release.Status.choices,
            "counts": selectors.status_counts(user=request.user),
            "agencies": permissions.visible_agencies(request.user),
        },
    )


def _wrap_check(form: ReleaseForm, before: str | None = None) -> list[str] | None:
    """The reflowed preview when the body looks hard-wrapped and the writer has not chosen yet
    (reflow it, or keep the line breaks); None to save. A body unchanged since it was opened is
    never asked about again (a save is a fixed point)."""
    d = form.cleaned_data
    body = (d.get("body") or "").replace("\r\n", "\n")  # browsers send CRLF
    if d.get("from_pdf") or d.get("keep_wraps") or body == before:
        return None
    if not services.looks_hard_wrapped(body):
        return None
    return services.reflow_preview(body)


@login_required
def bo_create(request: HttpRequest) -> HttpResponse:
    writable = list(permissions.writable_agencies(request.user))
    permissions.require(bool(writable), "شما برای هیچ دستگاهی خبر نمی‌نویسید.")
    agency = next((a for a in writable if a.slug == request.GET.get("agency")), writable[0])
    choices = permissions.writable_agencies(request.user) if len(writable) > 1 else None
    form = ReleaseForm(request.POST or None, agencies=choices, initial={"agency": agency})
    reflowed = None
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or agency
        reflowed = _wrap_check(form)
        if reflowed is None:
            try:
                result = services.release_create(
                    actor=request.user, agency=agency, data=form.to_input(), request=request
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                _flash_changes(request, result.changes)
                messages.success(request, "پیش‌نویس ذخیره شد.")
                return redirect(result.release.get_backoffice_url())
    return render(
        request,
        "newsroom/bo_edit.html",
        {
            "form": form,
            "agency": agency,
            "writable": writable,
            "release": None,
            "reflowed": reflowed,
        },
    )


@login_required
def bo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk)
    if not services.can_edit(request.user, release):
        # Said before any form is shown: why, and what to do instead (nothing typed is lost).
        return render(
            request,
            "newsroom/bo_edit_locked.html",
            {
                "release": release,
                "reason": services.why_not_editable(request.user, release),
                "can_recall": _can_recall(request, release),
            },
            status=409 if request.method == "POST" else 200,
        )
    initial = ReleaseForm.initial_for(release)
    form = ReleaseForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"agency": release.agency, "release": release}
    if request.method == "POST" and form.is_valid():
        context["reflowed"] = _wrap_check(form, before=initial["body"])
        if context["reflowed"] is None:
            try:
                result = services.release_update(
                    actor=request.user,
                    release=release,
                    data=form.to_input(),
                    request=request,
                    version=form.cleaned_data["version"] or None,
                )
            except services.StaleReleaseError as exc:
                # Nothing lost: theirs as saved beside yours as typed; the form keeps yours and
                # now carries the saved version, so saving again is a decision, not an accident.
                current = exc.current
                data = request.POST.copy()
                data["version"] = services.release_version(current)
                form = ReleaseForm(data, initial=initial)
                form.is_valid()
                form.add_error(None, str(exc))
                context.update(
                    {
                        "stale": current,
                        "stale_body": ReleaseForm.initial_for(current)["body"],
                        "mine": request.POST,
                    }
                )
                context["release"] = current
                return render(
                    request, "newsroom/bo_edit.html", {**context, "form": form}, status=409
                )
            except services.ReleaseStateError as exc:
                messages.error(request, str(exc))
                return redirect(release.get_backoffice_url())
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                _flash_changes(request, result.changes)
                messages.success(request, "تغییرات ذخیره شد.")
                return redirect(release.get_backoffice_url())
    return render(request, "newsroom/bo_edit.html", {**context, "form": form})


def _can_recall(request: HttpRequest, release: Release) -> bool:
    return (
        release.status == Release.Status.SUBMITTED
        and release.created_by_id == request.user.pk
        and permissions.can_write_for(request.user, release.agency)
    )


@login_required
def bo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_for(request, pk)
    return render(request, "newsroom/bo_detail.html", _detail_context(request, release))


def _detail_context(request: HttpRequest, release: Release, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "release": release,
        "history": audit.entries_for(release),
        "changes": request.session.pop("normalization_changes", None),
        "can_write": permissions.can_write_for(user, release.agency),
        "can_approve": permissions.can_approve_for(user, release.agency),
        "can_feature": permissions.sees_all_agencies(user),
        "can_recall": _can_recall(request, release),
        "approve_form": ApproveForm(),
        "reason_form": ReasonForm(),
        "correction_form": CorrectionForm(),
        "image_form": ImageForm(),
        "attachment_form": AttachmentForm(),
        **extra,
    }


class _ConfirmPastTime(Exception):
    """Approving with a time already past: the head is asked before it publishes at once."""

    def __init__(self, form: ApproveForm) -> None:
        super().__init__()
        self.form = form


def _form_errors(form: forms.Form) -> ValidationError:
    return ValidationError([str(e) for errors in form.errors.values() for e in errors])


def _do_submit(request: HttpRequest, release: Release) -> str:
    services.release_submit(actor=request.user, release=release, request=request)
    return "خبر برای تأیید فرستاده شد."


def _do_approve(request: HttpRequest, release: Release) -> str:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise _form_errors(form)
    publish_at = form.cleaned_data["publish_at"]
    if publish_at is not None and publish_at <= timezone.now() and not form.cleaned_data["now"]:
        raise _ConfirmPastTime(form)
    release = services.release_approve(
        actor=request.user,
        release=release,
        publish_at=form.cleaned_data["publish_at"],
        request=request,
    )
    return "خبر منتشر شد." if release.status == Release.Status.PUBLISHED else "خبر زمان‌بندی شد."


def _do_recall(request: HttpRequest, release: Release) -> str:
    services.release_recall(actor=request.user, release=release, request=request)
    return "خبر بازخوانی شد و دوباره پیش‌نویس است؛ پس از ویرایش دوباره بفرستید."


def _do_return(request: HttpRequest, release: Release) -> str:
    reason = request.POST.get("reason", "")
    services.release_return(actor=request.user, release=release, reason=reason, request=request)
    return "خبر با دلیل به نویسنده برگشت."


def _do_withdraw(request: HttpRequest, release: Release) -> str:
    reason = request.POST.get("reason", "")
    services.release_withdraw(actor=request.user, release=release, reason=reason, request=request)
    return "خبر پس گرفته شد؛ صفحه‌اش با دلیل شما باقی می‌ماند."


def _do_correct(request: HttpRequest, release: Release) -> str:
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        raise _form_errors(form)
    d = form.cleaned_data
    services.release_correct(
        actor=request.user,
        release=release,
        note=d["note"],
        headline=d["headline"] or None,
        lead=d["lead"] or None,
        body=d["body"] or None,
        request=request,
    )
    return "اصلاحیه ثبت شد و زیر خبر دیده می‌شود."


def _do_feature(request: HttpRequest, release: Release, featured: bool = True) -> str:
    services.release_feature(
        actor=request.user, release=release, featured=featured, request=request
    )
    return "صفحهٔ اول به‌روز شد."


def _do_image(request: HttpRequest, release: Release) -> str:
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _form_errors(form)
    d = form.cleaned_data
    services.release_add_image(
        actor=request.user,
        release=release,
        upload=d["image"],
        alt_text=d["alt_text"],
        caption=d["caption"],
        request=request,
    )
    return "تصویر افزوده شد."


def _do_attachment(request: HttpRequest, release: Release) -> str:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _form_errors(form)
    services.release_add_attachment(
        actor=request.user,
        release=release,
        upload=form.cleaned_data["file"],
        title=form.cleaned_data["title"],
        request=request,
    )
    return "پیوست افزوده شد."


_ACTIONS: dict[str, Callable[[HttpRequest, Release], str]] = {
    "submit": _do_submit,
    "recall": _do_recall,
    "approve": _do_approve,
    "return": _do_return,
    "withdraw": _do_withdraw,
    "correct": _do_correct,
    "feature": _do_feature,
    "unfeature": lambda request, release: _do_feature(request, release, featured=False),
    "image": _do_image,
    "attachment": _do_attachment,
}


@login_required
@require_POST
def bo_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step or upload; refusals come back as Persian messages on the release."""
    handler = _ACTIONS.get(action)
    if handler is None:
        raise Http404
    release = _release_for(request, pk)
    try:
        messages.success(request, handler(request, release))
    except _ConfirmPastTime as exc:
        when = jalali.format_datetime(exc.form.cleaned_data["publish_at"])
        return render(
            request,
            "newsroom/bo_detail.html",
            _detail_context(
                request,
                release,
                approve_form=exc.form,
                approve_warning=(
                    f"زمانی که برای انتشار نوشتید ({when}) گذشته است. اگر تأیید کنید، خبر"
                    " همین حالا منتشر می‌شود؛ برای زمان‌بندی، زمانی در آینده بنویسید."
                ),
            ),
        )
    except services.ReleaseStateError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(release.get_backoffice_url())


@login_required
def bo_import(request: HttpRequest) -> HttpResponse:
    writable = permissions.writable_agencies(request.user)
    permissions.require(writable.exists(), "شما برای هیچ دستگاهی خبر نمی‌نویسید.")
    form = ImportForm(request.POST or None, request.FILES or None, agencies=writable)
    if request.method == "POST" and form.is_valid():
        try:
            text = importer.decode(form.cleaned_data["file"].read())
            release = importer.import_release(
                actor=request.user, agency=form.cleaned_data["agency"], text=text
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, "خبر از پرونده وارد شد؛ پیش‌نویس را بازبینی کنید.")
            return redirect(release.get_backoffice_url())
    return render(request, "newsroom/bo_import.html", {"form": form})


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash_changes(request: HttpRequest, changes: list[tuple[str, str]]) -> None:
    if changes:
        request.session["normalization_changes"] = changes

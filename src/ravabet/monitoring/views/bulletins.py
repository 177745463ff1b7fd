"""The daily bulletin's pages: the list of bulletins (of the agencies the person may see) with
a build-now form, one bulletin (the PDF's content with a button to drop or pick each clipping,
the summary, download and send), and the PDF download.

A bulletin of an agency the person may not see is a 404; editing needs
`can_edit_bulletin_for` (403 otherwise); a sent bulletin's refusal is said in Persian.
Clipping buttons work as plain forms, and htmx swaps only the clipping when it is there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ravabet.core import jalali, permissions
from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import paginate, parse_int
from ravabet.monitoring import bulletins as service
from ravabet.monitoring.models import Bulletin, BulletinItem
from ravabet.monitoring.views import monitor_required

PER_PAGE = 25
MAX_AGENCIES = 1000


class BuildForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="دستگاه",
        empty_label=None,
        error_messages={"invalid_choice": "این دستگاه را نمی‌توانید برگزینید."},
    )
    day = JalaliDateField(label="روز")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agency"])
        field.queryset = agencies


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="خلاصهٔ بولتن",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="چند جمله دربارهٔ مهم‌ترین بازتاب‌های روز؛ بالای بولتن می‌آید.",
    )


def _agencies(request: HttpRequest) -> QuerySet[Agency]:
    return permissions.visible_agencies(request.user).order_by("name")


def _bulletin_for(request: HttpRequest, pk: int) -> Bulletin:
    """The bulletin if its agency is one the person may see; 404 otherwise."""
    return get_object_or_404(
        Bulletin.objects.select_related("agency", "sent_by"),
        pk=pk,
        agency__in=_agencies(request),
    )


def _may_edit(request: HttpRequest, bulletin: Bulletin) -> bool:
    return bulletin.status == Bulletin.Status.DRAFT and permissions.can_edit_bulletin_for(
        request.user, bulletin.agency
    )


def _list(request: HttpRequest, form: BuildForm | None = None, status: int = 200) -> HttpResponse:
    agencies = _agencies(request)
    rows = Bulletin.objects.filter(agency__in=agencies).select_related("agency")
    chosen = parse_int(request.GET.get("agency"), default=0, minimum=0, maximum=2**31)
    if chosen:
        rows = rows.filter(agency_id=chosen)
    if form is None:
        form = BuildForm(
            agencies=agencies,
            initial={"day": service.yesterday(), "agency": chosen or None},
        )
    context = {
        "page": paginate(request, rows.order_by("-day", "agency__name"), PER_PAGE),
        "agencies": list(agencies[:MAX_AGENCIES]),
        "chosen": chosen,
        "form": form,
    }
    return render(request, "monitoring/bulletins.html", context, status=status)


@monitor_required
@require_GET
def bulletins(request: HttpRequest) -> HttpResponse:
    return _list(request)


@monitor_required
@require_POST
def bulletin_build(request: HttpRequest) -> HttpResponse:
    form = BuildForm(request.POST, agencies=_agencies(request))
    if not form.is_valid():
        return _list(request, form, status=400)
    bulletin = service.build(
        agency=form.cleaned_data["agency"],
        day=form.cleaned_data["day"],
        actor=request.user,
        request=request,
    )
    if bulletin.status == Bulletin.Status.SENT:
        messages.info(request, "این بولتن پیش‌تر فرستاده شده است؛ همان نسخه را می‌بینید.")
    else:
        messages.success(request, "بولتن با بازتاب‌های آن روز ساخته شد.")
    return redirect("monitoring:bulletin", bulletin.pk)


@monitor_required
@require_GET
def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    record = _bulletin_for(request, pk)
    context = service.view_data(record, included_only=False)
    context["may_edit"] = _may_edit(request, record)
    context["may_send"] = context["may_edit"]
    context["summary_form"] = SummaryForm(initial={"summary": record.summary})
    return render(request, "monitoring/bulletin.html", context)


@monitor_required
@require_POST
def bulletin_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    record = _bulletin_for(request, pk)
    item = get_object_or_404(
        BulletinItem.objects.select_related("article", "story", "mention__agency"),
        pk=item_pk,
        bulletin=record,
    )
    included = request.POST.get("included") == "1"
    error = ""
    try:
        item = service.bulletin_set_item(
            actor=request.user, item=item, included=included, request=request
        )
    except service.BulletinError as exc:
        error = str(exc)
    if request.headers.get("HX-Request") == "true":
        item.refresh_from_db(fields=["included"])
        record.refresh_from_db(fields=["figures", "status", "updated_at"])
        item.time_text = jalali.format_time(item.article.published_at)  # type: ignore[attr-defined]
        context = {
            "item": item,
            "bulletin": record,
            "is_directorate": service.is_directorate(record.agency),
            "may_edit": not error and _may_edit(request, record),
            "error": error,
            **service.figures_data(record),
        }
        response = render(request, "monitoring/_bulletin_toggled.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, "خبر به بولتن افزوده شد." if included else "خبر از بولتن کنار گذاشته شد."
        )
    return redirect("monitoring:bulletin", record.pk)


def _act(
    request: HttpRequest, record: Bulletin, call: Callable[[], Any], done: str
) -> HttpResponse:
    """Run one service on the bulletin; its refusals become Persian messages; back to the page."""
    try:
        call()
    except service.BulletinError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("monitoring:bulletin", record.pk)


@monitor_required
@require_POST
def bulletin_summary(request: HttpRequest, pk: int) -> HttpResponse:
    record = _bulletin_for(request, pk)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return redirect("monitoring:bulletin", record.pk)
    summary = form.cleaned_data["summary"]
    return _act(
        request,
        record,
        lambda: service.bulletin_set_summary(
            actor=request.user, bulletin=record, summary=summary, request=request
        ),
        "خلاصهٔ بولتن ذخیره شد.",
    )


@monitor_required
@require_POST
def bulletin_send(request: HttpRequest, pk: int) -> HttpResponse:
    record = _bulletin_for(request, pk)
    return _act(
        request,
        record,
        lambda: service.bulletin_send(actor=request.user, bulletin=record, request=request),
        "بولتن فرستاده شد؛ نسخهٔ PDF آن به کارکنان دستگاه رایانامه می‌شود.",
    )


def content_disposition(ascii_name: str, name: str) -> str:
    """attachment with an ASCII name for old clients and the UTF-8 one (RFC 6266/5987)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@monitor_required
@require_GET
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ravabet.monitoring import pdf  # WeasyPrint is loaded only when a PDF is asked for

    record = _bulletin_for(request, pk)
    document = pdf.cached(record)
    if document is None:
        if record.items.filter(included=True).count() <= pdf.SYNC_MAX_ITEMS:
            document = pdf.render_cached(record)
        else:
            # Long work goes to a worker; this page says so and asks again every few seconds
            # (the answer is the file once it is ready).
            pdf.render_later(record)
            document = pdf.cached(record)  # an immediate task backend has made it already
            if document is None:
                wait = render(request, "monitoring/bulletin_pdf_wait.html", {"bulletin": record})
                wait.status_code = 202
                patch_cache_control(wait, private=True, no_store=True)
                return wait
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(*service.pdf_filename(record))
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path("bulletins/", bulletins, name="bulletins"),
    path("bulletins/build/", bulletin_build, name="bulletin_build"),
    path("bulletins/<int:pk>/", bulletin, name="bulletin"),
    path("bulletins/<int:pk>/items/<int:item_pk>/", bulletin_item, name="bulletin_item"),
    path("bulletins/<int:pk>/summary/", bulletin_summary, name="bulletin_summary"),
    path("bulletins/<int:pk>/pdf/", bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/<int:pk>/send/", bulletin_send, name="bulletin_send"),
]

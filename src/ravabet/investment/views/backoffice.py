"""Investment's back office at /backoffice/investment/: opportunities (list with the status
filter and completeness, create and edit, the page with the workflow's buttons, files, what is
missing, history) and support programmes (the same, with the opportunities each applies to).

Thin: parse, call one service or selector, render. Another agency's record is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.core import audit, permissions, uploads, workflow
from ravabet.core.pagination import paginate
from ravabet.investment import media
from ravabet.investment import selectors as investment_selectors
from ravabet.investment.forms import (
    DocumentForm,
    ImageForm,
    OpportunityForm,
    ProgrammeForm,
    ReasonForm,
)
from ravabet.investment.models import (
    DOCUMENT_FILES,
    IMAGE_FILES,
    Opportunity,
    Participation,
    Programme,
    Sector,
    Status,
)
from ravabet.investment.services import opportunities as opportunity_services
from ravabet.investment.services import programmes as programme_services
from ravabet.persian.money import Money

_STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), _STAFF_ONLY)


def _opportunity(request: HttpRequest, pk: int) -> Opportunity:
    try:
        return investment_selectors.opportunity_get_for(request.user, pk)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc


def _programme(request: HttpRequest, pk: int) -> Programme:
    try:
        return investment_selectors.programme_get_for(request.user, pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name
            if name == "opportunity_ids":
                target = "opportunities"
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _writable(request: HttpRequest) -> QuerySet[Any]:
    agencies = permissions.writable_agencies(request.user)
    return agencies.filter(
        pk__in=[a.pk for a in agencies if permissions.can_write_opportunities_for(request.user, a)]
    )


def _flash_capital(request: HttpRequest, opportunity: Opportunity) -> None:
    """Echo the parsed capital back: what was stored, in rials and in tomans' words."""
    if not opportunity.capital_rials:
        return
    money = Money(opportunity.capital_rials)
    messages.info(
        request,
        f"سرمایهٔ لازم ذخیره شد: {money.rials_text} ({money.tomans_short}).",
    )


# --- opportunities -----------------------------------------------------------------------


def _tabs(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(code, str(label), counts.get(code, 0)) for code, label in Status.choices]


@login_required
def bo_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    page = paginate(
        request, investment_selectors.opportunity_list_for(request.user, status=status), 25
    )
    return render(
        request,
        "investment/bo_list.html",
        {
            "page": page,
            "status": status,
            "tabs": _tabs(investment_selectors.opportunity_status_counts(request.user)),
            "can_create": _writable(request).exists(),
        },
    )


@login_required
def bo_create(request: HttpRequest) -> HttpResponse:
    writable = list(_writable(request))
    permissions.require(bool(writable), "شما برای هیچ دستگاهی فرصت سرمایه‌گذاری نمی‌نویسید.")
    choices = _writable(request) if len(writable) > 1 else None
    form = OpportunityForm(request.POST or None, agencies=choices, initial={"agency": writable[0]})
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or writable[0]
        try:
            opportunity = opportunity_services.opportunity_create(
                actor=request.user, agency=agency, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "پیش‌نویس فرصت ذخیره شد.")
            _flash_capital(request, opportunity)
            return redirect("investment:bo_detail", pk=opportunity.pk)
    return render(request, "investment/bo_edit.html", {"form": form, "opportunity": None})


@login_required
def bo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    if not opportunity_services.can_edit_opportunity(request.user, opportunity):
        messages.error(request, opportunity_services.why_not_editable(request.user, opportunity))
        return redirect("investment:bo_detail", pk=opportunity.pk)
    form = OpportunityForm(request.POST or None, initial=OpportunityForm.initial_for(opportunity))
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_services.opportunity_update(
                actor=request.user, opportunity=opportunity, data=form.to_input(), request=request
            )
        except opportunity_services.OpportunityError as exc:
            messages.error(request, str(exc))
            return redirect("investment:bo_detail", pk=opportunity.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات ذخیره شد.")
            _flash_capital(request, opportunity)
            return redirect("investment:bo_detail", pk=opportunity.pk)
    return render(request, "investment/bo_edit.html", {"form": form, "opportunity": opportunity})


@login_required
def bo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    user = request.user
    score, missing = opportunity_services.completeness(opportunity)
    documents = [(d, uploads.file_url(DOCUMENT_FILES, d)) for d in opportunity.documents.all()]
    images = [(i, uploads.file_url(IMAGE_FILES, i)) for i in opportunity.images.all()]
    can_edit = opportunity_services.can_edit_opportunity(user, opportunity)
    return render(
        request,
        "investment/bo_detail.html",
        {
            "opportunity": opportunity,
            "steps": workflow.available(
                opportunity_services.OPPORTUNITY_STEPS, user=user, obj=opportunity
            ),
            "can_edit": can_edit,
            "score": score,
            "missing": missing,
            "participation_labels": [
                str(label)
                for code, label in Participation.choices
                if code in opportunity.participation
            ],
            "documents": documents,
            "images": images,
            "can_add_document": can_edit and len(documents) < media.MAX_DOCUMENTS,
            "can_add_image": can_edit and len(images) < media.MAX_IMAGES,
            "max_documents": media.MAX_DOCUMENTS,
            "max_images": media.MAX_IMAGES,
            "document_form": DocumentForm(),
            "image_form": ImageForm(),
            "reason_form": ReasonForm(),
            "programmes": [
                p
                for p in opportunity.programmes.all()
                if p.status == Status.PUBLISHED or permissions.can_view_agency(user, p.agency)
            ],
            "history": audit.entries_for(opportunity)[:100],
        },
    )


_STEP_DONE = {
    "submit": "فرصت برای تأیید فرستاده شد.",
    "return": "فرصت با دلیل به نویسنده بازگشت.",
    "approve": "فرصت تأیید شد؛ انتشار آن در فهرست استان با اداره‌کل است.",
    "publish": "فرصت در فهرست فرصت‌های استان منتشر شد.",
    "archive": "فرصت بایگانی شد و دیگر در فهرست عمومی نیست.",
    "restore": "فرصت به پیش‌نویس بازگشت.",
}


def _form_errors(form: Any) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def _do_document(request: HttpRequest, opportunity: Opportunity) -> str:
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _form_errors(form)
    opportunity_services.opportunity_add_document(
        actor=request.user,
        opportunity=opportunity,
        upload=form.cleaned_data["file"],
        title=form.cleaned_data["title"],
        kind=form.cleaned_data["kind"],
        request=request,
    )
    return "سند افزوده شد."


def _do_image(request: HttpRequest, opportunity: Opportunity) -> str:
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _form_errors(form)
    opportunity_services.opportunity_add_image(
        actor=request.user,
        opportunity=opportunity,
        upload=form.cleaned_data["image"],
        alt_text=form.cleaned_data["alt_text"],
        request=request,
    )
    return "تصویر افزوده شد."


def _do_remove_document(request: HttpRequest, opportunity: Opportunity) -> str:
    document = opportunity.documents.filter(pk=_int(request.POST.get("document"))).first()
    if document is None:
        raise Http404
    opportunity_services.opportunity_remove_document(
        actor=request.user, document=document, request=request
    )
    return "سند حذف شد."


def _do_remove_image(request: HttpRequest, opportunity: Opportunity) -> str:
    image = opportunity.images.filter(pk=_int(request.POST.get("image"))).first()
    if image is None:
        raise Http404
    opportunity_services.opportunity_remove_image(actor=request.user, image=image, request=request)
    return "تصویر حذف شد."


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


_FILE_ACTIONS: dict[str, Callable[[HttpRequest, Opportunity], str]] = {
    "document": _do_document,
    "image": _do_image,
    "remove_document": _do_remove_document,
    "remove_image": _do_remove_image,
}


@login_required
@require_POST
def bo_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step or file change; refusals come back as Persian messages."""
    if action not in _STEP_DONE and action not in _FILE_ACTIONS:
        raise Http404
    opportunity = _opportunity(request, pk)
    try:
        if action in _FILE_ACTIONS:
            messages.success(request, _FILE_ACTIONS[action](request, opportunity))
        else:
            opportunity_services.opportunity_step(
                actor=request.user,
                opportunity=opportunity,
                action=action,
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, _STEP_DONE[action])
    except opportunity_services.OpportunityError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("investment:bo_detail", pk=opportunity.pk)


# --- programmes --------------------------------------------------------------------------


def _linkable(request: HttpRequest) -> QuerySet[Opportunity]:
    """The opportunities a programme may name: those this person sees, not archived."""
    return (
        investment_selectors.opportunity_list_for(request.user)
        .exclude(status=Status.ARCHIVED)
        .order_by("title", "id")
    )


@login_required
def bo_programmes(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    page = paginate(
        request, investment_selectors.programme_list_for(request.user, status=status), 25
    )
    return render(
        request,
        "investment/bo_programmes.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "can_create": _writable(request).exists(),
        },
    )


@login_required
def bo_programme_create(request: HttpRequest) -> HttpResponse:
    writable = list(_writable(request))
    permissions.require(bool(writable), "شما برای هیچ دستگاهی حمایت نمی‌نویسید.")
    choices = _writable(request) if len(writable) > 1 else None
    form = ProgrammeForm(
        request.POST or None,
        agencies=choices,
        opportunities=_linkable(request),
        initial={"agency": writable[0]},
    )
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or writable[0]
        try:
            programme = programme_services.programme_create(
                actor=request.user, agency=agency, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "پیش‌نویس حمایت ذخیره شد.")
            return redirect("investment:bo_programme", pk=programme.pk)
    return render(request, "investment/bo_programme_edit.html", {"form": form, "programme": None})


@login_required
def bo_programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not programme_services.can_edit_programme(request.user, programme):
        messages.error(request, "شما اکنون نمی‌توانید این حمایت را ویرایش کنید.")
        return redirect("investment:bo_programme", pk=programme.pk)
    form = ProgrammeForm(
        request.POST or None,
        opportunities=_linkable(request) | programme.opportunities.all(),
        initial=ProgrammeForm.initial_for(programme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.programme_update(
                actor=request.user, programme=programme, data=form.to_input(), request=request
            )
        except programme_services.ProgrammeError as exc:
            messages.error(request, str(exc))
            return redirect("investment:bo_programme", pk=programme.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات حمایت ذخیره شد.")
            return redirect("investment:bo_programme", pk=programme.pk)
    return render(
        request, "investment/bo_programme_edit.html", {"form": form, "programme": programme}
    )


@login_required
def bo_programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    visible = permissions.visible_agencies(request.user)
    return render(
        request,
        "investment/bo_programme.html",
        {
            "programme": programme,
            "steps": workflow.available(
                programme_services.PROGRAMME_STEPS, user=request.user, obj=programme
            ),
            "can_edit": programme_services.can_edit_programme(request.user, programme),
            "listed": [o for o in programme.opportunities.all() if o.agency in visible],
            "listed_count": programme.opportunities.count(),
            "sector_labels": [
                str(label) for code, label in Sector.choices if code in programme.sector_codes
            ],
            "reason_form": ReasonForm(),
            "history": audit.entries_for(programme)[:100],
        },
    )


_PROGRAMME_DONE = {
    "submit": "حمایت برای تأیید فرستاده شد.",
    "return": "حمایت با دلیل به نویسنده بازگشت.",
    "approve": "حمایت تأیید شد؛ انتشار آن با اداره‌کل است.",
    "publish": "حمایت منتشر شد.",
    "archive": "حمایت بایگانی شد.",
    "restore": "حمایت به پیش‌نویس بازگشت.",
}


@login_required
@require_POST
def bo_programme_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _PROGRAMME_DONE:
        raise Http404
    programme = _programme(request, pk)
    try:
        programme_services.programme_step(
            actor=request.user,
            programme=programme,
            action=action,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, _PROGRAMME_DONE[action])
    except programme_services.ProgrammeError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("investment:bo_programme", pk=programme.pk)


urlpatterns = [
    path("", bo_list, name="bo_list"),
    path("new/", bo_create, name="bo_create"),
    path("<int:pk>/", bo_detail, name="bo_detail"),
    path("<int:pk>/edit/", bo_edit, name="bo_edit"),
    path("<int:pk>/<slug:action>/", bo_action, name="bo_action"),
    path("programmes/", bo_programmes, name="bo_programmes"),
    path("programmes/new/", bo_programme_create, name="bo_programme_create"),
    path("programmes/<int:pk>/", bo_programme, name="bo_programme"),
    path("programmes/<int:pk>/edit/", bo_programme_edit, name="bo_programme_edit"),
    path("programmes/<int:pk>/<slug:action>/", bo_programme_action, name="bo_programme_action"),
]

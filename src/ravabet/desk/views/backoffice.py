"""The desk's back office (/backoffice/desk/): the inbox of the agencies a person handles, one
message with its timeline and the steps taken on it, reply templates, and the answer clocks.

Thin views: parse with a form, call one service or selector, render. Every page needs a staff
member (403 otherwise; anonymous visitors are sent to log in); a message or template the person
may not see is a 404. A service's ValidationError goes back beside the field, its DeskError
becomes a Persian message, its AgencyPermissionDenied a 403 that says why. The citizen's name,
mobile and e-mail are never on a page: they are asked for one message at a time, and every
look is audited by the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from ravabet.core import jalali, permissions, uploads
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.organisation.models import Agency, County
from ravabet.core.pagination import paginate, parse_int
from ravabet.desk import selectors, services
from ravabet.desk.forms.backoffice import (
    ASSIGNEE_WORDS,
    SHARED,
    STATUS_CHOICES,
    AnswerForm,
    AssignForm,
    InboxFilters,
    MergeForm,
    NoteForm,
    RefuseTransferForm,
    ReplyTemplateForm,
    RouteForm,
    SlaRuleForm,
    SpamForm,
    StepForm,
    TransferForm,
    person_name,
)
from ravabet.desk.models import ATTACHMENT_FILES, Kind, Message, ReplyTemplate, Status

STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
PER_PAGE = 25
# The people offered in the inbox's «کارشناس» filter.
MAX_ASSIGNEES = 200


# --- helpers -----------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), STAFF_ONLY)


def _message_for(request: HttpRequest, pk: int) -> Message:
    """The message if this person may see it; 404 otherwise (never a word of another's)."""
    _require_staff(request)
    message = selectors.message_get_for(request.user, pk)
    if message is None:
        raise Http404
    return message


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(request: HttpRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only its part that htmx asked for."""
    response = render(request, partial if _is_htmx(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _run(
    request: HttpRequest,
    form: StepForm,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
) -> Any | None:
    """Run one service once the form is valid and return what it gave (its success said), or
    None: a DeskError is said as it is, a ValidationError goes beside the form's fields."""
    if not form.is_valid():
        return None
    try:
        result = call()
    except services.DeskError as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def _deadline_day(due_at: dt.datetime) -> dt.date:
    """The last day of a clock: `due_at` is the end of that Tehran day (its next midnight)."""
    return (jalali.to_local(due_at) - dt.timedelta(microseconds=1)).date()


def _flag_rows(rows: list[Message], now: dt.datetime) -> list[Message]:
    for message in rows:
        message.is_overdue = message.is_open and message.due_at < now  # type: ignore[attr-defined]
        message.deadline_day = _deadline_day(message.due_at)  # type: ignore[attr-defined]
    return rows


# --- the inbox -------------------------------------------------------------------------------


def _assignee_choices(user: Any, agency: Agency | None) -> list[tuple[str, str]]:
    """«me», «none», and the staff of the one agency the inbox shows (when it shows one)."""
    choices = [("", "همه"), *ASSIGNEE_WORDS.items()]
    if agency is not None:
        people = selectors.assignable_users(agency)[:MAX_ASSIGNEES]
        choices += [(str(p.pk), person_name(p)) for p in people if p.pk != user.pk]
    return choices


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    user = request.user
    may_route = permissions.can_route_messages(user)
    filters = InboxFilters.parse(request.GET, may_route=may_route)
    agencies = list(permissions.visible_agencies(user).order_by("name")[:1000])
    shown_agency = next(
        (a for a in agencies if a.pk == filters.agency),
        agencies[0] if len(agencies) == 1 else None,
    )
    now = timezone.now()
    page = paginate(request, selectors.inbox_for(user, now=now, **filters.for_selector()), PER_PAGE)
    page.object_list = _flag_rows(list(page.object_list), now)
    context = {
        "page": page,
        "filters": filters,
        "counts": selectors.inbox_counts(user, now=now),
        "may_route": may_route,
        "agencies": agencies if len(agencies) > 1 else [],
        "counties": list(County.objects.order_by("name")[:500]),
        "statuses": STATUS_CHOICES,
        "kinds": Kind.choices,
        "assignees": _assignee_choices(user, shown_agency),
        "tabs": {
            "open": filters.query(status="open", overdue=False, assignee="", triage=False),
            "overdue": filters.query(status="open", overdue=True, assignee="", triage=False),
            "unassigned": filters.query(
                status="open", overdue=False, assignee="none", triage=False
            ),
            "mine": filters.query(status="open", overdue=False, assignee="me", triage=False),
            "triage": filters.query(status="open", overdue=False, assignee="", triage=True),
        },
    }
    return _render(request, "desk/bo_inbox.html", "desk/_bo_inbox_results.html", context)


# --- one message -----------------------------------------------------------------------------


def _may_answer(message: Message) -> bool:
    return message.is_open and message.agency_id is not None and message.status != Status.TRIAGE


def _step_form(name: str, message: Message, data: Any = None) -> StepForm:
    """The form of one step on the message, with the choices it offers."""
    if name == "assign":
        people = (
            selectors.assignable_users(message.agency)
            if message.agency is not None
            else get_user_model().objects.none()
        )
        return AssignForm(
            data, choices=people, initial={"assignee": message.assignee_id}, prefix=name
        )
    if name == "transfer":
        agencies = Agency.objects.filter(is_active=True).exclude(pk=message.agency_id or 0)
        return TransferForm(data, choices=agencies, prefix=name)
    if name == "route":
        agencies = Agency.objects.filter(is_active=True)
        return RouteForm(
            data, choices=agencies, initial={"agency": message.transfer_to_id}, prefix=name
        )
    if name == "merge":
        candidates = list(selectors.possible_duplicates(message))
        return MergeForm(data, candidates=candidates, prefix=name)
    simple: dict[str, type[StepForm]] = {
        "note": NoteForm,
        "answer": AnswerForm,
        "refuse": RefuseTransferForm,
        "spam": SpamForm,
    }
    return simple[name](data, prefix=name)


def _offered(user: Any, message: Message) -> list[str]:
    """The steps this person may take on the message now, as its page offers them."""
    names = ["note"]
    if message.is_open and message.agency is not None:
        names.append("assign")
    if _may_answer(message):
        names += ["answer", "transfer"]
    if permissions.can_route_messages(user) and message.status == Status.TRIAGE:
        names.append("route")
        if message.agency is not None:
            names.append("refuse")
    if message.is_open:
        names += ["merge", "spam"]
    return names


def _template_text(message: Message, value: Any) -> str | None:
    """The body of one of the message's ready answers, by an id from the query string."""
    pk = parse_int(str(value or "")[:40], default=0, minimum=0, maximum=2**31 - 1)
    if not pk:
        return None
    return next((t.body for t in selectors.templates_for(message.agency) if t.pk == pk), None)


def _render_message(request: HttpRequest, message: Message, **bound: StepForm) -> HttpResponse:
    """The message's page; a step refused by its form comes back here with that form bound."""
    user = request.user
    forms = {name: _step_form(name, message) for name in _offered(user, message)}
    forms.update(bound)
    if "answer" in forms and "answer" not in bound:
        text = _template_text(message, request.GET.get("template"))
        if text is not None:
            forms["answer"] = AnswerForm(prefix="answer", initial={"text": text})
    merge = forms.get("merge")
    if isinstance(merge, MergeForm) and not merge.candidates:
        del forms["merge"]
    attachments = [(a, uploads.file_url(ATTACHMENT_FILES, a)) for a in message.attachments.all()]
    now = timezone.now()
    context = {
        "message": message,
        "forms": forms,
        "templates": list(selectors.templates_for(message.agency)) if "answer" in forms else [],
        "timeline": selectors.timeline_for_staff(message),
        "attachments": attachments,
        "is_overdue": message.is_open and message.due_at < now,
        "deadline_day": _deadline_day(message.due_at),
        "may_route": permissions.can_route_messages(user),
        "may_see_contact": permissions.can_see_citizen_contact(
            user, message.agency, anonymous=message.is_anonymous
        ),
        "duplicates": list(message.duplicates.order_by("pk")[:50]),
    }
    return render(request, "desk/bo_message.html", context)


def _back(message: Message, anchor: str = "") -> HttpResponse:
    url = reverse("desk:bo_message", kwargs={"pk": message.pk})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _step(
    request: HttpRequest,
    pk: int,
    name: str,
    service: Callable[..., Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """One step on a message from its form, whose fields are the service's keywords: back to
    the message when done, or the page again with the form and what was wrong."""
    message = _message_for(request, pk)
    form = _step_form(name, message, request.POST)
    done = _run(
        request,
        form,
        lambda: service(actor=request.user, message=message, request=request, **form.cleaned_data),
        success,
    )
    if done is not None:
        return _back(message, "timeline" if name == "note" else "")
    return _render_message(request, message, **{name: form})


def _step_view(
    name: str, service: Callable[..., Any], success: str | Callable[[Any], str]
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _step(request, pk, name, service, success)

    view.__name__ = view.__qualname__ = f"message_{name}"
    return view


def _assigned(message: Message) -> str:
    if message.assignee is None:
        return "پیام از کارشناس پس گرفته شد."
    return f"پیام به {person_name(message.assignee)} سپرده شد."


def _transferred(message: Message) -> str:
    if message.status == Status.TRIAGE:
        return "درخواست ارجاع برای استانداری فرستاده شد."
    return _routed(message)


def _routed(message: Message) -> str:
    return f"پیام به {message.agency.name if message.agency else ''} ارجاع شد."


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_message(request, _message_for(request, pk))


message_assign = _step_view("assign", services.message_assign, _assigned)
message_note = _step_view("note", services.message_note, "یادداشت داخلی ثبت شد.")
message_transfer = _step_view("transfer", services.message_request_transfer, _transferred)
message_route = _step_view("route", services.message_route, _routed)
message_refuse_transfer = _step_view(
    "refuse",
    services.message_refuse_transfer,
    "درخواست ارجاع پذیرفته نشد؛ پیام نزد همان دستگاه ماند.",
)
message_merge = _step_view(
    "merge",
    services.message_merge,
    lambda message: f"پیام در پیام {message.merged_into.code_display} ادغام شد.",
)
message_spam = _step_view(
    "spam", services.message_mark_spam, "پیام هرزنامه شمرده شد و در آمار نمی‌آید."
)
_answer_step = _step_view(
    "answer",
    services.message_answer,
    "پاسخ فرستاده شد؛ شهروند با پیامک یا رایانامه خبردار می‌شود.",
)


@login_required
def message_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: the public answer. GET (?template=): the answer's form filled from a ready answer,
    for htmx; without it, the message's page with the form filled."""
    if request.method == "POST":
        return _answer_step(request, pk)
    message = _message_for(request, pk)
    template = request.GET.get("template", "")
    if not _is_htmx(request):
        query = urlencode({"template": template[:40]}) if template else ""
        url = reverse("desk:bo_message", kwargs={"pk": message.pk})
        return redirect(f"{url}{'?' + query if query else ''}#answer")
    permissions.require(_may_answer(message), "این پیام اکنون پاسخ داده نمی‌شود.")
    form = AnswerForm(prefix="answer", initial={"text": _template_text(message, template) or ""})
    response = render(request, "desk/_bo_answer_form.html", {"message": message, "form": form})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def message_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen's name, mobile and e-mail, for one who may see them (the service audits the
    look and refuses, with its reason, the agency of a citizen who asked to stay anonymous)."""
    message = _message_for(request, pk)
    contact = services.message_reveal_contact(actor=request.user, message=message, request=request)
    response = _render(
        request,
        "desk/bo_contact.html",
        "desk/_bo_contact.html",
        {"message": message, "contact": contact},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- reply templates -------------------------------------------------------------------------


def _template_for(request: HttpRequest, pk: int) -> ReplyTemplate:
    _require_staff(request)
    return get_object_or_404(selectors.templates_visible_to(request.user), pk=pk)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    user = request.user
    page = paginate(request, selectors.templates_visible_to(user), 50)
    rows = [(t, services.may_edit_templates_of(user, t.agency)) for t in page.object_list]
    may_write = permissions.can_route_messages(user) or permissions.writable_agencies(user).exists()
    return render(
        request,
        "desk/bo_templates.html",
        {"page": page, "rows": rows, "may_write": may_write},
    )


@login_required
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new ready answer (for the person's agency, or shared by the directorate), or one
    already written, whose words change and whose owner stays."""
    user = request.user
    template = _template_for(request, pk) if pk is not None else None
    if template is not None:
        permissions.require(
            services.may_edit_templates_of(user, template.agency),
            "پاسخ‌های آمادهٔ همگانی را استانداری ویرایش می‌کند.",
        )
    else:
        _require_staff(request)
    agencies = list(permissions.writable_agencies(user).filter(is_active=True)[:1000])
    shared = permissions.can_route_messages(user)
    permissions.require(shared or bool(agencies), "شما برای هیچ دستگاهی پاسخ آماده نمی‌نویسید.")
    data = request.POST if request.method == "POST" else None
    form = ReplyTemplateForm(data, agencies=agencies, shared=shared, template=template)
    saved = data is not None and _run(
        request,
        form,
        lambda: services.reply_template_save(
            actor=user,
            agency=template.agency if template else form.owner_agency(),
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            template=template,
            request=request,
        ),
        lambda saved: f"پاسخ آمادهٔ «{saved.title}» ذخیره شد.",
    )
    if saved:
        return redirect("desk:bo_templates")
    return render(
        request,
        "desk/bo_template_edit.html",
        {"form": form, "template": template, "shared": SHARED},
    )


@login_required
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to be sure; POST deletes."""
    template = _template_for(request, pk)
    if request.method == "POST":
        services.reply_template_delete(actor=request.user, template=template, request=request)
        messages.success(request, f"پاسخ آمادهٔ «{template.title}» حذف شد.")
        return redirect("desk:bo_templates")
    permissions.require(
        services.may_edit_templates_of(request.user, template.agency),
        "پاسخ‌های آمادهٔ همگانی را استانداری حذف می‌کند.",
    )
    return render(request, "desk/bo_template_delete.html", {"template": template})


# --- the clocks ------------------------------------------------------------------------------


def _sla_form(kind: str, data: Any = None) -> SlaRuleForm:
    return SlaRuleForm(
        data,
        auto_id=f"sla-{kind}-%s",
        initial={"kind": kind, "working_days": services.sla_days_for(kind)},
    )


def _sla_rows(may_edit: bool, bound: SlaRuleForm | None = None) -> list[dict[str, Any]]:
    """A row a kind: its working days, and the form that changes them (the directorate's)."""
    rows = []
    for kind, label in Kind.choices:
        form = None
        if may_edit:
            form = (
                bound if bound is not None and bound.data.get("kind") == kind else _sla_form(kind)
            )
        rows.append(
            {"kind": kind, "label": label, "days": services.sla_days_for(kind), "form": form}
        )
    return rows


@login_required
def desk_settings(request: HttpRequest) -> HttpResponse:
    """The working days each kind of message has: the directorate sets them, every staff
    member reads them. A row is saved on its own; by htmx, the row alone comes back."""
    _require_staff(request)
    user = request.user
    may_edit = permissions.can_route_messages(user)
    bound: SlaRuleForm | None = None
    if request.method == "POST":
        kind = str(request.POST.get("kind", ""))
        if kind not in Kind.values:
            messages.error(request, "نوع پیام را از فهرست برگزینید.")
            return redirect("desk:bo_settings")
        bound = _sla_form(kind, request.POST)
        form = bound
        saved = _run(
            request,
            form,
            lambda: services.sla_rule_save(
                actor=user,
                kind=kind,
                working_days=form.cleaned_data["working_days"],
                request=request,
            ),
            lambda rule: (
                f"مهلت «{rule.get_kind_display()}» "
                f"{jalali.format_number(rule.working_days)} روز کاری شد."
            ),
        )
        if saved is not None:
            if not _is_htmx(request):
                return redirect("desk:bo_settings")
            bound = None
        if _is_htmx(request):
            row = next(r for r in _sla_rows(may_edit, bound) if r["kind"] == kind)
            # The row says what happened itself (its messages are read here, not on the next page).
            return render(request, "desk/_bo_sla_row.html", {"row": row, "inline": True})
    calendar_week = WorkingCalendar().weekday_names
    return render(
        request,
        "desk/bo_settings.html",
        {"rows": _sla_rows(may_edit, bound), "may_edit": may_edit, "week": calendar_week},
    )

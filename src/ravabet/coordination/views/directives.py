"""Directives' pages at /backoffice/coordination/directives/: the list (status, urgency, «not
acknowledged by us», agency, Persian search), create and edit a draft, the directive's page
(text, attachments; for the directorate the receipts table and «remind now»; for an agency its
read receipt recorded on opening, the acknowledge button and the report form), issue, revoke.

Thin: parse, call one service or selector, render. A directive one may not see is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.coordination import media
from ravabet.coordination.models import ATTACHMENT_FILES, Directive
from ravabet.coordination.selectors import directives as selectors
from ravabet.coordination.services import directives as services
from ravabet.core import audit, jalali, permissions, uploads
from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import paginate
from ravabet.persian import to_persian_digits

_STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."

# --- forms (parse and show; the service's input checks) -----------------------------------


class PersianNumberInput(forms.TextInput):
    """A small whole number shown with Persian digits (int() reads them back)."""

    def __init__(self) -> None:
        super().__init__({"inputmode": "numeric", "dir": "ltr", "size": 4})

    def format_value(self, value: Any) -> str | None:
        shown = super().format_value(value)
        return to_persian_digits(shown) if shown else shown


class DirectiveForm(forms.Form):
    subject = forms.CharField(label="موضوع", max_length=services.MAX_CHARS["subject"], strip=False)
    text = forms.CharField(
        label="متن بخشنامه",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=services.MAX_CHARS["text"],
        strip=False,
    )
    urgency = forms.ChoiceField(label="فوریت", choices=Directive.Urgency.choices)
    to_all = forms.BooleanField(
        label="همهٔ دستگاه‌ها",
        required=False,
        help_text="برداشتن این گزینه: فقط دستگاه‌های انتخاب‌شده در پایین.",
    )
    audience = forms.ModelMultipleChoiceField(
        label="دستگاه‌های مخاطب",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_required = forms.BooleanField(label="نیازمند اقدام و گزارش", required=False)
    deadline = JalaliDateField(
        label="مهلت گزارش", required=False, help_text="مثلاً ۱۴۰۵/۰۲/۳۰؛ فقط اگر گزارش می‌خواهید."
    )
    acknowledge_days = forms.IntegerField(
        label="مهلت تأیید دریافت (روز کاری)",
        min_value=1,
        max_value=services.MAX_ACKNOWLEDGE_DAYS,
        widget=PersianNumberInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["audience"]
        field.queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(kind=Agency.Kind.DIRECTORATE)
            .order_by("name")
        )

    def to_input(self) -> services.DirectiveInput:
        data = self.cleaned_data
        return services.DirectiveInput(
            subject=data["subject"],
            text=data["text"],
            urgency=data["urgency"],
            to_all=data["to_all"],
            audience_ids=[a.pk for a in data["audience"]],
            action_required=data["action_required"],
            deadline=data["deadline"],
            acknowledge_days=data["acknowledge_days"],
        )

    @staticmethod
    def initial_for(directive: Directive | None) -> dict[str, Any]:
        if directive is None:
            return {"to_all": True, "urgency": Directive.Urgency.NORMAL, "acknowledge_days": 3}
        given = services.directive_input_from(directive)
        return {
            "subject": given.subject,
            "text": given.text,
            "urgency": given.urgency,
            "to_all": given.to_all,
            "audience": given.audience_ids,
            "action_required": given.action_required,
            "deadline": given.deadline,
            "acknowledge_days": given.acknowledge_days,
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label="پرونده")
    title = forms.CharField(
        label="عنوان پیوست", required=False, max_length=services.MAX_CHARS["attachment_title"]
    )


# --- helpers -------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), _STAFF_ONLY)


def _directive(request: HttpRequest, pk: int) -> Directive:
    try:
        return selectors.directive_get_for(request.user, pk)
    except Directive.DoesNotExist as exc:
        raise Http404 from exc


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _last_day(due: dt.datetime | None) -> dt.date | None:
    """The working day whose end is the deadline (the deadline itself is the next midnight)."""
    if due is None:
        return None
    return jalali.to_local(due - dt.timedelta(seconds=1)).date()


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


# --- pages ---------------------------------------------------------------------------------


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    user = request.user
    status = request.GET.get("status", "")
    urgency = request.GET.get("urgency", "")
    mine = request.GET.get("mine", "") == "unacknowledged"
    query = request.GET.get("q", "")[:200]
    agency = None
    slug = request.GET.get("agency", "")[:64]
    if slug:
        agency = permissions.visible_agencies(user).filter(slug=slug).first()
    ids = None
    note = ""
    if query.strip():
        ids, note = selectors.directive_search_ids(query)
    page = paginate(
        request,
        selectors.directive_list_for(
            user,
            status=status,
            urgency=urgency,
            not_acknowledged=mine,
            agency=agency,
            ids=ids,
        ),
        25,
    )
    directorate = services.can_manage_directives(user)
    return render(
        request,
        "coordination/directive_list.html",
        {
            "page": page,
            "status": status if status in Directive.Status.values else "",
            "urgency": urgency if urgency in Directive.Urgency.values else "",
            "mine": mine,
            "q": query,
            "note": note,
            "agency": agency,
            "statuses": Directive.Status.choices
            if directorate
            else [c for c in Directive.Status.choices if c[0] != Directive.Status.DRAFT],
            "urgencies": Directive.Urgency.choices,
            "directorate": directorate,
        },
    )


@login_required
def directive_create(request: HttpRequest) -> HttpResponse:
    permissions.require(
        services.can_manage_directives(request.user),
        "بخشنامه را فقط اداره‌کل روابط عمومی استانداری می‌نویسد.",
    )
    form = DirectiveForm(request.POST or None, initial=DirectiveForm.initial_for(None))
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.directive_create(
                actor=request.user, data=form.to_input(), request=request
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "پیش‌نویس بخشنامه ذخیره شد.")
            return redirect("coordination:directive", pk=directive.pk)
    return render(request, "coordination/directive_edit.html", {"form": form, "directive": None})


@login_required
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    permissions.require(
        services.can_manage_directives(request.user),
        "بخشنامه را فقط اداره‌کل روابط عمومی استانداری ویرایش می‌کند.",
    )
    if directive.status != Directive.Status.DRAFT:
        messages.error(request, "بخشنامهٔ ابلاغ‌شده ویرایش نمی‌شود؛ اگر نادرست است آن را لغو کنید.")
        return redirect("coordination:directive", pk=directive.pk)
    form = DirectiveForm(request.POST or None, initial=DirectiveForm.initial_for(directive))
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(
                actor=request.user, directive=directive, data=form.to_input(), request=request
            )
        except services.DirectiveError as exc:
            messages.error(request, str(exc))
            return redirect("coordination:directive", pk=directive.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات پیش‌نویس ذخیره شد.")
            return redirect("coordination:directive", pk=directive.pk)
    return render(
        request, "coordination/directive_edit.html", {"form": form, "directive": directive}
    )


@login_required
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    user = request.user
    directorate = services.can_manage_directives(user)
    # The read receipt: the agency's own staff opening the page (the directorate's visits
    # record nothing).
    for receipt in selectors.my_receipts(user, directive):
        services.receipt_open(actor=user, receipt=receipt, request=request)
    rows = selectors.directive_receipt_rows(user, directive)
    attachments = [(a, uploads.file_url(ATTACHMENT_FILES, a)) for a in directive.attachments.all()]
    draft = directive.status == Directive.Status.DRAFT
    return render(
        request,
        "coordination/directive_detail.html",
        {
            "directive": directive,
            "directorate": directorate,
            "rows": rows,
            "mine": [row for row in rows if permissions.role_in(user, row.receipt.agency)],
            "counts": selectors.directive_receipt_counts(directive),
            "due_day": _last_day(services.acknowledge_due(directive)),
            "attachments": attachments,
            "can_attach": directorate and draft and len(attachments) < media.MAX_ATTACHMENTS,
            "attachment_form": AttachmentForm(),
            "audience": None if directive.to_all else list(directive.audience.all()),
            "history": audit.entries_for(directive)[:100] if directorate else [],
        },
    )


def _do_issue(request: HttpRequest, directive: Directive) -> str:
    directive = services.directive_issue(actor=request.user, directive=directive, request=request)
    return f"بخشنامه با شمارهٔ {to_persian_digits(directive.number)} ابلاغ شد."


def _do_revoke(request: HttpRequest, directive: Directive) -> str:
    services.directive_revoke(
        actor=request.user,
        directive=directive,
        reason=request.POST.get("reason", ""),
        request=request,
    )
    return "بخشنامه لغو شد."


def _do_remind(request: HttpRequest, directive: Directive) -> str:
    count = services.directive_remind(actor=request.user, directive=directive, request=request)
    if not count:
        return "دستگاهی برای یادآوری نماند (یا امروز یادآوری شده‌اند)."
    return f"به {to_persian_digits(str(count))} دستگاه یادآوری شد."


def _do_attach(request: HttpRequest, directive: Directive) -> str:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    services.directive_add_attachment(
        actor=request.user,
        directive=directive,
        upload=form.cleaned_data["file"],
        title=form.cleaned_data["title"],
        request=request,
    )
    return "پیوست افزوده شد."


def _do_detach(request: HttpRequest, directive: Directive) -> str:
    attachment = directive.attachments.filter(pk=_int(request.POST.get("attachment"))).first()
    if attachment is None:
        raise Http404
    services.directive_remove_attachment(actor=request.user, attachment=attachment, request=request)
    return "پیوست حذف شد."


def _my_receipt(request: HttpRequest, directive: Directive) -> Any:
    receipts = selectors.my_receipts(request.user, directive)
    wanted = _int(request.POST.get("receipt"))
    for receipt in receipts:
        if receipt.pk == wanted or (not wanted and len(receipts) == 1):
            return receipt
    raise Http404


def _do_acknowledge(request: HttpRequest, directive: Directive) -> str:
    services.receipt_acknowledge(
        actor=request.user, receipt=_my_receipt(request, directive), request=request
    )
    return "دریافت بخشنامه تأیید شد."


def _do_report(request: HttpRequest, directive: Directive) -> str:
    receipt = services.receipt_report(
        actor=request.user,
        receipt=_my_receipt(request, directive),
        report=request.POST.get("report", ""),
        request=request,
    )
    if services.report_is_late(receipt):
        return "گزارش اقدام ثبت شد؛ پس از مهلت رسیده و «با تأخیر» نشان داده می‌شود."
    return "گزارش اقدام ثبت شد."


_ACTIONS: dict[str, Callable[[HttpRequest, Directive], str]] = {
    "issue": _do_issue,
    "revoke": _do_revoke,
    "remind": _do_remind,
    "attach": _do_attach,
    "detach": _do_detach,
    "acknowledge": _do_acknowledge,
    "report": _do_report,
}


@login_required
@require_POST
def directive_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step; refusals come back as Persian messages on the directive's page."""
    if action not in _ACTIONS:
        raise Http404
    directive = _directive(request, pk)
    try:
        messages.success(request, _ACTIONS[action](request, directive))
    except services.DirectiveError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("coordination:directive", pk=directive.pk)


urlpatterns = [
    path("directives/", directive_list, name="directives"),
    path("directives/new/", directive_create, name="directive_create"),
    path("directives/<int:pk>/", directive_detail, name="directive"),
    path("directives/<int:pk>/edit/", directive_edit, name="directive_edit"),
    path("directives/<int:pk>/<slug:action>/", directive_action, name="directive_action"),
]

"""The events' back office: events and their registration, agenda, documents, minutes and
resolutions; the check-in page of the day; resolutions followed to the end. (The occasions
are the kernel's calendar: core/calendar/views.py.)

Thin views: parse with a form, call one service or selector, render. Every page needs a staff
member (403 otherwise, anonymous visitors are sent to log in); an event or resolution the person
may not see is a 404; steps that belong to the organizer are a 403 for the others. The services'
ValidationError goes back beside the field, their EventError becomes a Persian message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from ravabet.core import audit, jalali, permissions
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import paginate
from ravabet.events import selectors, services
from ravabet.events.forms import (
    AgendaItemForm,
    AttendeeForm,
    CancelForm,
    DocumentForm,
    EventForm,
    MinutesForm,
    ReportForm,
    ResolutionForm,
    errors_to_form,
)
from ravabet.events.models import (
    AgendaItem,
    Event,
    EventDocument,
    Registration,
    Resolution,
)
from ravabet.persian import normalize, to_latin_digits, to_persian_digits

STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
ORGANIZER_ONLY = "این کار با دستگاه برگزارکنندهٔ رویداد است."
HISTORY_ROWS = 100
MAX_REGISTRATIONS_SHOWN = 2_000


# --- helpers -----------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), STAFF_ONLY)


def _event_for(request: HttpRequest, pk: int) -> Event:
    """The event if this staff member may see it; 404 otherwise."""
    _require_staff(request)
    try:
        return selectors.event_get_for(request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def _organized_event(request: HttpRequest, pk: int) -> Event:
    """An event this person runs (its organizer, or the directorate); 403 for other viewers."""
    event = _event_for(request, pk)
    permissions.require(permissions.can_organize_for(request.user, event.organizer), ORGANIZER_ONLY)
    return event


def _organizers(user: Any) -> list[Agency]:
    """The active agencies this person may organize events for."""
    return list(permissions.organizing_agencies(user).filter(is_active=True)[:1000])


def _submit(
    request: HttpRequest, form: Any, call: Callable[[], Any], success: str | Callable[[Any], str]
) -> Any | None:
    """Run one service when the form is valid and return what it made (the success message is
    shown), or None: its EventError becomes a message, its ValidationError goes beside the
    form's fields."""
    if not form.is_valid():
        return None
    try:
        result = call()
    except services.EventError as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def _resolution_for(request: HttpRequest, pk: int) -> Resolution:
    _require_staff(request)
    try:
        return selectors.resolution_get_for(request.user, pk=pk)
    except Resolution.DoesNotExist as exc:
        raise Http404 from exc


def _owners(user: Any, current: int | None = None) -> QuerySet[Any]:
    """People who may be named to follow a resolution: the members of the agencies this person
    sees (the service refuses one not of the responsible agency)."""
    visible = permissions.visible_agencies(user)
    condition = Q(memberships__agency__in=visible)
    if current:
        condition |= Q(pk=current)
    return (
        get_user_model()
        .objects.filter(condition, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _responsible_choices(event: Event, current: int | None = None) -> QuerySet[Agency]:
    condition = Q(pk__in=event.invited_agencies().values("pk"))
    if current:
        condition |= Q(pk=current)
    return Agency.objects.filter(condition).order_by("name")


def _resolution_form(
    request: HttpRequest, event: Event, data: Any = None, resolution: Resolution | None = None
) -> ResolutionForm:
    return ResolutionForm(
        data,
        agencies=_responsible_choices(event, resolution.responsible_id if resolution else None),
        owners=_owners(request.user, resolution.owner_id if resolution else None),
        initial=ResolutionForm.initial_for(resolution) if resolution else None,
    )


def _history(request: HttpRequest, event: Event, organizer: bool) -> list[Any]:
    """The event's audit entries; who registered whom is shown to the organizer, and to an
    invited agency only for its own attendees."""
    entries = audit.entries_for(event).order_by("-created_at", "-pk")
    if not organizer:
        visible = permissions.visible_agencies(request.user)
        entries = entries.filter(~Q(action__startswith="registration.") | Q(agency__in=visible))
    return list(entries[:HISTORY_ROWS])


def _render_detail(request: HttpRequest, event: Event, **forms: Any) -> HttpResponse:
    """The event's page; a step refused by its form comes back here with that form bound."""
    user = request.user
    organizer = permissions.can_organize_for(user, event.organizer)
    registrable = selectors.registrable_agencies(user, event)
    registrations = list(selectors.registrations_for(user, event)[:MAX_REGISTRATIONS_SHOWN])
    resolutions = list(selectors.resolutions_of(event))
    followed = set(
        selectors.resolution_list_for(user)
        .filter(event=event)
        .values_list("pk", flat=True)[: services.MAX_RESOLUTIONS]
    )
    context = {
        "event": event,
        "organizer": organizer,
        "registrable": registrable,
        "active_registrations": [r for r in registrations if r.is_active],
        "cancelled_registrations": [r for r in registrations if not r.is_active],
        "sees_all_registrations": organizer,
        "seats_taken": getattr(event, "registered", 0),  # annotated by the selector
        "invited_list": (
            list(event.invited.all()) if event.invite_mode == Event.Invite.LIST else None
        ),
        "invite_kind_label": (
            Agency.Kind(event.invite_kind).label
            if event.invite_mode == Event.Invite.KIND and event.invite_kind in Agency.Kind.values
            else ""
        ),
        "resolutions": resolutions,
        "followed": followed,
        "history": _history(request, event, organizer),
        "attendee_form": forms.get("attendee_form")
        or (AttendeeForm(agencies=registrable, prefix="a") if registrable else None),
    }
    if organizer:
        context.update(
            agenda_form=forms.get("agenda_form") or AgendaItemForm(prefix="g"),
            document_form=forms.get("document_form") or DocumentForm(prefix="d"),
            resolution_form=forms.get("resolution_form") or _resolution_form(request, event),
            cancel_form=forms.get("cancel_form") or CancelForm(prefix="c"),
        )
    return render(request, "events/bo_detail.html", context)


def _back(event: Event, anchor: str = "") -> HttpResponse:
    return redirect(event.get_backoffice_url() + (f"#{anchor}" if anchor else ""))


# --- events ------------------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    page = paginate(request, selectors.event_list_for(request.user, when=when), 25)
    return render(
        request,
        "events/bo_list.html",
        {"page": page, "when": when, "can_create": bool(_organizers(request.user))},
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    organizers = _organizers(request.user)
    permissions.require(bool(organizers), "شما برای هیچ دستگاهی رویداد برگزار نمی‌کنید.")
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, organizers=organizers, initial={"organizer": organizers[0].pk})
    event = data is not None and _submit(
        request,
        form,
        lambda: services.event_create(actor=request.user, data=form.to_input(), request=request),
        "رویداد ساخته شد.",
    )
    if event:
        return redirect(event.get_backoffice_url())
    return render(request, "events/bo_edit.html", {"form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    if event.is_cancelled:
        messages.error(request, "این رویداد لغو شده است و ویرایش نمی‌شود.")
        return _back(event)
    organizers = _organizers(request.user)
    if event.organizer not in organizers:
        organizers.insert(0, event.organizer)
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, organizers=organizers, initial=EventForm.initial_for(event))
    if data is not None and form.is_valid():
        try:
            services.event_update(
                actor=request.user, event=event, data=form.to_input(), request=request
            )
        except services.EventError as exc:
            messages.error(request, str(exc))
            return _back(event)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "تغییرات رویداد ذخیره شد.")
            return _back(event)
    return render(request, "events/bo_edit.html", {"form": form, "event": event})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _event_for(request, pk))


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    form = CancelForm(request.POST, prefix="c")
    if form.is_valid():
        try:
            services.event_cancel(
                actor=request.user,
                event=event,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.EventError as exc:
            messages.error(request, str(exc))
            return _back(event)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "رویداد لغو شد؛ به دعوت‌شدگان خبر داده می‌شود.")
            return _back(event)
    return _render_detail(request, event, cancel_form=form)


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, initial={"minutes": event.minutes})
    if data is not None and _submit(
        request,
        form,
        lambda: services.event_save_minutes(
            actor=request.user, event=event, minutes=form.cleaned_data["minutes"], request=request
        ),
        "صورت‌جلسه ذخیره شد.",
    ):
        return _back(event, "minutes")
    return render(request, "events/bo_minutes.html", {"form": form, "event": event})


# --- registration ------------------------------------------------------------------------


@login_required
@require_POST
def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    agencies = selectors.registrable_agencies(request.user, event)
    if not agencies:
        messages.error(
            request, "دستگاه شما به این رویداد دعوت نشده است؛ نمی‌توانید برای آن ثبت‌نام کنید."
        )
        return _back(event, "registration")
    form = AttendeeForm(request.POST, agencies=agencies, prefix="a")
    if _submit(
        request,
        form,
        lambda: services.registration_create(
            actor=request.user,
            event=event,
            agency=form.cleaned_data["agency"],
            data=form.to_input(),
            request=request,
        ),
        lambda registration: f"«{registration.name}» ثبت‌نام شد.",
    ):
        return _back(event, "registration")
    return _render_detail(request, event, attendee_form=form)


def _registration_of(request: HttpRequest, event: Event, registration_pk: int) -> Registration:
    """A registration of this event that this person may see (never another agency's)."""
    return get_object_or_404(selectors.registrations_for(request.user, event), pk=registration_pk)


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_for(request, pk)
    registration = _registration_of(request, event, registration_pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration, request=request)
    except services.EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"ثبت‌نام «{registration.name}» لغو شد.")
    return _back(event, "registration")


def _guard(value: str) -> str:
    """A spreadsheet cell that would be taken for a formula keeps its text (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


EXPORT_HEADER = [
    "ردیف",
    "نام",
    "سمت",
    "دستگاه",
    "تلفن",
    "پست الکترونیک",
    "وضعیت",
    "حضور",
    "زمان ثبت‌نام",
]


def _export_rows(registrations: QuerySet[Registration]) -> list[list[str]]:
    rows = []
    for number, r in enumerate(registrations.iterator(), start=1):
        rows.append(
            [
                str(number),
                r.name,
                r.role,
                r.agency.name,
                r.phone,
                r.email,
                str(r.get_status_display()),
                f"حاضر {jalali.format_short_datetime(r.attended_at)}" if r.attended_at else "",
                jalali.format_short_datetime(r.created_at),
            ]
        )
    return rows


@login_required
def registration_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The registrations as CSV (UTF-8 with BOM, for Excel) or XLSX (a right-to-left sheet):
    the organizer's and the directorate's only."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    event = _organized_event(request, pk)
    rows = _export_rows(selectors.registrations_for(request.user, event))
    filename = f"registrations-{event.pk}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_HEADER)
        for row in rows:
            # Persian digits keep the phone's leading zero when Excel opens the file.
            row[0], row[4] = to_persian_digits(row[0]), to_persian_digits(row[4])
            writer.writerow([_guard(cell) for cell in row])
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet: Any = book.active
        sheet.title = "ثبت‌نام‌ها"
        sheet.sheet_view.rightToLeft = True
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append([int(row[0]), *row[1:]])
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
        for column, width in zip("ABCDEFGHI", (6, 24, 20, 30, 14, 26, 12, 20, 18), strict=True):
            sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- check-in ----------------------------------------------------------------------------


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The organizer's page on the day, on a phone: find a person, tap to mark them present."""
    event = _organized_event(request, pk)
    q = normalize(request.GET.get("q", ""))[:100].strip()
    registrations = selectors.registrations_for(request.user, event).filter(
        status=Registration.Status.REGISTERED
    )
    if q:
        condition = Q(name__icontains=q) | Q(agency__name__icontains=q)
        digits = "".join(ch for ch in to_latin_digits(q) if ch.isdigit())
        if digits:
            condition |= Q(phone__contains=digits)
        registrations = registrations.filter(condition)
    return render(
        request,
        "events/bo_check_in.html",
        {
            "event": event,
            "q": q,
            "registrations": list(registrations[:MAX_REGISTRATIONS_SHOWN]),
            "counts": selectors.attendance_counts(event),
        },
    )


@login_required
@require_POST
def check_in_toggle(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    registration = _registration_of(request, event, registration_pk)
    attended = request.POST.get("attended") == "1"
    error = ""
    try:
        registration = services.registration_check_in(
            actor=request.user, registration=registration, attended=attended, request=request
        )
    except services.EventError as exc:
        error = str(exc)
    q = normalize(request.POST.get("q", ""))[:100].strip()
    if request.headers.get("HX-Request"):
        return render(
            request,
            "events/_bo_check_in_row.html",
            {
                "event": event,
                "r": registration,
                "q": q,
                "error": error,
                "counts": selectors.attendance_counts(event),
                "oob": True,
            },
        )
    if error:
        messages.error(request, error)
    url = reverse("events:bo_check_in", kwargs={"pk": event.pk})
    if q:
        url += "?" + urlencode({"q": q})
    return redirect(f"{url}#reg-{registration.pk}")


# --- agenda and documents ----------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    form = AgendaItemForm(request.POST, prefix="g")
    if _submit(
        request,
        form,
        lambda: services.agenda_item_add(
            actor=request.user, event=event, request=request, **form.cleaned_data
        ),
        "بند دستور جلسه افزوده شد.",
    ):
        return _back(event, "agenda")
    return _render_detail(request, event, agenda_form=form)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, event=event)
    services.agenda_item_remove(actor=request.user, item=item, request=request)
    messages.success(request, f"بند «{item.title}» از دستور جلسه برداشته شد.")
    return _back(event, "agenda")


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    form = DocumentForm(request.POST, request.FILES, prefix="d")
    if _submit(
        request,
        form,
        lambda: services.event_add_document(
            actor=request.user,
            event=event,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            request=request,
        ),
        "سند افزوده شد.",
    ):
        return _back(event, "documents")
    return _render_detail(request, event, document_form=form)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    document = get_object_or_404(EventDocument, pk=document_pk, event=event)
    services.event_remove_document(actor=request.user, document=document, request=request)
    messages.success(request, f"سند «{document.title}» برداشته شد.")
    return _back(event, "documents")


# --- resolutions -------------------------------------------------------------------------


@login_required
@require_POST
def resolution_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized_event(request, pk)
    form = _resolution_form(request, event, request.POST)
    if _submit(
        request,
        form,
        lambda: services.resolution_create(
            actor=request.user, event=event, data=form.to_input(), request=request
        ),
        lambda resolution: f"مصوبهٔ {to_persian_digits(str(resolution.number))} ثبت شد.",
    ):
        return _back(event, "resolutions")
    return _render_detail(request, event, resolution_form=form)


RESOLUTION_TABS = [
    ("", "همه"),
    *Resolution.Status.choices,
    ("overdue", "معوق"),
]


@login_required
def resolution_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    tab = request.GET.get("status", "")
    if tab not in {key for key, _ in RESOLUTION_TABS}:
        tab = ""
    resolutions = selectors.resolution_list_for(
        request.user,
        overdue=tab == "overdue",
        status=tab if tab in Resolution.Status.values else "",
    )
    counts = selectors.resolution_counts(request.user)
    total = sum(counts.get(value, 0) for value in Resolution.Status.values)
    tabs = [
        (key, label, total if key == "" else counts.get(key, 0)) for key, label in RESOLUTION_TABS
    ]
    return render(
        request,
        "events/bo_resolutions.html",
        {"page": paginate(request, resolutions, 25), "tab": tab, "tabs": tabs},
    )


@login_required
def resolution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A resolution and its history; its responsible agency (and the organizer) report on it."""
    resolution = _resolution_for(request, pk)
    user = request.user
    may_report = services.may_report(user, resolution)
    organizer = permissions.can_organize_for(user, resolution.event.organizer)
    form: ReportForm | None = None
    if request.method == "POST":
        permissions.require(may_report, "این مصوبه به دستگاه دیگری سپرده شده است.")
        posted = form = ReportForm(request.POST, request.FILES, may_cancel=organizer)
        if _submit(
            request,
            posted,
            lambda: services.resolution_report(
                actor=user, resolution=resolution, report=posted.to_report(), request=request
            ),
            "گزارش مصوبه ثبت شد.",
        ):
            return redirect("events:bo_resolution", pk=resolution.pk)
    elif may_report:
        form = ReportForm(
            may_cancel=organizer,
            initial={"status": resolution.status, "progress": resolution.progress},
        )
    history = list(audit.entries_for(resolution).order_by("-created_at", "-pk")[:HISTORY_ROWS])
    return render(
        request,
        "events/bo_resolution.html",
        {
            "resolution": resolution,
            "event": resolution.event,
            "form": form,
            "organizer": organizer,
            "history": history,
        },
    )


@login_required
def resolution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _resolution_for(request, pk)
    event = resolution.event
    permissions.require(permissions.can_organize_for(request.user, event.organizer), ORGANIZER_ONLY)
    data = request.POST if request.method == "POST" else None
    form = _resolution_form(request, event, data, resolution=resolution)
    if data is not None and _submit(
        request,
        form,
        lambda: services.resolution_edit(
            actor=request.user, resolution=resolution, data=form.to_input(), request=request
        ),
        "مصوبه ویرایش شد.",
    ):
        return redirect("events:bo_resolution", pk=resolution.pk)
    return render(
        request,
        "events/bo_resolution_edit.html",
        {"form": form, "resolution": resolution, "event": event},
    )

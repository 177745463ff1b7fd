"""Public home page, the back-office dashboard, the person's notifications, the audit log and
the Persian error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ravabet.core import jalali, permissions, registry, selectors
from ravabet.core.audit import ACTION_LABELS
from ravabet.core.models import Notification
from ravabet.core.organisation import selectors as agency_selectors
from ravabet.core.pagination import paginate


def _split_cards(cards: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(to-do cards, figure cards): a card's figures that carry `entries` (a list of items,
    each {label, url, meta, detail}, with `empty` said when there are none) are to-do lists,
    shown first and in full; the others are counts with a link."""
    todo, figures = [], []
    for card in cards:
        lists = [f for f in card["figures"] if "entries" in f]
        counts = [f for f in card["figures"] if "entries" not in f]
        if lists:
            todo.append({**card, "figures": lists})
        if counts:
            figures.append({**card, "figures": counts})
    return todo, figures


@login_required
def backoffice(request: HttpRequest) -> HttpResponse:
    """The person's home: what waits for them first (the to-do lists the capabilities
    register as dashboard cards), then their agencies, and the latest audit entries last."""
    user = request.user
    permissions.require(permissions.is_staff_member(user), "این بخش ویژهٔ کارکنان روابط عمومی است.")
    todo, cards = _split_cards(registry.dashboard_cards(user))
    return render(
        request,
        "core/backoffice.html",
        {
            "memberships": agency_selectors.membership_list_for(user),
            "sees_all": permissions.sees_all_agencies(user),
            "agencies": permissions.visible_agencies(user).select_related("county"),
            "recent": selectors.audit_list_for(user)[:8],
            "todo": todo,
            "cards": cards,
        },
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_browse_audit(request.user),
        "گزارش ممیزی را فقط اداره‌کل روابط عمومی استانداری می‌بیند.",
    )
    filters = selectors.AuditFilters.from_query(request.GET)
    page = paginate(request, selectors.audit_list(filters), 50)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "agencies": agency_selectors.agency_list_public(),
            "actions": sorted(ACTION_LABELS.items(), key=lambda kv: kv[1]),
        },
    )


# --- notifications: the bell's list ---------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first, a page at a time."""
    me: Any = request.user  # logged in (login_required)
    mine = Notification.objects.filter(user=me).order_by("-created_at", "-id")
    return render(
        request,
        "core/notifications.html",
        {"page": paginate(request, mine, 30), "unread": mine.filter(read_at__isnull=True).exists()},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one: it is read from now on, and the person goes where it points (their list when
    it points nowhere). Another person's notification does not exist here."""
    me: Any = request.user
    note = get_object_or_404(Notification, pk=pk, user=me)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    link = note.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    me: Any = request.user
    count = Notification.objects.filter(user=me, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, f"{jalali.format_number(count)} اعلان خوانده‌شده شد.")
    return redirect("core:notifications")


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the load benchmark's bare baseline: the process answers; no
    database, no template, no session."""
    response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if isinstance(exception, permissions.AgencyPermissionDenied) else ""
    return render(request, "403.html", {"message": message}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors or request data: a broken request must not break the error page.
    import sys

    from django.template import loader

    from ravabet.core import outage

    if outage.is_outage(sys.exc_info()[1]):  # a middleware's query met a lost database
        return outage.outage_response(request)

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)

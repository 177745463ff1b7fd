"""Public home page, the back-office dashboard, the audit log and the Persian error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ravabet.core import permissions, registry, selectors
from ravabet.core.audit import ACTION_LABELS
from ravabet.core.organisation import selectors as agency_selectors
from ravabet.core.pagination import paginate


@login_required
def backoffice(request: HttpRequest) -> HttpResponse:
    user = request.user
    permissions.require(permissions.is_staff_member(user), "این بخش ویژهٔ کارکنان روابط عمومی است.")
    return render(
        request,
        "core/backoffice.html",
        {
            "memberships": agency_selectors.membership_list_for(user),
            "sees_all": permissions.sees_all_agencies(user),
            "agencies": permissions.visible_agencies(user).select_related("county"),
            "recent": selectors.audit_list_for(user)[:8],
            "cards": registry.dashboard_cards(user),
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
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)

"""Public agency pages and each agency's back office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ravabet.agencies import services
from ravabet.agencies.forms import AgencyContactForm
from ravabet.core import audit, permissions
from ravabet.core.organisation import selectors
from ravabet.core.organisation.models import Agency
from ravabet.core.pagecache import cached_page

# Agency pages show the agency and its latest releases: the topics bumped by the organisation
# model and by the newsroom's services.
PAGES = ("agencies", "releases")


@cached_page(topics=PAGES, params=("kind", "county", "q"), not_when=("q",))
def agency_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Agency.Kind.values:
        kind = ""
    county = request.GET.get("county", "")[:64]
    q = request.GET.get("q", "")[:200]
    agencies = selectors.agency_list_public(kind=kind, county=county, q=q)
    template = "agencies/_list.html" if request.htmx else "agencies/list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "agencies": agencies,
            "kinds": Agency.Kind.choices,
            "counties": selectors.county_list(),
            "kind": kind,
            "county": county,
            "q": q,
        },
    )


@cached_page(topics=PAGES)
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = selectors.agency_get_public(slug=slug)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "agencies/detail.html", {"agency": agency})


def _backoffice_agency(request: HttpRequest, slug: str) -> Agency:
    agency = get_object_or_404(Agency, slug=slug)
    permissions.require(
        permissions.can_view_agency(request.user, agency),
        "شما عضو روابط عمومی این دستگاه نیستید.",
    )
    return agency


@login_required
def agency_backoffice(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _backoffice_agency(request, slug)
    return render(
        request,
        "agencies/backoffice.html",
        {
            "agency": agency,
            "members": selectors.member_list(agency=agency),
            "my_role": permissions.role_in(request.user, agency),
            "can_manage": permissions.can_manage_agency(request.user, agency),
            "history": audit.entries_for(agency)[:10],
        },
    )


@login_required
def agency_edit(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _backoffice_agency(request, slug)
    permissions.require(
        permissions.can_manage_agency(request.user, agency),
        "ویرایش مشخصات این دستگاه فقط با مدیر روابط عمومی آن یا اداره‌کل است.",
    )
    form = AgencyContactForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk))
    if request.method == "POST" and form.is_valid():
        services.agency_update(
            actor=request.user, agency=agency, data=form.cleaned_data, request=request
        )
        messages.success(request, "مشخصات دستگاه ذخیره شد.")
        return redirect(agency.get_backoffice_url())
    return render(request, "agencies/edit.html", {"agency": agency, "form": form})

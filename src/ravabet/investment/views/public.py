"""The public catalogue at /investment/: the opportunities with their filters, sort and county
map, an opportunity's page with the inquiry form, the support programmes.

The catalogue's filters come from the query string only (the page is the same for every
visitor and served from the page cache; the services bump «investment» when what the public
sees changes). A filter that cannot be read (a capital figure that is not an amount, an
unknown sector) is told in Persian above the results and not applied, never a 500. The
inquiry form posts to /investment/<id>/inquire/; a sent inquiry lands on the desk's tracking
page of its code, as a citizen's message does.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ravabet.core import uploads
from ravabet.core.organisation.models import Agency, County
from ravabet.core.pagecache import cached_page
from ravabet.core.pagination import paginate
from ravabet.investment import selectors, services
from ravabet.investment.models import (
    DOCUMENT_FILES,
    IMAGE_FILES,
    CapitalRange,
    Opportunity,
    Participation,
    Programme,
    Sector,
)
from ravabet.persian.money import MoneyError, parse_amount

logger = logging.getLogger(__name__)

TOPICS = ("investment", "agencies")
FILTERS = ("sector", "county", "agency", "participation", "min", "max", "q", "sort")
PER_PAGE = 12
# The desk's session keys (desk/views/public.py): the tracking page shows a code just sent
# large, once, without counting it as a look.
DESK_JUST_SUBMITTED = "desk.just_submitted"
DESK_SEEN = "desk.seen_code"
SAVE_FAILED = (
    "ثبت درخواست ممکن نشد؛ چند دقیقهٔ دیگر دوباره بفرستید. آنچه نوشته‌اید در همین صفحه مانده است."
)


# --- the catalogue ---------------------------------------------------------------------------


def _capital(text: str, label: str, notes: list[str]) -> int | None:
    """A capital bound as typed (tomans unless it says ریال), or None with a note."""
    text = text.strip()[:200]
    if not text:
        return None
    try:
        return parse_amount(text, default_unit="toman")
    except MoneyError as exc:
        notes.append(f"{label}: {exc}")
        return None


def catalogue_query(params: Any) -> tuple[selectors.CatalogueQuery, list[str]]:
    """The query a visitor's parameters ask for, and the Persian notes on what was not read."""
    notes: list[str] = []
    get = {name: str(params.get(name, ""))[:200] for name in FILTERS}
    sector = get["sector"] if get["sector"] in Sector.values else ""
    if get["sector"] and not sector:
        notes.append("این بخش در فهرست نیست؛ همهٔ بخش‌ها نشان داده شد.")
    participation = get["participation"] if get["participation"] in Participation.values else ""
    if get["participation"] and not participation:
        notes.append("این شیوهٔ مشارکت در فهرست نیست؛ همهٔ شیوه‌ها نشان داده شد.")
    county = get["county"] if County.objects.filter(slug=get["county"][:64]).exists() else ""
    if get["county"] and not county:
        notes.append("این شهرستان در فهرست نیست؛ همهٔ شهرستان‌ها نشان داده شد.")
    agency = get["agency"] if Agency.objects.filter(slug=get["agency"][:64]).exists() else ""
    if get["agency"] and not agency:
        notes.append("این دستگاه در فهرست نیست؛ همهٔ دستگاه‌ها نشان داده شد.")
    low = _capital(get["min"], "کمترین سرمایه", notes)
    high = _capital(get["max"], "بیشترین سرمایه", notes)
    if low is not None and high is not None and low > high:
        low, high = high, low
        notes.append("کمترین سرمایه از بیشترین بزرگ‌تر بود؛ بازه وارونه شد.")
    sort = get["sort"] if get["sort"] in selectors.SORTS else "newest"
    query = selectors.CatalogueQuery(
        sector=sector,
        county=county,
        agency=agency,
        participation=participation,
        capital_min=low,
        capital_max=high,
        q=get["q"],
        sort=sort,
    )
    return query, notes


def _query_string(params: Any, *, without: tuple[str, ...] = ()) -> str:
    return urlencode(
        [(k, str(params.get(k))[:200]) for k in FILTERS if params.get(k) and k not in without]
    )


@cached_page(topics=TOPICS, params=(*FILTERS, "page"))
def catalogue(request: HttpRequest) -> HttpResponse:
    query, notes = catalogue_query(request.GET)
    page = paginate(request, selectors.catalogue(query), PER_PAGE)
    counts = selectors.county_counts(query)
    counties = {c.slug: c for c in County.objects.all()}
    return render(
        request,
        "investment/catalogue.html",
        {
            "page": page,
            "query": query,
            "notes": notes,
            "params": {k: str(request.GET.get(k, ""))[:200] for k in FILTERS},
            "sectors": Sector.choices,
            "participations": Participation.choices,
            "sorts": selectors.SORTS.items(),
            "counties": counties.values(),
            "agencies": Agency.objects.filter(
                opportunities__status="published", is_active=True
            ).distinct(),
            "counts": counts,
            "map_query": _query_string(request.GET, without=("county",)),
            "filtered": any(request.GET.get(k) for k in FILTERS if k != "sort"),
        },
    )


# --- an opportunity and its inquiry form -----------------------------------------------------


class InquiryForm(forms.Form):
    name = forms.CharField(
        label="نام و نام خانوادگی",
        max_length=services.inquiries.MAX_CHARS["name"],
        error_messages={"required": "نام خود را بنویسید."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    company = forms.CharField(
        label="شرکت یا گروه (اختیاری)",
        required=False,
        max_length=services.inquiries.MAX_CHARS["company"],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    mobile = forms.CharField(
        label="تلفن همراه",
        required=False,
        max_length=40,
        help_text="کد رهگیری و خبر پاسخ با پیامک می‌آید. مانند ۰۹۱۲۱۲۳۴۵۶۷",
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label="رایانامه",
        required=False,
        max_length=254,
        help_text="اگر شمارهٔ همراه ایرانی ندارید، رایانامه بنویسید.",
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    message = forms.CharField(
        label="پرسش یا درخواست شما",
        max_length=services.inquiries.MAX_CHARS["message"],
        error_messages={"required": "متن درخواست را بنویسید."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    capital_range = forms.ChoiceField(
        label="سرمایهٔ در نظر",
        choices=CapitalRange.choices,
        initial=CapitalRange.UNKNOWN,
        error_messages={"invalid_choice": "سرمایهٔ در نظر را از فهرست برگزینید."},
    )
    is_foreign = forms.TypedChoiceField(
        label="سرمایه‌گذار",
        choices=[("0", "داخلی"), ("1", "خارجی")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "داخلی یا خارجی را برگزینید."},
    )
    # The honeypot (hidden by the template, as the desk's form).
    website = forms.CharField(label="وب‌سایت (خالی بگذارید)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for field in self.fields.values():
            field.error_messages.setdefault(
                "max_length", "این متن بلندتر از اندازهٔ پذیرفتنی است؛ کوتاه‌ترش کنید."
            )

    @property
    def is_bot(self) -> bool:
        return bool(str(self.data.get("website", "")).strip())

    def to_input(self, about: Opportunity | Programme) -> services.InquiryInput:
        data = self.cleaned_data
        return services.InquiryInput(
            name=data["name"],
            company=data.get("company", ""),
            mobile=data.get("mobile", ""),
            email=data.get("email", ""),
            message=data["message"],
            capital_range=data["capital_range"],
            is_foreign=bool(data.get("is_foreign")),
            opportunity=about if isinstance(about, Opportunity) else None,
            programme=about if isinstance(about, Programme) else None,
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _opportunity(pk: int) -> Opportunity:
    try:
        return selectors.opportunity_public(pk)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc


def _programme(pk: int) -> Programme:
    try:
        return selectors.programme_public(pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def _opportunity_page(
    request: HttpRequest, opportunity: Opportunity, form: InquiryForm, status: int = 200
) -> HttpResponse:
    documents = [(d, uploads.file_url(DOCUMENT_FILES, d)) for d in opportunity.documents.all()]
    images = [(i, uploads.file_url(IMAGE_FILES, i)) for i in opportunity.images.all()]
    return render(
        request,
        "investment/detail.html",
        {
            "opportunity": opportunity,
            "documents": documents,
            "images": images,
            "programmes": selectors.programmes_for(opportunity),
            "participation": [Participation(p).label for p in opportunity.participation],
            "form": form,
        },
        status=status,
    )


@cached_page(topics=TOPICS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _opportunity_page(request, _opportunity(pk), InquiryForm())


def _submit(
    request: HttpRequest, about: Opportunity | Programme
) -> HttpResponse | tuple[InquiryForm, int]:
    """Send the inquiry: the redirect to its tracking page, or the form with its errors and
    the status to show it with."""
    form = InquiryForm(request.POST)
    if form.is_bot:
        logger.info("the investment inquiry honeypot was filled; nothing stored")
        return InquiryForm(), 400
    status = 200
    if form.is_valid():
        try:
            inquiry = services.inquiry_submit(data=form.to_input(about), request=request)
        except services.InquiryLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.InquiryError as exc:
            form.add_error(None, str(exc))
        except (OSError, DatabaseError):
            logger.exception("an investor's inquiry could not be stored")
            form.add_error(None, SAVE_FAILED)
            status = 503
        else:
            request.session[DESK_JUST_SUBMITTED] = inquiry.tracking_code
            request.session[DESK_SEEN] = inquiry.tracking_code
            return redirect("desk:track", inquiry.tracking_code)
    return form, status


@require_POST
def inquire(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(pk)
    result = _submit(request, opportunity)
    if isinstance(result, HttpResponse):
        return result
    return _opportunity_page(request, opportunity, *result)


# --- support programmes ----------------------------------------------------------------------


@cached_page(topics=TOPICS, params=("kind",))
def programme_list(request: HttpRequest) -> HttpResponse:
    kind = str(request.GET.get("kind", ""))[:32]
    programmes = selectors.programmes_public()
    if kind in Programme.Kind.values:
        programmes = programmes.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "investment/programmes.html",
        {"programmes": programmes[:200], "kind": kind, "kinds": Programme.Kind.choices},
    )


def _programme_page(
    request: HttpRequest, programme: Programme, form: InquiryForm, status: int = 200
) -> HttpResponse:
    labels = dict(Sector.choices)
    return render(
        request,
        "investment/programme.html",
        {
            "programme": programme,
            "sectors": [labels[s] for s in programme.sector_codes],
            "opportunities": programme.opportunities.filter(status="published")[:50],
            "form": form,
        },
        status=status,
    )


@cached_page(topics=TOPICS)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_page(request, _programme(pk), InquiryForm())


@require_POST
def programme_inquire(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(pk)
    result = _submit(request, programme)
    if isinstance(result, HttpResponse):
        return result
    return _programme_page(request, programme, *result)


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/inquire/", inquire, name="inquire"),
    path("programmes/", programme_list, name="programmes"),
    path("programmes/<int:pk>/", programme_detail, name="programme"),
    path("programmes/<int:pk>/inquire/", programme_inquire, name="programme_inquire"),
]

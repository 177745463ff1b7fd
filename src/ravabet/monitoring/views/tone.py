"""Tone pages: an editor labels a mention (htmx or a plain form), the lexicon page (terms,
the classifier's state; the directorate adds, changes and deletes terms and asks for a
training). Thin: parse, call one service in tone.py, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ravabet.core import permissions
from ravabet.core.pagination import paginate
from ravabet.monitoring import tone
from ravabet.monitoring.models import Mention, ToneTerm
from ravabet.monitoring.views import monitor_required
from ravabet.persian import normalize, search_key

PER_PAGE = 50
MAX_QUERY = 100
WEIGHTS = [(str(w), f"{w:+d}") for w in (-3, -2, -1, 1, 2, 3)]
SIGNS = {"negative": "منفی", "positive": "مثبت"}


def _visible_mentions(user: Any) -> QuerySet[Mention]:
    """Mentions of the agencies this person sees, and their own saved searches'."""
    return Mention.objects.filter(
        Q(agency__in=permissions.visible_agencies(user)) | Q(agency__isnull=True, watch__owner=user)
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("monitoring:mentions")


@monitor_required
@require_POST
def mention_tone(request: HttpRequest, pk: int) -> HttpResponse:
    mention = _visible_mentions(request.user).filter(pk=pk).first()
    if mention is None:
        raise Http404
    value = request.POST.get("tone", "")
    if value not in tone.TONES:
        return HttpResponseBadRequest(
            "لحن باید یکی از «منفی»، «خنثی» یا «مثبت» باشد.".encode(),
            content_type="text/plain; charset=utf-8",
        )
    mention = tone.mention_label(actor=request.user, mention=mention, tone=value, request=request)
    if request.headers.get("HX-Request") == "true":
        context = {"mention": mention, "may_label": True, "next": _safe_next(request)}
        return render(request, "monitoring/_mention_tone.html", context)
    messages.success(request, f"لحن بازتاب «{mention.get_tone_display()}» ثبت شد.")
    return redirect(_safe_next(request))


# --- The lexicon -----------------------------------------------------------------------------


class ToneTermForm(forms.Form):
    """Parses and shows; tone.tone_term_prepare checks (in Persian) and keys."""

    term = forms.CharField(label="واژه یا عبارت", required=False, strip=False)
    weight = forms.CharField(
        label="وزن",
        required=False,
        widget=forms.Select(choices=WEIGHTS),
        help_text="از −۳ (بسیار منفی) تا +۳ (بسیار مثبت)",
    )
    note = forms.CharField(label="یادداشت", required=False, strip=False)

    def to_input(self) -> tone.ToneTermInput:
        data = self.cleaned_data
        return tone.ToneTermInput(term=data["term"], weight=data["weight"], note=data["note"])

    def add_service_errors(self, exc: ValidationError) -> None:
        for name, errors in exc.message_dict.items():
            for error in errors:
                self.add_error(name if name in self.fields else None, error)


def _terms(request: HttpRequest) -> tuple[QuerySet[ToneTerm], dict[str, str]]:
    query = normalize(request.GET.get("q", ""))[:MAX_QUERY].strip()
    sign = request.GET.get("sign", "")
    terms = ToneTerm.objects.select_related("updated_by").order_by("term", "id")
    if query:
        key = search_key(query)
        terms = terms.filter(Q(key__contains=key) | Q(term__contains=query)) if key else terms
    if sign == "negative":
        terms = terms.filter(weight__lt=0)
    elif sign == "positive":
        terms = terms.filter(weight__gt=0)
    else:
        sign = ""
    return terms, {"q": query, "sign": sign}


def _lexicon_page(
    request: HttpRequest, form: ToneTermForm | None = None, status: int = 200
) -> HttpResponse:
    may_edit = permissions.can_edit_tone_lexicon(request.user)
    terms, filters = _terms(request)
    context = {
        "page": paginate(request, terms, PER_PAGE),
        "filters": filters,
        "signs": SIGNS,
        "may_edit": may_edit,
        "form": form if form is not None else (ToneTermForm() if may_edit else None),
        "status": tone.status(),
        "term_count": ToneTerm.objects.count(),
        "tones": Mention.Tone,
        "sources": Mention.ToneSource,
    }
    return render(request, "monitoring/tone_lexicon.html", context, status=status)


def _save_term(request: HttpRequest, term: ToneTerm | None) -> ToneTermForm | None:
    """Run tone_term_save on the posted form; None when saved, the form with errors otherwise."""
    form = ToneTermForm(request.POST)
    if not form.is_valid():
        return form
    try:
        saved = tone.tone_term_save(
            actor=request.user, data=form.to_input(), term=term, request=request
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    messages.success(request, f"واژهٔ «{saved.term}» با وزن {saved.weight:+d} ذخیره شد.")
    return None


@monitor_required
def lexicon(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        permissions.require(
            permissions.can_edit_tone_lexicon(request.user),
            "واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند.",
        )
        form = _save_term(request, None)
        if form is None:
            return redirect("monitoring:lexicon")
        return _lexicon_page(request, form, status=400)
    return _lexicon_page(request)


@monitor_required
def tone_term(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(
        permissions.can_edit_tone_lexicon(request.user),
        "واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند.",
    )
    term = get_object_or_404(ToneTerm, pk=pk)
    status = 200
    if request.method == "POST":
        bound = _save_term(request, term)
        if bound is None:
            return redirect("monitoring:lexicon")
        form, status = bound, 400
    else:
        form = ToneTermForm(
            initial={"term": term.term, "weight": str(term.weight), "note": term.note}
        )
    return render(request, "monitoring/tone_term.html", {"term": term, "form": form}, status=status)


@monitor_required
@require_POST
def tone_term_delete(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(ToneTerm, pk=pk)
    tone.tone_term_delete(actor=request.user, term=term, request=request)
    messages.success(request, f"واژهٔ «{term.term}» از واژه‌نامه حذف شد.")
    return redirect("monitoring:lexicon")


@monitor_required
@require_POST
def tone_train(request: HttpRequest) -> HttpResponse:
    tone.tone_retrain(actor=request.user, request=request)
    messages.success(
        request, "آموزش دسته‌بند در صف کار است؛ نتیجه چند دقیقهٔ دیگر در همین صفحه دیده می‌شود."
    )
    return redirect("monitoring:lexicon")


urlpatterns = [
    path("mentions/<int:pk>/tone/", mention_tone, name="mention_tone"),
    path("tone/", lexicon, name="lexicon"),
    path("tone/terms/<int:pk>/", tone_term, name="tone_term"),
    path("tone/terms/<int:pk>/delete/", tone_term_delete, name="tone_term_delete"),
    path("tone/train/", tone_train, name="tone_train"),
]

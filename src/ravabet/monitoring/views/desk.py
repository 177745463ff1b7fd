"""The desk's own pages: the overview, sources and their health, articles, stories, mentions
and watches (/backoffice/monitoring/).

Thin views: parse with a form, call one selector or service, render. Every page needs a staff
member (`monitor_required`). Articles and stories are the media's: any staff member reads them.
Mentions and watches are cut to the person's agencies and their own saved searches; another
agency's watch is a 404. Sources are read by all staff and changed by the directorate only
(403 for anyone else, before anything is read from the form).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from ravabet.core import charts, jalali, permissions
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import paginate
from ravabet.monitoring import selectors, sources, watches
from ravabet.monitoring.forms import (
    MINE,
    ArticleFilters,
    MentionFilters,
    ServiceForm,
    SourceForm,
    WatchForm,
    story_period,
)
from ravabet.monitoring.models import Mention, Source, Watch
from ravabet.monitoring.views import monitor_required

PER_PAGE = 30
TONE_LABELS = {**dict(Mention.Tone.choices), selectors.UNDECIDED: "نامعلوم"}
TONE_ORDER = (Mention.Tone.NEGATIVE, Mention.Tone.NEUTRAL, Mention.Tone.POSITIVE, "undecided")
# Red for negative, grey for neutral, green for positive, amber for not decided yet.
TONE_COLOURS = {
    Mention.Tone.NEGATIVE: "#b00020",
    Mention.Tone.NEUTRAL: "#767b74",
    Mention.Tone.POSITIVE: "#0b5c55",
    "undecided": "#f2b84b",
}


# --- helpers -----------------------------------------------------------------------------------


def _tone_rows(counts: Any) -> list[tuple[str, str, int]]:
    return [(tone, str(TONE_LABELS[tone]), counts.get(tone, 0)) for tone in TONE_ORDER]


def _save(request: HttpRequest, form: ServiceForm, call: Any) -> Any | None:
    """Run a service once the form is valid; its ValidationError goes beside the fields."""
    if not form.is_valid():
        return None
    try:
        return call()
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


def _labelled_mentions(
    user: Any, mentions: list[Mention]
) -> list[tuple[Mention, bool, SafeString]]:
    """Each mention with whether this person may label it (decided once per agency shown) and
    its passage with the term marked."""
    may: dict[int | None, bool] = {}
    rows = []
    for mention in mentions:
        agency = mention.agency
        if agency is None:
            allowed = mention.watch.owner_id == user.pk
        else:
            if agency.pk not in may:
                may[agency.pk] = permissions.can_label_mentions_for(user, agency)
            allowed = may[agency.pk]
        rows.append((mention, allowed, highlight(mention.passage, mention.term)))
    return rows


def highlight(passage: str, term: str) -> SafeString:
    """The passage escaped, with each whole-word occurrence of the term in <mark>."""
    text = escape(passage)
    words = escape(term).split()
    if not words:
        return text
    pattern = r"(?<![\w\u200c])(" + r"[\s\u200c]+".join(re.escape(w) for w in words[:10]) + r")"
    marked = re.sub(pattern, r"<mark>\1</mark>", text, count=20)
    return mark_safe(marked)  # noqa: S308 - the passage and the term are escaped above


# --- the overview ------------------------------------------------------------------------------


def _daily_chart(data: selectors.Overview) -> SafeString:
    categories = [
        jalali.format_short(day).split("/", 1)[-1] if i % 2 == 0 or len(data.daily) < 8 else ""
        for i, (day, _) in enumerate(data.daily)
    ]
    series = [
        charts.Series(
            str(TONE_LABELS[tone]),
            [counts.get(tone, 0) for _, counts in data.daily],
            colour=TONE_COLOURS[tone],
        )
        for tone in TONE_ORDER
    ]
    total = sum(sum(c.values()) for _, c in data.daily)
    return charts.column_chart(
        categories,
        series,
        title="بازتاب‌های روزانه به تفکیک لحن",
        summary=(
            f"{jalali.format_number(total)} بازتاب در "
            f"{jalali.format_number(len(data.daily))} روز گذشته"
        ),
        ident="monitoring-daily",
        width=720,
    )


def _agency_chart(data: selectors.Overview) -> SafeString:
    bars = [
        charts.Bar(
            name,
            float(counts.get(Mention.Tone.NEGATIVE, 0)),
            note=f"از {jalali.format_number(sum(counts.values()))}",
        )
        for name, counts in data.by_agency
    ]
    return charts.bar_chart(
        bars,
        title="بازتاب منفی دستگاه‌ها در هفت روز گذشته",
        summary="شمار بازتاب‌های منفی هر دستگاه از همهٔ بازتاب‌هایش",
        ident="monitoring-agencies",
        empty_text="در هفت روز گذشته بازتابی نبود.",
    )


@monitor_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    data = selectors.overview(user, now=now)
    mentions = selectors.latest_mentions(user)
    context = {
        "data": data,
        "today": _tone_rows(data.mentions_today),
        "today_total": sum(data.mentions_today.values()),
        "week": _tone_rows(data.mentions_week),
        "daily_chart": _daily_chart(data),
        "daily": [(day, _tone_rows(counts)) for day, counts in data.daily],
        "agency_chart": _agency_chart(data) if data.by_agency else None,
        "agency_rows": [(name, _tone_rows(counts)) for name, counts in data.by_agency],
        "mentions": _labelled_mentions(user, mentions),
        "stories": selectors.big_stories(now=now),
        "may_manage_sources": permissions.can_manage_sources(user),
    }
    return render(request, "monitoring/home.html", context)


# --- sources -----------------------------------------------------------------------------------


def _health(source: Source) -> tuple[str, str]:
    health = selectors.source_health(source)
    return health, str(Source.Health(health).label)


@monitor_required
def source_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.source_list(), 50)
    rows = [(s, *_health(s)) for s in page.object_list]
    return render(
        request,
        "monitoring/sources.html",
        {"page": page, "rows": rows, "may_manage": permissions.can_manage_sources(request.user)},
    )


def _source_form(request: HttpRequest, source: Source | None) -> tuple[SourceForm, Source | None]:
    """The directorate's form of a source (403 for anyone else), and the source it saved."""
    permissions.require(permissions.can_manage_sources(request.user), sources.NOT_ALLOWED)
    if request.method != "POST":
        return SourceForm(initial=SourceForm.initial_for(source) if source else None), None
    form = SourceForm(request.POST)
    saved = _save(
        request,
        form,
        lambda: sources.source_save(
            actor=request.user, data=form.to_input(), source=source, request=request
        ),
    )
    if saved is not None:
        messages.success(request, f"منبع «{saved.name}» ذخیره شد.")
    return form, saved


@monitor_required
def source_create(request: HttpRequest) -> HttpResponse:
    form, saved = _source_form(request, None)
    if saved is not None:
        return redirect("monitoring:source_edit", pk=saved.pk)
    return render(request, "monitoring/source_form.html", {"form": form, "source": None})


@monitor_required
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The source's page: its health and last runs for everyone, its form for the directorate."""
    source = get_object_or_404(Source, pk=pk)
    may_manage = permissions.can_manage_sources(request.user)
    form = None
    if may_manage or request.method == "POST":
        form, saved = _source_form(request, source)
        if saved is not None:
            return redirect("monitoring:source_edit", pk=saved.pk)
    context = {
        "source": source,
        "health": _health(source),
        "runs": selectors.source_runs(source),
        "article_count": source.articles.count(),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "monitoring/source.html", context)


@monitor_required
@require_POST
def source_poll(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_sources(request.user), sources.NOT_ALLOWED)
    source = get_object_or_404(Source, pk=pk)
    if sources.source_poll_now(actor=request.user, source=source, request=request):
        messages.success(request, f"خواندن «{source.name}» در صف گذاشته شد.")
    else:
        messages.error(
            request, f"«{source.name}» اکنون خوانده نمی‌شود (غیرفعال است یا خوراک ندارد)."
        )
    return redirect("monitoring:source_edit", pk=source.pk)


# --- articles ----------------------------------------------------------------------------------


@monitor_required
def articles(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilters.parse(request.GET)
    floor = selectors.search_floor() if filters.q else None
    items = selectors.article_list(**filters.for_selector(), floor=floor)
    page = paginate(request, items, PER_PAGE)
    context = {
        "page": page,
        "filters": filters,
        "outlets": selectors.outlets(),
        "window": selectors.SEARCH_WINDOW if floor is not None else None,
    }
    return render(request, "monitoring/articles.html", context)


@monitor_required
def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.article_get(pk)
    if item is None:
        raise Http404
    siblings = (
        [a for a in selectors.story_articles(item.story, 50) if a.pk != item.pk]
        if item.story
        else []
    )
    mentions = list(selectors.mention_list(request.user, article=item.pk)[:50])
    original = item.original if isinstance(item.original, dict) else {}
    context = {
        "article": item,
        "siblings": siblings,
        "mentions": _labelled_mentions(request.user, mentions),
        "original": {k: str(original.get(k, "") or "") for k in ("title", "lead", "body")},
    }
    return render(request, "monitoring/article.html", context)


# --- stories -----------------------------------------------------------------------------------


@monitor_required
def stories(request: HttpRequest) -> HttpResponse:
    period = story_period(request.GET)
    since = None if period == "all" else timezone.now() - dt.timedelta(days=int(period))
    page = paginate(request, selectors.story_list(since=since), PER_PAGE)
    periods = [("1", "امروز و دیروز"), ("7", "هفت روز"), ("30", "سی روز"), ("all", "همه")]
    return render(
        request, "monitoring/stories.html", {"page": page, "period": period, "periods": periods}
    )


@monitor_required
def story(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.story_get(pk)
    if item is None:
        raise Http404
    timeline = selectors.story_articles(item)
    outlets = selectors.story_outlets(item)
    context = {
        "story": item,
        "timeline": timeline,
        "outlets": outlets,
        "first": timeline[0] if timeline else None,
        "more": item.article_count > len(timeline),
    }
    return render(request, "monitoring/story.html", context)


# --- mentions ----------------------------------------------------------------------------------


@monitor_required
def mentions(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = MentionFilters.parse(request.GET)
    page = paginate(request, selectors.mention_list(user, **filters.for_selector()), PER_PAGE)
    rows = _labelled_mentions(user, list(page.object_list))
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "agencies": selectors.agencies_for_filter(user),
        "watches": selectors.watch_choices(user),
        "tones": [(t, TONE_LABELS[t]) for t in TONE_ORDER],
        "tone_sources": Mention.ToneSource.choices,
    }
    return render(request, "monitoring/mentions.html", context)


# --- watches -----------------------------------------------------------------------------------


@monitor_required
def watch_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.watch_list(request.user), 50)
    return render(request, "monitoring/watches.html", {"page": page})


def _watch_page(request: HttpRequest, watch: Watch | None) -> HttpResponse:
    user = request.user
    agencies: list[Agency] = list(
        permissions.writable_agencies(user).filter(is_active=True).order_by("name")[:1000]
    )
    data = request.POST if request.method == "POST" else None
    initial = WatchForm.initial_for(watch) if watch else None
    form = WatchForm(data, initial=initial, agencies=agencies, watch=watch)
    if data is not None:
        saved = _save(
            request,
            form,
            lambda: watches.watch_save(
                actor=user, data=form.to_input(watch), watch=watch, request=request
            ),
        )
        if saved is not None:
            messages.success(request, f"پایش «{saved.name}» ذخیره شد.")
            return redirect("monitoring:watches")
    elif watch is None and not agencies:
        form.initial["owner"] = MINE
    may_edit = watch is None or (
        permissions.can_label_mentions_for(user, watch.agency)
        if watch.agency
        else watch.owner_id == user.pk
    )
    return render(
        request, "monitoring/watch_form.html", {"form": form, "watch": watch, "may_edit": may_edit}
    )


@monitor_required
def watch_create(request: HttpRequest) -> HttpResponse:
    return _watch_page(request, None)


@monitor_required
def watch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    watch = selectors.watch_get_for(request.user, pk)
    if watch is None:
        raise Http404
    return _watch_page(request, watch)


urlpatterns = [
    path("", home, name="home"),
    path("sources/", source_list, name="sources"),
    path("sources/new/", source_create, name="source_create"),
    path("sources/<int:pk>/", source_edit, name="source_edit"),
    path("sources/<int:pk>/poll/", source_poll, name="source_poll"),
    path("articles/", articles, name="articles"),
    path("articles/<int:pk>/", article, name="article"),
    path("stories/", stories, name="stories"),
    path("stories/<int:pk>/", story, name="story"),
    path("mentions/", mentions, name="mentions"),
    path("watches/", watch_list, name="watches"),
    path("watches/new/", watch_create, name="watch_create"),
    path("watches/<int:pk>/", watch_edit, name="watch_edit"),
]

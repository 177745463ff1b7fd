"""Reads of the monitoring desk: the only module another capability may read monitoring through.

Articles and stories are the media's: any staff member reads them. Mentions, watches and alerts
are an agency's: they are cut to `permissions.visible_agencies(user)`, plus the person's own
saved searches (watches with no agency, owned by them). Every read is bounded: lists are
querysets the views paginate, and everything else is sliced.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ravabet.core import jalali, permissions
from ravabet.core.organisation.models import Agency
from ravabet.monitoring.models import (
    Alert,
    Article,
    IngestRun,
    Mention,
    Source,
    Story,
    Watch,
)
from ravabet.persian import search_key

MAX_QUERY_CHARS = 200  # of a search typed into a filter; the rest is not searched
MAX_QUERY_WORDS = 8
# A text search reads at most the newest this many articles (a LIKE over every text is a scan).
SEARCH_WINDOW = 20_000
UNDECIDED = "undecided"  # the tone filter's word for "not decided yet"
# Fields an article list shows: never its body, original or signature.
ARTICLE_LIST_FIELDS = (
    "id",
    "title",
    "outlet",
    "published_at",
    "published_guessed",
    "story_id",
    "source_id",
)


# --- who sees what ---------------------------------------------------------------------------


def mention_scope(user: Any) -> Q:
    """The mentions a person may see: their agencies', and their own saved searches'."""
    own = Q(agency__isnull=True, watch__owner_id=getattr(user, "pk", None))
    if permissions.sees_all_agencies(user):
        return Q(agency__isnull=False) | own
    return Q(agency__in=permissions.visible_agencies(user)) | own


def watch_scope(user: Any) -> Q:
    own = Q(agency__isnull=True, owner_id=getattr(user, "pk", None))
    if permissions.sees_all_agencies(user):
        return Q(agency__isnull=False) | own
    return Q(agency__in=permissions.visible_agencies(user)) | own


def query_key(q: str) -> str:
    """The search key of what was typed, bounded in characters and words ("" for none)."""
    words = search_key(q[:MAX_QUERY_CHARS]).split()[:MAX_QUERY_WORDS]
    return " ".join(words)


def _words(field: str, key: str) -> Q:
    """`key` as a run of whole words of a search-key field (one line of space-separated words):
    «تهران» is found in «استان تهران امروز» but not in «تهرانی»."""
    return (
        Q(**{field: key})
        | Q(**{f"{field}__startswith": key + " "})
        | Q(**{f"{field}__contains": f" {key} "})
        | Q(**{f"{field}__endswith": " " + key})
    )


def _days(field: str, since: dt.date | None, until: dt.date | None) -> Q:
    """From the first moment of the Tehran day `since` to the last of the day `until`."""
    period = Q()
    if since:
        period &= Q(**{f"{field}__gte": jalali.start_of_day(since)})
    if until:
        period &= Q(**{f"{field}__lt": jalali.start_of_day(until + dt.timedelta(days=1))})
    return period


# --- articles and stories ----------------------------------------------------------------------


def search_floor() -> int | None:
    """The smallest article id a text search reads (None: it reads them all)."""
    ids = list(
        Article.objects.order_by("-id").values_list("id", flat=True)[
            SEARCH_WINDOW - 1 : SEARCH_WINDOW
        ]
    )
    return ids[0] if ids else None


def article_list(
    *,
    q: str = "",
    outlet: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    has_story: bool | None = None,
    floor: int | None = None,
) -> QuerySet[Article]:
    """Articles, newest first; `q` is matched as a run of whole words of the text's search key,
    in the articles from id `floor` on (`search_floor()`)."""
    qs = Article.objects.only(*ARTICLE_LIST_FIELDS)
    key = query_key(q)
    if key:
        qs = qs.filter(_words("search_text", key))
        if floor is not None:
            qs = qs.filter(pk__gte=floor)
    if outlet:
        qs = qs.filter(outlet=outlet)
    qs = qs.filter(_days("published_at", since, until))
    if has_story is not None:
        qs = qs.filter(story__isnull=not has_story)
    return qs.order_by("-published_at", "-id")


def outlets(limit: int = 300) -> list[str]:
    """The outlets with the most articles, for a filter's choices."""
    rows = (
        Article.objects.values("outlet")
        .annotate(n=Count("id"))
        .order_by("-n", "outlet")
        .values_list("outlet", flat=True)[:limit]
    )
    return sorted(rows)


def article_get(pk: int) -> Article | None:
    return Article.objects.select_related("source", "story").filter(pk=pk).first()


def story_articles(story: Story, limit: int = 200) -> list[Article]:
    """A story's articles in the order they appeared (its timeline), bounded."""
    return list(story.articles.only(*ARTICLE_LIST_FIELDS).order_by("published_at", "id")[:limit])


def story_list(*, since: dt.datetime | None) -> QuerySet[Story]:
    """Stories told by the most outlets first (then the most articles), those seen since."""
    qs = Story.objects.select_related("narrative")
    if since is not None:
        qs = qs.filter(last_seen_at__gte=since)
    return qs.order_by("-outlet_count", "-article_count", "-last_seen_at", "-id")


def story_get(pk: int) -> Story | None:
    return Story.objects.select_related("narrative").filter(pk=pk).first()


@dataclass
class OutletRow:
    outlet: str
    articles: int
    first: dt.datetime
    last: dt.datetime


def story_outlets(story: Story, limit: int = 200) -> list[OutletRow]:
    """The story's outlets, the first to publish it first."""
    rows = (
        story.articles.values("outlet")
        .annotate(n=Count("id"), first=Min("published_at"), last=Max("published_at"))
        .order_by("first", "outlet")[:limit]
    )
    return [OutletRow(r["outlet"], r["n"], r["first"], r["last"]) for r in rows]


# --- mentions and watches ----------------------------------------------------------------------


def mention_list(
    user: Any,
    *,
    agency: int | None = None,
    tone: str = "",
    tone_source: str = "",
    watch: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: str = "",
    article: int | None = None,
) -> QuerySet[Mention]:
    """The mentions a person may see, newest article first, filtered."""
    qs = Mention.objects.filter(mention_scope(user))
    if agency:
        qs = qs.filter(agency_id=agency)
    if tone == UNDECIDED:
        qs = qs.filter(tone__isnull=True)
    elif tone in Mention.Tone.values:
        qs = qs.filter(tone=tone)
    if tone_source in Mention.ToneSource.values:
        qs = qs.filter(tone_source=tone_source)
    if watch:
        qs = qs.filter(watch_id=watch)
    if article:
        qs = qs.filter(article_id=article)
    qs = qs.filter(_days("article__published_at", since, until))
    key = query_key(q)
    if key:
        qs = qs.filter(_words("article__search_text", key))
    return (
        qs.select_related("agency", "watch", "labelled_by", "article")
        .defer(
            "article__body",
            "article__original",
            "article__signature",
            "article__search_text",
            "article__lead",
        )
        .order_by("-article__published_at", "-id")
    )


def watch_list(user: Any) -> QuerySet[Watch]:
    return (
        Watch.objects.filter(watch_scope(user))
        .select_related("agency", "owner")
        .annotate(mention_count=Count("mentions"))
        .order_by("agency__name", "name", "id")
    )


def watch_get_for(user: Any, pk: int) -> Watch | None:
    """A watch the person may see, or None (another agency's watch is not found)."""
    return Watch.objects.filter(watch_scope(user)).select_related("agency").filter(pk=pk).first()


def watch_choices(user: Any, limit: int = 500) -> list[Watch]:
    return list(Watch.objects.filter(watch_scope(user)).order_by("name", "id")[:limit])


# --- sources -----------------------------------------------------------------------------------


def source_list() -> QuerySet[Source]:
    return Source.objects.annotate(article_count=Count("articles")).order_by("name", "id")


def source_runs(source: Source, limit: int = 20) -> list[IngestRun]:
    return list(source.runs.order_by("-started_at", "-id")[:limit])


def source_health(source: Source) -> str:
    """The badge: disabled when switched off, otherwise the health the last poll recorded."""
    return Source.Health.DISABLED if not source.is_active else source.health


# --- the overview ------------------------------------------------------------------------------

TONES = (*Mention.Tone.values, UNDECIDED)


@dataclass
class Overview:
    articles_today: int
    articles_week: int
    stories_week: int
    mentions_today: Counter[str]
    mentions_week: Counter[str]
    daily: list[tuple[dt.date, Counter[str]]]  # oldest first
    open_alerts: int
    failing_sources: int
    sources: int
    by_agency: list[tuple[str, Counter[str]]] = field(default_factory=list)


def _tone_counts(rows: Any) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row["tone"] or UNDECIDED] += row["n"]
    return counts


def overview(user: Any, *, now: dt.datetime | None = None, days: int = 14) -> Overview:
    """The desk's figures for a person: a handful of aggregate queries, none of them per row."""
    now = now or timezone.now()
    today = jalali.to_local(now).date()
    day_start = jalali.start_of_day(today)
    week_start = jalali.start_of_day(today - dt.timedelta(days=6))
    first_day = today - dt.timedelta(days=days - 1)
    mentions = Mention.objects.filter(mention_scope(user))
    articles = Article.objects.filter(published_at__lte=now)
    daily_rows = (
        mentions.filter(
            article__published_at__gte=jalali.start_of_day(first_day),
            article__published_at__lte=now,
        )
        .annotate(day=TruncDate("article__published_at", tzinfo=jalali.local_tz()))
        .values("day", "tone")
        .annotate(n=Count("id"))
        .order_by()[: days * len(TONES)]
    )
    per_day: dict[dt.date, Counter[str]] = {
        first_day + dt.timedelta(days=i): Counter() for i in range(days)
    }
    for row in daily_rows:
        if row["day"] in per_day:
            per_day[row["day"]][row["tone"] or UNDECIDED] += row["n"]
    week_mentions = mentions.filter(article__published_at__gte=week_start)
    by_agency: list[tuple[str, Counter[str]]] = []
    if permissions.sees_all_agencies(user):
        grouped: dict[str, Counter[str]] = {}
        for row in (
            week_mentions.filter(agency__isnull=False)
            .values("agency__short_name", "agency__name", "tone")
            .annotate(n=Count("id"))
            .order_by()[:2_000]
        ):
            name = row["agency__short_name"] or row["agency__name"]
            grouped.setdefault(name, Counter())[row["tone"] or UNDECIDED] += row["n"]
        by_agency = sorted(grouped.items(), key=lambda kv: -sum(kv[1].values()))[:30]
    agencies = permissions.visible_agencies(user)
    source_rows = Source.objects.filter(is_active=True).values("health").annotate(n=Count("id"))
    health = {r["health"]: r["n"] for r in source_rows}
    return Overview(
        articles_today=articles.filter(published_at__gte=day_start).count(),
        articles_week=articles.filter(published_at__gte=week_start).count(),
        stories_week=Story.objects.filter(last_seen_at__gte=week_start).count(),
        mentions_today=_tone_counts(
            mentions.filter(article__published_at__gte=day_start)
            .values("tone")
            .annotate(n=Count("id"))
            .order_by()
        ),
        mentions_week=_tone_counts(week_mentions.values("tone").annotate(n=Count("id")).order_by()),
        daily=sorted(per_day.items()),
        open_alerts=Alert.objects.filter(ended_at__isnull=True)
        .filter(
            Q(agency__in=agencies)
            | Q(watch__agency__isnull=True, watch__owner_id=getattr(user, "pk", None))
        )
        .count(),
        failing_sources=health.get(Source.Health.FAILING, 0),
        sources=sum(health.values()),
        by_agency=by_agency,
    )


def latest_mentions(user: Any, limit: int = 10) -> list[Mention]:
    return list(mention_list(user)[:limit])


def big_stories(*, now: dt.datetime | None = None, days: int = 3, limit: int = 10) -> list[Story]:
    now = now or timezone.now()
    return list(story_list(since=now - dt.timedelta(days=days)).filter(outlet_count__gt=1)[:limit])


def agencies_for_filter(user: Any, limit: int = 1000) -> list[Agency]:
    return list(permissions.visible_agencies(user).order_by("name")[:limit])


# --- the needs report (surveys) -------------------------------------------------------------

NEEDS_MAX_NARRATIVES = 20


def needs_evidence(user: Any, agency: Agency, start: dt.datetime, end: dt.datetime) -> list[Any]:
    """The narratives the media carried about `agency` from `start` to `end` (end excluded),
    for the needs report: one topic a narrative of the latest build whose stories hold
    articles published in the period that mention the agency, weighed by those mentions, its
    detail the share of them with a negative tone, linked to the narrative's page. Nothing
    for someone who may not monitor or may not see the agency."""
    from django.urls import reverse

    from ravabet.core.registry import NeedsEvidence
    from ravabet.monitoring.models import Narrative
    from ravabet.persian import to_persian_digits

    if not permissions.can_monitor(user) or not permissions.can_view_agency(user, agency):
        return []
    rows = list(
        Mention.objects.filter(
            agency=agency,
            article__published_at__gte=start,
            article__published_at__lt=end,
            article__story__narrative__isnull=False,
        )
        .values("article__story__narrative")
        .annotate(
            n=Count("pk"),
            articles=Count("article", distinct=True),
            negative=Count("pk", filter=Q(tone=Mention.Tone.NEGATIVE)),
        )
        .order_by("-n", "article__story__narrative")[:NEEDS_MAX_NARRATIVES]
    )
    narratives = Narrative.objects.in_bulk([row["article__story__narrative"] for row in rows])
    found = []
    for row in rows:
        narrative = narratives.get(row["article__story__narrative"])
        if narrative is None:
            continue
        share = round(100 * row["negative"] / row["n"])
        found.append(
            NeedsEvidence(
                topic=narrative.label,
                weight=float(row["n"]),
                detail=(
                    f"{to_persian_digits(str(row['n']))} بازتاب در "
                    f"{to_persian_digits(str(row['articles']))} خبر؛ "
                    f"{to_persian_digits(str(share))}٪ منفی"
                ),
                links=(
                    (
                        f"روایت «{narrative.label}»",
                        reverse("monitoring:narrative", args=[narrative.pk]),
                    ),
                ),
            )
        )
    return found

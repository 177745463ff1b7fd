"""Narratives: stories grouped into topics whose words rise together over a window.

`build(start=, end=)` takes the stories with articles published in the window (the
`MAX_STORIES` largest), makes one document a story from its articles' normalized title, lead
and the head of the body, keeps the words (ravabet.persian tokens, lemmatized, Persian stop
words removed before and after lemmatizing), weighs them by TF-IDF and factors the matrix with
NMF (scikit-learn): each factor is a topic, its heaviest words the topic's words. A story goes
to its strongest topic when its weight there reaches `WEIGHT_FLOOR`; a topic without stories
is dropped. The build replaces the previous one in one short transaction (Narrative rows, and
Story.narrative set in chunks), so the pages always read one complete build.

Reads for the pages: `current()` (the build's narratives and window), `attention()` (per day,
or per week past `DAILY_UP_TO` days, the share of ALL articles of the period that belong to
each topic's stories), `rising()` (last `RISING_DAYS` days' share against the window's),
`top_sources()` (outlets by article count) and `top_words()` (the topics' words weighted by
their articles).

The daily task `rebuild_narratives` (04:00) builds the last `DEFAULT_DAYS` days; the
directorate may ask for a rebuild of 7, 30 or 90 days (`request_rebuild`), which marks the
build "being built" in the cache until the task ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, jalali, permissions
from ravabet.monitoring.models import Article, Narrative, Story
from ravabet.persian import dates as pdates
from ravabet.persian import lemmatize, stopwords, to_persian_digits, tokenize

logger = logging.getLogger(__name__)

# Bounds of one build.
MAX_STORIES = 5_000
ARTICLES_PER_STORY = 5  # the story's first articles in the window make its document
MAX_ROWS = 60_000
BODY_CHARS = 400
MAX_FEATURES = 20_000
# Topics: one per STORIES_PER_TOPIC stories, between MIN_TOPICS and MAX_TOPICS.
MIN_TOPICS, MAX_TOPICS, STORIES_PER_TOPIC = 2, 12, 20
MIN_STORIES = 4  # fewer stories in the window: no topics are worth finding
# A story's weight in its strongest topic (its document has length 1, the topic's words too).
WEIGHT_FLOOR = 0.1
TOP_TERMS = 12
LABEL_TERMS = 3
SEED = 1404

DEFAULT_DAYS = 30
PRESETS = (7, 30, 90)
MAX_DAYS = 366
DAILY_UP_TO = 45  # longer windows are shown week by week
RISING_DAYS = 7
RISING_FACTOR = 1.5
RISING_MIN_ARTICLES = 3

BUILDING_KEY = "monitoring:narratives:building"
BUILDING_TIMEOUT = 3600
DIRECTORATE_ONLY = "بازسازی روایت‌ها ویژهٔ روابط عمومی استانداری است."


# --- words ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=200_000)
def _word(token: str) -> str:
    """A token's lemma, or "" when it carries no topic (stop word, number, one letter)."""
    if len(token) < 2 or not token[0].isalpha() or token in stopwords:
        return ""
    lemma = lemmatize(token)
    if len(lemma) < 2 or lemma in stopwords:
        return ""
    return lemma


def _shown(lemma: str, surfaces: dict[str, Counter[str]]) -> str:
    written = surfaces.get(lemma)
    return written.most_common(1)[0][0] if written else lemma


def words(text: str) -> list[str]:
    """The topic-bearing words of a normalized text, in order (repeats kept)."""
    return [w for w in map(_word, tokenize(text)) if w]


# --- the build --------------------------------------------------------------------------------


@dataclass
class BuildResult:
    narratives: int = 0
    stories: int = 0  # stories in the window, documents of the build
    assigned: int = 0  # stories given a narrative
    topics: int = 0  # k asked of NMF
    seconds: dict[str, float] = field(default_factory=dict)


def window_stories(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """story id → its article count in [start, end), the MAX_STORIES largest."""
    rows = (
        Article.objects.filter(published_at__gte=start, published_at__lt=end, story__isnull=False)
        .values("story_id")
        .annotate(n=Count("id"))
        .order_by("-n", "story_id")
        .values_list("story_id", "n")[:MAX_STORIES]
    )
    return dict(rows)


def story_documents(
    start: dt.datetime,
    end: dt.datetime,
    story_ids: Iterable[int],
    surfaces: dict[str, Counter[str]] | None = None,
) -> dict[int, list[str]]:
    """story id → the words (lemmas) of its first ARTICLES_PER_STORY articles in the window;
    `surfaces` collects how each lemma was written (a topic shows its commonest spelling)."""
    ids = list(story_ids)
    texts: dict[int, list[str]] = defaultdict(list)
    seen = surfaces if surfaces is not None else defaultdict(Counter)
    taken: Counter[int] = Counter()
    for chunk_start in range(0, len(ids), 900):
        chunk = ids[chunk_start : chunk_start + 900]
        rows = (
            Article.objects.filter(
                published_at__gte=start, published_at__lt=end, story_id__in=chunk
            )
            .order_by("story_id", "published_at", "id")
            .values_list("story_id", "title", "lead", Substr("body", 1, BODY_CHARS))[:MAX_ROWS]
        )
        for story_id, title, lead, body in rows:
            if taken[story_id] >= ARTICLES_PER_STORY:
                continue
            taken[story_id] += 1
            found = texts[story_id]
            for token in tokenize(f"{title}\n{lead}\n{body or ''}"):
                lemma = _word(token)
                if lemma:
                    found.append(lemma)
                    seen[lemma][token] += 1
    return texts


def topic_count(documents: int) -> int:
    return max(MIN_TOPICS, min(MAX_TOPICS, documents // STORIES_PER_TOPIC))


def _factor(
    documents: Sequence[list[str]], k: int
) -> tuple[list[tuple[int, float]], list[list[tuple[str, float]]]]:
    """NMF of the TF-IDF matrix: (each document's strongest topic and its weight, each topic's
    words with weights, best first, the best = 1)."""
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(documents)
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc,
        min_df=2 if n >= 40 else 1,
        max_df=0.6,
        max_features=MAX_FEATURES,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # no word left (every document empty, or every word too common)
        return [(-1, 0.0)] * n, []
    k = min(k, matrix.shape[1], n)
    if k < 1:
        return [(-1, 0.0)] * n, []
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=400)
    weights = model.fit_transform(matrix)
    components = model.components_
    norms = np.linalg.norm(components, axis=1)
    norms[norms == 0] = 1.0
    weights = weights * norms  # topics of length 1: a weight is the document's projection
    vocabulary = vectorizer.get_feature_names_out()
    topics: list[list[tuple[str, float]]] = []
    for row in components:
        order = np.argsort(row)[::-1][:TOP_TERMS]
        best = float(row[order[0]]) or 1.0
        topics.append(
            [(str(vocabulary[j]), round(float(row[j]) / best, 4)) for j in order if row[j] > 0]
        )
    strongest = weights.argmax(axis=1)
    return [(int(t), float(weights[i, t])) for i, t in enumerate(strongest)], topics


def build(*, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> BuildResult:
    """Find the topics of the stories published in [start, end) and replace the narratives."""
    result = BuildResult()
    clock = time.perf_counter()
    sizes = window_stories(start, end)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    texts = story_documents(start, end, sizes, surfaces)
    story_ids = [s for s in sizes if texts.get(s)]
    result.stories = len(sizes)
    result.seconds["read"] = time.perf_counter() - clock

    clock = time.perf_counter()
    groups: dict[int, list[int]] = defaultdict(list)
    topics: list[list[tuple[str, float]]] = []
    if len(story_ids) >= MIN_STORIES:
        result.topics = topic_count(len(story_ids))
        best, topics = _factor([texts[s] for s in story_ids], result.topics)
        for story_id, (topic, weight) in zip(story_ids, best, strict=True):
            if topic >= 0 and weight >= WEIGHT_FLOOR:
                groups[topic].append(story_id)
        # A lemma is shown as it was most often written («باختن» as «باخت»).
        topics = [[(_shown(word, surfaces), weight) for word, weight in terms] for terms in topics]
    result.seconds["topics"] = time.perf_counter() - clock

    clock = time.perf_counter()
    built_at = now or timezone.now()
    rows = [
        (
            Narrative(
                label="، ".join(word for word, _ in topics[t][:LABEL_TERMS])[:300],
                terms=[[word, weight] for word, weight in topics[t]],
                window_start=start,
                window_end=end,
                story_count=len(groups[t]),
                article_count=sum(sizes[s] for s in groups[t]),
            ),
            groups[t],
        )
        for t in sorted(groups)
        if topics[t]
    ]
    with transaction.atomic():
        Story.objects.filter(narrative__isnull=False).update(narrative=None)
        Narrative.objects.all().delete()
        created = Narrative.objects.bulk_create([narrative for narrative, _ in rows])
        for narrative, (_, members) in zip(created, rows, strict=True):
            for i in range(0, len(members), 900):
                Story.objects.filter(pk__in=members[i : i + 900]).update(narrative=narrative)
        if now is not None:  # built_at is auto_now_add: pin it when the caller gives the time
            Narrative.objects.update(built_at=built_at)
    result.narratives = len(created)
    result.assigned = sum(len(members) for _, members in rows)
    result.seconds["write"] = time.perf_counter() - clock
    return result


def default_window(
    now: dt.datetime | None = None, days: int = DEFAULT_DAYS
) -> tuple[dt.datetime, dt.datetime]:
    end = now or timezone.now()
    return end - dt.timedelta(days=days), end


def period_window(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Tehran days `first` to `last`, both whole: [first's midnight, the midnight after last)."""
    return jalali.start_of_day(first), jalali.start_of_day(last + dt.timedelta(days=1))


@task()
def rebuild_narratives(days: int = DEFAULT_DAYS, first: str = "", last: str = "") -> int:
    """The periodic build (04:00: the last `days` days) and the directorate's "rebuild now"
    (a preset, or the Tehran days `first` to `last`, ISO dates)."""
    try:
        if first and last:
            start, end = period_window(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        else:
            start, end = default_window(days=max(1, min(int(days), MAX_DAYS)))
        result = build(start=start, end=end)
        logger.info(
            "narratives: %s topics over %s stories in %s",
            result.narratives,
            result.stories,
            {k: round(v, 2) for k, v in result.seconds.items()},
        )
        return result.narratives
    finally:
        cache.delete(BUILDING_KEY)


@permissions.guarded(permissions.sees_all_agencies, message=DIRECTORATE_ONLY)
def request_rebuild(
    *,
    actor: Any,
    days: int = DEFAULT_DAYS,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> None:
    """The directorate asks for a build now: over the last `days` days (one of PRESETS), or
    over the Tehran days `first` to `last` (checked by the form: in order, at most MAX_DAYS)."""
    permissions.require(permissions.sees_all_agencies(actor), DIRECTORATE_ONLY)
    if days not in PRESETS:
        days = DEFAULT_DAYS
    period = (first.isoformat(), last.isoformat()) if first and last else ("", "")
    audit.record(
        actor=actor,
        action="narratives.rebuild",
        data={"days": days, "first": period[0], "last": period[1]},
    )
    cache.set(BUILDING_KEY, {"days": days, "at": timezone.now().isoformat()}, BUILDING_TIMEOUT)
    transaction.on_commit(lambda: rebuild_narratives.enqueue(days, *period))


def is_building() -> bool:
    return cache.get(BUILDING_KEY) is not None


# --- reads for the pages ----------------------------------------------------------------------


@dataclass
class Build:
    narratives: list[Narrative]
    start: dt.datetime
    end: dt.datetime
    built_at: dt.datetime


def current() -> Build | None:
    """The latest build's narratives (largest first), or None before the first build."""
    narratives = list(Narrative.objects.order_by("-article_count", "id")[: MAX_TOPICS * 2])
    if not narratives:
        return None
    first = narratives[0]
    return Build(narratives, first.window_start, first.window_end, first.built_at)


def _day(value: dt.datetime) -> dt.date:
    return jalali.to_local(value).date()


@dataclass
class Attention:
    """Periods (oldest first) and, per narrative id, its share of all articles in each."""

    labels: list[str]
    totals: list[int]
    counts: dict[int, list[int]]
    shares: dict[int, list[float]]


def _periods(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, int, int]:
    """(first day, days in a period, number of periods)."""
    first, last = _day(start), _day(end)
    days = (last - first).days + 1
    step = 1 if days <= DAILY_UP_TO else 7
    return first, step, (days + step - 1) // step


def short_day(day: dt.date) -> str:
    """«۰۲/۳۰»: a Jalali month and day, for a chart's categories."""
    j = pdates.to_jalali(day)
    return to_persian_digits(f"{j.month:02d}/{j.day:02d}")


def attention(narratives: Sequence[Narrative], start: dt.datetime, end: dt.datetime) -> Attention:
    """Per period, the articles of each narrative's stories over ALL articles published then.
    Every article is in at most one story and a story in at most one narrative: a period's
    shares sum to at most 1."""
    first, step, count = _periods(start, end)
    tz = jalali.local_tz()
    window = Article.objects.filter(published_at__gte=start, published_at__lt=end)
    day = TruncDate("published_at", tzinfo=tz)
    totals = [0] * count
    for d, n in window.annotate(d=day).values("d").annotate(n=Count("id")).values_list("d", "n"):
        index = (d - first).days // step
        if 0 <= index < count:
            totals[index] += n
    ids = [n.pk for n in narratives]
    counts: dict[int, list[int]] = {pk: [0] * count for pk in ids}
    rows = (
        window.filter(story__narrative_id__in=ids)
        .annotate(d=day)
        .values("story__narrative_id", "d")
        .annotate(n=Count("id"))
        .values_list("story__narrative_id", "d", "n")
    )
    for pk, d, n in rows:
        index = (d - first).days // step
        if 0 <= index < count:
            counts[pk][index] += n
    shares = {
        pk: [c / t if t else 0.0 for c, t in zip(row, totals, strict=True)]
        for pk, row in counts.items()
    }
    labels = [short_day(first + dt.timedelta(days=i * step)) for i in range(count)]
    return Attention(labels, totals, counts, shares)


def rising(
    narratives: Sequence[Narrative], start: dt.datetime, end: dt.datetime
) -> dict[int, tuple[float, float]]:
    """narrative id → (share of the last RISING_DAYS days, share of the window) for the
    narratives whose recent share is RISING_FACTOR times the window's (and that have at least
    RISING_MIN_ARTICLES recent articles). Empty when the window is no longer than that."""
    recent_start = max(start, end - dt.timedelta(days=RISING_DAYS))
    if recent_start <= start:
        return {}
    ids = [n.pk for n in narratives]
    window = Article.objects.filter(published_at__gte=start, published_at__lt=end)
    recent = window.filter(published_at__gte=recent_start)
    all_window, all_recent = window.count(), recent.count()
    if not all_window or not all_recent:
        return {}

    def by_narrative(rows: QuerySet[Article]) -> dict[int, int]:
        return dict(
            rows.filter(story__narrative_id__in=ids)
            .values("story__narrative_id")
            .annotate(n=Count("id"))
            .values_list("story__narrative_id", "n")
        )

    in_window, in_recent = by_narrative(window), by_narrative(recent)
    found = {}
    for pk in ids:
        was, now_share = in_window.get(pk, 0) / all_window, in_recent.get(pk, 0) / all_recent
        if in_recent.get(pk, 0) >= RISING_MIN_ARTICLES and now_share >= RISING_FACTOR * was:
            found[pk] = (now_share, was)
    return found


def top_sources(
    start: dt.datetime, end: dt.datetime, narrative: Narrative | None = None, limit: int = 10
) -> list[tuple[str, int]]:
    """Outlets by their articles in the window (in the narrative's stories when one is given)."""
    rows = Article.objects.filter(published_at__gte=start, published_at__lt=end)
    if narrative is not None:
        rows = rows.filter(story__narrative=narrative)
    return list(
        rows.values("outlet")
        .annotate(n=Count("id"))
        .order_by("-n", "outlet")
        .values_list("outlet", "n")[:limit]
    )


def top_words(narratives: Sequence[Narrative], limit: int = 20) -> list[tuple[str, float]]:
    """The build's words overall: each topic's word weights times the topic's share of the
    narrated articles, summed; best first (the best = 1)."""
    total = sum(n.article_count for n in narratives) or 1
    scores: dict[str, float] = defaultdict(float)
    for narrative in narratives:
        share = narrative.article_count / total
        for item in narrative.terms[:TOP_TERMS]:
            if isinstance(item, list) and len(item) == 2:
                scores[str(item[0])] += float(item[1]) * share
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    best = ranked[0][1] if ranked and ranked[0][1] else 1.0
    return [(word, score / best) for word, score in ranked]


def narrative_stories(narrative: Narrative, limit: int = 50) -> QuerySet[Story]:
    return narrative.stories.order_by("-article_count", "-last_seen_at", "-id")[:limit]

"""An agency's needs report: «آنچه مردم می‌خواهند از ما بدانند».

Each capability that knows something of what people want from an agency registers a needs
source (`core.registry.register_needs_source`): the surveys' own (`survey_evidence`, below),
the citizen desk's and monitoring's (their `selectors.needs_evidence`). The report asks each
one for the period, keeps a source that fails apart (logged, shown as unavailable, never a
500), and merges their topics: two topics whose search keys share words are one topic (a
topic of one or two words needs one word in common, a longer one two). A merged topic's
combined weight adds, for each source that carried it, its weight over the source's heaviest
topic, so a source with thousands of articles does not drown one with a hundred answers.

Surveys never import the desk or monitoring: they reach the report only through the
registry, and with only surveys installed the report still works.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from ravabet.core import permissions, registry
from ravabet.core.registry import NeedsEvidence
from ravabet.persian import (
    lemmatize,
    normalize,
    search_key,
    stopwords,
    to_persian_digits,
    tokenize,
)
from ravabet.surveys.models import CHOICE_KINDS, Answer, Question, Response, Survey

logger = logging.getLogger(__name__)

# What one source may bring to one report, whatever it returns.
MAX_ITEMS = 40
MAX_LINKS = 8
MAX_TOPIC_CHARS = 200
MAX_DETAIL_CHARS = 300
# Survey text answers read for one report (the newest first) and the characters of each.
MAX_TEXT_ANSWERS = 5000
MAX_TEXT_CHARS = 2000
MAX_WORDS = 10
# A word of fewer answers than this is no finding (and could point at one respondent).
MIN_WORD_ANSWERS = 3
# Words every answer to a government survey is full of (question words, "sooner", "day"):
# no topic on their own.
GENERIC_WORDS = frozenset(
    search_key(w)
    for w in (
        "دستگاه",
        "مردم",
        "سوال",
        "پرسش",
        "لطفا",
        "خیلی",
        "چیزی",
        "کار",
        "وقت",
        "شما",
        "کی",
        "کجا",
        "چطور",
        "چگونه",
        "چقدر",
        "چرا",
        "زودتر",
        "دیرتر",
        "روز",
        "دست‌کم",
        "کاش",
        "فقط",
        "همه",
        "اعلام",
    )
)
TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)


def _fa(value: int) -> str:
    return to_persian_digits(f"{value:,}".replace(",", "٬"))


def _results_link(survey_id: int, title: str) -> tuple[str, str]:
    return (f"نتایج «{title[:80]}»", f"/backoffice/surveys/{survey_id}/results/")


# --- the surveys' own evidence -----------------------------------------------------------------


def _responses(agency: Any, start: dt.datetime, end: dt.datetime) -> Any:
    """Complete responses of the period to the agency's surveys, and the agency's own answers
    to network surveys of others."""
    return Response.objects.filter(
        Q(survey__agency=agency) | Q(survey__audience=Survey.Audience.NETWORK, agency=agency),
        status=Response.Status.COMPLETE,
        submitted_at__gte=start,
        submitted_at__lt=end,
    )


def frequent_words(
    texts: Iterable[str], *, limit: int = MAX_WORDS, minimum: int = MIN_WORD_ANSWERS
) -> list[tuple[str, int]]:
    """The words most texts share: (the word as most wrote it, in how many texts), stop words,
    verbs and GENERIC_WORDS dropped, variants («قطعی‌ها»، «قطعي») counted as one through the
    search key of their lemma, and words always found together joined into one topic."""
    holders: dict[str, list[int]] = {}
    shapes: dict[str, Counter[str]] = {}
    for index, text in enumerate(texts):
        seen: set[str] = set()
        for token in tokenize(normalize(text[:MAX_TEXT_CHARS])):
            if not token[0].isalpha() or token in stopwords:
                continue
            lemma = lemmatize(token).rstrip("\u0654")
            key = search_key(lemma)
            if lemma in stopwords or len(key) < 2 or key in GENERIC_WORDS or key in seen:
                continue
            if lemma != token and lemma.endswith(("دن", "تن")):
                continue  # a verb («می‌گیرید» → «گرفتن»): no topic
            seen.add(key)
            holders.setdefault(key, []).append(index)
            shapes.setdefault(key, Counter())[lemma] += 1
    # Words always found in the same texts are one topic («انشعاب فاضلاب»).
    together: dict[tuple[int, ...], list[str]] = {}
    for key, indexes in holders.items():
        if len(indexes) >= minimum:
            together.setdefault(tuple(indexes), []).append(shapes[key].most_common(1)[0][0])
    ranked = sorted(together.items(), key=lambda item: -len(item[0]))[:limit]
    return [(" ".join(words), len(indexes)) for indexes, words in ranked]


def survey_evidence(
    user: Any, agency: Any, start: dt.datetime, end: dt.datetime
) -> list[NeedsEvidence]:
    """What the agency's surveys found in the period (complete responses submitted from
    `start` to `end`, end excluded; for network surveys of others, the agency's own staff's
    answers): the themes its free-text answers were tagged with, the words many text answers
    share, and the top choice of each choice question; each linked to its survey's results.
    Nothing for someone who may not see the agency; a results link only where they may open
    it."""
    if not permissions.can_view_agency(user, agency):
        return []
    responses = _responses(agency, start, end)
    titles = dict(
        Survey.objects.filter(pk__in=responses.values("survey_id")).values_list("pk", "title")
    )
    owners = dict(Survey.objects.filter(pk__in=list(titles)).values_list("pk", "agency_id"))
    visible = set(permissions.visible_agencies(user).values_list("pk", flat=True))

    def links(survey_id: int) -> tuple[tuple[str, str], ...]:
        if owners.get(survey_id) in visible:
            return (_results_link(survey_id, titles[survey_id]),)
        return ()

    answers = Answer.objects.filter(response__in=responses)
    found: list[NeedsEvidence] = []
    # Themes tagged on free-text answers.
    themes = (
        answers.filter(themes__isnull=False)
        .values("response__survey_id", "themes__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "themes__name")[:MAX_ITEMS]
    )
    for row in themes:
        survey_id = row["response__survey_id"]
        found.append(
            NeedsEvidence(
                topic=row["themes__name"],
                weight=float(row["n"]),
                detail=f"مضمون {_fa(row['n'])} پاسخ متنی در «{titles[survey_id]}»",
                links=links(survey_id),
            )
        )
    # Words many text answers share, survey by survey.
    texts: dict[int, list[str]] = {}
    rows = (
        answers.filter(question__kind__in=TEXT_KINDS)
        .exclude(text="")
        .order_by("-response__submitted_at", "-pk")
        .values_list("response__survey_id", "text")[:MAX_TEXT_ANSWERS]
    )
    for survey_id, text in rows:
        texts.setdefault(survey_id, []).append(text)
    for survey_id, group in texts.items():
        for word, n in frequent_words(group):
            found.append(
                NeedsEvidence(
                    topic=word,
                    weight=float(n),
                    detail=f"در {_fa(n)} پاسخ متنی «{titles[survey_id]}»",
                    links=links(survey_id),
                )
            )
    # The top choice of each choice question (matrix and ranking aside).
    choices = (
        answers.filter(
            question__kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE],
            option__isnull=False,
        )
        .values("question_id", "question__text", "response__survey_id", "option__label")
        .annotate(n=Count("pk"))
        .order_by("question_id", "-n", "option__label")
    )
    answered = dict(
        answers.filter(question__kind__in=CHOICE_KINDS)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    done: set[int] = set()
    for row in choices:
        question_id = row["question_id"]
        if question_id in done:
            continue
        done.add(question_id)
        total = answered.get(question_id) or row["n"]
        share = round(100 * row["n"] / total)
        found.append(
            NeedsEvidence(
                topic=row["option__label"],
                weight=float(row["n"]),
                detail=(
                    f"پاسخ نخست «{row['question__text'][:120]}»: {_fa(row['n'])} از "
                    f"{_fa(total)} پاسخ‌دهنده ({to_persian_digits(str(share))}٪)"
                ),
                links=links(row["response__survey_id"]),
            )
        )
    found.sort(key=lambda e: (-e.weight, e.topic))
    return found[:MAX_ITEMS]


# --- the report ------------------------------------------------------------------------------


@dataclass
class SourceFindings:
    """One source's part of the report: its findings, or why there are none."""

    key: str
    label: str
    items: list[NeedsEvidence] = field(default_factory=list)
    unavailable: bool = False

    @property
    def empty(self) -> bool:
        return not self.unavailable and not self.items


@dataclass
class Carrier:
    """A source that carried a merged topic: its own topic, weight, detail and links."""

    key: str
    label: str
    evidence: NeedsEvidence


@dataclass
class Topic:
    """A merged topic: its name (the heaviest finding's), its combined weight, the sources
    that carried it."""

    name: str
    weight: float
    carriers: list[Carrier]

    @property
    def source_labels(self) -> list[str]:
        return list(dict.fromkeys(c.label for c in self.carriers))


@dataclass
class Report:
    agency: Any
    start: dt.datetime
    end: dt.datetime
    sources: list[SourceFindings]
    topics: list[Topic]


def _bounded(items: Any) -> list[NeedsEvidence]:
    """A source's findings cut to the report's bounds (a source may return anything)."""
    kept = []
    for item in list(items or [])[:MAX_ITEMS]:
        if not isinstance(item, NeedsEvidence) or not str(item.topic).strip():
            continue
        try:
            weight = max(float(item.weight), 0.0)
        except (TypeError, ValueError):
            continue
        if weight != weight or weight == float("inf"):  # NaN, inf
            continue
        links = tuple(
            (str(label)[:120], str(url)[:500])
            for label, url in list(item.links)[:MAX_LINKS]
            # The platform's own pages only: never another site («//…», «javascript:»).
            if str(url).startswith("/") and not str(url).startswith(("//", "/\\"))
        )
        kept.append(
            NeedsEvidence(
                topic=str(item.topic)[:MAX_TOPIC_CHARS],
                weight=weight,
                detail=str(item.detail)[:MAX_DETAIL_CHARS],
                links=links,
            )
        )
    return kept


def collect(user: Any, agency: Any, start: dt.datetime, end: dt.datetime) -> list[SourceFindings]:
    """Every registered source's findings for the period; a source that raises is logged and
    marked unavailable."""
    parts = []
    for source in registry.needs_sources():
        part = SourceFindings(source.key, source.label)
        try:
            part.items = _bounded(source.evidence(user, agency, start, end))
        except Exception:
            logger.exception("needs source %s failed for agency %s", source.key, agency.pk)
            part.unavailable = True
        parts.append(part)
    return parts


def _keys(topic: str) -> frozenset[str]:
    return frozenset(w for w in search_key(topic).split() if w not in stopwords and len(w) > 1)


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    common = len(a & b)
    return common >= (1 if min(len(a), len(b)) <= 2 else 2)


def merge(parts: list[SourceFindings]) -> list[Topic]:
    """The topics of every source, merged by overlapping search keys, heaviest first."""
    entries: list[tuple[SourceFindings, NeedsEvidence, frozenset[str], float]] = []
    for part in parts:
        top = max((e.weight for e in part.items), default=0.0) or 1.0
        for item in part.items:
            entries.append((part, item, _keys(item.topic), item.weight / top))
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(entries)):
        for j in range(i + 1, len(entries)):
            if entries[i][2] and entries[j][2] and _overlap(entries[i][2], entries[j][2]):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(entries)):
        groups.setdefault(find(i), []).append(i)
    topics = []
    for members in groups.values():
        ordered = sorted(members, key=lambda i: (-entries[i][3], i))
        # Each source counts once a topic: its heaviest finding there.
        weight = 0.0
        counted: set[str] = set()
        for i in ordered:
            if entries[i][0].key not in counted:
                counted.add(entries[i][0].key)
                weight += entries[i][3]
        topics.append(
            Topic(
                name=entries[ordered[0]][1].topic,
                weight=round(weight, 4),
                carriers=[
                    Carrier(entries[i][0].key, entries[i][0].label, entries[i][1]) for i in ordered
                ],
            )
        )
    topics.sort(key=lambda t: (-t.weight, t.name))
    return topics


def report(user: Any, agency: Any, start: dt.datetime, end: dt.datetime) -> Report:
    parts = collect(user, agency, start, end)
    return Report(agency, start, end, parts, merge(parts))

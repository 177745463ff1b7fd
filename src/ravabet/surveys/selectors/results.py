"""A survey's results: counts, shares and figures per question, the word frequency of free-text
answers, themes, a cross-tab of two choice questions, the response rate, and the published
(suppressed) summary.

Only complete responses count (drafts never). `results_for(survey, filter=...)` computes the
owner's live figures: per question kind a list of cells (a label and a count), a mean for the
scales, count/mean/median/min/max and a histogram for numbers, months for dates, a mean rank per
option for a ranking, rows × columns for a matrix, the answered count for texts. A filter
(`question id:option id`) keeps only the responses that chose that option; every figure is
recomputed over them.

Publishing on the portal (`published_results`) keeps fewer figures, and suppresses small
counts with `suppress()`, one pure function over a question's counts:

1. **Primary suppression**: every count under SMALL_COUNT (5), zero included, is shown as
   «کمتر از ۵» and its percentage hidden (the count is dropped from the page's data, not
   only from its text).
2. **No recovery by subtraction**: where a question's cells add up to its shown total (one
   choice, a scale, months, a histogram, a matrix row), the suppressed cells' sum is known
   (total minus the shown cells). As long as some small cell could be worked out exactly
   from that sum (what a reader knows: a small cell is 0–4, a hidden larger one 5 or more and
   no larger than the smallest shown cell), the next smallest shown cell is hidden as well
   (secondary suppression, shown as «پنهان»). A small cell worked out to be 0 is no
   disclosure (nobody chose it), so empty cells do not wipe out a question's figures. If no
   cell is left to hide (every cell small: say all 4s), the question shows no figure at all,
   its total being known from the survey's. Where the cells do not add up (several choices a
   person, theme tags), only step 1 applies.
3. A question whose hidden cells hold answers shows no mean (a mean with the shown counts is
   another sum a small cell could be solved from). Numbers show no median, minimum or maximum
   on the portal (each is one person's answer), and their bins follow the question's own
   range in round steps, not the answers' extremes. Free-text answers are never published
   (their theme counts are, from SMALL_COUNT answers up), and a survey with fewer than
   SMALL_COUNT complete responses shows only «پاسخ‌ها برای انتشار کم است».
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.safestring import SafeString

from ravabet.core import charts, jalali
from ravabet.persian import dates as pdates
from ravabet.persian import search_key, to_persian_digits, word_counts
from ravabet.surveys.models import (
    CHOICE_KINDS,
    LIKERT,
    Answer,
    Option,
    Question,
    Response,
    Survey,
    Theme,
)

__all__ = [
    "HIDDEN",
    "SMALL",
    "SMALL_COUNT",
    "Cell",
    "CrossTab",
    "QuestionResult",
    "RateFigures",
    "Results",
    "ResultsFilter",
    "complete_responses",
    "crosstab",
    "crosstab_questions",
    "parse_filter",
    "published_results",
    "question_chart",
    "question_words",
    "rate_charts",
    "response_rate",
    "results_for",
    "suppress",
    "text_answers",
    "theme_counts",
    "word_frequency",
]

# Cells under this count are not shown on the portal; a survey with fewer complete responses
# publishes nothing but a sentence.
SMALL_COUNT = 5
SMALL = "small"  # primary: the count is under SMALL_COUNT
HIDDEN = "hidden"  # secondary: hidden so the small ones cannot be worked out
# Bounds of what one results page reads and draws.
MAX_OTHER_TEXTS = 20
MAX_WORD_TEXTS = 5_000
MAX_WORDS = 30
HISTOGRAM_BINS = 8
MAX_RATE_DAYS = 60
CHART_WIDTH = 560

SCALE_KINDS = (Question.Kind.LIKERT, Question.Kind.RATING5, Question.Kind.RATING10)
TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
CROSSTAB_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
OTHER_LABEL = "سایر"


# --- suppression: one pure function ----------------------------------------------------------


@dataclass(frozen=True)
class Suppressed:
    """What `suppress` decided: per cell "" (shown), SMALL or HIDDEN; whether the total is
    hidden too."""

    marks: tuple[str, ...]
    total_hidden: bool

    @property
    def any(self) -> bool:
        return self.total_hidden or any(self.marks)


def _determined(counts: Sequence[int], marks: Sequence[str], total: int) -> bool:
    """Whether a reader who sees the shown cells and the total could work out a small cell
    (1 to 4 people): each small cell lies in 0..SMALL_COUNT-1, each secondary one in
    SMALL_COUNT..(the smallest shown cell, or the total), and together they make total − shown.
    Integer ranges under a fixed sum: a cell's possible values are one range, so it is worked
    out when that range is a single value. A small cell worked out to be 0 gives no one away
    (nobody chose it), so it needs no more hiding."""
    hidden = [i for i, mark in enumerate(marks) if mark]
    if not hidden:
        return False
    shown = [c for c, mark in zip(counts, marks, strict=True) if not mark]
    rest = total - sum(shown)
    ceiling = min(shown) if shown else total
    ranges = [
        (0, SMALL_COUNT - 1) if marks[i] == SMALL else (SMALL_COUNT, max(ceiling, SMALL_COUNT))
        for i in hidden
    ]
    low_sum = sum(r[0] for r in ranges)
    high_sum = sum(r[1] for r in ranges)
    for i, (low, high) in zip(hidden, ranges, strict=True):
        least = max(low, rest - (high_sum - high))
        most = min(high, rest - (low_sum - low))
        if marks[i] == SMALL and least >= most and most > 0:
            return True
    return False


def suppress(counts: Sequence[int], *, total: int | None = None) -> Suppressed:
    """Which of one question's counts the portal may show (see the module's docstring).

    `total`: the shown total the counts add up to (one choice a person), or None when they do
    not (several choices, tags): then only the small counts are hidden."""
    marks = [SMALL if c < SMALL_COUNT else "" for c in counts]
    if total is None or not any(marks):
        return Suppressed(tuple(marks), False)
    while _determined(counts, marks, total):
        shown = [i for i, mark in enumerate(marks) if not mark]
        if not shown:
            return Suppressed(tuple(marks), True)
        smallest = min(shown, key=lambda i: (counts[i], i))
        marks[smallest] = HIDDEN
    return Suppressed(tuple(marks), False)


# --- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsFilter:
    """`?filter=<question id>:<option id>`: only the responses that chose this option."""

    question: Question
    option: Option

    @property
    def value(self) -> str:
        return f"{self.question.pk}:{self.option.pk}"


def parse_filter(survey: Survey, value: str | None) -> ResultsFilter | None:
    """The filter named by `value` if it is a choice of this survey's question; None for
    anything else (a malformed or foreign value is ignored, never an error)."""
    if not value or len(value) > 40 or ":" not in value:
        return None
    first, _, second = value.partition(":")
    if not (first.isascii() and first.isdigit() and second.isascii() and second.isdigit()):
        return None
    option = (
        Option.objects.select_related("question")
        .filter(
            pk=int(second),
            question_id=int(first),
            question__survey=survey,
            question__kind__in=CROSSTAB_KINDS,
            role=Option.Role.CHOICE,
        )
        .first()
    )
    if option is None:
        return None
    return ResultsFilter(option.question, option)


def complete_responses(survey: Survey, filter: ResultsFilter | None = None) -> QuerySet[Response]:
    """The survey's complete responses (drafts never count), only those that chose the
    filter's option when there is one."""
    responses = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
    if filter is not None:
        chose = Answer.objects.filter(question=filter.question, option=filter.option)
        responses = responses.filter(pk__in=chose.values("response_id"))
    return responses


# --- per question figures ---------------------------------------------------------------------


@dataclass
class Cell:
    label: str
    count: int
    share: float | None = None  # of the question's answered responses
    mark: str = ""  # "" shown, SMALL, HIDDEN (published figures only)
    texts: list[str] = field(default_factory=list)  # «سایر»: the latest texts (owner only)
    archived: bool = False

    @property
    def shown(self) -> bool:
        return not self.mark


@dataclass
class MatrixRow:
    label: str
    cells: list[Cell]
    total: int
    total_hidden: bool = False
    archived: bool = False


@dataclass
class RankRow:
    label: str
    mean_rank: float | None
    count: int
    archived: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int
    cells: list[Cell] = field(default_factory=list)
    additive: bool = True  # the cells add up to `answered` (one value a person)
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    scale_max: int = 0
    rows: list[MatrixRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ranks: list[RankRow] = field(default_factory=list)
    total_hidden: bool = False
    suppressed: bool = False

    @property
    def kind(self) -> str:
        return str(self.question.kind)

    @property
    def archived(self) -> bool:
        return self.question.archived_at is not None

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS


@dataclass
class Results:
    survey: Survey
    total: int  # complete responses (after the filter)
    questions: list[QuestionResult]
    filter: ResultsFilter | None = None


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _scale(kind: str) -> list[tuple[int, str]]:
    if kind == Question.Kind.LIKERT:
        return list(LIKERT)
    top = 10 if kind == Question.Kind.RATING10 else 5
    return [(n, to_persian_digits(str(n))) for n in range(1, top + 1)]


def _nice_width(raw: float, *, whole: bool) -> float:
    """The bin width: 1, 2 or 5 times a power of ten, at least `raw` (whole numbers: at least 1)."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        width = factor * power
        if width >= raw - 1e-9:
            break
    return max(1.0, float(math.ceil(width))) if whole else float(width)


def _histogram(
    values: list[tuple[float, int]], *, low: float | None = None, high: float | None = None
) -> list[Cell]:
    """About HISTOGRAM_BINS bins of a round width («۲۰ تا ۳۹»), over the question's own range
    when it has one (so the edges do not give the smallest and largest answers away),
    otherwise over the answers', rounded outwards."""
    if not values:
        return []
    whole = all(v == int(v) for v, _ in values)
    answers_low = min(v for v, _ in values)
    answers_high = max(v for v, _ in values)
    low = answers_low if low is None or low > answers_low else low
    high = answers_high if high is None or high < answers_high else high
    width = _nice_width((high - low) / HISTOGRAM_BINS, whole=whole)
    start = math.floor(low / width) * width
    bins = int((high - start) // width) + 1
    counts = [0] * bins
    for value, n in values:
        counts[min(int((value - start) // width), bins - 1)] += n

    digits = min(4, max(1, -math.floor(math.log10(width))))

    def fmt(x: float) -> str:
        return charts.number(x) if whole and x == int(x) else charts.decimal(x, digits)

    cells = []
    for i, n in enumerate(counts):
        edge = start + i * width
        if whole and width == 1:
            label = fmt(edge)
        elif whole:
            label = f"{fmt(edge)} تا {fmt(edge + width - 1)}"
        else:
            label = f"{fmt(edge)} تا کمتر از {fmt(edge + width)}"
        cells.append(Cell(label, n))
    return cells


def _month_cells(dates: list[tuple[dt.date, int]]) -> list[Cell]:
    months: Counter[tuple[int, int]] = Counter()
    for day, n in dates:
        j = pdates.to_jalali(day)
        months[(j.year, j.month)] += n
    return [
        Cell(f"{pdates.MONTHS[m - 1]} {to_persian_digits(str(y))}", n)
        for (y, m), n in sorted(months.items())
    ]


def _median(pairs: list[tuple[float, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    if not total:
        return None
    ordered = sorted(pairs)

    def at(k: int) -> float:
        seen = 0
        for value, n in ordered:
            seen += n
            if k < seen:
                return value
        return ordered[-1][0]  # pragma: no cover - k < total

    if total % 2:
        return at(total // 2)
    return (at(total // 2 - 1) + at(total // 2)) / 2


def results_for(
    survey: Survey, *, filter: ResultsFilter | None = None, other_texts: bool = True
) -> Results:
    """Every question's figures over the complete responses (the filter's only), archived
    questions and options included (marked by the template)."""
    responses = complete_responses(survey, filter)
    total = responses.count()
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    questions = list(
        Question.objects.filter(survey=survey)
        .select_related("section")
        .prefetch_related("options")
        .order_by("section__position", "position", "id")
    )
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    by_option: dict[tuple[int, int | None, int | None], int] = {}
    for q_id, row_id, option_id, n in (
        answers.filter(question__kind__in=list(CHOICE_KINDS))
        .values("question_id", "row_id", "option_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "row_id", "option_id", "n")
    ):
        by_option[(q_id, row_id, option_id)] = n
    numbers: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for q_id, value, n in (
        answers.filter(
            question__kind__in=[*SCALE_KINDS, Question.Kind.NUMBER], number__isnull=False
        )
        .values("question_id", "number")
        .annotate(n=Count("id"))
        .values_list("question_id", "number", "n")
    ):
        if value is not None:
            numbers[q_id].append((float(value), n))
    dates: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for q_id, day, n in (
        answers.filter(question__kind=Question.Kind.DATE, date__isnull=False)
        .values("question_id", "date")
        .annotate(n=Count("id"))
        .values_list("question_id", "date", "n")
    ):
        if day is not None:
            dates[q_id].append((day, n))
    ranks: dict[tuple[int, int], tuple[float | None, int]] = {}
    for q_id, option_id, mean, n in (
        answers.filter(question__kind=Question.Kind.RANKING, option__isnull=False)
        .values("question_id", "option_id")
        .annotate(mean=Avg("number"), n=Count("id"))
        .values_list("question_id", "option_id", "mean", "n")
    ):
        ranks[(q_id, option_id)] = (float(mean) if mean is not None else None, n)

    results = []
    for question in questions:
        count = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=count)
        options = list(question.options.all())
        kind = question.kind
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            result.additive = kind == Question.Kind.SINGLE
            for option in options:
                if option.role != Option.Role.CHOICE:
                    continue
                n = by_option.get((question.pk, None, option.pk), 0)
                result.cells.append(
                    Cell(option.label, n, _share(n, count), archived=option.archived_at is not None)
                )
            other = by_option.get((question.pk, None, None), 0)
            if question.allow_other or other:
                cell = Cell(OTHER_LABEL, other, _share(other, count))
                if other and other_texts:
                    cell.texts = list(
                        answers.filter(question=question, option__isnull=True)
                        .exclude(text="")
                        .order_by("-response__submitted_at", "-id")
                        .values_list("text", flat=True)[:MAX_OTHER_TEXTS]
                    )
                result.cells.append(cell)
        elif kind in SCALE_KINDS:
            values: dict[int, int] = {}
            for point_value, n in numbers.get(question.pk, []):
                values[int(point_value)] = values.get(int(point_value), 0) + n
            scale = _scale(kind)
            result.scale_max = scale[-1][0]
            for point, label in scale:
                n = values.get(point, 0)
                result.cells.append(Cell(label, n, _share(n, count)))
            points = sum(values.values())
            if points:
                result.mean = sum(v * n for v, n in values.items()) / points
        elif kind == Question.Kind.NUMBER:
            pairs = numbers.get(question.pk, [])
            n_values = sum(n for _, n in pairs)
            if n_values:
                result.mean = sum(v * n for v, n in pairs) / n_values
                result.median = _median(pairs)
                result.minimum = min(v for v, _ in pairs)
                result.maximum = max(v for v, _ in pairs)
            result.cells = _histogram(
                pairs,
                low=float(question.min_value) if question.min_value is not None else None,
                high=float(question.max_value) if question.max_value is not None else None,
            )
            for cell in result.cells:
                cell.share = _share(cell.count, count)
        elif kind == Question.Kind.DATE:
            result.cells = _month_cells(dates.get(question.pk, []))
            for cell in result.cells:
                cell.share = _share(cell.count, count)
        elif kind == Question.Kind.RANKING:
            for option in options:
                if option.role != Option.Role.CHOICE:
                    continue
                mean, n = ranks.get((question.pk, option.pk), (None, 0))
                result.ranks.append(RankRow(option.label, mean, n, option.archived_at is not None))
            result.ranks.sort(key=lambda r: (r.mean_rank is None, r.mean_rank or 0))
        elif kind == Question.Kind.MATRIX:
            columns = [o for o in options if o.role == Option.Role.COLUMN]
            result.columns = [c.label for c in columns]
            for row in (o for o in options if o.role == Option.Role.ROW):
                cells = [
                    Cell(c.label, by_option.get((question.pk, row.pk, c.pk), 0)) for c in columns
                ]
                row_total = sum(c.count for c in cells)
                for cell in cells:
                    cell.share = _share(cell.count, row_total)
                result.rows.append(
                    MatrixRow(row.label, cells, row_total, archived=row.archived_at is not None)
                )
        results.append(result)
    return Results(survey=survey, total=total, questions=results, filter=filter)


# --- free text: answers, words, themes ----------------------------------------------------------


def text_answers(
    survey: Survey, question: Question, filter: ResultsFilter | None = None
) -> QuerySet[Answer]:
    """A text question's answers, latest first, with their themes (for a paginator)."""
    return (
        Answer.objects.filter(
            question=question, response__in=complete_responses(survey, filter).values("pk")
        )
        .exclude(text="")
        .select_related("response")
        .prefetch_related("themes")
        .order_by("-response__submitted_at", "-id")
    )


def word_frequency(texts: Iterable[str], *, limit: int = MAX_WORDS) -> list[tuple[str, int]]:
    """The most frequent words of the texts: normalized, stop words dropped, each word's
    lemma (plural, clitic and verb forms as one), spelling variants merged by their search
    key (Arabic and Persian letters, hamza seats); a word counted once an answer. Each merged
    word is named by its most frequent form."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        seen: set[str] = set()
        for lemma in word_counts(text):
            if len(lemma) < 2 or lemma.isdigit():
                continue
            key = search_key(lemma, normalized=True) or lemma
            if key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            forms[key][lemma] += 1
    return [(forms[key].most_common(1)[0][0], n) for key, n in counts.most_common(limit)]


def question_words(
    survey: Survey, question: Question, filter: ResultsFilter | None = None
) -> list[tuple[str, int]]:
    """Word frequency over a text question's latest MAX_WORD_TEXTS answers, read in chunks."""
    texts = text_answers(survey, question, filter).values_list("text", flat=True)[:MAX_WORD_TEXTS]
    return word_frequency(texts.iterator(chunk_size=500))


def theme_counts(survey: Survey, filter: ResultsFilter | None = None) -> list[tuple[Theme, int]]:
    """Each theme of the survey and how many answers (of complete responses) carry it."""
    responses = complete_responses(survey, filter).values("pk")
    themes = Theme.objects.filter(survey=survey).annotate(
        n=Count("answers", filter=Q(answers__response__in=responses), distinct=True)
    )
    return [(theme, theme.n) for theme in themes]


# --- cross-tab ----------------------------------------------------------------------------------


@dataclass
class CrossTab:
    rows_question: Question
    columns_question: Question
    columns: list[str]
    rows: list[tuple[str, list[tuple[int, float | None]], int]]  # label, (count, row %), total


def crosstab_questions(survey: Survey) -> list[Question]:
    return list(
        Question.objects.filter(survey=survey, kind__in=CROSSTAB_KINDS).order_by(
            "section__position", "position", "id"
        )
    )


def crosstab(survey: Survey, rows_question: Question, columns_question: Question) -> CrossTab:
    """How many complete responses chose each pair of options of two choice questions, and the
    share of the row (of the responses that chose the row's option and answered the column
    question)."""
    responses = complete_responses(survey).values("pk")
    row_options = [o for o in rows_question.options.all() if o.role == Option.Role.CHOICE]
    column_options = [o for o in columns_question.options.all() if o.role == Option.Role.CHOICE]
    base = Answer.objects.filter(
        question=rows_question,
        option__isnull=False,
        response__in=responses,
        response__answers__question=columns_question,
    )
    pairs = dict(
        ((a, b), n)
        for a, b, n in base.filter(response__answers__option__isnull=False)
        .values("option_id", "response__answers__option_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("option_id", "response__answers__option_id", "n")
    )
    totals = dict(
        base.values("option_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("option_id", "n")
    )
    rows = []
    for row in row_options:
        total = totals.get(row.pk, 0)
        cells = []
        for column in column_options:
            n = pairs.get((row.pk, column.pk), 0)
            cells.append((n, _share(n, total)))
        rows.append((row.label, cells, total))
    return CrossTab(rows_question, columns_question, [c.label for c in column_options], rows)


# --- response rate ------------------------------------------------------------------------------


@dataclass
class RateFigures:
    days: list[tuple[dt.date, int, int]]  # day, completes that day, cumulative
    total: int
    target: int | None


def response_rate(survey: Survey) -> RateFigures:
    """Complete responses per Tehran day (the last MAX_RATE_DAYS days with the first answer's
    day at the earliest) and the running total, against the survey's target."""
    per_day = dict(
        complete_responses(survey)
        .filter(submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=jalali.local_tz()))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    total = sum(per_day.values())
    if not per_day:
        return RateFigures([], 0, survey.target_responses)
    first, last = min(per_day), max(per_day)
    start = max(first, last - dt.timedelta(days=MAX_RATE_DAYS - 1))
    before = sum(n for day, n in per_day.items() if day < start)
    days = []
    running = before
    day = start
    while day <= last:
        n = per_day.get(day, 0)
        running += n
        days.append((day, n, running))
        day += dt.timedelta(days=1)
    return RateFigures(days, total, survey.target_responses)


# --- published figures -------------------------------------------------------------------------


def _suppress_cells(cells: list[Cell], total: int | None) -> tuple[bool, bool]:
    """Mark the cells in place (a hidden cell's count and share are dropped, not only not
    shown). Returns whether the total must be hidden too, and whether some hidden cell holds
    answers (then a mean could give it away)."""
    decision = suppress([c.count for c in cells], total=total)
    holds_answers = False
    for cell, mark in zip(cells, decision.marks, strict=True):
        cell.mark = mark
        cell.texts = []
        if mark:
            holds_answers = holds_answers or cell.count > 0
            cell.count = 0
            cell.share = None
    if decision.total_hidden:
        for cell in cells:
            cell.share = None
    return decision.total_hidden, holds_answers


def published_results(survey: Survey) -> Results | None:
    """The figures the portal shows (see the module's docstring): None when the survey has
    fewer than SMALL_COUNT complete responses. Free-text questions are left out."""
    results = results_for(survey, other_texts=False)
    if results.total < SMALL_COUNT:
        return None
    kept = []
    for result in results.questions:
        if result.is_text:
            continue
        result.minimum = result.maximum = None
        if result.kind == Question.Kind.MATRIX:
            for row in result.rows:
                row.total_hidden, hid = _suppress_cells(row.cells, row.total)
                if row.total_hidden:
                    row.cells, row.total = [], 0
                result.suppressed = result.suppressed or hid or row.total_hidden
        elif result.kind == Question.Kind.RANKING:
            for rank in result.ranks:
                if rank.count < SMALL_COUNT:
                    rank.mean_rank = None
                    rank.count = 0
                    result.suppressed = True
        else:
            total = result.answered if result.additive else None
            result.total_hidden, hid = _suppress_cells(result.cells, total)
            result.suppressed = hid or result.total_hidden
        if result.answered < SMALL_COUNT or result.total_hidden:
            # Too few answered this question, or its figures could not be shown without giving
            # a small one away (the total is known from the survey's): nothing of it at all.
            result.cells, result.rows, result.ranks = [], [], []
            result.total_hidden = result.suppressed = True
        if result.total_hidden:
            result.answered = 0
        # The median is one respondent's own answer: never on the portal.
        result.median = None
        if result.suppressed:
            result.mean = None
        kept.append(result)
    results.questions = kept
    return results


# --- charts -------------------------------------------------------------------------------------


def question_chart(result: QuestionResult) -> SafeString | None:
    """A bar chart of the question's cells (suppressed cells drawn without a figure), or a
    bar chart of mean ranks; None for kinds drawn as a table only (matrix, text)."""
    title = str(result.question.text)
    if result.ranks:
        bars = [charts.Bar(r.label, r.mean_rank, muted=r.mean_rank is None) for r in result.ranks]
        return charts.bar_chart(
            bars,
            title=title,
            summary="میانگین رتبه هر گزینه (عدد کمتر یعنی مهم‌تر).",
            value_format=lambda v: charts.decimal(v),
            ident=f"q{result.question.pk}",
            width=CHART_WIDTH,
        )
    if not result.cells:
        return None
    bars = [
        charts.Bar(
            c.label,
            c.count if c.shown else None,
            note=charts.percent(c.share) if c.share is not None and c.shown else "",
            muted=not c.shown,
        )
        for c in result.cells
    ]
    return charts.bar_chart(
        bars,
        title=title,
        summary=f"شمار پاسخ‌ها به هر گزینه از {charts.number(result.answered)} پاسخ.",
        missing_text="کمتر از ۵",
        ident=f"q{result.question.pk}",
        width=CHART_WIDTH,
    )


def rate_charts(rate: RateFigures) -> tuple[SafeString, SafeString]:
    """Completes per day (columns, Jalali day labels) and the running total against the target
    (lines)."""
    labels = [jalali.format_short(day)[5:] for day, _, _ in rate.days]
    daily = charts.column_chart(
        labels,
        [charts.Series("پاسخ کامل", [n for _, n, _ in rate.days])],
        title="پاسخ‌های کامل در هر روز",
        ident="rate-daily",
        width=CHART_WIDTH,
    )
    series = [charts.Series("جمع پاسخ‌ها", [c for _, _, c in rate.days])]
    if rate.target:
        series.append(charts.Series("هدف", [rate.target] * len(rate.days), colour="#b00020"))
    cumulative = charts.column_chart(
        labels,
        series,
        kind="line",
        title="جمع پاسخ‌ها در برابر هدف",
        ident="rate-total",
        width=CHART_WIDTH,
    )
    return daily, cumulative

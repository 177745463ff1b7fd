"""A survey's results: the owner's live results (/backoffice/surveys/<id>/results/: figures per
question with charts and tables, a filter by an answer, a cross-tab, free-text answers with
their word frequency and themes, the response rate), publishing them, the exports (CSV, XLSX,
PDF), and the public results page (/surveys/<id>/results/, small counts suppressed).

Back-office pages are for whoever may build the agency's surveys (`can_build_surveys_for`);
another agency's survey is a 404. Publishing is the head's and the directorate's (403 for an
officer). The PDF is the published summary, with the same suppressed figures for the owner and
the public (what the owner downloads is exactly what the portal shows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ravabet.core import jalali, permissions
from ravabet.core.pagecache import cached_page
from ravabet.core.pagination import paginate
from ravabet.surveys.models import Answer, Option, Question, Response, Survey, Theme
from ravabet.surveys.selectors import results as selectors
from ravabet.surveys.services import results as services

TEXT_PER_PAGE = 25
LATEST_TEXTS = 5
EXPORT_CHUNK = 500
ARCHIVED = "بایگانی‌شده"
JOIN = "؛ "
PDF_CACHE_SECONDS = 600


class PublishForm(forms.Form):
    results_summary = forms.CharField(
        label="خلاصهٔ یافته‌ها",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="آنچه از نتایج برداشت کرده‌اید، برای خوانندگان پورتال (اختیاری).",
    )


class ThemeForm(forms.Form):
    name = forms.CharField(label="مضمون تازه", max_length=services.MAX_THEME_CHARS)


# --- helpers -------------------------------------------------------------------------------------


def _owned(request: HttpRequest, pk: int) -> Survey:
    """The survey if this person may see its results (its agency's staff, the directorate);
    404 for everyone else, so another agency's survey is never confirmed."""
    survey = get_object_or_404(Survey.objects.select_related("agency"), pk=pk)
    if not permissions.can_build_surveys_for(request.user, survey.agency):
        raise Http404
    return survey


def _back(survey: Survey, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:bo_results", args=[survey.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _question_views(results: selectors.Results) -> list[dict[str, Any]]:
    return [
        {"result": result, "chart": selectors.question_chart(result)}
        for result in results.questions
    ]


def _filter_choices(survey: Survey) -> list[tuple[str, list[tuple[str, str]]]]:
    """The options a filter may name, grouped by question, for the filter's select."""
    groups = []
    for question in selectors.crosstab_questions(survey):
        options = [
            (f"{question.pk}:{o.pk}", o.label)
            for o in question.options.all()
            if o.role == Option.Role.CHOICE
        ]
        if options:
            groups.append((question.text, options))
    return groups


# --- the owner's results -------------------------------------------------------------------------


@login_required
def bo_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _owned(request, pk)
    chosen = selectors.parse_filter(survey, request.GET.get("filter"))
    results = selectors.results_for(survey, filter=chosen)
    rate = selectors.response_rate(survey)
    daily, cumulative = selectors.rate_charts(rate) if rate.days else (None, None)
    texts: list[dict[str, Any]] = []
    for result in results.questions:
        if result.is_text:
            latest = selectors.text_answers(survey, result.question, chosen)
            texts.append(
                {
                    "result": result,
                    "words": selectors.question_words(survey, result.question, chosen),
                    "latest": list(latest[:LATEST_TEXTS]),
                }
            )
    by_question = {t["result"].question.pk: t for t in texts}
    questions = _question_views(results)
    for item in questions:
        item["text"] = by_question.get(item["result"].question.pk)
    context = {
        "survey": survey,
        "results": results,
        "questions": questions,
        "themes": selectors.theme_counts(survey, chosen),
        "theme_form": ThemeForm(),
        "filter_groups": _filter_choices(survey),
        "chosen": chosen,
        "rate": rate,
        "rate_share": (rate.total / rate.target) if rate.target else None,
        "daily_chart": daily,
        "cumulative_chart": cumulative,
        "can_publish": permissions.can_publish_survey_for(request.user, survey.agency),
        "publish_form": PublishForm(initial={"results_summary": survey.results_summary}),
        "archived_label": ARCHIVED,
    }
    return render(request, "surveys/bo_results.html", context)


@login_required
def bo_results_text(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Every answer of one free-text question, latest first, each with its themes."""
    survey = _owned(request, pk)
    question = get_object_or_404(
        Question, pk=question_pk, survey=survey, kind__in=selectors.TEXT_KINDS
    )
    chosen = selectors.parse_filter(survey, request.GET.get("filter"))
    page = paginate(request, selectors.text_answers(survey, question, chosen), TEXT_PER_PAGE)
    context = {
        "survey": survey,
        "question": question,
        "page": page,
        "chosen": chosen,
        "all_themes": list(Theme.objects.filter(survey=survey)),
        "words": selectors.question_words(survey, question, chosen),
        "archived_label": ARCHIVED,
    }
    return render(request, "surveys/bo_results_text.html", context)


@login_required
def bo_results_crosstab(request: HttpRequest, pk: int) -> HttpResponse:
    """Two choice questions against each other: counts and the row's percentage."""
    survey = _owned(request, pk)
    questions = selectors.crosstab_questions(survey)
    by_id = {str(q.pk): q for q in questions}
    rows_q = by_id.get(request.GET.get("rows", ""))
    columns_q = by_id.get(request.GET.get("columns", ""))
    table = None
    if rows_q is not None and columns_q is not None and rows_q != columns_q:
        table = selectors.crosstab(survey, rows_q, columns_q)
    context = {
        "survey": survey,
        "questions": questions,
        "rows_q": rows_q,
        "columns_q": columns_q,
        "table": table,
        "same": rows_q is not None and rows_q == columns_q,
    }
    return render(request, "surveys/bo_results_crosstab.html", context)


# --- themes ---------------------------------------------------------------------------------------


@login_required
@require_POST
def bo_theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _owned(request, pk)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            theme = services.theme_create(
                actor=request.user, survey=survey, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"مضمون «{theme.name}» ساخته شد.")
    else:
        messages.error(request, "نام مضمون را بنویسید (تا ۱۰۰ نویسه).")
    return _back(survey, "themes")


@login_required
@require_POST
def bo_theme_delete(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    survey = _owned(request, pk)
    theme = get_object_or_404(Theme, pk=theme_pk, survey=survey)
    services.theme_delete(actor=request.user, theme=theme)
    messages.success(request, f"مضمون «{theme.name}» برداشته شد.")
    return _back(survey, "themes")


@login_required
@require_POST
def bo_answer_themes(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Tag one free-text answer with the themes ticked (htmx: the answer's row comes back;
    without JS: back to the page of answers)."""
    survey = _owned(request, pk)
    answer = get_object_or_404(
        Answer,
        pk=answer_pk,
        question__survey=survey,
        question__kind__in=selectors.TEXT_KINDS,
        response__status=Response.Status.COMPLETE,
    )
    ids = [int(v) for v in request.POST.getlist("themes")[:100] if v.isascii() and v.isdigit()]
    try:
        services.answer_set_themes(actor=request.user, answer=answer, theme_ids=ids)
    except services.ResultsError as exc:
        messages.error(request, str(exc))
    if request.headers.get("HX-Request"):
        answer = Answer.objects.prefetch_related("themes").get(pk=answer.pk)
        return render(
            request,
            "surveys/_results_answer.html",
            {
                "survey": survey,
                "answer": answer,
                "all_themes": list(Theme.objects.filter(survey=survey)),
                "saved": True,
            },
        )
    messages.success(request, "مضمون‌های پاسخ ذخیره شد.")
    url = reverse("surveys:bo_results_text", args=[survey.pk, answer.question_id])
    return redirect(f"{url}#answer-{answer.pk}")


# --- publishing -----------------------------------------------------------------------------------


@login_required
@require_POST
def bo_results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _owned(request, pk)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.results_publish(
            actor=request.user,
            survey=survey,
            summary=form.cleaned_data.get("results_summary", ""),
            request=request,
        )
    except services.ResultsError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "نتایج روی پورتال منتشر شد (شمارهای کمتر از ۵ پنهان است).")
    return _back(survey, "publish")


@login_required
@require_POST
def bo_results_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _owned(request, pk)
    try:
        services.results_unpublish(actor=request.user, survey=survey, request=request)
    except services.ResultsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "نتایج از پورتال برداشته شد.")
    return _back(survey, "publish")


# --- exports --------------------------------------------------------------------------------------


def _guard(value: str) -> str:
    """A spreadsheet cell that would be taken for a formula keeps its text (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class _Column:
    """One column of the export: a question, or one row of a matrix, or one option of a
    ranking."""

    def __init__(self, question: Question, header: str, part: Option | None = None) -> None:
        self.question = question
        self.header = header
        self.part = part


def _columns(survey: Survey) -> list[_Column]:
    columns = []
    questions = (
        Question.objects.filter(survey=survey)
        .prefetch_related("options")
        .order_by("section__position", "position", "id")
    )
    for q in questions:
        mark = f" ({ARCHIVED})" if q.archived_at else ""
        options = list(q.options.all())
        if q.kind == Question.Kind.MATRIX:
            for row in (o for o in options if o.role == Option.Role.ROW):
                columns.append(_Column(q, f"{q.text} — {row.label}{mark}", row))
        elif q.kind == Question.Kind.RANKING:
            for option in (o for o in options if o.role == Option.Role.CHOICE):
                columns.append(_Column(q, f"{q.text} — {option.label}{mark}", option))
        else:
            columns.append(_Column(q, f"{q.text}{mark}"))
    return columns


def _labels(survey: Survey) -> dict[int, str]:
    return dict(Option.objects.filter(question__survey=survey).values_list("pk", "label"))


def _cell(column: _Column, answers: list[dict[str, Any]], labels: dict[int, str]) -> Any:
    kind = column.question.kind
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        parts = [labels.get(a["option_id"], "") for a in answers if a["option_id"]]
        parts += [f"سایر: {a['text']}" for a in answers if not a["option_id"] and a["text"]]
        return JOIN.join(parts)
    if kind == Question.Kind.MATRIX:
        assert column.part is not None  # noqa: S101 - matrix columns are per row
        chosen = [labels.get(a["option_id"], "") for a in answers if a["row_id"] == column.part.pk]
        return JOIN.join(chosen)
    if kind == Question.Kind.RANKING:
        assert column.part is not None  # noqa: S101 - ranking columns are per option
        for a in answers:
            if a["option_id"] == column.part.pk:
                return _plain(a["number"])
        return None
    if kind in (*selectors.SCALE_KINDS, Question.Kind.NUMBER):
        return _plain(answers[0]["number"]) if answers else None
    if kind == Question.Kind.DATE:
        return jalali.format_short(answers[0]["date"]) if answers and answers[0]["date"] else ""
    return "\n".join(a["text"] for a in answers if a["text"])


def _export_rows(survey: Survey) -> Iterator[list[Any]]:
    """The header, then one row per complete response (oldest first), read EXPORT_CHUNK
    responses at a time: the number, the Jalali time, the agency (network surveys), then one
    cell per column."""
    columns = _columns(survey)
    labels = _labels(survey)
    network = survey.audience == Survey.Audience.NETWORK
    header = ["شماره", "زمان ارسال", *(["دستگاه پاسخ‌دهنده"] if network else [])]
    yield header + [c.header for c in columns]
    # Only the ids are held whole (a few bytes a response); the rows are read a chunk at a time.
    ids = list(
        Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
    )
    number = 0
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        rows = {
            pk: (submitted, agency)
            for pk, submitted, agency in Response.objects.filter(pk__in=chunk).values_list(
                "pk", "submitted_at", "agency__name"
            )
        }
        grouped: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for a in (
            Answer.objects.filter(response_id__in=chunk)
            .order_by("id")
            .values("response_id", "question_id", "option_id", "row_id", "number", "text", "date")
        ):
            grouped.setdefault((a["response_id"], a["question_id"]), []).append(dict(a))
        for pk in chunk:
            if pk not in rows:
                continue  # deleted meanwhile
            submitted, agency = rows[pk]
            number += 1
            line: list[Any] = [number, jalali.format_short_datetime(submitted)]
            if network:
                line.append(agency or "")
            for column in columns:
                line.append(_cell(column, grouped.get((pk, column.question.pk), []), labels))
            yield line


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(survey: Survey) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    for row in _export_rows(survey):
        cells = ["" if v is None else _guard(str(v)) for v in row]
        yield writer.writerow(cells).encode("utf-8")


def _xlsx(survey: Survey) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("پاسخ‌ها")
    sheet.sheet_view.rightToLeft = True
    for row in _export_rows(survey):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every complete response, one row each, as CSV (UTF-8 with BOM, for Excel)."""
    survey = _owned(request, pk)
    services.survey_export_record(actor=request.user, survey=survey, fmt="csv", request=request)
    response = StreamingHttpResponse(_csv_stream(survey), content_type="text/csv; charset=utf-8")
    return _download(response, f"survey-{survey.pk}.csv")


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every complete response, one row each, as a right-to-left XLSX sheet."""
    survey = _owned(request, pk)
    services.survey_export_record(actor=request.user, survey=survey, fmt="xlsx", request=request)
    response = HttpResponse(
        _xlsx(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _download(response, f"survey-{survey.pk}.xlsx")


def _pdf_response(survey: Survey, *, private: bool) -> HttpResponse:
    from ravabet.surveys import pdf  # WeasyPrint is loaded only when a PDF is asked for

    # A PDF takes a second to draw: kept a few minutes per state of the survey's results, so
    # repeated downloads (or a visitor asking again and again) draw it once.
    complete = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE).count()
    stamp = survey.updated_at.isoformat() if survey.updated_at else "new"
    key = f"surveys:results-pdf:{survey.pk}:{stamp}:{complete}"
    document = cache.get(key)
    if not isinstance(document, bytes):
        document = pdf.render(survey)
        cache.set(key, document, PDF_CACHE_SECONDS)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-results.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
def bo_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published summary as PDF (the same suppressed figures the portal shows)."""
    survey = _owned(request, pk)
    return _pdf_response(survey, private=True)


# --- public ---------------------------------------------------------------------------------------


def _published(pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("agency"), pk=pk)
    if not survey.results_published:
        raise Http404
    return survey


def _public_topics(pk: int) -> list[str]:
    return [services.results_topic(pk)]


@cached_page(topics=_public_topics)
def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results: charts and tables, small counts suppressed."""
    survey = _published(pk)
    results = selectors.published_results(survey)
    context = {
        "survey": survey,
        "results": results,
        "questions": _question_views(results) if results else [],
        "themes": _public_themes(survey) if results else [],
        "small_count": selectors.SMALL_COUNT,
    }
    return render(request, "surveys/public_results.html", context)


def _public_themes(survey: Survey) -> list[tuple[str, int]]:
    """Themes with at least SMALL_COUNT answers (the others are not named)."""
    return [
        (theme.name, n) for theme, n in selectors.theme_counts(survey) if n >= selectors.SMALL_COUNT
    ]


def public_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _published(pk)
    return _pdf_response(survey, private=False)


urlpatterns = [
    path("<int:pk>/results/", bo_results, name="bo_results"),
    path("<int:pk>/results/text/<int:question_pk>/", bo_results_text, name="bo_results_text"),
    path("<int:pk>/results/crosstab/", bo_results_crosstab, name="bo_results_crosstab"),
    path("<int:pk>/results/themes/", bo_theme_create, name="bo_theme_create"),
    path("<int:pk>/results/themes/<int:theme_pk>/delete/", bo_theme_delete, name="bo_theme_delete"),
    path(
        "<int:pk>/results/answers/<int:answer_pk>/themes/",
        bo_answer_themes,
        name="bo_answer_themes",
    ),
    path("<int:pk>/results/publish/", bo_results_publish, name="bo_results_publish"),
    path("<int:pk>/results/unpublish/", bo_results_unpublish, name="bo_results_unpublish"),
    path("<int:pk>/results.pdf", bo_results_pdf, name="bo_results_pdf"),
    path("<int:pk>/export.csv", export_csv, name="export_csv"),
    path("<int:pk>/export.xlsx", export_xlsx, name="export_xlsx"),
]

public_urlpatterns = [
    path("<int:pk>/results/", public_results, name="results"),
    path("<int:pk>/results.pdf", public_results_pdf, name="results_pdf"),
]

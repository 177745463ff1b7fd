"""A survey's published summary as a PDF: WeasyPrint (the kernel's core/pdf.py: Vazirmatn,
right to left, nothing fetched but our fonts) from templates/surveys/pdf/results.html, with
the Jalali date in the running header and «صفحهٔ ۱ از ۳» in the footer.

It holds what the portal shows, suppressed the same way (selectors.published_results): the
owner's download and the public one are one document."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.pdf import font_faces, write_pdf
from ravabet.surveys.models import Survey
from ravabet.surveys.selectors import results as selectors


def html(survey: Survey) -> str:
    """The PDF's HTML: the summary, then each question's chart and table."""
    results = selectors.published_results(survey)
    questions = (
        [{"result": r, "chart": selectors.question_chart(r)} for r in results.questions]
        if results
        else []
    )
    themes = (
        [
            (theme.name, n)
            for theme, n in selectors.theme_counts(survey)
            if n >= selectors.SMALL_COUNT
        ]
        if results
        else []
    )
    context = {
        "survey": survey,
        "results": results,
        "questions": questions,
        "themes": themes,
        "fonts": font_faces(),
        "today": jalali.format_date(timezone.now()),
        "small_count": selectors.SMALL_COUNT,
    }
    return render_to_string("surveys/pdf/results.html", context)


def render(survey: Survey) -> bytes:
    """The PDF of the survey's published summary."""
    return write_pdf(html(survey))

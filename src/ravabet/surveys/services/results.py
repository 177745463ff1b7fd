"""The writes of a survey's results: themes and the tagging of free-text answers with them
(whoever may build the agency's surveys: `can_build_surveys_for`), publishing the results on
the portal and taking them down (its head and the directorate: `can_publish_survey_for`,
audited), and the audit entry of an export.

Publishing renews the public results page's cache topic (`results_topic`), so the portal shows
the change at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, pagecache, permissions
from ravabet.core.validation import check_texts
from ravabet.persian import normalize
from ravabet.surveys.models import Answer, Question, Survey, Theme

__all__ = [
    "MAX_THEMES",
    "ResultsError",
    "answer_set_themes",
    "results_publish",
    "results_topic",
    "results_unpublish",
    "survey_export_record",
    "theme_create",
    "theme_delete",
]

MAX_THEME_CHARS = 100
MAX_SUMMARY_CHARS = 4_000
MAX_THEMES = 50
BUILD_ONLY = "نتایج این نظرسنجی با دستگاه صاحب آن است."
PUBLISH_ONLY = "انتشار نتایج با مدیر روابط عمومی دستگاه یا روابط عمومی استانداری است."


class ResultsError(Exception):
    """A results action refused by the survey's state (a Persian message)."""


def results_topic(survey_id: int) -> str:
    """The page-cache topic of a survey's public results page."""
    return f"survey-results-{survey_id}"


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("agency").get(pk=survey.pk)


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["survey"].agency, message=BUILD_ONLY
)
def theme_create(*, actor: Any, survey: Survey, name: str) -> Theme:
    """A new theme for the survey's free-text answers (the same name twice is refused)."""
    name = normalize(name or "").strip()
    if not name:
        raise ValidationError({"name": ["نام مضمون را بنویسید."]})
    check_texts([("name", name, "نام مضمون", MAX_THEME_CHARS)])
    with transaction.atomic():
        survey = _locked(survey)
        permissions.require(permissions.can_build_surveys_for(actor, survey.agency), BUILD_ONLY)
        if Theme.objects.filter(survey=survey).count() >= MAX_THEMES:
            raise ValidationError({"name": [f"بیش از {MAX_THEMES} مضمون نمی‌شود ساخت."]})
        if Theme.objects.filter(survey=survey, name=name).exists():
            raise ValidationError({"name": ["مضمونی با همین نام هست."]})
        return Theme.objects.create(survey=survey, name=name)


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["theme"].survey.agency,
    message=BUILD_ONLY,
)
def theme_delete(*, actor: Any, theme: Theme) -> None:
    """Drop a theme (its tags go with it; the answers stay)."""
    with transaction.atomic():
        survey = _locked(theme.survey)
        permissions.require(permissions.can_build_surveys_for(actor, survey.agency), BUILD_ONLY)
        Theme.objects.filter(pk=theme.pk, survey=survey).delete()


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["answer"].question.survey.agency,
    message=BUILD_ONLY,
)
def answer_set_themes(*, actor: Any, answer: Answer, theme_ids: Iterable[int]) -> list[Theme]:
    """Tag a free-text answer with exactly these themes of its survey (others are ignored)."""
    wanted = {int(t) for t in list(theme_ids)[:MAX_THEMES]}
    with transaction.atomic():
        answer = Answer.objects.select_related("question__survey__agency").get(pk=answer.pk)
        survey = answer.question.survey
        permissions.require(permissions.can_build_surveys_for(actor, survey.agency), BUILD_ONLY)
        if answer.question.kind not in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            raise ResultsError("تنها پاسخ‌های متنی را می‌توان برچسب مضمون زد.")
        themes = list(Theme.objects.filter(survey=survey, pk__in=wanted))
        answer.themes.set(themes)
        return themes


@permissions.guarded(
    permissions.can_publish_survey_for, agency=lambda kw: kw["survey"].agency, message=PUBLISH_ONLY
)
def results_publish(
    *, actor: Any, survey: Survey, summary: str = "", request: HttpRequest | None = None
) -> Survey:
    """Publish the survey's results on the portal (small counts suppressed there), with the
    owner's summary of the findings; publishing again updates the summary."""
    summary = normalize(summary or "").strip()
    check_texts([("results_summary", summary, "خلاصهٔ یافته‌ها", MAX_SUMMARY_CHARS)])
    with transaction.atomic():
        survey = _locked(survey)
        permissions.require(permissions.can_publish_survey_for(actor, survey.agency), PUBLISH_ONLY)
        if survey.state == Survey.State.DRAFT:
            raise ResultsError("نظرسنجی پیش‌نویس هنوز نتیجه‌ای ندارد که منتشر شود.")
        was = "published" if survey.results_published else "unpublished"
        survey.results_summary = summary
        survey.results_published_at = survey.results_published_at or timezone.now()
        survey.save(update_fields=["results_summary", "results_published_at", "updated_at"])
        audit.record(
            actor=actor,
            action="survey.results_publish",
            obj=survey,
            agency=survey.agency,
            from_state=was,
            to_state="published",
            request=request,
        )
        pagecache.bump(results_topic(survey.pk))
    return survey


@permissions.guarded(
    permissions.can_publish_survey_for, agency=lambda kw: kw["survey"].agency, message=PUBLISH_ONLY
)
def results_unpublish(*, actor: Any, survey: Survey, request: HttpRequest | None = None) -> Survey:
    """Take the results off the portal (the public page is a 404 again)."""
    with transaction.atomic():
        survey = _locked(survey)
        permissions.require(permissions.can_publish_survey_for(actor, survey.agency), PUBLISH_ONLY)
        if not survey.results_published:
            raise ResultsError("نتایج این نظرسنجی منتشر نشده است.")
        survey.results_published_at = None
        survey.save(update_fields=["results_published_at", "updated_at"])
        audit.record(
            actor=actor,
            action="survey.results_unpublish",
            obj=survey,
            agency=survey.agency,
            from_state="published",
            to_state="unpublished",
            request=request,
        )
        pagecache.bump(results_topic(survey.pk))
    return survey


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["survey"].agency, message=BUILD_ONLY
)
def survey_export_record(
    *, actor: Any, survey: Survey, fmt: str, request: HttpRequest | None = None
) -> None:
    """Check that the person may export the survey's responses and write the audit entry (the
    export itself is a read: views/results.py streams it)."""
    with transaction.atomic():
        permissions.require(permissions.can_build_surveys_for(actor, survey.agency), BUILD_ONLY)
        audit.record(
            actor=actor,
            action="survey.export",
            obj=survey,
            agency=survey.agency,
            data={"format": fmt},
            request=request,
        )

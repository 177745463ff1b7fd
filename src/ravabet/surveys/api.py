"""The surveys in the API: the public surveys (open or closed, never drafts), read-only and
open to anyone, with their complete responses counted. Staff and network surveys and the
answers themselves are not listed here."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from ravabet.core.pagination import Converted, LimitOffset
from ravabet.surveys import selectors
from ravabet.surveys.models import Survey

router = Router(tags=["نظرسنجی‌ها"])


class SurveyOut(Schema):
    id: int
    title: str
    agency: str = Field(description="the owner agency's name")
    agency_slug: str
    state: str
    is_open: bool = Field(description="answerable now (published, between opening and closing)")
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    response_count: int = Field(description="complete responses only")
    target_responses: int | None
    url: str
    results_url: str | None = Field(description="the published results, or null")

    @staticmethod
    def of(survey: Survey) -> SurveyOut:
        return SurveyOut(
            id=survey.pk,
            title=survey.title,
            agency=survey.agency.name,
            agency_slug=survey.agency.slug,
            state=survey.state,
            is_open=survey.is_open(),
            opens_at=survey.opens_at,
            closes_at=survey.closes_at,
            response_count=getattr(survey, "response_count", 0),
            target_responses=survey.target_responses,
            url=f"/surveys/{survey.pk}/",
            results_url=f"/surveys/{survey.pk}/results/" if survey.results_published else None,
        )


@router.get("/surveys", response=list[SurveyOut], summary="نظرسنجی‌های عمومی")
@paginate(LimitOffset)
def survey_list(request: HttpRequest) -> Converted:
    return Converted(selectors.surveys_api_public(), SurveyOut.of)

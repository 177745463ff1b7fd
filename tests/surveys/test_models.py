"""The survey's own invariants, held by the database whatever writes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ravabet.surveys.models import Question, Response, Survey
from tests.surveys.conftest import KINDS


def test_the_fixture_has_every_kind(survey: Survey) -> None:
    assert [q.kind for q in survey.questions.all()] == [k for k, _, _ in KINDS]
    assert {k for k, _, _ in KINDS} == set(Question.Kind.values)


def test_is_open_follows_state_and_dates(survey: Survey) -> None:
    now = timezone.now()
    assert survey.is_open(now)
    assert not survey.is_open(survey.closes_at)
    assert not survey.is_open(survey.opens_at - dt.timedelta(seconds=1))
    survey.state = Survey.State.CLOSED
    assert not survey.is_open(now)


def test_a_survey_cannot_close_before_it_opens(survey: Survey) -> None:
    survey.closes_at = survey.opens_at
    with pytest.raises(IntegrityError), transaction.atomic():
        survey.save()


def test_staff_surveys_are_never_anonymous(world: Any, survey: Survey) -> None:
    survey.audience = Survey.Audience.NETWORK
    with pytest.raises(IntegrityError), transaction.atomic():
        survey.save()  # still anonymous=True


def test_one_response_an_account_a_browser(world: Any, survey: Survey) -> None:
    Response.objects.create(survey=survey, respondent=world.outsider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, respondent=world.outsider)
    Response.objects.create(survey=survey, browser_key="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, browser_key="a" * 64)
    # Blank keys are many (staff responses have none).
    Response.objects.create(survey=survey, respondent=world.officer_roads)

"""What the back office lists of surveys: those of the agencies a person may see, with their
complete responses counted and their progress toward the target."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ravabet.core import permissions
from ravabet.surveys.models import Response, Survey

__all__ = ["progress", "survey_list_for", "surveys_visible_to"]


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    """Every survey of the agencies this person may see (another agency's is never listed)."""
    return Survey.objects.filter(agency__in=permissions.visible_agencies(user))


def survey_list_for(
    user: Any, *, state: str = "", agency_id: int | None = None
) -> QuerySet[Survey]:
    """The back office's list, newest first, each with `complete` (complete responses); an
    unknown state is no filter."""
    surveys = surveys_visible_to(user).select_related("agency")
    if state in Survey.State.values:
        surveys = surveys.filter(state=state)
    if agency_id is not None:
        surveys = surveys.filter(agency_id=agency_id)
    return surveys.annotate(
        complete=Count("responses", filter=Q(responses__status=Response.Status.COMPLETE))
    ).order_by("-created_at", "-id")


def progress(survey: Any) -> int | None:
    """The share of the target reached, in percent (at most 100), or None without a target."""
    target = survey.target_responses
    return min(100, round(100 * survey.complete / target)) if target else None

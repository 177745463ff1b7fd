"""What a visitor or a staff member may answer: the public list, the staff's own surveys, who
may answer which survey, and one section's live questions (archived ones never shown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency, Membership
from ravabet.surveys.models import MobileCheck, Option, Question, Response, Section, Survey

__all__ = [
    "may_answer",
    "mobile_check_pending",
    "mobile_key_verified",
    "respondent_agency",
    "section_questions",
    "survey_answerable",
    "surveys_api_public",
    "surveys_open_for_staff",
    "surveys_open_public",
    "surveys_with_published_results",
]

COMPLETE = Q(responses__status=Response.Status.COMPLETE)


def _open_now() -> Q:
    now = timezone.now()
    return (
        Q(state=Survey.State.OPEN)
        & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    )


def _counted(qs: QuerySet[Survey]) -> QuerySet[Survey]:
    return qs.select_related("agency").annotate(
        response_count=Count("responses", filter=COMPLETE, distinct=True)
    )


def surveys_open_public(limit: int = 100) -> QuerySet[Survey]:
    """Public surveys answerable now, those closing soonest first; `response_count` counts
    complete responses."""
    qs = Survey.objects.filter(_open_now(), audience=Survey.Audience.PUBLIC)
    return _counted(qs).order_by("closes_at", "-id")[:limit]


def surveys_with_published_results(limit: int = 50) -> QuerySet[Survey]:
    """Surveys whose results the owner published on the portal, newest first."""
    qs = Survey.objects.filter(
        results_published_at__isnull=False, audience=Survey.Audience.PUBLIC
    ).exclude(state=Survey.State.DRAFT)
    return _counted(qs).order_by("-results_published_at", "-id")[:limit]


def _member_agencies(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


def surveys_open_for_staff(user: Any, limit: int = 100) -> QuerySet[Survey]:
    """The staff surveys of the person's agencies and the network surveys open to them."""
    agencies = _member_agencies(user)
    if not agencies:
        return Survey.objects.none()
    qs = Survey.objects.filter(_open_now()).filter(
        Q(audience=Survey.Audience.AGENCY, agency_id__in=agencies)
        | Q(audience=Survey.Audience.NETWORK)
    )
    return _counted(qs).order_by("closes_at", "-id")[:limit]


def may_answer(user: Any, survey: Survey) -> bool:
    """Whether this person is in the survey's audience (public: anyone, or anyone signed in
    when the survey is not anonymous; a staff survey: the
    agency's members and the directorate; a network survey: anyone with a role in an
    agency). Says nothing of the survey being open."""
    signed_in = getattr(user, "is_authenticated", False)
    if survey.audience == Survey.Audience.PUBLIC:
        return survey.anonymous or signed_in
    if not signed_in:
        return False
    if survey.audience == Survey.Audience.AGENCY:
        return permissions.role_in(user, survey.agency) is not None or (
            permissions.is_directorate_staff(user)
        )
    return bool(_member_agencies(user))


def respondent_agency(user: Any, survey: Survey) -> Agency | None:
    """The agency a staff response is counted for: the survey's own when the person works
    there, else the person's first agency (the directorate for its staff)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if permissions.role_in(user, survey.agency) is not None:
        return survey.agency
    membership = (
        Membership.objects.filter(user=user).select_related("agency").order_by("id").first()
    )
    return membership.agency if membership else None


def survey_answerable(pk: int) -> Survey | None:
    """A survey the public side may show (open or closed; never a draft)."""
    return (
        Survey.objects.select_related("agency")
        .exclude(state=Survey.State.DRAFT)
        .filter(pk=pk)
        .first()
    )


def section_questions(section: Section) -> list[Question]:
    """The section's live questions in order, each with its live options prefetched."""
    live_options = Prefetch(
        "options",
        queryset=Option.objects.filter(archived_at__isnull=True).order_by("role", "position", "id"),
    )
    return list(
        section.questions.filter(archived_at__isnull=True)
        .order_by("position", "id")
        .prefetch_related(live_options)
    )


def surveys_api_public() -> QuerySet[Survey]:
    """Public surveys for the API: open or closed (never drafts), newest first."""
    qs = Survey.objects.filter(
        audience=Survey.Audience.PUBLIC, state__in=[Survey.State.OPEN, Survey.State.CLOSED]
    )
    return _counted(qs).order_by("-published_at", "-id")


def mobile_key_verified(survey: Survey, browser_key: str) -> str:
    """The key of the mobile this browser verified for the survey in the last day, or ""."""
    if not browser_key:
        return ""
    check = (
        MobileCheck.objects.filter(
            survey=survey,
            browser_key=browser_key,
            verified_at__gte=timezone.now() - dt.timedelta(days=1),
        )
        .order_by("-verified_at")
        .first()
    )
    return check.mobile_key if check else ""


def mobile_check_pending(survey: Survey, browser_key: str) -> MobileCheck | None:
    """The code this browser was sent and has not yet typed (unexpired), if any."""
    if not browser_key:
        return None
    return (
        MobileCheck.objects.filter(
            survey=survey,
            browser_key=browser_key,
            verified_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )

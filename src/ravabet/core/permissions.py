"""Who may do what: the one place every service and view asks.

Roles: the platform administrator (a superuser); directorate staff (any member of the
Governorate's PR directorate: sees and acts for every agency); an agency head (approves for
one agency); an agency PR officer (writes for one agency). Citizens need no account.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from ravabet.core.organisation.models import Agency, Membership

_CACHE_ATTR = "_ravabet_roles"


class AgencyPermissionDenied(PermissionDenied):
    """The person has no role in that agency that allows the action."""


def _roles(user: Any) -> dict[int, str]:
    """agency id -> role for this user, read once per user object (i.e. per request)."""
    return _memberships(user)[0]


def _memberships(user: Any) -> tuple[dict[int, str], bool]:
    """(agency id -> role, member of the directorate), one query per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}, False
    cached: tuple[dict[int, str], bool] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = Membership.objects.filter(user=user).values_list("agency_id", "role", "agency__kind")
        roles = {agency_id: role for agency_id, role, _ in rows}
        directorate = any(kind == Agency.Kind.DIRECTORATE for _, _, kind in rows)
        cached = (roles, directorate)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Call after changing a person's memberships within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def is_directorate_staff(user: Any) -> bool:
    return _memberships(user)[1]


def sees_all_agencies(user: Any) -> bool:
    return is_platform_admin(user) or is_directorate_staff(user)


def role_in(user: Any, agency: Agency) -> str | None:
    """The person's own role in this agency (head / officer), or None."""
    return _roles(user).get(agency.pk)


def is_staff_member(user: Any) -> bool:
    """Anyone who works in the back office."""
    return is_platform_admin(user) or bool(_roles(user))


def visible_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose back-office pages this person may open."""
    if sees_all_agencies(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=list(_roles(user)))


def can_view_agency(user: Any, agency: Agency) -> bool:
    return sees_all_agencies(user) or agency.pk in _roles(user)


def can_write_for(user: Any, agency: Agency) -> bool:
    """Write drafts for the agency: its officers and head, and the directorate."""
    return can_view_agency(user, agency)


def writable_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies this person may write releases for (today: every agency they may see)."""
    return visible_agencies(user)


def can_approve_for(user: Any, agency: Agency) -> bool:
    """Approve and publish for the agency: its head, and the directorate."""
    return sees_all_agencies(user) or role_in(user, agency) == Membership.Role.HEAD


def can_manage_agency(user: Any, agency: Agency) -> bool:
    """Edit the agency's contact details and members: its head, and the directorate."""
    return can_approve_for(user, agency)


def can_organize_for(user: Any, agency: Agency) -> bool:
    """Create and run events (agenda, registrations, check-in, minutes, resolutions) organized
    by the agency: its officers and head, and the directorate for every agency."""
    return can_write_for(user, agency)


def organizing_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies `can_organize_for` allows this person (today: those they write for)."""
    return writable_agencies(user)


def can_act_for(user: Any, agency: Agency) -> bool:
    """Register the agency's attendees and report on resolutions it is responsible for: its
    officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_edit_occasions(user: Any) -> bool:
    """The occasions calendar (مناسبت‌ها) is the directorate's."""
    return sees_all_agencies(user)


def can_handle_messages_for(user: Any, agency: Agency) -> bool:
    """Read, assign, note and answer the citizen desk's messages addressed to the agency: its
    officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_route_messages(user: Any) -> bool:
    """Route messages out of triage and decide the transfers agencies ask for: the directorate."""
    return sees_all_agencies(user)


def can_see_citizen_contact(user: Any, agency: Agency | None, *, anonymous: bool) -> bool:
    """A citizen's name, mobile and e-mail: the directorate always; the handling agency's staff
    unless the citizen asked to stay anonymous to the agency."""
    if sees_all_agencies(user):
        return True
    return agency is not None and not anonymous and agency.pk in _roles(user)


def can_monitor(user: Any) -> bool:
    """Open the media-monitoring desk (articles, stories, narratives are the media's, not an
    agency's): anyone who works in the back office; mentions, alerts and bulletins are then cut
    to `visible_agencies`."""
    return is_staff_member(user)


def can_manage_sources(user: Any) -> bool:
    """Add, change and switch off the news sources polled for the whole province: the
    directorate."""
    return sees_all_agencies(user)


def can_label_mentions_for(user: Any, agency: Agency) -> bool:
    """Give a mention of the agency its tone, edit its watches, acknowledge its alerts: its
    officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_edit_tone_lexicon(user: Any) -> bool:
    """The tone lexicon and the classifier's retraining are shared by all: the directorate."""
    return sees_all_agencies(user)


def can_edit_bulletin_for(user: Any, agency: Agency) -> bool:
    """Pick and drop the clippings of the agency's bulletin, write its summary and send it: its
    officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_build_surveys_for(user: Any, agency: Agency) -> bool:
    """Draft, edit and preview the agency's surveys, see their live results, tag answers and
    export them: its officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_publish_survey_for(user: Any, agency: Agency) -> bool:
    """Open a survey of the agency to its audience, close it, publish its results on the
    portal: its head, and the directorate (what goes public is the head's word)."""
    return can_approve_for(user, agency)


def can_survey_network(user: Any) -> bool:
    """Ask the whole network of PR offices (a network survey), and read any agency's needs
    report: the directorate."""
    return sees_all_agencies(user)


def can_write_opportunities_for(user: Any, agency: Agency) -> bool:
    """Draft and edit the agency's investment opportunities and support programmes, add their
    documents and images, submit them: its officers and head, and the directorate."""
    return can_write_for(user, agency)


def can_approve_opportunities_for(user: Any, agency: Agency) -> bool:
    """Approve the agency's opportunities and programmes (or return them with a reason): its
    head, and the directorate (the figures an investor reads are the head's word)."""
    return can_approve_for(user, agency)


def can_publish_opportunities(user: Any, agency: Agency | None = None) -> bool:
    """Publish an approved opportunity or programme in the province's catalogue, archive it:
    the directorate (the catalogue speaks for the province, not one agency)."""
    return sees_all_agencies(user)


def can_follow_inquiries_for(user: Any, agency: Agency) -> bool:
    """Record what became of an investor's inquiry (meeting, MoU, declined): whoever handles
    the agency's desk messages."""
    return can_handle_messages_for(user, agency)


def can_see_investment_pipeline(user: Any) -> bool:
    """The province's pipeline of inquiries across agencies: the directorate."""
    return sees_all_agencies(user)


def can_issue_directives(user: Any) -> bool:
    """Draft, issue, revoke, attach to and remind about directives (بخشنامه): the directorate."""
    return sees_all_agencies(user)


def can_act_on_directives_for(user: Any, agency: Agency) -> bool:
    """Open a directive addressed to the agency (the read receipt) and report on it: its own
    staff, head or officer — never the directorate on the agency's behalf."""
    return role_in(user, agency) is not None


def can_acknowledge_directives_for(user: Any, agency: Agency) -> bool:
    """Acknowledge a directive for the agency: its PR head."""
    return role_in(user, agency) == Membership.Role.HEAD


def can_edit_plan(user: Any) -> bool:
    """The province's annual plan, its goals, programmes and campaigns: the directorate."""
    return sees_all_agencies(user)


def can_add_own_plan_for(user: Any, agency: Agency) -> bool:
    """An agency's own plan under a programme or campaign, and its quarterly reports: its
    writers (officers and head), and the directorate."""
    return can_write_for(user, agency)


def can_browse_audit(user: Any) -> bool:
    return sees_all_agencies(user)


def require(allowed: bool, message: str = "شما اجازهٔ این کار را ندارید.") -> None:
    """Raise AgencyPermissionDenied (mapped to 403 by views and the API) unless allowed."""
    if not allowed:
        raise AgencyPermissionDenied(message)


# --- coordination: weights, rankings, scorecards ----------------------------------------------


def can_set_weights(user: Any) -> bool:
    """The indicators' weights and minimum volumes of the PR offices' ranking: the directorate."""
    return sees_all_agencies(user)


def can_see_ranking(user: Any) -> bool:
    """Compute, release and export the ranking of every PR office, see it whole: the
    directorate."""
    return sees_all_agencies(user)


def can_see_scorecard(user: Any, agency: Agency, *, released: bool) -> bool:
    """An office's scorecard in a ranking: the directorate always; the office's own staff once
    the directorate has released the ranking; never another office's."""
    if sees_all_agencies(user):
        return True
    return released and agency.pk in _roles(user)

"""Who may do what: the one place every service and view asks.

Roles: the platform administrator (a superuser); directorate staff (any member of the
Governorate's PR directorate: sees and acts for every agency); an agency head (approves for
one agency); an agency PR officer (writes for one agency). Citizens need no account.

Every service function declares which of these rules lets a person call it (`guarded`,
`own_account`, `open_to_all`, `system_only`, `question`, at the end of this module); the
declarations make docs/permissions.md (core/permission_table.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
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


# --- declarations: every service says who may call it -----------------------------------------
# A service function is declared with one of the decorators below. The declaration is checked
# before the body runs (the body may check more: the state, a finer rule of one step) and is
# kept in DECLARATIONS, from which the permission matrix test and docs/permissions.md are made,
# so a new service cannot be written without saying who may call it.

DEFAULT_REFUSAL = "شما اجازهٔ این کار را ندارید."


class Scope(StrEnum):
    AGENCY = "agency"  # a predicate over the actor and the agency the call acts for
    GLOBAL = "global"  # a predicate over the actor alone
    OWN_ACCOUNT = "own_account"  # any signed-in person, on their own account
    OPEN = "open"  # anyone, signed in or not (a citizen's submission)
    SYSTEM = "system"  # tasks and commands: no person (actor is None)
    QUESTION = "question"  # answers "may this person…": writes nothing


AgencyOf = Callable[[dict[str, Any]], "Agency | None"]


@dataclass(frozen=True)
class Declaration:
    """Who may call one service function."""

    name: str  # module.function, e.g. ravabet.newsroom.services.release_submit
    scope: Scope
    predicate: Callable[..., bool] | None = None
    agency: AgencyOf | None = None
    reason: str = ""
    unattended: bool = False  # actor=None (a command on the server, a task) is let through
    actor: str = "actor"

    @property
    def module(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def function(self) -> str:
        return self.name.rsplit(".", 1)[1]

    def allows(self, user: Any, agency: Agency | None = None) -> bool:
        """What the declaration alone decides for this person acting for this agency (the
        agency is ignored unless the scope is AGENCY)."""
        if self.predicate is None and self.scope in (Scope.AGENCY, Scope.GLOBAL):
            return False
        if self.scope is Scope.AGENCY:
            assert self.predicate is not None  # noqa: S101 (checked just above, for mypy)
            # A record of no agency (a message in triage, a shared template) is the directorate's.
            return sees_all_agencies(user) if agency is None else self.predicate(user, agency)
        if self.scope is Scope.GLOBAL:
            assert self.predicate is not None  # noqa: S101 (checked above, for mypy)
            return self.predicate(user)
        if self.scope is Scope.OWN_ACCOUNT:
            return bool(getattr(user, "is_authenticated", False))
        if self.scope is Scope.SYSTEM:
            return user is None
        return True  # OPEN, QUESTION


DECLARATIONS: dict[str, Declaration] = {}

P = ParamSpec("P")
R = TypeVar("R")


def _declare(
    declaration: Callable[[str], Declaration], message: str | Callable[[dict[str, Any]], str]
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = f"{fn.__module__}.{fn.__qualname__}"
        declared = declaration(name)
        DECLARATIONS[name] = declared  # a module imported again declares again
        signature = inspect.signature(fn)
        if declared.scope is not Scope.OPEN and declared.scope is not Scope.QUESTION:
            if declared.actor not in signature.parameters and declared.scope is not Scope.SYSTEM:
                raise ImproperlyConfigured(f"{name} has no «{declared.actor}» parameter.")

        @functools.wraps(fn)
        def guarded_call(*args: P.args, **kwargs: P.kwargs) -> R:
            if declared.scope is Scope.OPEN or declared.scope is Scope.QUESTION:
                return fn(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            kw = bound.arguments
            user = kw.get(declared.actor)
            if not (user is None and declared.unattended):
                agency = declared.agency(kw) if declared.agency is not None else None
                if not declared.allows(user, agency):
                    raise AgencyPermissionDenied(message(kw) if callable(message) else message)
            return fn(*args, **kwargs)

        guarded_call.__permission__ = declared  # type: ignore[attr-defined]
        return guarded_call

    return decorate


def guarded(
    predicate: Callable[..., bool],
    *,
    agency: AgencyOf | None = None,
    message: str | Callable[[dict[str, Any]], str] = DEFAULT_REFUSAL,
    unattended: bool = False,
    actor: str = "actor",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a service callable by whom `predicate` allows: `predicate(actor, agency)` with
    `agency(call's keyword arguments)` when given (an agency of None is the directorate's),
    else `predicate(actor)`. `unattended`: actor=None (a command on the server, a task) may call
    it too. Refused before the body runs, with AgencyPermissionDenied(message)."""
    return _declare(
        lambda name: Declaration(
            name=name,
            scope=Scope.AGENCY if agency is not None else Scope.GLOBAL,
            predicate=predicate,
            agency=agency,
            reason=(predicate.__doc__ or "").strip(),
            unattended=unattended,
            actor=actor,
        ),
        message,
    )


def own_account(*, reason: str, actor: str = "actor") -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a service any signed-in person calls on their own account (their API tokens)."""
    return _declare(
        lambda name: Declaration(name=name, scope=Scope.OWN_ACCOUNT, reason=reason, actor=actor),
        "برای این کار نخست وارد شوید.",
    )


def open_to_all(*, reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a service anyone may call, signed in or not (a citizen's submission)."""
    return _declare(
        lambda name: Declaration(name=name, scope=Scope.OPEN, reason=reason), DEFAULT_REFUSAL
    )


def system_only(*, reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a service of the tasks and commands: no person calls it (an `actor` it takes
    must be None)."""
    return _declare(
        lambda name: Declaration(name=name, scope=Scope.SYSTEM, reason=reason), DEFAULT_REFUSAL
    )


def question(*, reason: str, actor: str = "actor") -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a function that only answers "may this person…" (writes nothing, refuses nobody):
    its answer is the views' and the services' to act on."""
    return _declare(
        lambda name: Declaration(name=name, scope=Scope.QUESTION, reason=reason, actor=actor),
        DEFAULT_REFUSAL,
    )


def declaration_of(fn: Callable[..., Any]) -> Declaration | None:
    """The declaration of a service function (None when it has none)."""
    declared: Declaration | None = getattr(fn, "__permission__", None)
    return declared


def assume_roles(user: Any, roles: dict[int, str], *, directorate: bool = False) -> Any:
    """Give an unsaved person these memberships (agency id -> role) without a database: the
    generated permission table asks the rules about stand-in people."""
    setattr(user, _CACHE_ATTR, (dict(roles), directorate))
    return user

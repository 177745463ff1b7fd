"""The permission matrix across every app, made from the services' declarations.

Every service function that takes a person declares who may call it (core/permissions.py:
`guarded`, `own_account`, `open_to_all`, `system_only`, `question`). Here: no service is left
undeclared; every declared rule refuses, through the real service, the people it should refuse
and nothing is written; the generated docs/permissions.md is the one committed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model

from ravabet.core import permission_table, permissions
from ravabet.core.models import AuditEntry
from ravabet.core.organisation.models import Agency, Membership
from ravabet.core.permissions import AgencyPermissionDenied, Declaration, Scope
from ravabet.newsroom.models import Release
from tests.factories import MembershipFactory, make_event, make_release

DOCS = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
REGENERATE = ".venv/bin/ravabet permissions --write docs/permissions.md"

# Module parts that never hold a service: they call services (views, the API, forms) or only read.
NOT_SERVICES = {"views", "api", "forms", "selectors", "media", "urls", "admin", "apps", "demo"}
# The kernel's machinery that every service calls with its actor (not a service itself).
KERNEL_MACHINERY = {
    "ravabet.core.audit",
    "ravabet.core.workflow",
    "ravabet.core.permissions",
    "ravabet.core.permission_table",
}
PERSON_PARAMETERS = {"actor", "user", "by"}


def _is_services_module(name: str) -> bool:
    return "services" in name.split(".")


def _service_functions(module: ModuleType) -> list[Callable[..., Any]]:
    """The module's own public functions that a person's action reaches: in a `services`
    module every one taking actor, user or by; elsewhere (monitoring's alerts.py, tone.py…,
    newsroom's importer.py) every one taking actor."""
    parts = set(module.__name__.split("."))
    if parts & NOT_SERVICES or module.__name__ in KERNEL_MACHINERY:
        return []
    wanted = PERSON_PARAMETERS if _is_services_module(module.__name__) else {"actor"}
    found = []
    for name, value in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(value):
            continue
        if value.__module__ != module.__name__:
            continue  # imported from elsewhere (an alias such as can_manage_directives)
        if wanted & set(inspect.signature(value).parameters):
            found.append(value)
    return found


def test_every_service_function_is_declared() -> None:
    found: list[str] = []
    missing: list[str] = []
    for module in permission_table.modules():
        for fn in _service_functions(module):
            name = f"{module.__name__}.{fn.__name__}"
            found.append(name)
            if permissions.declaration_of(fn) is None:
                missing.append(name)
    assert len(found) > 120, found  # the scan reaches every app's services
    assert not missing, (
        "These service functions take a person but do not declare who may call them; add "
        "@permissions.guarded(…), own_account, open_to_all, system_only or question above "
        "each (core/permissions.py), then " + REGENERATE + ":\n  " + "\n  ".join(missing)
    )


def test_every_declared_service_is_found_by_the_scan() -> None:
    """A declaration on a function the scan does not reach would make the table lie."""
    modules = {m.__name__: m for m in permission_table.modules()}
    for declaration in permission_table.declarations():
        fn = getattr(modules[declaration.module], declaration.function)
        assert permissions.declaration_of(fn) == declaration
        assert inspect.signature(fn) == inspect.signature(inspect.unwrap(fn))


# --- the matrix, through the real service functions ------------------------------------------


class StandIn:
    """A record of `agency` as far as a declaration reads it: its agency, organizer or
    responsible agency is `agency`, and so is that of any record it hangs from (its event,
    survey, section, channel, bulletin…). Never saved, never reaches a service's body: a call
    that is not refused at the door fails on it."""

    kind = "agency"  # a plan item of an agency (coordination's PlanItem.Kind.AGENCY)

    def __init__(self, agency: Agency) -> None:
        self._agency = agency

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in ("agency", "organizer", "responsible"):
            return self._agency
        return self


def _head(agency: Agency) -> Any:
    user = MembershipFactory(
        user__username=f"head.{agency.slug}", agency=agency, role=Membership.Role.HEAD
    ).user
    return user


@pytest.fixture
def people(world: Any) -> dict[str, Any]:
    """Every role, the own agency being roads and the other health."""
    return {
        "anonymous": AnonymousUser(),
        "no_role": world.outsider,
        "officer_roads": world.officer_roads,
        "head_roads": world.head_roads,
        "officer_health": world.officer_health,
        "head_health": _head(world.health),
        "directorate": world.directorate_staff,
        "admin": world.admin,
    }


@pytest.fixture
def records(world: Any) -> dict[int, dict[str, Any]]:
    """Real records of each agency where the tests have a maker for them."""
    made: dict[int, dict[str, Any]] = {}
    for agency, writer in (
        (world.roads, world.officer_roads),
        (world.health, world.officer_health),
    ):
        made[agency.pk] = {
            "release": make_release(actor=writer, agency=agency, headline="خبر آزمون دسترسی"),
            "event": make_event(actor=writer, organizer=agency),
        }
    return made


def _function(declaration: Declaration) -> Callable[..., Any]:
    module = __import__(declaration.module, fromlist=[declaration.function])
    fn: Callable[..., Any] = getattr(module, declaration.function)
    return fn


def _arguments(
    fn: Callable[..., Any], declaration: Declaration, user: Any, agency: Agency, real: dict
) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for name in inspect.signature(fn).parameters:
        if name == declaration.actor:
            arguments[name] = user
        elif name == "agency":
            arguments[name] = agency
        elif name in real:
            arguments[name] = real[name]
        else:
            arguments[name] = StandIn(agency)
    return arguments


def _snapshot(arguments: dict[str, Any]) -> list[Any]:
    """What a refused call must leave as it was: the audit log and the real records."""
    rows: list[Any] = [AuditEntry.objects.count()]
    for value in arguments.values():
        if isinstance(value, Model):
            fresh = type(value)._default_manager.get(pk=value.pk)
            rows.append({f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields})
    return rows


def _every_row() -> int:
    return sum(model._default_manager.count() for model in apps.get_models())


APPS = sorted({permission_table.app_of(d) for d in permission_table.declarations()})


@pytest.mark.parametrize("app", APPS)
def test_declared_rules_refuse_through_the_real_services(
    app: str, world: Any, people: dict[str, Any], records: dict[int, dict[str, Any]]
) -> None:
    """Every role × own/other agency × every declared action of the app: where the declaration
    refuses, the real service raises PermissionDenied and writes nothing."""
    declared = [
        d
        for d in permission_table.declarations()
        if permission_table.app_of(d) == app and d.scope not in (Scope.OPEN, Scope.QUESTION)
    ]
    before = _every_row()
    refused = 0
    for declaration in declared:
        fn = _function(declaration)
        if declaration.actor not in inspect.signature(fn).parameters:
            continue  # a task's function: no person to refuse
        for role, user in people.items():
            for agency in (world.roads, world.health):
                arguments = _arguments(fn, declaration, user, agency, records[agency.pk])
                if declaration.agency is not None:
                    assert declaration.agency(arguments) == agency, declaration.name
                if declaration.allows(user, agency):
                    continue
                snapshot = _snapshot(arguments)
                with pytest.raises(PermissionDenied) as refusal:
                    fn(**arguments)
                assert isinstance(refusal.value, AgencyPermissionDenied)
                assert str(refusal.value), f"{declaration.name}: a refusal says why"
                assert _snapshot(arguments) == snapshot, f"{declaration.name} wrote as {role}"
                refused += 1
    assert _every_row() == before
    if declared:
        assert refused > 0


def test_people_without_a_role_are_refused_every_guarded_action(
    world: Any, people: dict[str, Any]
) -> None:
    for declaration in permission_table.declarations():
        if declaration.scope in (Scope.OPEN, Scope.QUESTION):
            continue
        for agency in (world.roads, world.health):
            assert not declaration.allows(people["anonymous"], agency), declaration.name
            if declaration.scope is not Scope.OWN_ACCOUNT:  # one's own API tokens
                assert not declaration.allows(people["no_role"], agency), declaration.name


def test_another_agencys_staff_are_refused_every_agency_action(
    world: Any, people: dict[str, Any]
) -> None:
    agency_scoped = [d for d in permission_table.declarations() if d.scope is Scope.AGENCY]
    assert len(agency_scoped) > 80
    for declaration in agency_scoped:
        for role in ("officer_health", "head_health"):
            assert not declaration.allows(people[role], world.roads), (declaration.name, role)
        for role in ("officer_roads", "head_roads"):
            assert not declaration.allows(people[role], world.health), (declaration.name, role)


def test_the_directorate_and_the_admin_may_every_agency_action(
    world: Any, people: dict[str, Any]
) -> None:
    """Except the directives addressed to an agency, which its own staff answer."""
    own_staff_only = {"can_act_on_directives_for", "can_acknowledge_directives_for"}
    for declaration in permission_table.declarations():
        if declaration.scope is not Scope.AGENCY:
            continue
        assert declaration.predicate is not None
        expected = declaration.predicate.__name__ not in own_staff_only
        for role in ("directorate", "admin"):
            assert declaration.allows(people[role], world.health) is expected, declaration.name


def test_refusal_comes_before_the_body_with_the_services_persian_message(
    world: Any, records: dict[int, dict[str, Any]]
) -> None:
    from ravabet.newsroom import services

    release = records[world.roads.pk]["release"]
    before = AuditEntry.objects.count()
    with pytest.raises(AgencyPermissionDenied, match="شما برای این دستگاه خبر نمی‌نویسید"):
        services.release_submit(actor=world.officer_health, release=release)
    release.refresh_from_db()
    assert release.status == Release.Status.DRAFT
    assert AuditEntry.objects.count() == before
    # The wrapper keeps what views and the API introspect.
    assert services.release_submit.__name__ == "release_submit"
    assert "actor" in inspect.signature(services.release_submit).parameters


def test_a_command_on_the_server_passes_where_declared_unattended(world: Any) -> None:
    from ravabet.distribution import services

    channel = services.channel_create(
        actor=None,
        agency=world.roads,
        data=services.ChannelInput(
            kind="telegram", name="تلگرام راه", token="123456:ravabet-test", chat_id="@roads"
        ),
    )
    with pytest.raises(AgencyPermissionDenied):
        services.channel_remove(actor=world.officer_roads, channel=channel)  # head's only
    services.channel_remove(actor=None, channel=channel)


# --- the page made from the declarations -----------------------------------------------------


def test_the_stand_in_roles_of_the_page_decide_as_real_people(
    world: Any, people: dict[str, Any]
) -> None:
    """The page asks stand-in people with no database; real members must get the same answers."""
    real = {
        "anonymous": people["anonymous"],
        "no_role": people["no_role"],
        "officer": people["officer_roads"],
        "head": people["head_roads"],
        "directorate": people["directorate"],
        "admin": people["admin"],
    }
    own, other = permission_table.stand_in_agencies()
    for declaration in permission_table.declarations():
        for role in permission_table.stand_in_roles():
            for stand_in_agency, agency in ((own, world.roads), (other, world.health)):
                assert declaration.allows(role.user, stand_in_agency) == declaration.allows(
                    real[role.key], agency
                ), (declaration.name, role.key, agency.slug)


def test_docs_permissions_page_is_the_generated_one() -> None:
    generated = permission_table.markdown()
    committed = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert committed == generated, (
        "docs/permissions.md differs from the services' declarations; regenerate it with "
        f"`{REGENERATE}` and review who may now do what."
    )

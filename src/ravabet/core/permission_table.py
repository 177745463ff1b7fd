"""The role × action table made from the services' declarations (docs/permissions.md).

Every service function declares who may call it (`permissions.guarded`, `own_account`,
`open_to_all`, `system_only`, `question`); this module finds them all and asks each declaration
about stand-in people of every role, acting for their own agency and for another.
`ravabet permissions --write docs/permissions.md` writes the page; a test keeps it current.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency, Membership
from ravabet.core.permissions import Declaration, Scope

# Parts of a package never holding a service: skipped when every module is imported.
SKIPPED_PARTS = frozenset({"migrations", "management", "templatetags", "tests"})

OWN_PK, OTHER_PK, DIRECTORATE_PK = 1, 2, 3


def modules() -> Iterator[ModuleType]:
    """Import and yield every module of the project's installed apps (so every declaration is
    made), in a stable order."""
    seen: set[str] = set()
    roots = sorted({c.name for c in apps.get_app_configs() if c.name.startswith("ravabet.")})
    for root in roots:
        package = importlib.import_module(root)
        yield from _walk(package, seen)


def _walk(package: ModuleType, seen: set[str]) -> Iterator[ModuleType]:
    if package.__name__ not in seen:
        seen.add(package.__name__)
        yield package
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in SKIPPED_PARTS or info.name.startswith("_"):
            continue
        name = f"{package.__name__}.{info.name}"
        if name in seen:
            continue
        module = importlib.import_module(name)
        if info.ispkg:
            yield from _walk(module, seen)
        else:
            seen.add(name)
            yield module


def declarations() -> list[Declaration]:
    """Every declaration, by module and function name."""
    for _ in modules():
        pass
    return sorted(permissions.DECLARATIONS.values(), key=lambda d: d.name)


@dataclass(frozen=True)
class Role:
    key: str
    label: str  # the column's heading (Persian first, as the users say it)
    user: Any


def stand_in_roles() -> list[Role]:
    """One unsaved person per role, their memberships given without a database: an officer and
    a head of the agency OWN_PK, a member of the directorate, the platform administrator."""
    people = get_user_model()

    def person(pk: int, *, superuser: bool = False) -> Any:
        return people(pk=pk, username=f"stand-in-{pk}", is_superuser=superuser)

    return [
        Role("anonymous", "شهروند بی‌حساب (anonymous)", AnonymousUser()),
        Role("no_role", "حساب بی‌نقش (no role)", permissions.assume_roles(person(1), {})),
        Role(
            "officer",
            "کارشناس (officer)",
            permissions.assume_roles(person(2), {OWN_PK: Membership.Role.OFFICER}),
        ),
        Role(
            "head",
            "مدیر (head)",
            permissions.assume_roles(person(3), {OWN_PK: Membership.Role.HEAD}),
        ),
        Role(
            "directorate",
            "اداره‌کل (directorate staff)",
            permissions.assume_roles(
                person(4), {DIRECTORATE_PK: Membership.Role.OFFICER}, directorate=True
            ),
        ),
        Role(
            "admin",
            "مدیر سامانه (platform admin)",
            permissions.assume_roles(person(5, superuser=True), {}),
        ),
    ]


def stand_in_agencies() -> tuple[Agency, Agency]:
    """(own, other): the agency the officer and the head work for, and another one."""
    return (
        Agency(pk=OWN_PK, slug="own", name="own", kind=Agency.Kind.GENERAL_DIRECTORATE),
        Agency(pk=OTHER_PK, slug="other", name="other", kind=Agency.Kind.GENERAL_DIRECTORATE),
    )


def app_of(declaration: Declaration) -> str:
    """The app a service belongs to: `newsroom`, `coordination`, `core.calendar`,
    `core.personal_data`."""
    parts = declaration.module.split(".")
    if parts[1] == "core" and len(parts) > 2:
        return f"core.{parts[2]}"
    return parts[1]


def rule_of(declaration: Declaration) -> str:
    """The rule's name as the table shows it."""
    if declaration.scope in (Scope.AGENCY, Scope.GLOBAL):
        assert declaration.predicate is not None  # noqa: S101 (guarded always has one)
        name = f"`{declaration.predicate.__name__}`"
        name += " (its agency)" if declaration.scope is Scope.AGENCY else ""
        return name + (" · or a command on the server" if declaration.unattended else "")
    return {
        Scope.OWN_ACCOUNT: "signed in, own account",
        Scope.OPEN: "anyone",
        Scope.SYSTEM: "tasks and commands only",
        Scope.QUESTION: "asks, writes nothing",
    }[declaration.scope]


def cells(declaration: Declaration, roles: list[Role]) -> list[str]:
    """✓/✗ per role; officers and heads twice (own agency, another agency)."""
    own, other = stand_in_agencies()
    row = []
    for role in roles:
        places = (own, other) if role.key in ("officer", "head") else (own,)
        for agency in places:
            row.append("✓" if declaration.allows(role.user, agency) else "✗")
    return row


def markdown() -> str:
    """docs/permissions.md."""
    roles = stand_in_roles()
    heading = []
    for role in roles:
        if role.key in ("officer", "head"):
            heading += [f"{role.label}: own", f"{role.label}: other"]
        else:
            heading.append(role.label)
    lines = [
        "# Who may do what: the permission matrix",
        "",
        "Generated from the services' declarations (`core/permissions.py`: `guarded`,",
        "`own_account`, `open_to_all`, `system_only`, `question`) by",
        "`ravabet permissions --write docs/permissions.md`; do not edit by hand.",
        "`tests/core/test_permission_matrix.py` fails when this page and the code differ, and",
        "when a service function has no declaration.",
        "",
        "A row is what the declaration lets through before the service's body runs; the body",
        "may refuse more (the record's state, one workflow step's finer rule, a citizen's",
        "anonymity). «own» is the agency the officer or head works for, «other» any other",
        "agency; the directorate's staff and the platform administrator act for every agency.",
        "A record of no agency (a message in triage, a shared reply template) is the",
        "directorate's.",
    ]
    by_app: dict[str, list[Declaration]] = {}
    for declaration in declarations():
        by_app.setdefault(app_of(declaration), []).append(declaration)
    for app in sorted(by_app):
        rows = [d for d in by_app[app] if d.scope is not Scope.QUESTION]
        asks = [d for d in by_app[app] if d.scope is Scope.QUESTION]
        lines += ["", f"## {app}", ""]
        if rows:
            lines.append("| action | rule | " + " | ".join(heading) + " |")
            lines.append("|---|---|" + "---|" * len(heading))
            for d in rows:
                lines.append(
                    f"| `{d.function}` | {rule_of(d)} | " + " | ".join(cells(d, roles)) + " |"
                )
        if asks:
            names = ", ".join(f"`{d.function}`" for d in asks)
            lines += ["", f"Questions (answer «may this person…», write nothing): {names}."]
    return "\n".join(lines) + "\n"

"""The editorial workflow's one step, shared by every capability whose records move through
states under an agency's people (the newsroom's releases, investment opportunities): lock the
row, check who may, check from where, set the new state, audit the step.

The caller holds the transaction and saves: a step often writes more than the state
(a publication time, a reason), in the same UPDATE. A capability declares its steps as data
(`Step`), so the buttons a page offers and the checks the service makes are the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest

from ravabet.core import audit, permissions

M = TypeVar("M", bound=models.Model)


class StateError(Exception):
    """The step is not possible from the record's present state (a Persian message)."""


@dataclass(frozen=True)
class Step:
    """One move: its name (the audit action's suffix), the states it starts from, the state it
    ends in, who may take it (a `core.permissions` rule over the record's agency) and the
    Persian refusal, and the button's label."""

    action: str
    sources: frozenset[str]
    target: str
    allowed: Callable[[Any, Any], bool]
    refused: str
    label: str = ""


def transition(
    *,
    actor: Any,
    obj: M,
    allowed_from: Iterable[str],
    to: str,
    action: str,
    allowed: bool | Callable[[Any, M], bool],
    refused: str,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    state_field: str = "status",
    error: type[Exception] = StateError,
    select_related: tuple[str, ...] = ("agency",),
) -> M:
    """Lock the row, check who and from where, set the state and record the step (action
    «<model>.<action>» in the audit, from and to states). Returns the locked, changed
    instance, unsaved: call inside `transaction.atomic()` and save it there."""
    manager = type(obj)._default_manager
    locked: M = (
        manager.select_for_update(of=("self",)).select_related(*select_related).get(pk=obj.pk)
    )
    may = allowed(actor, locked) if callable(allowed) else allowed
    permissions.require(may, refused)
    previous = getattr(locked, state_field)
    if previous not in set(allowed_from):
        display = getattr(locked, f"get_{state_field}_display")()
        raise error(f"این کار در وضعیت «{display}» ممکن نیست.")
    setattr(locked, state_field, to)
    audit.record(
        actor=actor,
        action=f"{type(obj)._meta.model_name}.{action}",
        obj=locked,
        agency=getattr(locked, "agency", None),
        from_state=previous,
        to_state=to,
        data=data,
        request=request,
    )
    return locked


def _agency(obj: Any) -> Any:
    return obj.agency


def take(
    step: Step,
    *,
    actor: Any,
    obj: M,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    error: type[Exception] = StateError,
) -> M:
    """`transition` for a declared step: the rule is `step.allowed(actor, obj.agency)`."""
    return transition(
        actor=actor,
        obj=obj,
        allowed_from=step.sources,
        to=step.target,
        action=step.action,
        allowed=lambda who, locked: bool(who is not None and step.allowed(who, _agency(locked))),
        refused=step.refused,
        request=request,
        data=data,
        error=error,
    )


def available(
    steps: Iterable[Step], *, user: Any, obj: Any, state_field: str = "status"
) -> list[Step]:
    """The steps this person may take on this record now: the buttons its page shows."""
    state = getattr(obj, state_field)
    return [s for s in steps if state in s.sources and s.allowed(user, obj.agency)]

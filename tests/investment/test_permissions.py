"""Role × action over investment's services: every person of the world against each workflow
step, edit and file change of a roads opportunity (and of a roads programme). The allowed ones
succeed; the others raise AgencyPermissionDenied and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.core.audit import entries_for
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.investment.models import Opportunity, Programme
from ravabet.investment.services import (
    OpportunityError,
    opportunity_add_document,
    opportunity_add_image,
    opportunity_create,
    opportunity_step,
    opportunity_update,
    programme_create,
    programme_step,
)
from tests.investment.conftest import opportunity_data, programme_data

pytestmark = pytest.mark.django_db

ROLES = ["officer_roads", "head_roads", "officer_health", "directorate_staff", "admin", "outsider"]
WRITERS = {"officer_roads", "head_roads", "directorate_staff", "admin"}
APPROVERS = {"head_roads", "directorate_staff", "admin"}
DIRECTORATE = {"directorate_staff", "admin"}

# step: (the state it starts from, who may take it)
STEPS = {
    "submit": ("draft", WRITERS),
    "return": ("submitted", APPROVERS),
    "approve": ("submitted", APPROVERS),
    "publish": ("approved", DIRECTORATE),
    "archive": ("published", DIRECTORATE),
    "restore": ("archived", APPROVERS),
}
# an edit in each state: who may
EDITS = {
    "draft": WRITERS,
    "submitted": APPROVERS,
    "approved": APPROVERS,
    "published": DIRECTORATE,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(STEPS))
def test_opportunity_step_matrix(world: Any, make_opportunity: Any, role: str, action: str) -> None:
    start, allowed = STEPS[action]
    opportunity = make_opportunity(world, status=start)
    history = entries_for(opportunity).count()
    actor = getattr(world, role)

    def call() -> Opportunity:
        return opportunity_step(
            actor=actor, opportunity=opportunity, action=action, reason="دلیل روشن"
        )

    if role in allowed:
        assert call().status != start
    else:
        with pytest.raises(AgencyPermissionDenied):
            call()
        opportunity.refresh_from_db()
        assert opportunity.status == start
        assert entries_for(opportunity).count() == history


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(EDITS))
def test_opportunity_edit_matrix(world: Any, make_opportunity: Any, role: str, state: str) -> None:
    opportunity = make_opportunity(world, status=state)
    actor = getattr(world, role)
    data = opportunity_data(title="عنوان تازهٔ فرصت")
    if role in EDITS[state]:
        assert opportunity_update(actor=actor, opportunity=opportunity, data=data).title == (
            "عنوان تازهٔ فرصت"
        )
        return
    # A writer of the agency meets the state's refusal (why, in Persian); anyone else no door.
    expected: Any = AgencyPermissionDenied if role not in WRITERS else OpportunityError
    with pytest.raises(expected):
        opportunity_update(actor=actor, opportunity=opportunity, data=data)
    opportunity.refresh_from_db()
    assert opportunity.title != "عنوان تازهٔ فرصت"


@pytest.mark.parametrize("role", ROLES)
def test_opportunity_create_and_files_matrix(
    world: Any, make_opportunity: Any, pdf_file: Any, png_file: Any, role: str
) -> None:
    actor = getattr(world, role)
    opportunity = make_opportunity(world)
    calls = [
        lambda: opportunity_create(actor=actor, agency=world.roads, data=opportunity_data()),
        lambda: opportunity_add_document(
            actor=actor, opportunity=opportunity, upload=pdf_file(), title="", kind="feasibility"
        ),
        lambda: opportunity_add_image(
            actor=actor, opportunity=opportunity, upload=png_file(), alt_text="نما"
        ),
    ]
    for call in calls:
        if role in WRITERS:
            call()
        else:
            with pytest.raises(AgencyPermissionDenied):
                call()
    expected = 2 if role in WRITERS else 1
    assert Opportunity.objects.count() == expected
    assert opportunity.documents.count() == (1 if role in WRITERS else 0)
    assert opportunity.images.count() == (1 if role in WRITERS else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(STEPS))
def test_programme_step_matrix(world: Any, make_programme: Any, role: str, action: str) -> None:
    start, allowed = STEPS[action]
    programme = make_programme(world, status=start, agency=world.roads)
    actor = getattr(world, role)

    def call() -> Programme:
        return programme_step(actor=actor, programme=programme, action=action, reason="دلیل")

    if role in allowed:
        assert call().status != start
    else:
        with pytest.raises(AgencyPermissionDenied):
            call()
        programme.refresh_from_db()
        assert programme.status == start


@pytest.mark.parametrize("role", ROLES)
def test_programme_create_matrix(world: Any, role: str) -> None:
    actor = getattr(world, role)
    if role in WRITERS:
        programme_create(actor=actor, agency=world.roads, data=programme_data())
        assert Programme.objects.count() == 1
    else:
        with pytest.raises(AgencyPermissionDenied):
            programme_create(actor=actor, agency=world.roads, data=programme_data())
        assert not Programme.objects.exists()

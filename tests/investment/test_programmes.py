"""Support programmes' services: the checks, the opportunities a programme names, the shared
workflow, edits by state."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ravabet.core.audit import entries_for
from ravabet.investment.models import Programme, Status
from ravabet.investment.services import (
    ProgrammeError,
    programme_create,
    programme_step,
    programme_update,
)
from tests.investment.conftest import programme_data

pytestmark = pytest.mark.django_db


def test_create_with_sectors_and_opportunities(world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world, status="published")
    programme = programme_create(
        actor=world.directorate_staff,
        agency=world.directorate,
        data=programme_data(
            title="  تسهيلات بانکی  ",
            kind="facility",
            sectors=["tourism", "industry"],
            opportunity_ids=[opportunity.pk, str(opportunity.pk)],
        ),
    )
    programme.refresh_from_db()
    assert programme.title == "تسهیلات بانکی"
    assert programme.sector_codes == ["industry", "tourism"]
    assert list(programme.opportunities.all()) == [opportunity]
    assert programme.status == Status.DRAFT
    assert [e.action for e in entries_for(programme)] == ["programme.create"]


def test_refusals_keyed_by_field_and_nothing_stored(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        programme_create(
            actor=world.directorate_staff,
            agency=world.directorate,
            data=programme_data(
                kind="gift",
                title="",
                legal_basis=" ",
                sectors=["space"],
                opportunity_ids=[999_999],
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"kind", "title", "legal_basis", "sectors", "opportunity_ids"}
    assert errors["title"] == ["عنوان حمایت را بنویسید."]
    assert not Programme.objects.exists()


def test_workflow_and_return_reason(world: Any, make_programme: Any) -> None:
    programme = make_programme(world, status="submitted", agency=world.roads)
    with pytest.raises(ValidationError):
        programme_step(actor=world.head_roads, programme=programme, action="return")
    programme = programme_step(
        actor=world.head_roads, programme=programme, action="return", reason="مبنای قانونی؟"
    )
    assert (programme.status, programme.return_reason) == (Status.DRAFT, "مبنای قانونی؟")
    for actor, action in [
        (world.officer_roads, "submit"),
        (world.head_roads, "approve"),
        (world.directorate_staff, "publish"),
    ]:
        programme = programme_step(actor=actor, programme=programme, action=action)
    programme.refresh_from_db()
    assert programme.status == Status.PUBLISHED and programme.published_at
    assert programme.return_reason == ""
    with pytest.raises(ProgrammeError):
        programme_step(actor=world.directorate_staff, programme=programme, action="publish")


def test_edits_by_state_and_updated_at(world: Any, make_programme: Any) -> None:
    programme = make_programme(world, status="approved", agency=world.roads)
    with pytest.raises(ProgrammeError):
        programme_update(
            actor=world.officer_roads, programme=programme, data=programme_data(title="تازه")
        )
    before = programme.updated_at
    programme = programme_step(actor=world.directorate_staff, programme=programme, action="publish")
    programme.refresh_from_db()
    assert programme.updated_at == before
    programme_update(
        actor=world.directorate_staff, programme=programme, data=programme_data(title="تازه")
    )
    programme.refresh_from_db()
    assert programme.title == "تازه" and programme.updated_at > before
    # Saving the same content again is no edit: «last updated» stays.
    stamp = programme.updated_at
    programme_update(
        actor=world.directorate_staff, programme=programme, data=programme_data(title="تازه")
    )
    programme.refresh_from_db()
    assert programme.updated_at == stamp
    archived = make_programme(world, status="archived")
    with pytest.raises(ProgrammeError):
        programme_update(actor=world.directorate_staff, programme=archived, data=programme_data())

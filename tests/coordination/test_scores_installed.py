"""The ranking over the indicators the installed capabilities register (not test ones): every
one is computed once for all offices without error, and the pages render."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.coordination.services import scores as services
from ravabet.core import registry
from tests.coordination.fixtures_scores import END, START

pytestmark = pytest.mark.django_db


def test_the_installed_indicators_rank_without_error(world: Any) -> None:
    indicators = registry.indicators()
    assert indicators, "every capability registers its indicators from ready()"
    services.weights_save(
        actor=world.directorate_staff,
        data={i.key: {"weight": 10, "min_volume": None} for i in indicators},
    )
    ranking = services.ranking_compute(actor=world.directorate_staff, start=START, end=END)
    assert set(ranking.weights) == {i.key for i in indicators}
    assert not [k for k, meta in ranking.weights.items() if meta.get("failed")]
    client = Client()
    client.force_login(world.directorate_staff)
    assert client.get("/backoffice/coordination/ranking/").status_code == 200
    assert client.get("/backoffice/coordination/scorecards/roads/").status_code == 200
    assert client.get("/backoffice/coordination/weights/").status_code == 200
    assert client.get("/backoffice/coordination/ranking.xlsx").status_code == 200

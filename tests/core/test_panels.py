"""A panel another capability registers shows on the object's page, to whom its context allows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core import registry
from tests.factories import make_release


@pytest.mark.django_db
def test_a_registered_panel_shows_on_the_release_page_to_whom_it_allows(
    world: Any, tmp_path: Any, settings: Any
) -> None:
    (tmp_path / "panel.html").write_text("<p>ارسال به {{ where }}</p>", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}
    ]
    release = make_release(actor=world.officer_roads, agency=world.roads)
    registry.register_panel(
        "newsroom.release",
        "test-panel",
        "ارسال‌ها",
        "panel.html",
        lambda user, obj: {"where": "بله"} if user == world.head_roads else None,
    )
    try:
        client = Client()
        client.force_login(world.head_roads)
        html = client.get(f"/backoffice/newsroom/{release.pk}/").content.decode()
        assert '<h2 id="panel-test-panel">ارسال‌ها</h2>' in html and "ارسال به بله" in html
        client.force_login(world.officer_roads)
        assert "ارسال به" not in client.get(f"/backoffice/newsroom/{release.pk}/").content.decode()
    finally:
        registry._panels.pop(("newsroom.release", "test-panel"), None)

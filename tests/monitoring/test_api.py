"""Monitoring in the API with a real token: mentions cut to the token's person's agencies (and
their own saved searches), stories for any staff member; 4xx or an empty list, never 500, on
hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.tokens.services import token_create
from ravabet.monitoring.models import Mention
from tests.monitoring.test_pages import news  # noqa: F401 - the fixture

URL = "/api/v1/monitoring/"


def _auth(user: Any) -> dict[str, str]:
    key = token_create(actor=user, name="آزمون", read_only=True)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _get(user: Any, path: str, **params: Any) -> Any:
    return Client().get(URL + path, params, **_auth(user))


def test_mentions_are_the_token_owners_agencies(world: Any, news: Any) -> None:  # noqa: F811
    roads = _get(world.officer_roads, "mentions").json()
    agencies = {(i["agency"] or {}).get("slug") for i in roads["items"]}
    assert agencies == {"roads", None}  # its agency's, and its own saved search's
    assert roads["count"] == Mention.objects.filter(agency=world.roads).count() + 1
    item = roads["items"][0]
    assert {"passage", "term", "tone", "article_title", "outlet", "published_at"} <= set(item)
    health = _get(world.officer_health, "mentions").json()
    assert {i["agency"]["slug"] for i in health["items"]} == {"tums"}
    everyone = _get(world.directorate_staff, "mentions").json()
    assert {i["agency"]["slug"] for i in everyone["items"]} == {"roads", "tums"}
    assert _get(world.outsider, "mentions").json()["count"] == 0
    # Another agency asked for by id gives nothing of it.
    asked = _get(world.officer_health, "mentions", agency=world.roads.pk).json()
    assert asked["count"] == 0


def test_mentions_filters_and_pages(world: Any, news: Any) -> None:  # noqa: F811
    first = Mention.objects.filter(agency=world.roads).order_by("pk").first()
    assert first is not None
    Mention.objects.filter(pk=first.pk).update(tone="negative", tone_source="editor")
    negative = _get(world.officer_roads, "mentions", tone="negative").json()
    assert [i["id"] for i in negative["items"]] == [first.pk]
    page = _get(world.officer_roads, "mentions", limit=1, offset=1).json()
    assert len(page["items"]) == 1 and page["count"] > 1


def test_stories_for_staff_only(world: Any, news: Any) -> None:  # noqa: F811
    data = _get(world.officer_health, "stories").json()
    assert data["items"][0]["outlet_count"] == 3  # the most outlets first
    assert _get(world.outsider, "stories").status_code == 403
    assert Client().get(URL + "stories").status_code == 401
    assert Client().get(URL + "mentions").status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "99999999999999999999", "offset": "-5"},
        {"tone": "bogus", "agency": "x" * 5000, "watch": "۲"},
        {"since": "garbage", "until": "۱۴۰۴/۱۳/۴۰", "q": "ب" * 5000},
        {"period": "forever"},
    ],
)
def test_hostile_queries_never_fail(world: Any, news: Any, params: Any) -> None:  # noqa: F811
    for path in ("mentions", "stories"):
        assert _get(world.officer_roads, path, **params).status_code in (200, 422)

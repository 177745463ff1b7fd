"""Releases in the API: public reads and search; writes through the same services and checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.tokens.services import token_create
from ravabet.newsroom.models import Release
from tests.factories import make_release

pytestmark = pytest.mark.django_db


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, name='t')[1]}"}


def test_public_list_and_detail(world: Any) -> None:
    published = make_release(
        actor=world.head_roads, agency=world.roads, headline="منتشر", status="published"
    )
    make_release(actor=world.head_roads, agency=world.roads, headline="پیش‌نویس")
    data = Client().get("/api/v1/releases").json()
    assert [r["headline"] for r in data["items"]] == ["منتشر"]
    assert Client().get(f"/api/v1/releases/{published.pk}").json()["agency"] == "roads"
    assert Client().get("/api/v1/releases/999999").status_code == 404
    assert Client().get("/api/v1/releases", {"agency": "nope"}).status_code == 404


def test_api_search(world: Any) -> None:
    make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="بهسازی جاده فیروزکوه",
        status="published",
    )
    data = Client().get("/api/v1/releases/search", {"q": "جاده"}).json()
    assert data["total"] == 1 and data["items"][0]["headline"] == "بهسازی جاده فیروزکوه"
    assert Client().get("/api/v1/releases/search", {"q": '" OR *'}).status_code == 200


def test_create_submit_approve_through_the_api(world: Any) -> None:
    officer, head = _auth(world.officer_roads), _auth(world.head_roads)
    response = Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "خبر از API", "body": "متن"},
        content_type="application/json",
        **officer,
    )
    assert response.status_code == 201
    release_id = response.json()["id"]
    assert (
        Client().post(f"/api/v1/releases/{release_id}/submit", **officer).json()["status"]
        == "submitted"
    )
    refused = Client().post(
        f"/api/v1/releases/{release_id}/approve", {}, content_type="application/json", **officer
    )
    assert refused.status_code == 403
    approved = Client().post(
        f"/api/v1/releases/{release_id}/approve", {}, content_type="application/json", **head
    )
    assert approved.json()["status"] == "published"
    again = Client().post(
        f"/api/v1/releases/{release_id}/approve", {}, content_type="application/json", **head
    )
    assert again.status_code == 409


def test_api_writes_need_token_and_own_agency(world: Any) -> None:
    payload = {"agency": "roads", "headline": "x"}
    assert (
        Client().post("/api/v1/releases", payload, content_type="application/json").status_code
        == 401
    )
    response = Client().post(
        "/api/v1/releases", payload, content_type="application/json", **_auth(world.officer_health)
    )
    assert response.status_code == 403
    release = make_release(actor=world.officer_roads, agency=world.roads)
    assert (
        Client()
        .post(f"/api/v1/releases/{release.pk}/submit", **_auth(world.officer_health))
        .status_code
        == 404
    )
    assert Release.objects.count() == 1

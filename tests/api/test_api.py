"""The JSON API: public agency list, token-authenticated /me, OpenAPI document and docs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ravabet.api import parsing
from ravabet.core.tokens import services
from ravabet.core.tokens.models import ApiToken


@pytest.mark.django_db
def test_agency_list_is_public_and_paginated(world: Any) -> None:
    data = Client().get("/api/v1/agencies", {"limit": 2}).json()
    assert data["count"] == 3
    assert len(data["items"]) == 2
    slugs = {a["slug"] for a in Client().get("/api/v1/agencies").json()["items"]}
    assert slugs == {"pr-directorate", "roads", "tums"}


@pytest.mark.django_db
def test_agency_list_filters_and_bad_kind(world: Any) -> None:
    items = Client().get("/api/v1/agencies", {"kind": "university"}).json()["items"]
    assert [a["slug"] for a in items] == ["tums"]
    response = Client().get("/api/v1/agencies", {"kind": "<script>"})
    assert response.status_code == 400
    assert response.json()["detail"] == "نوع دستگاه شناخته نیست."


@pytest.mark.django_db
def test_agency_detail_and_404(world: Any) -> None:
    assert Client().get("/api/v1/agencies/roads").json()["name"] == world.roads.name
    response = Client().get("/api/v1/agencies/none")
    assert response.status_code == 404
    assert "دستگاهی" in response.json()["detail"]


@pytest.mark.django_db
def test_me_needs_a_token(world: Any) -> None:
    assert Client().get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer rvb_wrong").status_code == 401


@pytest.mark.django_db
def test_me_with_token_shows_roles(world: Any) -> None:
    _, key = services.token_create(actor=world.head_roads, name="آزمون")
    data = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["username"] == "head.roads"
    assert data["memberships"] == [
        {
            "agency": "roads",
            "agency_name": world.roads.name,
            "role": "head",
            "role_label": "مدیر روابط عمومی (تأییدکننده)",
        }
    ]
    assert data["is_directorate_staff"] is False
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert key not in (token.key_hash, token.prefix)  # only a hash is stored


@pytest.mark.django_db
def test_revoked_token_stops_working(world: Any) -> None:
    token, key = services.token_create(actor=world.directorate_staff, name="x")
    services.token_revoke(
        actor=world.officer_roads, token_id=str(token.pk)
    )  # not theirs: no effect
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    services.token_revoke(actor=world.directorate_staff, token_id=str(token.pk))
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_profile_page_creates_a_token_shown_once(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    body = client.post(
        "/accounts/profile/", {"action": "create_token", "name": "انتشار"}
    ).content.decode()
    key = body.split('class="token">')[1].split("<")[0]
    assert key.startswith("rvb_")
    assert key not in client.get("/accounts/profile/").content.decode()
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"]
        == "officer.roads"
    )


@pytest.mark.django_db
def test_openapi_document_and_docs_are_served_locally() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/agencies" in spec["paths"] and "/api/v1/me" in spec["paths"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {services.token_create(actor=user, name='t')[1]}"}


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_413_with_a_persian_detail(world: Any) -> None:
    # Django's DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB; ninja reads the whole body.
    body = json.dumps({"agency": "roads", "headline": "تیتر", "body": "م" * 3_000_000})
    response = Client().post(
        "/api/v1/releases", body, content_type="application/json", **_bearer(world.officer_roads)
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == parsing.TOO_BIG


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_400_with_a_persian_detail(world: Any) -> None:
    for raw in [b"{not json", b"\xff\xfe{", b"[" * 100_000]:
        response = Client().post(
            "/api/v1/releases", raw, content_type="application/json", **_bearer(world.officer_roads)
        )
        assert response.status_code == 400
        assert response.json()["detail"] == parsing.NOT_JSON


def test_lone_surrogates_are_found_anywhere_in_decoded_json() -> None:
    assert parsing.has_lone_surrogate({"a": [1, {"b": "\ud800"}]})
    assert parsing.has_lone_surrogate({"\udc00": 1})
    assert not parsing.has_lone_surrogate({"a": ["\U0001f4f0", 1.5, None, True]})

"""Releases in the API: public reads and search; writes through the same services and checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.api import parsing
from ravabet.core import jalali
from ravabet.core.tokens.services import token_create
from ravabet.newsroom import services
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


def test_public_list_reads_and_converts_only_the_page_asked_for(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client paging through 20 at a time must not cost the whole table on every request."""
    from ravabet.newsroom import api

    for i in range(7):
        make_release(
            actor=world.head_roads, agency=world.roads, headline=f"خبر {i}", status="published"
        )
    converted: list[int] = []
    original = api.ReleaseOut.of

    def counting(release: Release) -> Any:
        converted.append(release.pk)
        return original(release)

    monkeypatch.setattr(api.ReleaseOut, "of", staticmethod(counting))
    data = Client().get("/api/v1/releases", {"limit": "3", "offset": "2"}).json()
    assert data["count"] == 7
    assert [r["headline"] for r in data["items"]] == ["خبر ۴", "خبر ۳", "خبر ۲"]
    assert len(converted) == 3


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
    assert data["total_is_lower_bound"] is False


def test_api_search_counts_to_a_thousand_and_says_there_are_more(db: Any) -> None:
    from ravabet.core.search import Document, index_documents

    index_documents(
        Document(scope="release", object_id=i, title=f"گزارش شمارهٔ {i}", body="")
        for i in range(1, 1501)
    )
    data = Client().get("/api/v1/releases/search", {"q": "گزارش", "page": "60"}).json()
    assert (data["total"], data["total_is_lower_bound"]) == (1000, True)
    assert (data["num_pages"], data["page"]) == (50, 50)


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


# --- hostile input: the service's own answers, never a 500 ------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", "ب" * 100_000),
        ("headline", "تیتر\x00خبر"),
        ("kicker", "ر" * 301),
        ("lead", "ل" * 3001),
    ],
)
def test_api_refuses_long_or_invalid_text_with_the_services_message(
    world: Any, field: str, value: str
) -> None:
    response = Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "تیتر", field: value},
        content_type="application/json",
        **_auth(world.officer_roads),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == services.text_error(field, value)
    assert not Release.objects.exists()


def test_api_refuses_a_body_longer_than_the_setting(world: Any, settings: Any) -> None:
    settings.RAVABET_MAX_BODY_CHARS = 1000
    body = "متن " * 300
    response = Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "تیتر", "body": body},
        content_type="application/json",
        **_auth(world.officer_roads),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == services.text_error("body", body)
    assert "۱٬۰۰۰" in response.json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"agency": "roads", "headline": "\\ud800"}',
        '{"agency": "\\udfff", "headline": "تیتر"}',
        '{"agency": "roads", "headline": "تیتر", "tags": ["\\udc00"]}',
    ],
)
def test_api_refuses_a_lone_surrogate_in_json(world: Any, raw: str) -> None:
    response = Client().post(
        "/api/v1/releases", raw, content_type="application/json", **_auth(world.officer_roads)
    )
    assert response.status_code == 400
    assert response.json()["detail"] == parsing.LONE_SURROGATE
    assert not Release.objects.exists()


def test_api_takes_a_surrogate_pair_that_makes_one_character(world: Any) -> None:
    response = Client().post(
        "/api/v1/releases",
        '{"agency": "roads", "headline": "\\ud83d\\udcf0 خبر"}',
        content_type="application/json",
        **_auth(world.officer_roads),
    )
    assert response.status_code == 201
    assert response.json()["headline"].startswith("\U0001f4f0")


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00-05:00",
    ],
)
def test_api_publish_time_at_the_ends_of_the_calendar_is_400(world: Any, moment: str) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="submitted")
    response = Client().post(
        f"/api/v1/releases/{release.pk}/approve",
        {"publish_at": moment},
        content_type="application/json",
        **_auth(world.head_roads),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == jalali.OUT_OF_RANGE_MESSAGE
    release.refresh_from_db()
    assert release.status == Release.Status.SUBMITTED


def test_api_publish_time_without_offset_is_tehran_time(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="submitted")
    response = Client().post(
        f"/api/v1/releases/{release.pk}/approve",
        {"publish_at": "2040-05-20T10:00:00"},
        content_type="application/json",
        **_auth(world.head_roads),
    )
    assert response.json()["status"] == "scheduled"
    release.refresh_from_db()
    assert release.scheduled_for is not None
    assert release.scheduled_for.isoformat() == "2040-05-20T06:30:00+00:00"

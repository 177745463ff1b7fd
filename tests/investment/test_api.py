"""Investment in the API: GET /api/v1/opportunities lists the published ones with their id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


def test_published_opportunities_are_listed_with_their_fields(
    world: Any, make_opportunity: Callable[..., Any]
) -> None:
    rey = CountyFactory(slug="rey", name="ری")
    published = make_opportunity(world, status="published", county=rey, title_en="Resort")
    make_opportunity(world, status="approved", title="تأییدشده ولی منتشرنشده")
    response = Client().get("/api/v1/opportunities")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == published.pk
    assert item["title"] == published.title and item["title_en"] == "Resort"
    assert item["sector"] == "tourism" and item["county"] == "rey"
    assert item["agency"] == "roads"
    assert item["capital_rials"] == 250_000_000_000
    assert item["participation"] == ["direct", "partnership"]
    assert item["url"] == f"/investment/{published.pk}/"
    detail = Client().get(f"/api/v1/opportunities/{published.pk}").json()
    assert detail["id"] == published.pk


def test_filters_and_refusals(world: Any, make_opportunity: Callable[..., Any]) -> None:
    make_opportunity(world, status="published", capital="۲۵۰ میلیارد ریال")
    make_opportunity(world, status="published", sector="industry", capital="۵ هزار میلیارد ریال")
    client = Client()
    assert client.get("/api/v1/opportunities", {"sector": "industry"}).json()["count"] == 1
    big = client.get("/api/v1/opportunities", {"capital_min": "۱۰۰ میلیارد تومان"}).json()
    assert big["count"] == 1 and big["items"][0]["sector"] == "industry"
    bad = client.get("/api/v1/opportunities", {"capital_min": "خیلی"})
    assert bad.status_code == 400 and "capital_min" in bad.json()["detail"]
    assert client.get("/api/v1/opportunities", {"sector": "<x>"}).status_code == 400
    assert client.get("/api/v1/opportunities", {"agency": "nope"}).status_code == 404
    assert client.get("/api/v1/opportunities", {"limit": "x"}).status_code in (200, 422)
    assert client.get("/api/v1/opportunities/999999").status_code == 404


def test_unpublished_opportunity_is_404_in_the_api(
    world: Any, make_opportunity: Callable[..., Any]
) -> None:
    draft = make_opportunity(world)
    response = Client().get(f"/api/v1/opportunities/{draft.pk}")
    assert response.status_code == 404
    assert "منتشر نشده" in response.json()["detail"]


def test_programmes_in_the_api(
    world: Any, published_opportunity: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(
        world, status="published", opportunity_ids=[published_opportunity.pk]
    )
    make_programme(world, title="پیش‌نویس")
    data = Client().get("/api/v1/investment-programmes").json()
    assert [p["id"] for p in data["items"]] == [programme.pk]
    assert data["items"][0]["opportunity_ids"] == [published_opportunity.pk]


def test_the_openapi_document_names_the_endpoint(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/opportunities" in schema["paths"]

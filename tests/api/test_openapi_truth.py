"""What the OpenAPI document promises, checked by hand where schemathesis cannot see it: a draft
read back by its writer (never by another agency), the lists of values a filter takes, the
Persian 401, one shape behind each schema name."""

from __future__ import annotations

import importlib
from collections import defaultdict
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from ravabet.api.responses import UNAUTHENTICATED
from ravabet.core.tokens.services import token_create

JSON = "application/json"
API_MODULES = [
    "ravabet.api.me",
    "ravabet.agencies.api",
    "ravabet.newsroom.api",
    "ravabet.events.api",
    "ravabet.desk.api",
    "ravabet.investment.api",
    "ravabet.monitoring.api",
    "ravabet.surveys.api",
    "ravabet.core.schemas",
]


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, name='آزمون')[1]}"}


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_a_draft_is_read_back_by_its_writer_and_its_agency_only(world: Any) -> None:
    writer = _bearer(world.officer_roads)
    created = Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "بازگشایی محور چالوس", "kind": "news"},
        content_type=JSON,
        **writer,
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/releases/{created.json()['id']}"

    mine = Client().get(url, **writer)
    assert mine.status_code == 200
    assert mine.json()["status"] == "draft"
    assert mine.json()["headline"] == "بازگشایی محور چالوس"
    assert Client().get(url, **_bearer(world.head_roads)).status_code == 200
    assert Client().get(url, **_bearer(world.directorate_staff)).status_code == 200

    for stranger in (_bearer(world.officer_health), _bearer(world.outsider), {}):
        refused = Client().get(url, **stranger)
        assert refused.status_code == 404
        assert refused.json() == {"detail": "خبری با این شناسه نیست."}


@pytest.mark.django_db
def test_a_wrong_token_is_401_in_persian_even_where_a_token_is_optional(world: Any) -> None:
    for url in ("/api/v1/me", "/api/v1/releases/1", "/api/v1/desk/messages"):
        response = Client().get(url, HTTP_AUTHORIZATION="Bearer rvb_not-a-key")
        assert response.status_code == 401, url
        assert response.json() == {"detail": UNAUTHENTICATED}
        assert response["WWW-Authenticate"] == "Bearer"
    assert Client().get("/api/v1/me").json() == {"detail": UNAUTHENTICATED}


@pytest.mark.django_db
def test_a_filter_takes_exactly_the_values_the_document_lists(world: Any) -> None:
    paths = _document()["paths"]
    filters = [
        ("/api/v1/agencies", "kind"),
        ("/api/v1/releases", "kind"),
        ("/api/v1/releases/search", "kind"),
        ("/api/v1/events", "when"),
        ("/api/v1/opportunities", "sector"),
        ("/api/v1/opportunities", "participation"),
        ("/api/v1/opportunities", "sort"),
    ]
    for path, name in filters:
        (parameter,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        values = parameter["schema"]["enum"]
        assert len(values) >= 2, (path, name)
        for value in values:
            assert Client().get(path, {name: value}).status_code == 200, (path, name, value)
        refused = Client().get(path, {name: "<not-one-of-them>"})
        assert refused.status_code == 400, (path, name)
        assert "400" in paths[path]["get"]["responses"]


@pytest.mark.django_db
def test_a_release_kind_outside_the_documented_list_is_refused(world: Any) -> None:
    schema = _document()["components"]["schemas"]["ReleaseIn"]["properties"]["kind"]
    assert "news" in schema["enum"]
    response = Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "خبر", "kind": "gossip"},
        content_type=JSON,
        **_bearer(world.officer_roads),
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_every_operation_documents_the_answers_around_its_view() -> None:
    for path, item in _document()["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            if operation.get("security"):
                assert "401" in statuses, (method, path)
            if method != "get" and operation.get("security"):
                assert "403" in statuses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in statuses, (method, path)
            if operation.get("requestBody"):
                assert {"400", "413"} <= statuses, (method, path)


def test_each_schema_name_in_the_document_stands_for_one_shape() -> None:
    """ninja names a component after its class: two API classes of one name but different
    fields would silently document one of them with the other's fields."""
    for module in API_MODULES:
        importlib.import_module(module)
    shapes: dict[str, set[str]] = defaultdict(set)
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__ in API_MODULES:
            shapes[cls.__name__].add(repr(cls.model_json_schema()))
    assert shapes
    assert {name: len(s) for name, s in shapes.items() if len(s) > 1} == {}

"""The desk in the API for staff: the token's person's inbox (no personal data) and the public
answer, through the same services, with a real token; 4xx, never 500, on hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.tokens.auth import READ_ONLY_REFUSAL
from ravabet.core.tokens.services import token_create
from ravabet.desk import services
from ravabet.desk.models import Status
from tests.desk.test_services import make_message

JSON = "application/json"
MESSAGE_KEYS = {
    "id",
    "kind",
    "kind_label",
    "status",
    "status_label",
    "channel",
    "agency",
    "county",
    "subject",
    "body",
    "answer",
    "assignee",
    "created_at",
    "due_at",
    "overdue",
    "answered_at",
    "reopened",
    "rating",
}


@pytest.fixture(autouse=True)
def _quiet(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _auth(user: Any, *, read_only: bool = False) -> dict[str, str]:
    key = token_create(actor=user, name="آزمون", read_only=read_only)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _inbox(user: Any, **params: str) -> Any:
    response = Client().get("/api/v1/desk/messages", params, **_auth(user))
    assert response.status_code == 200, response.content
    return response


def _answer(user: Any, message_id: Any, body: Any, *, read_only: bool = False) -> Any:
    return Client().post(
        f"/api/v1/desk/messages/{message_id}/answer",
        body,
        content_type=JSON,
        **_auth(user, read_only=read_only),
    )


def test_the_inbox_is_the_token_owners_and_holds_no_personal_data(world: Any) -> None:
    roads = make_message(world.roads)
    health = make_message(world.health, kind="question")
    data = _inbox(world.officer_roads).json()
    assert data["count"] == 1
    [item] = data["items"]
    assert set(item) == MESSAGE_KEYS
    assert item["id"] == roads.pk and item["agency"] == {"slug": "roads", "name": world.roads.name}
    assert item["body"] == roads.body and item["status"] == "received"
    assert [i["id"] for i in _inbox(world.officer_health).json()["items"]] == [health.pk]
    assert {i["id"] for i in _inbox(world.directorate_staff).json()["items"]} == {
        roads.pk,
        health.pk,
    }
    assert _inbox(world.outsider).json()["count"] == 0
    for user in (world.officer_roads, world.directorate_staff, world.admin):
        text = _inbox(user).content.decode()
        secrets = [roads.citizen_name, roads.mobile, roads.email]
        for secret in (*secrets, roads.tracking_code, health.tracking_code):
            assert secret not in text


def test_the_inbox_filters_and_pages(world: Any) -> None:
    made = [make_message(world.roads) for _ in range(3)]
    question = make_message(world.roads, kind="question")
    services.message_answer(actor=world.officer_roads, message=made[0], text="انجام شد.")
    ids = [i["id"] for i in _inbox(world.officer_roads, status="open").json()["items"]]
    assert set(ids) == {made[1].pk, made[2].pk, question.pk}
    only = _inbox(world.officer_roads, kind="question").json()["items"]
    assert [i["id"] for i in only] == [question.pk]
    answered = _inbox(world.officer_roads, status="answered").json()["items"]
    assert [i["id"] for i in answered] == [made[0].pk] and answered[0]["answer"] == "انجام شد."
    page = _inbox(world.officer_roads, limit="2", offset="1").json()
    assert page["count"] == 4 and len(page["items"]) == 2
    for hostile in (
        {"limit": "۱۰" * 3000},
        {"offset": "-5"},
        {"status": "\x00"},
        {"kind": "x"},
        {"assignee": "²"},
        {"assignee": "\x00"},
    ):
        assert _inbox(world.officer_roads, **hostile).json()["count"] >= 3


def test_the_inbox_needs_a_token() -> None:
    assert Client().get("/api/v1/desk/messages").status_code == 401


def test_an_officer_answers_through_the_api(world: Any) -> None:
    message = make_message(world.roads)
    response = _answer(world.officer_roads, message.pk, {"text": "فردا آسفالت می‌شود."})
    assert response.status_code == 200, response.content
    out = response.json()
    assert set(out) == MESSAGE_KEYS
    assert out["status"] == "answered" and out["answer"] == "فردا آسفالت می‌شود."
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.answered_by == world.officer_roads
    # Answered: a second answer waits for a reopening.
    again = _answer(world.officer_roads, message.pk, {"text": "دوباره"})
    assert again.status_code == 409 and again.json()["detail"]


def test_answer_refusals(world: Any) -> None:
    message = make_message(world.roads)
    read_only = _answer(world.officer_roads, message.pk, {"text": "پاسخ"}, read_only=True)
    assert read_only.status_code == 403 and read_only.json()["detail"] == READ_ONLY_REFUSAL
    # Another agency's message is not there at all.
    assert _answer(world.officer_health, message.pk, {"text": "پاسخ"}).status_code == 404
    for bad_id in ("0", "999999", "9" * 40, "abc", "-1"):
        assert _answer(world.officer_roads, bad_id, {"text": "پاسخ"}).status_code == 404
    empty = _answer(world.officer_roads, message.pk, {})
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    long = _answer(world.officer_roads, message.pk, {"text": "پ" * 50_000})
    assert long.status_code == 422 and "نویسه" in long.json()["errors"]["text"][0]
    nul = _answer(world.officer_roads, message.pk, {"text": "پاسخ\x00"})
    assert nul.status_code == 422
    assert _answer(world.officer_roads, message.pk, "not json").status_code == 400
    triage = make_message(None)
    refused = _answer(world.directorate_staff, triage.pk, {"text": "پاسخ"})
    assert refused.status_code == 409
    message.refresh_from_db()
    assert message.status == Status.RECEIVED and message.answer == ""


def test_the_api_answer_reaches_the_open311_client_that_filed(world: Any) -> None:
    from tests.factories import UserFactory

    app = UserFactory(username="city.app")
    key = token_create(actor=app, name="اپ")[1]
    filed = Client().post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "roads.complaint", "description": "چاله در خیابان"},
    )
    request_id = filed.json()[0]["service_request_id"]
    assert _answer(world.officer_roads, request_id, {"text": "پر شد."}).status_code == 200
    [row] = Client().get(f"/open311/v2/requests/{request_id}.json", {"api_key": key}).json()
    assert row["status"] == "closed" and row["status_notes"] == "پر شد."


def test_openapi_lists_the_desk(db: Any) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/desk/messages" in paths
    assert "/api/v1/desk/messages/{message_id}/answer" in paths

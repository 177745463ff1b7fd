"""The OpenAPI document tells the truth: schemathesis runs every operation it lists against the
app itself (WSGI, in the test's database), once without a token and once with an agency
officer's, and every answer must be documented (status, content type, schema), never a 5xx.

Deterministic (a fixed seed, Hypothesis derandomized, no example database), so CI sees the same
requests on every run; the number of examples per operation is small to keep the run short.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from ravabet.config.wsgi import application
from ravabet.core.tokens.services import token_create
from ravabet.desk.models import Message
from tests.desk.test_services import make_message
from tests.factories import make_event, make_release
from tests.investment.conftest import make_opportunity, published_opportunity  # noqa: F401

MAX_EXAMPLES = 12

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 17,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

ANSWER_CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CHECKS = [*ANSWER_CHECKS, negative_data_rejection, positive_data_acceptance]


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Django's WSGI handler closes a connection it finds inside a transaction at each request's
    start and end; here that transaction is the test's (harmless on SQLite in memory, a closed
    connection on PostgreSQL). Django's own test client turns this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class Officer:
    key: str
    known: dict[str, Any]  # path parameter -> a record the officer's token finds


@pytest.fixture
def officer(
    world: Any,
    settings: Any,
    published_opportunity: Any,  # noqa: F811 - the fixture
    _keep_the_test_connection: None,
) -> Officer:
    """An officer of one agency with a token, and some of everything the API can find by id."""
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_release(actor=world.head_roads, agency=world.roads, status="published")
    draft = make_release(actor=world.officer_roads, agency=world.roads, headline="پیش‌نویس افسر")
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    message: Message = make_message(world.roads)
    return Officer(
        key=token_create(actor=world.officer_roads, name="schemathesis")[1],
        known={
            "slug": world.roads.slug,
            "release_id": draft.pk,
            "event_id": event.pk,
            "message_id": str(message.pk),
            "opportunity_id": published_opportunity.pk,
        },
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_answer_is_documented(case: Any, officer: Officer) -> None:
    # As generated: a made-up token where the operation reads one (401), none elsewhere.
    case.call_and_validate(checks=CHECKS)
    made_up = (case.headers or {}).pop("Authorization", None)
    if made_up is not None:  # and without any token
        case.call_and_validate(checks=CHECKS)
    # With the officer's token. A case whose headers were made invalid had its made-up token
    # replaced: it is no longer a request the server must refuse.
    header_negated = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    checks = [c for c in CHECKS if not (header_negated and c is negative_data_rejection)]
    token = {"Authorization": f"Bearer {officer.key}"}
    case.call_and_validate(headers=token, checks=checks)
    # And on records that exist, so that found records are checked too (a random id seldom
    # hits one): answers only, since the case is no longer the one generated.
    path = case.path_parameters or {}
    if any(name in officer.known for name in path):
        case.path_parameters = {**path, **{k: v for k, v in officer.known.items() if k in path}}
        case.call_and_validate(headers=token, checks=ANSWER_CHECKS)

"""`ravabet apitoken USERNAME`: a new API token for an operator or an integration."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.core.tokens.models import ApiToken

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("apitoken", *args, stdout=out)
    return out.getvalue()


def test_last_line_is_a_key_that_authenticates(world: Any) -> None:
    output = _run("head.roads", "--name", "سامانهٔ انتشار")
    key = output.strip().splitlines()[-1]
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "head.roads"
    token = ApiToken.objects.get()
    assert token.name == "سامانهٔ انتشار" and not token.read_only and token.expires_at is None
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor == world.head_roads and entry.object_id == str(token.pk)
    assert entry.data["via"] == "ravabet apitoken"
    assert key not in str(entry.data)


def test_read_only_and_expiry_options(world: Any) -> None:
    key = _run("head.roads", "--read-only", "--expires-days", "7").strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.read_only
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 200
    refused = Client().post(
        "/api/v1/releases", {"agency": "roads", "headline": "x"}, "application/json", **bearer
    )
    assert refused.status_code == 403


def test_unknown_user_is_a_clear_error(world: Any) -> None:
    with pytest.raises(CommandError, match="no-such-person"):
        _run("no-such-person")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "-3", "abc"])
def test_expiry_must_be_a_positive_number_of_days(world: Any, days: str) -> None:
    with pytest.raises(CommandError):
        _run("head.roads", "--expires-days", days)
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(world: Any) -> None:
    world.officer_roads.is_active = False
    world.officer_roads.save()
    with pytest.raises(CommandError, match="inactive"):
        _run("officer.roads")

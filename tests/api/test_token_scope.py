"""API tokens: optional expiry, a read-only scope enforced once for every write, the key page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core.jalali import format_short, to_local
from ravabet.core.models import AuditEntry
from ravabet.core.tokens import services
from ravabet.core.tokens.models import ApiToken
from ravabet.newsroom.models import Release

pytestmark = pytest.mark.django_db

READ_ONLY_DETAIL = "این کلید فقط برای خواندن است"


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _draft(key: str) -> Any:
    return Client().post(
        "/api/v1/releases",
        {"agency": "roads", "headline": "پیش‌نویس از API"},
        content_type="application/json",
        **_bearer(key),
    )


def _create_on_profile(client: Client, **fields: str) -> Any:
    response = client.post("/accounts/profile/", {"action": "create_token", **fields})
    assert response.status_code == 200
    return response


def _key(response: Any) -> str:
    return response.content.decode().split('class="token">')[1].split("<")[0]


def test_read_only_token_reads_but_every_write_is_refused_in_persian(world: Any) -> None:
    _, key = services.token_create(actor=world.head_roads, name="خواندنی", read_only=True)
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 200
    assert Client().get("/api/v1/releases", **_bearer(key)).status_code == 200
    response = _draft(key)
    assert response.status_code == 403
    assert READ_ONLY_DETAIL in response.json()["detail"]
    assert not Release.objects.exists()
    for path in ("/api/v1/releases/1/submit", "/api/v1/releases/1/approve"):
        refused = Client().post(path, {}, content_type="application/json", **_bearer(key))
        assert refused.status_code == 403 and READ_ONLY_DETAIL in refused.json()["detail"]


def test_read_write_token_still_writes(world: Any) -> None:
    _, key = services.token_create(actor=world.head_roads, name="نوشتنی")
    assert _draft(key).status_code == 201


def test_expired_token_authenticates_as_nobody(world: Any) -> None:
    token, key = services.token_create(
        actor=world.head_roads, name="کوتاه", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401
    assert _draft(key).status_code == 401


def test_profile_page_makes_a_read_only_token_valid_through_a_chosen_day(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    last_day = to_local(timezone.now()).date() + dt.timedelta(days=3)
    response = _create_on_profile(
        client, name="گزارش‌گیر", read_only="on", expires_on=format_short(last_day)
    )
    key = _key(response)
    token = ApiToken.objects.get(user=world.head_roads)
    assert token.read_only
    assert to_local(token.expires_at).date() == last_day
    assert to_local(token.expires_at + dt.timedelta(seconds=1)).date() > last_day
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 200
    assert _draft(key).status_code == 403
    page = client.get("/accounts/profile/").content.decode()
    assert "فقط خواندن" in page and format_short(last_day) in page
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.data["read_only"] is True and entry.data["expires_at"]


def test_profile_page_refuses_an_expiry_in_the_past(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    yesterday = to_local(timezone.now()).date() - dt.timedelta(days=1)
    response = _create_on_profile(client, name="دیروز", expires_on=format_short(yesterday))
    assert 'class="token"' not in response.content.decode()
    assert not ApiToken.objects.exists()
    assert "گذشته" in response.content.decode()


def test_page_showing_a_new_key_is_never_stored_and_keeps_no_copy(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    response = _create_on_profile(client, name="کلید")
    key = _key(response)
    assert "no-store" in response["Cache-Control"]
    session = client.session
    assert all(key not in str(session[name]) for name in session.keys())
    assert all(key not in morsel.value for morsel in client.cookies.values())
    later = client.get("/accounts/profile/")
    assert key not in later.content.decode()

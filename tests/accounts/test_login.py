"""Logging in: Persian errors, safe redirects, rate limiting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.models import AuditEntry


@pytest.mark.django_db
def test_officer_logs_in_and_lands_on_backoffice(world: Any, password: str) -> None:
    response = Client().post(
        "/accounts/login/", {"username": "officer.roads", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/backoffice/"
    assert world.roads.name in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_gives_persian_message(world: Any) -> None:
    response = Client().post("/accounts/login/", {"username": "officer.roads", "password": "x"})
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه درست نیست" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed").count() == 1


@pytest.mark.django_db
def test_next_must_stay_on_this_site(world: Any, password: str) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "officer.roads", "password": password, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/backoffice/"
    client.logout()
    response = client.post(
        "/accounts/login/",
        {"username": "officer.roads", "password": password, "next": "/agencies/roads/"},
    )
    assert response["Location"] == "/agencies/roads/"


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(world: Any, password: str, settings: Any) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(3):
        assert (
            client.post(
                "/accounts/login/", {"username": "officer.roads", "password": "bad"}
            ).status_code
            == 200
        )
    # Even the right password is refused while blocked.
    blocked = client.post("/accounts/login/", {"username": "officer.roads", "password": password})
    assert blocked.status_code == 429
    assert "تلاش‌های ناموفق زیاد بود" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_blocked").exists()
    # Another address is not punished for it.
    other = Client(REMOTE_ADDR="10.9.8.8")
    assert (
        other.post(
            "/accounts/login/", {"username": "officer.roads", "password": password}
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_logout_needs_post(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/backoffice/").status_code == 302

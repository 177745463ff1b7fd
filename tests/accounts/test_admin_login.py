"""The admin's login shares the rate limit and the audit of /accounts/login/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.models import AuditEntry

pytestmark = pytest.mark.django_db

BLOCKED = "تلاش‌های ناموفق زیاد بود"


def test_admin_login_is_blocked_after_repeated_wrong_passwords(world: Any, password: str) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(6):
        response = client.post("/admin/login/", {"username": "admin", "password": "guess"})
        assert response.status_code in (200, 429)
        assert "_auth_user_id" not in client.session
    # The seventh attempt, with the right password, is refused all the same.
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password, "next": "/admin/"}
    )
    assert response.status_code == 429
    assert BLOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to log in
    failed = AuditEntry.objects.filter(action="login_failed", data__username="admin")
    blocked = AuditEntry.objects.filter(action="login_blocked", data__username="admin")
    assert failed.count() == 5
    assert blocked.count() == 2
    assert failed.first().ip_address == "10.1.2.3"


def test_failures_at_the_admin_count_at_the_site_login_and_back(world: Any, password: str) -> None:
    client = Client(REMOTE_ADDR="10.1.2.4")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "admin", "password": "guess"})
    for _ in range(2):
        client.post("/admin/login/", {"username": "admin", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "admin", "password": password})
    assert response.status_code == 429
    response = client.post("/admin/login/", {"username": "admin", "password": password})
    assert BLOCKED in response.content.decode()


def test_admin_login_with_the_right_password_is_audited(world: Any, password: str) -> None:
    client = Client(REMOTE_ADDR="10.1.2.5")
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == world.admin and entry.ip_address == "10.1.2.5"


def test_admin_refuses_a_person_without_staff_rights_and_counts_it(
    world: Any, password: str
) -> None:
    client = Client(REMOTE_ADDR="10.1.2.6")
    response = client.post("/admin/login/", {"username": "officer.roads", "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() == 1

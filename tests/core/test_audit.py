"""The audit log records who did what, and only the directorate browses all of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.agencies import services
from ravabet.core.models import AuditEntry


@pytest.mark.django_db
def test_login_and_logout_are_recorded(world: Any, password: str) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "officer.roads", "password": password})
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [("login", "officer.roads"), ("logout", "officer.roads")]


@pytest.mark.django_db
def test_directorate_browses_and_filters_the_log(world: Any) -> None:
    services.agency_update(actor=world.head_roads, agency=world.roads, data={"phone": "021-1"})
    services.agency_update(
        actor=world.directorate_staff, agency=world.health, data={"phone": "021-2"}
    )
    client = Client()
    client.force_login(world.directorate_staff)
    body = client.get("/backoffice/audit/").content.decode()
    assert "ویرایش مشخصات دستگاه" in body
    assert world.roads.name in body and world.health.name in body
    body = client.get("/backoffice/audit/", {"agency": "tums"}).content.decode()
    assert "۱ رویداد" in body
    body = client.get("/backoffice/audit/", {"actor": "کریمی-ناموجود"}).content.decode()
    assert "۰ رویداد" in body


@pytest.mark.django_db
def test_bad_date_filter_is_ignored_not_an_error(world: Any) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    assert client.get("/backoffice/audit/", {"since": "دیروز؟"}).status_code == 200
    assert client.get("/backoffice/audit/", {"page": "9999"}).status_code == 200


@pytest.mark.django_db
def test_officer_sees_only_own_agency_history_on_dashboard(world: Any) -> None:
    services.agency_update(
        actor=world.directorate_staff, agency=world.health, data={"phone": "021-2"}
    )
    services.agency_update(actor=world.head_roads, agency=world.roads, data={"phone": "021-3"})
    client = Client()
    client.force_login(world.officer_health)
    body = client.get("/backoffice/").content.decode()
    assert "علوم پزشکی" in body
    assert "راه و شهرسازی" not in body


@pytest.mark.django_db
def test_release_history_reads_in_persian(world: Any) -> None:
    from tests.factories import make_release

    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    client = Client()
    client.force_login(world.head_roads)
    body = client.get(release.get_backoffice_url()).content.decode()
    assert "فرستادن برای تأیید" in body and "در انتظار تأیید ← منتشرشده" in body
    assert "release.submit" not in body


def _request(remote: str, forwarded: str | None = None) -> Any:
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_a_forged_forwarded_header_is_ignored(settings: Any) -> None:
    from ravabet.core.audit import client_ip

    settings.RAVABET_TRUSTED_PROXIES = 0
    assert client_ip(_request("198.51.100.7", "10.0.0.1")) == "198.51.100.7"


def test_behind_one_proxy_the_person_is_the_address_it_appended(settings: Any) -> None:
    """Without this, every person behind nginx is 127.0.0.1 and one rate limit covers them all;
    the leftmost entries are the client's own words and must not let it choose its address."""
    from ravabet.core.audit import client_ip

    settings.RAVABET_TRUSTED_PROXIES = 1
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("127.0.0.1", "10.9.9.9, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("127.0.0.1", "not an address")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


@pytest.mark.django_db
def test_login_limit_behind_a_proxy_counts_each_person_apart(
    world: Any, password: str, settings: Any
) -> None:
    from django.test import Client

    settings.RAVABET_TRUSTED_PROXIES = 1
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for i in range(settings.LOGIN_RATE_LIMIT * 4 + 1):  # the per-address limit, sprayed
        attacker.post("/accounts/login/", {"username": f"nobody{i}", "password": "wrong"})
    # Another person behind the same proxy still logs in.
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = colleague.post(
        "/accounts/login/", {"username": "officer.roads", "password": password}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_audit_filter_on_the_day_clocks_jumped_is_not_an_error(world: Any) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    response = client.get("/backoffice/audit/", {"since": "۱۳۹۰/۰۱/۰۱"})
    assert response.status_code == 200

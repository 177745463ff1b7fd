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

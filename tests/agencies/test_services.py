"""Changing an agency's contact details: checked, normalized, audited, atomic."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.agencies import services
from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied


@pytest.mark.django_db
def test_head_updates_contact_details_and_it_is_audited(world: Any) -> None:
    services.agency_update(
        actor=world.head_roads,
        agency=world.roads,
        data={"phone": "021-88000000", "address": "تهران، خيابان  وليعصر"},
    )
    world.roads.refresh_from_db()
    assert world.roads.phone == "021-88000000"
    assert world.roads.address == "تهران، خیابان ولیعصر"  # Arabic yeh and double space repaired
    entry = AuditEntry.objects.get(action="agency.update")
    assert entry.actor == world.head_roads
    assert entry.agency == world.roads
    assert entry.data["changes"]["phone"] == ["۰۲۱-۶۶۷۰۰۰۰۰", "021-88000000"]


@pytest.mark.django_db
def test_officer_cannot_update_agency_and_nothing_is_written(world: Any) -> None:
    with pytest.raises(AgencyPermissionDenied):
        services.agency_update(actor=world.officer_roads, agency=world.roads, data={"phone": "1"})
    world.roads.refresh_from_db()
    assert world.roads.phone == "۰۲۱-۶۶۷۰۰۰۰۰"
    assert not AuditEntry.objects.filter(action="agency.update").exists()


@pytest.mark.django_db
def test_unchanged_save_writes_no_audit_entry(world: Any) -> None:
    services.agency_update(
        actor=world.head_roads, agency=world.roads, data={"phone": world.roads.phone}
    )
    assert not AuditEntry.objects.filter(action="agency.update").exists()


@pytest.mark.django_db
def test_bad_email_shows_persian_error_and_keeps_stored_value(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    response = client.post(
        "/backoffice/agencies/roads/edit/",
        {
            "email": "not-an-email",
            "phone": "021",
            "website": "",
            "address": "",
            "short_name": "",
            "description": "",
        },
    )
    assert response.status_code == 200
    assert "نشانی پست الکترونیک درست نیست" in response.content.decode()
    world.roads.refresh_from_db()
    assert world.roads.email == "pr@roads.example"
    assert world.roads.phone == "۰۲۱-۶۶۷۰۰۰۰۰"


@pytest.mark.django_db
def test_edit_form_saves_and_shows_history(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    response = client.post(
        "/backoffice/agencies/roads/edit/",
        {
            "email": "pr@roads.example",
            "phone": "021-88776655",
            "website": "https://roads.example",
            "address": "تهران",
            "short_name": "راه",
            "description": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "مشخصات دستگاه ذخیره شد" in body
    assert "ویرایش مشخصات دستگاه" in body  # the history table shows the audit entry

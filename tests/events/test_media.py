"""Files of events through /files/: an internal event's documents and a resolution's evidence
are the network's, never a stranger's; hostile files never get in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ravabet.events import services
from ravabet.events.models import EventDocument
from tests.factories import make_event
from tests.files import HTML, PDF, SVG_WITH_SCRIPT

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _document(world: Any, **extra: Any) -> EventDocument:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, **extra)
    return services.event_add_document(
        actor=world.directorate_staff,
        event=event,
        upload=SimpleUploadedFile("دستور-جلسه.pdf", PDF),
        title="دستور جلسه",
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 404),
        ("outsider", 404),
        ("officer_health", 404),
        ("officer_roads", 200),
        ("directorate_staff", 200),
    ],
)
def test_an_internal_events_document_is_for_its_invited_agencies_only(
    world: Any, role: str | None, status: int
) -> None:
    document = _document(world, is_public=False, invite_mode="list", invited=[world.roads])
    response = _client(getattr(world, role) if role else None).get(document.url)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_public_events_document_is_everyones(world: Any) -> None:
    document = _document(world)
    assert _client().get(document.url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [("invite.svg", SVG_WITH_SCRIPT), ("invite.html", HTML), ("invite.pdf", HTML)],
)
def test_svg_and_html_never_become_a_document(world: Any, name: str, content: bytes) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    with pytest.raises(ValidationError) as caught:
        services.event_add_document(
            actor=world.directorate_staff, event=event, upload=SimpleUploadedFile(name, content)
        )
    assert "file" in caught.value.message_dict
    assert not EventDocument.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 404), ("officer_health", 404), ("officer_roads", 200), ("directorate_staff", 200)],
)
def test_a_resolutions_evidence_is_for_its_agency_and_the_organizer(
    world: Any, role: str | None, status: int
) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    resolution = services.resolution_create(
        actor=world.directorate_staff,
        event=event,
        data=services.ResolutionInput(
            text="گزارش پوشش خبری", responsible=world.roads, deadline=dt.date(2030, 1, 1)
        ),
    )
    resolution = services.resolution_report(
        actor=world.officer_roads,
        resolution=resolution,
        report=services.ResolutionReport(
            status="done", evidence_upload=SimpleUploadedFile("گزارش.pdf", PDF)
        ),
    )
    assert resolution.evidence_url
    response = _client(getattr(world, role) if role else None).get(resolution.evidence_url)
    assert response.status_code == status

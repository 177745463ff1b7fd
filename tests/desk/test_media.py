"""A citizen's attachments through /files/: personal data, for the handling agency's staff and
the directorate only; a stranger (another agency, a citizen, an anonymous visitor) gets a 404
that says nothing; hostile files never get in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ravabet.core import uploads
from ravabet.desk import services
from ravabet.desk.models import ATTACHMENT_FILES, Attachment, Message
from tests.desk.test_permissions import client_as
from tests.desk.test_services import make_message
from tests.files import HTML, PDF, SVG_WITH_SCRIPT, image_bytes

pytestmark = pytest.mark.django_db


def _attachment(message: Message) -> Attachment:
    return message.attachments.get()


def _with_pdf(agency: Any) -> Message:
    return make_message(agency, attachments=[SimpleUploadedFile("نامهٔ شهرداری.pdf", PDF)])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 404),
        ("outsider", 404),
        ("officer_health", 404),
        ("officer_roads", 200),
        ("head_roads", 200),
        ("directorate_staff", 200),
        ("admin", 200),
    ],
)
def test_an_attachment_is_for_the_handling_agency_and_the_directorate(
    world: Any, role: str | None, status: int
) -> None:
    attachment = _attachment(_with_pdf(world.roads))
    response = client_as(world, role).get(uploads.file_url(ATTACHMENT_FILES, attachment))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert PDF not in response.content


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer_roads", 404), ("officer_health", 404), ("directorate_staff", 200), ("admin", 200)],
)
def test_a_triage_messages_attachment_is_the_directorates(
    world: Any, role: str, status: int
) -> None:
    attachment = _attachment(_with_pdf(None))
    response = client_as(world, role).get(uploads.file_url(ATTACHMENT_FILES, attachment))
    assert response.status_code == status


def test_an_attachment_follows_its_message_to_the_new_agency(world: Any) -> None:
    message = _with_pdf(world.roads)
    url = uploads.file_url(ATTACHMENT_FILES, _attachment(message))
    services.message_route(actor=world.directorate_staff, message=message, agency=world.health)
    assert client_as(world, "officer_roads").get(url).status_code == 404
    assert client_as(world, "officer_health").get(url).status_code == 200


def test_an_image_is_served_as_an_image_under_a_random_name(world: Any) -> None:
    message = make_message(
        world.roads, attachments=[SimpleUploadedFile("عکس کوچه.PNG", image_bytes("PNG"))]
    )
    attachment = _attachment(message)
    url = uploads.file_url(ATTACHMENT_FILES, attachment)
    assert "کوچه" not in url and url.endswith(".png")
    response = client_as(world, "officer_roads").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_forged_file_name_in_the_url_is_a_404(world: Any) -> None:
    attachment = _attachment(_with_pdf(world.roads))
    url = uploads.file_url(ATTACHMENT_FILES, attachment)
    forged = url.rsplit("/", 1)[0] + "/another.pdf"
    assert client_as(world, "officer_roads").get(forged).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("map.svg", SVG_WITH_SCRIPT),
        ("page.html", HTML),
        ("letter.pdf", HTML),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 64),
    ],
)
def test_hostile_files_never_become_an_attachment(world: Any, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        make_message(world.roads, attachments=[SimpleUploadedFile(name, content)])
    assert "attachments" in caught.value.message_dict
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_every_look_at_an_attachment_is_audited_and_a_refused_one_is_not(world: Any) -> None:
    from ravabet.core.models import AuditEntry

    message = _with_pdf(world.roads)
    url = uploads.file_url(ATTACHMENT_FILES, _attachment(message))
    looks = AuditEntry.objects.filter(action="message.attachment_view", object_id=str(message.pk))
    assert client_as(world, "officer_roads").get(url).status_code == 200
    assert client_as(world, "officer_roads").get(url).status_code == 200
    assert client_as(world, "officer_health").get(url).status_code == 404
    assert [entry.actor for entry in looks] == [world.officer_roads, world.officer_roads]
    assert looks.first().agency == world.roads

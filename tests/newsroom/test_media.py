"""Uploads: the wrong type or too large is refused with a Persian message and nothing half-saved."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ravabet.core.models import AuditEntry
from ravabet.newsroom import services
from ravabet.newsroom.models import ReleaseAttachment, ReleaseImage
from tests.factories import make_release

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_pdf_attachment_is_stored(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    upload = SimpleUploadedFile("گزارش.pdf", PDF, content_type="application/pdf")
    attachment = services.release_add_attachment(
        actor=world.officer_roads, release=release, upload=upload, title="گزارش كامل"
    )
    assert attachment.title == "گزارش کامل" and attachment.size == len(PDF)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "فقط پروندهٔ PDF"),
        ("fake.pdf", b"<html>not a pdf</html>", "این پرونده PDF نیست"),
    ],
)
def test_wrong_attachment_type_is_refused(
    world: Any, name: str, content: bytes, message: str
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    with pytest.raises(ValidationError) as info:
        services.release_add_attachment(
            actor=world.officer_roads,
            release=release,
            upload=SimpleUploadedFile(name, content),
            title="",
        )
    assert message in " ".join(info.value.messages)
    assert not ReleaseAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action="release.attach").exists()


def test_too_large_attachment_is_refused(world: Any, settings: Any) -> None:
    settings.RAVABET_MAX_ATTACHMENT_BYTES = 1024
    release = make_release(actor=world.officer_roads, agency=world.roads)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as info:
        services.release_add_attachment(
            actor=world.officer_roads, release=release, upload=upload, title=""
        )
    assert "بزرگ‌تر" in " ".join(info.value.messages)
    assert not ReleaseAttachment.objects.exists()


def test_image_needs_alt_text_and_must_be_an_image(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    with pytest.raises(ValidationError):
        services.release_add_image(
            actor=world.officer_roads,
            release=release,
            upload=SimpleUploadedFile("a.png", png_bytes()),
            alt_text=" ",
        )
    with pytest.raises(ValidationError) as info:
        services.release_add_image(
            actor=world.officer_roads,
            release=release,
            upload=SimpleUploadedFile("a.png", b"not an image"),
            alt_text="پل",
        )
    assert "تصویر نیست" in " ".join(info.value.messages)
    assert not ReleaseImage.objects.exists()
    image = services.release_add_image(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("a.png", png_bytes()),
        alt_text="پل عابر پیاده",
        caption="پل تازه",
    )
    assert image.alt_text == "پل عابر پیاده"


def test_upload_form_in_back_office_shows_error_and_keeps_release(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    client = Client()
    client.force_login(world.officer_roads)
    response = client.post(
        f"/backoffice/newsroom/{release.pk}/attachment/",
        {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04"), "title": "x"},
        follow=True,
    )
    assert "فقط پروندهٔ PDF پیوست می‌شود" in response.content.decode()
    release.refresh_from_db()
    assert release.headline == "خبر آزمایشی" and not release.attachments.exists()


def test_other_agency_officer_cannot_upload(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    client = Client()
    client.force_login(world.officer_health)
    response = client.post(
        f"/backoffice/newsroom/{release.pk}/attachment/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 404
    assert not ReleaseAttachment.objects.exists()

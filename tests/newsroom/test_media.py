"""Uploads: the wrong type or too large is refused with a Persian message and nothing half-saved."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.utils import timezone
from PIL import Image

from ravabet.core import uploads
from ravabet.core.models import AuditEntry
from ravabet.newsroom import services
from ravabet.newsroom.models import Release, ReleaseAttachment, ReleaseImage
from tests.factories import make_release
from tests.files import (
    PDF,
    SCRIPT,
    SVG_WITH_SCRIPT,
    XHTML,
    docx_bytes,
    gif_with_script_comment,
    jpeg_polyglot,
)

pytestmark = pytest.mark.django_db


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
        ("virus.exe", b"MZ....", "نوع این پرونده پذیرفته نیست"),
        ("fake.pdf", b"<html>not a pdf</html>", "نوع این پرونده پذیرفته نیست"),
        ("map.svg", SVG_WITH_SCRIPT, "نوع این پرونده پذیرفته نیست"),
        ("page.xhtml", XHTML, "نوع این پرونده پذیرفته نیست"),
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
    assert "نوع این پرونده پذیرفته نیست" in response.content.decode()
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


# --- the finding: what an upload becomes, and who may fetch it ----------------------------


def _publish(world: Any, release: Any, **kwargs: Any) -> Any:
    if release.status in {"draft", "returned"}:
        services.release_submit(actor=world.officer_roads, release=release)
    services.release_approve(actor=world.head_roads, release=release, **kwargs)
    release.refresh_from_db()
    return release


def _files_under(root: Any) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_gif_named_html_with_script_is_served_as_a_picture_never_as_a_page(
    world: Any, settings: Any
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    officer = Client()
    officer.force_login(world.officer_roads)
    officer.post(
        f"/backoffice/newsroom/{release.pk}/image/",
        {
            "image": SimpleUploadedFile("map.html", gif_with_script_comment(), "text/html"),
            "alt_text": "نقشهٔ مسیر",
        },
    )
    image = ReleaseImage.objects.get(release=release)
    stored = Path(image.image.name)
    assert "map" not in stored.name and stored.suffix in {".png", ".gif"}
    assert image.original_name == "map.html" and image.content_type == "image/png"
    # Kept outside the public media folder.
    assert not _files_under(settings.MEDIA_ROOT)
    assert [p.name for p in _files_under(settings.RAVABET_PRIVATE_ROOT)] == [stored.name]

    _publish(world, release)
    page = Client().get(release.get_absolute_url()).content.decode()
    assert image.url in page
    response = Client().get(image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and "sandbox" in policy
    assert "script" not in policy
    assert SCRIPT not in b"".join(response.streaming_content)


def test_draft_attachment_is_hidden_from_strangers_and_shown_to_its_agency(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    attachment = services.release_add_attachment(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("گزارش.pdf", PDF),
        title="گزارش پیشرفت پروژه",
    )
    url = attachment.url
    assert url.startswith("/files/newsroom.attachment/")

    def status(user: Any) -> int:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(url).status_code

    assert status(None) == 404
    assert status(world.outsider) == 404
    assert status(world.officer_health) == 404
    assert status(world.officer_roads) == 200
    assert status(world.head_roads) == 200
    assert status(world.directorate_staff) == 200
    # The old guessable address leads nowhere.
    assert Client().get(f"/media/releases/files/{attachment.file.name}").status_code == 404
    assert Client().get(f"/media/{attachment.file.name}").status_code == 404

    # Embargoed (scheduled for tomorrow): still hidden, like the release itself.
    release = _publish(world, release, publish_at=timezone.now() + dt.timedelta(days=1))
    assert release.status == "scheduled"
    assert status(None) == 404 and status(world.officer_health) == 404

    Release.objects.filter(pk=release.pk).update(status="published", published_at=timezone.now())
    assert status(None) == 200 and status(world.officer_health) == 200

    services.release_withdraw(actor=world.head_roads, release=release, reason="آمار اشتباه بود")
    assert status(None) == 200  # a withdrawn release's page stays, and so do its files


def test_attachment_is_a_download_with_its_persian_title(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    attachment = services.release_add_attachment(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("setup.exe", PDF),
        title="گزارش عملکرد",
    )
    assert attachment.content_type == "application/pdf" and attachment.file.name.endswith(".pdf")
    client = Client()
    client.force_login(world.officer_roads)
    response = client.get(attachment.url)
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition and quote("گزارش عملکرد.pdf") in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]  # a draft's file stays out of shared caches
    assert b"".join(response.streaming_content) == PDF

    _publish(world, release)
    public = Client().get(attachment.url)
    assert public.status_code == 200 and "public" in public["Cache-Control"]
    page = Client().get(release.get_absolute_url()).content.decode()
    assert attachment.url in page and "PDF" in page


def test_office_document_and_picture_are_accepted_as_attachments(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    docx = services.release_add_attachment(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("report.docx", docx_bytes()),
        title="",
    )
    assert docx.title == "report" and docx.kind_label == "Word (docx)"
    client = Client()
    client.force_login(world.officer_roads)
    response = client.get(docx.url)
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith("attachment")
    picture = services.release_add_attachment(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("photo.jpg", jpeg_polyglot()),
        title="عکس با کیفیت",
    )
    response = client.get(picture.url)
    assert response["Content-Type"] == "image/jpeg"
    assert SCRIPT not in b"".join(response.streaming_content)


def test_file_url_with_another_name_or_key_is_404(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    attachment = services.release_add_attachment(
        actor=world.officer_roads,
        release=release,
        upload=SimpleUploadedFile("a.pdf", PDF),
        title="",
    )
    _publish(world, release)
    client = Client()
    assert client.get(attachment.url).status_code == 200
    assert client.get(attachment.url.rsplit("/", 1)[0] + "/a.pdf").status_code == 404
    assert client.get(attachment.url.replace("newsroom.attachment", "nope")).status_code == 404
    assert (
        client.get(attachment.url.replace("newsroom.attachment", "newsroom.image")).status_code
        == 404
    )
    assert client.post(attachment.url).status_code == 405


def test_oversized_upload_is_dropped_by_the_handler_and_refused_in_persian(
    world: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.RAVABET_MAX_ATTACHMENT_BYTES = 2**20
    settings.RAVABET_MAX_IMAGE_BYTES = 2**19
    kept = {"bytes": 0}
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self: Any, raw_data: bytes, start: int) -> Any:
        kept["bytes"] += len(raw_data)
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    release = make_release(actor=world.officer_roads, agency=world.roads)
    client = Client()
    client.force_login(world.officer_roads)
    response = client.post(
        f"/backoffice/newsroom/{release.pk}/attachment/",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * (8 * 2**20)), "title": "بزرگ"},
        follow=True,
    )
    assert "پرونده بزرگ‌تر از ۱ مگابایت است" in response.content.decode()
    assert not release.attachments.exists()
    assert not _files_under(settings.RAVABET_PRIVATE_ROOT)
    # What reached the temporary file stopped at the largest size any use allows.
    cap = uploads.largest_limit()
    assert cap < 4 * 2**20
    assert 0 < kept["bytes"] <= cap + 64 * 1024


def test_migration_moves_old_uploads_out_of_media_and_drops_the_hostile_ones(
    world: Any, settings: Any
) -> None:
    from django.apps import apps

    migration = importlib.import_module("ravabet.newsroom.migrations.0002_release_files_private")
    release = make_release(actor=world.officer_roads, agency=world.roads)
    media_root = Path(settings.MEDIA_ROOT)
    old = {
        "releases/images/2026/05/map.html": gif_with_script_comment(),
        "releases/files/2026/05/گزارش.pdf": PDF,
        "releases/files/2026/05/page.pdf": XHTML,
    }
    for name, content in old.items():
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(content)
    image = ReleaseImage.objects.create(
        release=release, image="releases/images/2026/05/map.html", alt_text="نقشه"
    )
    kept = ReleaseAttachment.objects.create(
        release=release, file="releases/files/2026/05/گزارش.pdf", title="گزارش"
    )
    hostile = ReleaseAttachment.objects.create(
        release=release, file="releases/files/2026/05/page.pdf", title="صفحه"
    )

    migration.move_existing_files(apps, None)

    image.refresh_from_db()
    kept.refresh_from_db()
    assert image.image.name.startswith("newsroom/images/") and image.image.name.endswith(".png")
    assert image.content_type == "image/png" and image.original_name == "map.html"
    assert kept.file.name.startswith("newsroom/attachments/") and kept.file.name.endswith(".pdf")
    assert kept.file.read() == PDF
    assert not ReleaseAttachment.objects.filter(pk=hostile.pk).exists()
    assert not _files_under(media_root)

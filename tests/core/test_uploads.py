"""The kernel's upload door: content decides the type, our name on disk, safe headers out."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ravabet.core import uploads
from ravabet.core.organisation.admin import AgencyAdminForm
from tests.files import (
    HTML,
    PDF,
    SCRIPT,
    SVG_WITH_SCRIPT,
    XHTML,
    CountingStream,
    docm_bytes,
    docx_bytes,
    gif_with_script_comment,
    image_bytes,
    jpeg_polyglot,
    odt_bytes,
    png_claiming,
    zip_bytes,
)

IMAGE = uploads.UploadPolicy("test.image", uploads.IMAGES, max_bytes=2**20)
DOCUMENT = uploads.UploadPolicy(
    "test.document", (*uploads.DOCUMENTS, *uploads.IMAGES), max_bytes=10 * 2**20
)
RANDOM_NAME = re.compile(r"^[A-Za-z0-9_-]{24}\.(png|jpg|webp|pdf|docx|odt)$")


def refusal(content: bytes, name: str, policy: uploads.UploadPolicy = IMAGE) -> str:
    with pytest.raises(ValidationError) as info:
        uploads.accept(SimpleUploadedFile(name, content), policy=policy)
    return " ".join(info.value.messages)


def test_gif_named_html_with_script_is_kept_as_a_picture_under_our_name() -> None:
    accepted = uploads.accept(
        SimpleUploadedFile("map.html", gif_with_script_comment(), content_type="text/html"),
        policy=IMAGE,
    )
    data = accepted.file.read()
    assert RANDOM_NAME.match(accepted.name) and accepted.name.endswith(".png")
    assert accepted.content_type == "image/png"
    assert SCRIPT not in data and b"<html" not in data
    assert accepted.original_name == "map.html"  # display only
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG" and img.size == (8, 8)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("map.svg", SVG_WITH_SCRIPT),
        ("page.xhtml", XHTML),
        ("photo.png", HTML),  # HTML renamed to look like a picture
        ("photo.jpg", b"\xff\xd8\xff" + HTML),  # a JPEG's magic, then no picture
    ],
)
def test_markup_is_not_a_picture_whatever_its_name(name: str, content: bytes) -> None:
    assert "تصویر" in refusal(content, name)


@pytest.mark.parametrize("name", ["map.svg", "page.xhtml", "page.html"])
def test_markup_is_not_a_document_either(name: str) -> None:
    for content in (SVG_WITH_SCRIPT, XHTML, HTML):
        assert "نوع این پرونده پذیرفته نیست" in refusal(content, name, DOCUMENT)


def test_pdf_named_exe_is_stored_as_pdf() -> None:
    accepted = uploads.accept(SimpleUploadedFile("setup.exe", PDF), policy=DOCUMENT)
    assert accepted.name.endswith(".pdf") and accepted.content_type == "application/pdf"
    assert accepted.file.read() == PDF and accepted.size == len(PDF)
    assert accepted.download_name("گزارش عملکرد") == "گزارش عملکرد.pdf"
    assert accepted.download_name() == "setup.pdf"


def test_office_documents_are_recognised_by_their_parts() -> None:
    assert uploads.accept(SimpleUploadedFile("a.bin", docx_bytes()), policy=DOCUMENT).name.endswith(
        ".docx"
    )
    assert uploads.accept(SimpleUploadedFile("b", odt_bytes()), policy=DOCUMENT).name.endswith(
        ".odt"
    )
    # A macro-enabled document, and a zip of HTML calling itself .docx, are refused.
    assert "پذیرفته نیست" in refusal(docm_bytes(), "report.docx", DOCUMENT)
    assert "پذیرفته نیست" in refusal(zip_bytes(), "report.docx", DOCUMENT)


def test_polyglot_jpeg_loses_its_html_its_comment_and_its_exif() -> None:
    original = jpeg_polyglot()
    accepted = uploads.accept(SimpleUploadedFile("photo.jpg", original), policy=IMAGE)
    data = accepted.file.read()
    assert accepted.name.endswith(".jpg") and accepted.content_type == "image/jpeg"
    assert SCRIPT not in data and b"<html" not in data and b"Evil Camera" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and not img.getexif()


def test_large_picture_is_scaled_down() -> None:
    policy = uploads.UploadPolicy("test.small", uploads.IMAGES, max_bytes=2**20, max_side=100)
    accepted = uploads.accept(
        SimpleUploadedFile("wide.png", image_bytes("PNG", (400, 200))), policy=policy
    )
    assert (accepted.width, accepted.height) == (100, 50)


@pytest.mark.parametrize("side", [9_000, 30_000])
def test_decompression_bomb_is_refused_before_decoding(side: int) -> None:
    bomb = png_claiming(side, side)
    assert len(bomb) < 200
    assert "مگاپیکسل" in refusal(bomb, "tiny.png")


def test_broken_picture_is_refused() -> None:
    truncated = image_bytes("PNG", (64, 64))[:60]
    assert "خراب" in refusal(truncated, "a.png") or "تصویر نیست" in refusal(truncated, "a.png")


def test_300_mb_stream_is_refused_after_reading_little_more_than_the_limit() -> None:
    stream = CountingStream(300 * 2**20)
    with pytest.raises(ValidationError) as info:
        uploads.accept(stream, policy=DOCUMENT)
    assert "بزرگ‌تر از ۱۰ مگابایت" in " ".join(info.value.messages)
    assert stream.read_bytes <= 10 * 2**20 + 64 * 1024


def test_upload_declaring_a_size_over_the_limit_is_not_read_at_all() -> None:
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (2**20))
    upload.seek(5)
    with pytest.raises(ValidationError):
        uploads.accept(upload, policy=IMAGE)
    assert upload.tell() == 5


def test_empty_file_is_refused() -> None:
    assert "خالی" in refusal(b"", "a.png")


def test_display_name_drops_folders_and_reordering_marks() -> None:
    assert uploads.display_name("../../etc/passwd") == "passwd"
    assert uploads.display_name("C:\\Users\\x\\گزارش كامل.pdf") == "گزارش کامل.pdf"
    assert uploads.display_name("photo\u202egpj.exe") == "photogpj.exe"
    assert uploads.display_name("نیم\u200cفاصله.pdf") == "نیم\u200cفاصله.pdf"


# --- the public media folder ------------------------------------------------------------


@pytest.fixture
def media(settings: Any) -> Path:
    root = Path(settings.MEDIA_ROOT)
    (root / "agencies" / "logos").mkdir(parents=True)
    return root


@pytest.mark.django_db
def test_media_file_named_html_is_a_download_never_a_page(media: Path) -> None:
    # A file left by the old upload code under the uploader's name.
    (media / "agencies" / "logos" / "map.html").write_bytes(gif_with_script_comment())
    response = Client().get("/media/agencies/logos/map.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_media_picture_is_served_inline_as_what_it_is(media: Path) -> None:
    (media / "agencies" / "logos" / "abc.png").write_bytes(image_bytes())
    response = Client().get("/media/agencies/logos/abc.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/.secret",
        "/media/agencies/.hidden/x.png",
        "/media/agencies/logos/",
        "/media/agencies",
        "/media/../secret_key",
        "/media/agencies/logos/outside.png",
        "/media/agencies/logos/missing.png",
    ],
)
def test_media_serves_only_regular_files_under_its_root(media: Path, path: str) -> None:
    (media / ".secret").write_text("x")
    (media / "agencies" / ".hidden").mkdir()
    (media / "agencies" / ".hidden" / "x.png").write_bytes(image_bytes())
    outside = media.parent / "outside.png"
    outside.write_bytes(image_bytes())
    (media / "agencies" / "logos" / "outside.png").symlink_to(outside)
    assert Client().get(path).status_code == 404


# --- agency logos (the platform admin's form) -------------------------------------------


@pytest.mark.django_db
def test_agency_logo_is_re_encoded_under_our_name(world: Any) -> None:
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(world.roads).items() if v is not None and k != "logo"}
    form = AgencyAdminForm(
        data=data,
        files={"logo": SimpleUploadedFile("logo.html", jpeg_polyglot())},
        instance=world.roads,
    )
    assert form.is_valid(), form.errors
    agency = form.save()
    assert re.match(r"^agencies/logos/[A-Za-z0-9_-]{24}\.jpg$", agency.logo.name)
    response = Client().get(agency.logo.url)
    assert response["Content-Type"] == "image/jpeg"
    assert SCRIPT not in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_agency_logo_must_be_a_png_jpeg_or_webp(world: Any) -> None:
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(world.roads).items() if v is not None and k != "logo"}
    form = AgencyAdminForm(
        data=data,
        files={"logo": SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT)},
        instance=world.roads,
    )
    assert not form.is_valid()
    assert "تصویر نیست" in " ".join(form.errors["logo"])


# --- settings ---------------------------------------------------------------------------


def test_private_root_inside_media_root_is_an_error(settings: Any) -> None:
    settings.RAVABET_PRIVATE_ROOT = Path(settings.MEDIA_ROOT) / "private"
    errors = checks.run_checks(tags=[checks.Tags.security])
    assert any(e.id == "ravabet.E001" for e in errors)


def test_settings_as_shipped_pass_the_upload_checks() -> None:
    errors = checks.run_checks(tags=[checks.Tags.security])
    assert not [e for e in errors if e.id.startswith("ravabet.")]


def test_a_truncated_picture_is_refused_even_after_a_library_loosened_pillow() -> None:
    from PIL import ImageFile

    import ravabet.monitoring.pdf  # noqa: F401 - imports WeasyPrint, which loosens Pillow

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint's import leaves it
    truncated = image_bytes("PNG", (64, 64))[:60]
    assert "خراب" in refusal(truncated, "a.png") or "تصویر نیست" in refusal(truncated, "a.png")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False

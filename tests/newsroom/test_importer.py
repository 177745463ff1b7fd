"""Importing the seed: kicker from its first line, headline from its second, whole paragraphs."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from ravabet.core.richtext import body_paragraphs
from ravabet.newsroom.models import Release

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_355124c2ea71b728.txt"
pytestmark = pytest.mark.django_db


def _check_seed_release(release: Release) -> None:
    assert release.kicker == "همزمان با هفته ارتباطات و روابط عمومی"
    assert release.headline == "نخستین نشست روابط عمومی‌های استان تهران در سال ۱۴۰۴ برگزار می‌شود"
    assert release.lead.startswith("مشاور استاندار و مدیرکل روابط عمومی و امور بین‌الملل")
    assert release.lead.endswith("خبر داد.")
    paragraphs = body_paragraphs(release.body)
    assert paragraphs[0].startswith("به گزارش روابط عمومی استانداری تهران")  # attribution kept
    assert len(paragraphs) == 5  # the lead is the sixth paragraph (docs/newsroom.md)
    for paragraph in paragraphs:
        assert paragraph.endswith((".", "؛", ":")), paragraph  # whole sentences, no hard wraps
    text = " ".join(paragraphs)
    for word in ("روابط عمومی‌های", "دستگاه‌های", "بین‌الملل", "سیاست‌های", "اطلاع‌رسانی"):
        assert word in text
    assert not re.search(r"عمومیهای|میشود|بینالملل", text)
    assert release.source_text.startswith(" همزمان")  # the original kept


def test_import_command_makes_a_draft_from_the_seed(world: Any) -> None:
    out = StringIO()
    call_command(
        "import_release", str(SEED), agency="pr-directorate", user="directorate", stdout=out
    )
    release = Release.objects.get()
    assert release.status == Release.Status.DRAFT
    assert release.agency == world.directorate
    _check_seed_release(release)


def test_import_command_refuses_unknown_agency(world: Any) -> None:
    with pytest.raises(CommandError):
        call_command("import_release", str(SEED), agency="nope", user="directorate")
    assert not Release.objects.exists()


def test_import_from_back_office(world: Any) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    response = client.post(
        "/backoffice/newsroom/import/",
        {"file": SimpleUploadedFile("seed.txt", SEED.read_bytes()), "agency": world.directorate.pk},
        follow=True,
    )
    assert response.status_code == 200
    _check_seed_release(Release.objects.get())


def test_import_of_a_bad_file_says_why(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    response = client.post(
        "/backoffice/newsroom/import/",
        {"file": SimpleUploadedFile("x.txt", "فقط یک سطر".encode()), "agency": world.roads.pk},
    )
    assert "دست‌کم روتیتر، تیتر و یک پاراگراف" in response.content.decode()
    assert not Release.objects.exists()


def test_officer_cannot_import_for_another_agency(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    response = client.post(
        "/backoffice/newsroom/import/",
        {"file": SimpleUploadedFile("seed.txt", SEED.read_bytes()), "agency": world.health.pk},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Release.objects.exists()

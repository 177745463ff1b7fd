"""`ravabet bulletin --agency SLUG --date 1404-02-30 --out FILE.pdf`: writes the day's PDF
(Persian or Latin digits), reuses the bulletin on a second run, and refuses bad input in
Persian without leaving a file behind."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from ravabet.monitoring import bulletins
from ravabet.monitoring.models import Bulletin
from tests.monitoring.test_bulletins import DAY, ROADS, at, publish, watch


def run(*args: str) -> str:
    out = StringIO()
    call_command("bulletin", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_writes_the_days_pdf(world: Any, tmp_path: Path) -> None:
    watch(world.officer_roads, world.roads, ROADS)
    publish((f"بازدید مدیرکل {ROADS}", f"مدیرکل {ROADS} از پروژه بازدید کرد.", at(DAY, 10)))
    publish((f"فردای {ROADS}", f"خبر روز بعد {ROADS}.", at(DAY, 23) + (at(DAY, 2) - at(DAY, 0))))
    out = tmp_path / "roads.pdf"
    said = run("--agency", "roads", "--date", "۱۴۰۴/۰۲/۳۰", "--out", str(out))
    assert str(out) in said and "۱ خبر" in said
    document = out.read_bytes()
    assert document.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert f"بازدید مدیرکل {ROADS}" in text and f"فردای {ROADS}" not in text
    bulletin = Bulletin.objects.get()
    assert (bulletin.agency, bulletin.day) == (world.roads, DAY)
    # Latin digits, the same day: the same bulletin, written again
    run("--agency", "roads", "--date", "1404-02-30", "--out", str(out))
    assert Bulletin.objects.count() == 1
    assert not list(tmp_path.glob(".bulletin-*"))  # no temporary file left


def test_the_default_day_is_yesterday(world: Any, tmp_path: Path) -> None:
    run("--agency", world.directorate.slug, "--out", str(tmp_path / "d.pdf"))
    assert Bulletin.objects.get().day == bulletins.yesterday()
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere", "--date", "1404-02-30"], "دستگاهی با نامک «nowhere» نیست"),
        (["--agency", "roads", "--date", "1404-02-32"], "تاریخ «1404-02-32» خوانده نشد"),
        (["--agency", "roads", "--date", "۳۱ مهر ۱۴۰۴"], "مهر سال ۱۴۰۴ ۳۰ روز دارد"),
        (["--agency", "roads", "--date", "fardā"], "خوانده نشد"),
        (["--agency", "roads", "--date", "1200-01-01"], "میان سال‌های"),
    ],
)
def test_bad_input_is_refused_in_persian(
    world: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(tmp_path / "x.pdf"))
    assert not list(tmp_path.iterdir())
    assert not Bulletin.objects.exists()


def test_an_unwritable_path_is_refused(world: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="نمی‌توان نوشت"):
        run("--agency", "roads", "--out", str(tmp_path / "missing" / "x.pdf"))
    with pytest.raises(CommandError, match="یک پوشه است"):
        run("--agency", "roads", "--out", str(tmp_path))

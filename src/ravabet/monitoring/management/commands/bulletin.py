"""`ravabet bulletin --agency SLUG [--date 1404-02-30] --out FILE.pdf`.

Builds the agency's bulletin of a Tehran day (or brings its draft up to date; a sent one is
used as it is: bulletins.build) and writes its PDF. The date is Jalali, in Persian or Latin
digits (۱۴۰۴/۰۲/۳۰, 1404-02-30, «۳۰ اردیبهشت ۱۴۰۴»); by default yesterday. Bad input is a
Persian CommandError, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core import jalali
from ravabet.core.organisation.models import Agency
from ravabet.monitoring import bulletins
from ravabet.persian import dates as pdates
from ravabet.persian import normalize, to_persian_digits


def parse_day(text: str | None) -> dt.date:
    """A Jalali date as people write it; yesterday (Tehran) when none is given."""
    if not text:
        return bulletins.yesterday()
    try:
        day = pdates.parse_jalali_date(normalize(text))
    except ValueError as exc:
        raise CommandError(
            f"تاریخ «{text}» خوانده نشد ({exc})؛ آن را شمسی بنویسید، مانند ۱۴۰۴-۰۲-۳۰."
        ) from exc
    if not jalali.in_supported_range(day):
        raise CommandError(jalali.OUT_OF_RANGE_MESSAGE)
    return day


def write_atomically(path: Path, content: bytes) -> None:
    """The whole file or nothing: a temporary file beside it, renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bulletin-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Build an agency's daily press-clipping bulletin and write it as a PDF."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", required=True, help="the agency's slug")
        parser.add_argument("--date", help="the Jalali day, e.g. 1404-02-30 (default: yesterday)")
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        from ravabet.monitoring import pdf  # WeasyPrint is loaded only when a PDF is made

        slug = str(options["agency"]).strip()
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise CommandError(f"دستگاهی با نامک «{slug}» نیست.")
        day = parse_day(options["date"])
        out: Path = options["out"].expanduser()
        if out.is_dir():
            raise CommandError(f"«{out}» یک پوشه است؛ نام پروندهٔ PDF را بدهید.")
        folder = out.parent if str(out.parent) else Path()
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(f"در «{folder}» نمی‌توان نوشت؛ پوشه‌ای هست و نوشتنی است؟")
        bulletin = bulletins.build(agency=agency, day=day)
        document = pdf.render(bulletin)
        try:
            write_atomically(out, document)
        except OSError as exc:
            raise CommandError(f"نوشتن «{out}» نشد: {exc.strerror or exc}") from exc
        figures = bulletin.figures or {}
        count = to_persian_digits(str(figures.get("articles", 0)))
        self.stdout.write(
            f"{out}: {bulletins.title(bulletin)} — {agency.name}؛ {count} خبر، "
            f"{bulletin.get_status_display()} ({len(document)} bytes)"
        )

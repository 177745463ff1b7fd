"""`ravabet backup --out FILE`: the database, the media and the private files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core import backup


class Command(BaseCommand):
    help = (
        "Write the whole installation (database through Django's serialization, media, private "
        "files, secret key) into one .tar.gz with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"«{out}» هست؛ پشتیبان روی پرونده‌ای دیگر نوشته نمی‌شود.")
        try:
            manifest = backup.backup(out, progress=True)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"پشتیبان در «{out}» نوشته شد: {rows} ردیف در {len(manifest.tables)} جدول، "
                f"{len(manifest.files)} پرونده."
            )
        )

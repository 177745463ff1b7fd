"""`ravabet restore FILE`: an archive of `ravabet backup` onto an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core import backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `ravabet backup` onto an empty installation (this RAVABET_VAR_DIR "
        "and DATABASE_URL): checksums verified first, rows loaded in one transaction, counts "
        "compared with the manifest."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `ravabet backup`")
        parser.add_argument(
            "--max-gb",
            type=float,
            default=backup.DEFAULT_MAX_BYTES / 2**30,
            help="refuse an archive that unpacks to more than this (GiB)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.restore(
                Path(options["archive"]),
                max_bytes=int(options["max_gb"] * 2**30),
                progress=True,
                say=lambda line: self.stdout.write(line),
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.get("tables", {}).values())
        self.stdout.write(
            self.style.SUCCESS(
                f"بازگردانی انجام شد: {rows} ردیف و {len(manifest.get('files', {}))} پرونده "
                f"از پشتیبان {manifest.get('created_at')}."
            )
        )

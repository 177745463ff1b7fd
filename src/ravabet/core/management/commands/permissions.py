"""`ravabet permissions`: the role × action table made from the services' declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from ravabet.core import permission_table


class Command(BaseCommand):
    help = "Print (or --write) the permission matrix, docs/permissions.md, from the declarations."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--markdown", action="store_true", help="print it (the default)")
        parser.add_argument("--write", metavar="PATH", help="write it to PATH instead")

    def handle(self, *args: Any, **options: Any) -> None:
        text = permission_table.markdown()
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['write']}")
        else:
            self.stdout.write(text, ending="")

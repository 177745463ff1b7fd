"""`ravabet personal-data export --mobile 0912… | --email x@y [--out FILE]`: everything held
about one person, as JSON with Persian labels (audited); `ravabet personal-data anonymize`:
the daily retention run, now."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core import personal_data


class Command(BaseCommand):
    help = (
        "Citizens' personal data: `export` everything every capability holds about one mobile "
        "number or e-mail address (audited), or `anonymize` what has outlived the retention "
        "period (RAVABET_PERSONAL_DATA_RETENTION_DAYS after a case closed)."
    )

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="one person's data as JSON")
        who = export.add_mutually_exclusive_group(required=True)
        who.add_argument("--mobile", help="a mobile number, in any spelling (۰۹۱۲…, +98912…)")
        who.add_argument("--email", help="an e-mail address")
        export.add_argument("--out", help="write the JSON here (0600) instead of the output")
        actions.add_parser("anonymize", help="anonymize what has outlived the retention period")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anonymize":
            done = personal_data.anonymize_expired()
            for key, count in done.items():
                self.stdout.write(f"{key}: {count}")
            return
        try:
            contact = personal_data.Contact.of(
                mobile=options.get("mobile") or "", email=options.get("email") or ""
            )
        except personal_data.ContactError as exc:
            raise CommandError(str(exc)) from exc
        # The command has no signed-in person: the audit entry names the system account.
        via = f"ravabet personal_data export ({getpass.getuser()})"
        document = personal_data.export(contact, via=via)
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if options.get("out"):
            out = Path(options["out"])
            try:
                descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError as exc:
                raise CommandError(f"«{out}» هست؛ روی آن نوشته نمی‌شود.") from exc
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            found = sum(len(s["سوابق"]) for s in document["بخش‌ها"].values())
            self.stdout.write(f"{found} سابقه در «{out}» نوشته شد.")
        else:
            self.stdout.write(text)

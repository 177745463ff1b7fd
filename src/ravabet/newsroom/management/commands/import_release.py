"""`ravabet import_release FILE --agency SLUG`: a draft release from text pasted from a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ravabet.core.organisation.models import Agency
from ravabet.newsroom import importer


class Command(BaseCommand):
    help = "Import a release (kicker, headline, body) from a text file into an agency's drafts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the agency's slug")
        parser.add_argument("--user", help="who imports (default: the first superuser)")
        parser.add_argument("--publish", action="store_true", help="submit and publish at once")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = Agency.objects.get(slug=options["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(f"no agency with slug {options['agency']!r}") from exc
        User = get_user_model()
        user = (
            User.objects.filter(username=options["user"]).first()
            if options["user"]
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("no such user; pass --user or create a superuser first")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            release = importer.import_release(
                actor=user,
                agency=agency,
                text=importer.decode(path.read_bytes()),
                publish=options["publish"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"release {release.pk} ({release.get_status_display()}): {release.headline}"
            )
        )

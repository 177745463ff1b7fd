"""`ravabet apitoken USERNAME`: make an API token for a person; the key is the last line printed."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ravabet.core.tokens import services


def _positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 0 < days <= 36_500:
        raise argparse.ArgumentTypeError(f"expected a whole number of days from 1, not {value!r}")
    return days


class Command(BaseCommand):
    help = (
        "Make an API token for USERNAME, as on the profile page (audited as token.create); "
        "the key is printed once, on the last line."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (shown on the page)")
        parser.add_argument(
            "--read-only", action="store_true", help="refused (403) on every write request"
        )
        parser.add_argument(
            "--expires-days",
            type=_positive_days,
            default=None,
            help="stops working after this many days (default: until revoked)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive; a token would not work")
        days = options["expires_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        token, key = services.token_create(
            actor=user,
            name=options["name"],
            read_only=options["read_only"],
            expires_at=expires_at,
            via="ravabet apitoken",
        )
        scope = "read-only" if token.read_only else "read and write"
        until = f"until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "until revoked"
        self.stderr.write(f"token {token.prefix}… for {username} ({scope}, {until}); the key:")
        self.stdout.write(key)

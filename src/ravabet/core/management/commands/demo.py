"""`ravabet demo`: load the demo data (idempotent) and print how to log in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ravabet.agencies import demo as agencies_demo


class Command(BaseCommand):
    help = "Load the demo data (agencies, counties, one person per role) and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        loaders = [("دستگاه‌ها و کارکنان", agencies_demo.load)]
        people = []
        for label, loader in tqdm(loaders, desc="demo data", unit="part", disable=None):
            self.stdout.write(f"  {label}")
            result = loader()
            if label == "دستگاه‌ها و کارکنان":
                people = result
        if options["quiet_logins"]:
            return
        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: %s)" % agencies_demo.DEMO_PASSWORD))
        for person in people:
            self.stdout.write(f"  {person.username:<16} {person.role_label}")

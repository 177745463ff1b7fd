"""`ravabet demo`: load the demo data (idempotent) and print how to log in.

Each capability registers its own loader (core.registry) from its AppConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ravabet.core import registry
from ravabet.core.organisation import demo as organisation_demo
from ravabet.core.search.sources import rebuild_stale


class Command(BaseCommand):
    help = "Load the demo data (agencies, counties, one person per role) and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        steps = [(loader.label, loader.load) for loader in registry.demo_loaders()]
        # A database from an older version: its search keys are re-made with the current rules.
        steps.append(("search index, if its key version changed", rebuild_stale))
        for label, load in tqdm(steps, desc="demo data", unit="part", disable=None):
            tqdm.write(f"  loading {label}")
            load()
        if options["quiet_logins"]:
            return
        password = organisation_demo.DEMO_PASSWORD
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (the password of each: {password})"))
        for person in organisation_demo.PEOPLE:
            self.stdout.write(f"  {person.username:<16} {person.role_label}")

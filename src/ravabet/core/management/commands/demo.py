"""`ravabet demo`: load the demo data (idempotent) and print how to log in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ravabet.agencies import demo as agencies_demo
from ravabet.newsroom import demo as newsroom_demo
from ravabet.newsroom import search as newsroom_search

# Each capability adds its loader here, in dependency order; each may run again safely.
LOADERS: list[tuple[str, Callable[[], object]]] = [
    ("agencies, counties and people", agencies_demo.load),
    ("releases (the seed and attributed Fars news)", newsroom_demo.load),
    # A database from an older version: its search keys are re-made with the current rules.
    ("search index, if its key version changed", newsroom_search.rebuild_if_stale),
]


class Command(BaseCommand):
    help = "Load the demo data (agencies, counties, one person per role) and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        for label, loader in tqdm(LOADERS, desc="demo data", unit="part", disable=None):
            tqdm.write(f"  loading {label}")
            loader()
        if options["quiet_logins"]:
            return
        password = agencies_demo.DEMO_PASSWORD
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (the password of each: {password})"))
        for person in agencies_demo.PEOPLE:
            self.stdout.write(f"  {person.username:<16} {person.role_label}")

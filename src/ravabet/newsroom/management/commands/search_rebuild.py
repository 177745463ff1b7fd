"""`ravabet search_rebuild`: re-index every published release (after a search-key change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ravabet.newsroom import search


class Command(BaseCommand):
    help = "Rebuild the search index of published releases, with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="only when some entry was keyed with another search-key version (upgrades)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_stale"]:
            count = search.rebuild_if_stale(progress=True)
            if count == 0:
                self.stdout.write("the index is up to date")
                return
        else:
            count = search.rebuild(progress=True)
        self.stdout.write(self.style.SUCCESS(f"indexed {count} releases"))

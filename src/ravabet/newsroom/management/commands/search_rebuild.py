"""`ravabet search_rebuild`: re-index every published release (after a search-key change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ravabet.newsroom import search


class Command(BaseCommand):
    help = "Rebuild the search index of published releases, with a progress bar."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search.rebuild(progress=True)
        self.stdout.write(self.style.SUCCESS(f"indexed {count} releases"))

"""`ravabet search_rebuild`: re-index every registered search source (after a search-key change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core import registry
from ravabet.core.search.sources import rebuild_sources


class Command(BaseCommand):
    help = "Rebuild the search index of every capability (or --scope), with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="only when some entry was keyed with another search-key version (upgrades)",
        )
        parser.add_argument(
            "--scope", action="append", help="only this scope (repeatable), e.g. release"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = {source.scope for source in registry.search_sources()}
        scopes = options["scope"]
        if scopes and not set(scopes) <= known:
            raise CommandError(f"unknown scope; known: {', '.join(sorted(known))}")
        done = rebuild_sources(scopes=scopes, only_stale=options["if_stale"], progress=True)
        if not done:
            self.stdout.write("the index is up to date")
            return
        for scope, count in done.items():
            self.stdout.write(self.style.SUCCESS(f"indexed {count} documents of scope {scope}"))

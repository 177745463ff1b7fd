"""Re-making the index from every capability's registered search source (core.registry)."""

from __future__ import annotations

from ravabet.core import registry
from ravabet.core.search.selectors import stale_count
from ravabet.core.search.services import rebuild


def rebuild_sources(
    *, scopes: list[str] | None = None, only_stale: bool = False, progress: bool = True
) -> dict[str, int]:
    """Rebuild each registered scope (or those named); with only_stale, only scopes holding an
    entry keyed by another SEARCH_KEY_VERSION. Returns scope -> documents indexed."""
    done: dict[str, int] = {}
    for source in registry.search_sources():
        if scopes is not None and source.scope not in scopes:
            continue
        if only_stale and stale_count(source.scope) == 0:
            continue
        done[source.scope] = rebuild(
            source.scope, source.documents(), total=source.count(), progress=progress
        )
    return done


def rebuild_stale() -> dict[str, int]:
    """For `ravabet demo` after an upgrade: re-key what an older version keyed."""
    return rebuild_sources(only_stale=True)

"""The back-office home's to-do lists: one shape for every capability's dashboard card (its
first items, the total in the badge, a link to the whole list), so the home reads the same
whether the list is of releases, deliveries or opportunities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# The most items listed per to-do list on the home; the badge still counts them all.
TODO_LIMIT = 10


def todo_list(
    *,
    label: str,
    queryset: QuerySet[Any],
    entry: Callable[[Any], dict[str, Any]],
    url: str,
    empty: str = "",
    urgent: bool = False,
    limit: int = TODO_LIMIT,
) -> dict[str, Any]:
    """One list: `entry(record)` gives each item's label, url, meta and detail. The total is
    counted only when the first `limit` rows do not already hold them all."""
    rows = list(queryset[:limit])
    count = len(rows) if len(rows) < limit else queryset.count()
    return {
        "label": label,
        "count": count,
        "entries": [entry(row) for row in rows],
        "empty": empty,
        "urgent": urgent and count > 0,
        "url": url,
    }

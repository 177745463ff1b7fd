"""Background work of the surveys: drafts nobody came back to are dropped (hourly)."""

from __future__ import annotations

from django_tasks import task

from ravabet.surveys.services.answers import drafts_drop_stale


@task()
def drop_stale_drafts() -> int:
    """Delete draft responses not updated for more than a day; how many were deleted."""
    return drafts_drop_stale()

"""Narratives: stories grouped into topics over time. Being written (issue 12)."""

from __future__ import annotations

from django_tasks import task


@task()
def rebuild_narratives() -> int:
    return 0

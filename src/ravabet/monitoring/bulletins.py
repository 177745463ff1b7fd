"""The daily press-clipping bulletin. Being written (issue 12)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_daily_bulletins() -> int:
    return 0


@task()
def send_daily_bulletins() -> int:
    return 0

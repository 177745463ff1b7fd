"""Alerts: negative mentions or saved-search matches above their usual level (issue 12)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def check_alerts() -> int:
    return 0


def dashboard_figures(user: Any) -> list[dict[str, Any]]:
    return []

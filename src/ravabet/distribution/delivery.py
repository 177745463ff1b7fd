"""(being written)"""

from __future__ import annotations


def on_content_changed(*, pk: int, event: str, agency_id: int | None) -> None:
    return None


def register() -> None:
    """Registrations from AppConfig.ready(): periodic tasks, panels, cards, audit labels."""

"""The press list's part of distribution: what happens on a release's publication (the public
link to the press list, from a task), and its registrations (the panel on a release's
back-office page, the audit's Persian labels).

Corrections and withdrawals are not mailed to the press (PressMailing has one row per kind,
embargo or public; a note per correction would need a kind of its own). A withdrawn or
returned release's preview links stop working at once: the preview shows only a release
still scheduled, and sends to the public page once it is published.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def on_content_changed(*, pk: int, event: str, agency_id: int | None) -> None:
    if event != "published" or agency_id is None:
        return
    from ravabet.distribution import tasks_press

    transaction.on_commit(lambda: tasks_press.send_public_link.enqueue(pk, agency_id))


def panel_context(user: Any, release: Any) -> dict[str, Any] | None:
    from ravabet.distribution.selectors import press as press_selectors

    return press_selectors.release_panel(user=user, release=release)


def register() -> None:
    """Registrations from AppConfig.ready(): periodic tasks, panels, cards, audit labels."""
    from ravabet.core import audit, registry

    registry.register_panel(
        "newsroom.release",
        "press",
        "فهرست خبرنگاران",
        "distribution/_press_panel.html",
        panel_context,
        order=120,
    )
    audit.register_labels(
        actions={
            "journalist.create": "افزودن خبرنگار",
            "journalist.update": "ویرایش خبرنگار",
            "journalist.approve": "تأیید خبرنگار",
            "journalist.deactivate": "غیرفعال‌کردن خبرنگار",
            "journalist.activate": "فعال‌کردن دوبارهٔ خبرنگار",
            "press.embargo": "فرستادن به خبرنگاران با ممنوعیت انتشار",
        },
        states={"proposed": "پیشنهادشده", "approved": "تأییدشده"},
    )

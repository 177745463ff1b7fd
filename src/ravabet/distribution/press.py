"""The press list's part of distribution: what happens on a release's publication (the public
link to the press list, from a task), on its correction, withdrawal or return before its time
(the follow-ups), and its registrations (the panel on a release's back-office page, the audit's
Persian labels).

Follow-ups (services.press.press_queue_followup): a correction's note and the public link to
those SENT the public link, once per correction; the withdrawal and its public reason to every
journalist SENT anything of the release; and, when a scheduled release is returned
(«unscheduled»), the cancellation of the announced publication to those SENT it under embargo,
whose preview links are revoked at once. Rows are written here, after the newsroom's commit;
the e-mails go from tasks_press.send_press_mailings.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def on_content_changed(*, pk: int, event: str, agency_id: int | None) -> None:
    """Heard after the commit. Never raises (the newsroom's change is committed already)."""
    if agency_id is None:
        return
    from ravabet.distribution import tasks_press

    if event == "published":
        transaction.on_commit(lambda: tasks_press.send_public_link.enqueue(pk, agency_id))
        return
    from ravabet.distribution.services import press as services

    if event not in services.FOLLOW_UPS:
        return
    try:
        from ravabet.newsroom import selectors as newsroom

        release = newsroom.release_get_for_distribution(pk=pk)
        ids = services.press_queue_followup(release=release, event=event, agency_id=agency_id)
    except Exception:
        logger.exception("press follow-up of release %s (%s) not queued", pk, event)
        return
    if ids:
        transaction.on_commit(lambda: tasks_press.send_press_mailings.enqueue(ids))


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

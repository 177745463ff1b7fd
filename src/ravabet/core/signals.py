"""What happened to public content, for whoever listens (a capability connects from its
AppConfig.ready()): the kernel never names the listener.

`content_changed` is sent AFTER the commit that published, corrected or withdrew a piece of
public content, with `sender` the content's kind («release») and keyword arguments `pk`,
`event` («published», «corrected», «withdrawn», or «unscheduled»: a release approved for a
future time was taken back before it came) and `agency_id`. Listeners must be quick
(enqueue a task) and must not raise: a listener's failure is logged and never undoes the
publication (it is committed already).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

content_changed = Signal()

EVENTS = ("published", "corrected", "withdrawn", "unscheduled")


def announce(kind: str, *, pk: int, event: str, agency_id: int | None) -> None:
    """Call inside the transaction that makes the change: the listeners hear of it once the
    change is committed, and never if it is rolled back."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")

    def send() -> None:
        for receiver, result in content_changed.send_robust(
            sender=kind, pk=pk, event=event, agency_id=agency_id
        ):
            if isinstance(result, Exception):
                logger.error(
                    "%s of %s %s: listener %r failed", event, kind, pk, receiver, exc_info=result
                )

    transaction.on_commit(send)

"""What distribution does when a release is published, corrected or withdrawn (the kernel's
`content_changed`, heard after the commit): the channels' deliveries (delivery.py) and the
press list's mailing (press.py), each enqueuing its own tasks."""

from __future__ import annotations

from typing import Any

from ravabet.distribution import delivery, press


def content_changed(sender: str, **kwargs: Any) -> None:
    if sender != "release":
        return
    pk, event, agency_id = kwargs["pk"], kwargs["event"], kwargs.get("agency_id")
    delivery.on_content_changed(pk=pk, event=event, agency_id=agency_id)
    press.on_content_changed(pk=pk, event=event, agency_id=agency_id)

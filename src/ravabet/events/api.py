"""The events' API (STUB: to be written by a helper)."""

from ninja import Router

router = Router(tags=["رویدادها"])

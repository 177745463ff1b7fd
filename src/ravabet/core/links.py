"""Absolute links, for places read away from the site: e-mails, feeds, canonical and share tags."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on the site's address, RAVABET_BASE_URL (never the Host header of a request)."""
    return f"{settings.RAVABET_BASE_URL.rstrip('/')}/{path.lstrip('/')}"

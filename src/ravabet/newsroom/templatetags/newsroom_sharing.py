"""`{% share_meta release %}`: a release's Open Graph and Twitter-card tags (sharing.py)."""

from __future__ import annotations

from typing import Any

from django import template

from ravabet.newsroom import sharing
from ravabet.newsroom.models import Release

register = template.Library()


@register.inclusion_tag("newsroom/_share_meta.html")
def share_meta(release: Release) -> dict[str, Any]:
    return {"meta": sharing.share_meta(release)}


@register.filter
def share_description(release: Release) -> str:
    """The page's description: the same sensibly cut lead the link preview shows."""
    return sharing.describe(release)

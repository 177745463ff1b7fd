"""Template helpers of the newsroom: safe bodies, search snippets, an agency's latest releases."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ravabet.core import search
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.core.richtext import body_text, sanitize
from ravabet.newsroom import selectors

register = template.Library()


@register.filter
def safe_body(body: str) -> SafeString:
    """Bodies are sanitized on save; cleaning again on output costs little and guards old rows."""
    return mark_safe(sanitize(body))  # noqa: S308 - nh3 allow-list output


@register.filter
def absolute(path: str) -> str:
    """A path of the site as an absolute link on RAVABET_BASE_URL (share tags)."""
    return absolute_url(path)


@register.simple_tag
def snippet(release: Any, query: str) -> SafeString:
    text = " ".join(filter(None, [release.lead, body_text(release.body)]))
    return search.highlight(text, query)


@register.inclusion_tag("newsroom/_agency_releases.html")
def agency_releases(agency: Agency, limit: int = 10) -> dict[str, Any]:
    return {
        "agency": agency,
        "releases": list(selectors.release_list_public(agency=agency)[:limit]),
    }


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)

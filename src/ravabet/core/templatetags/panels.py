"""`{% object_panels "newsroom.release" release %}`: the sections other capabilities registered
for this kind of object (core/registry.py's register_panel), each in its own <section>."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ravabet.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context: template.Context, target: str, obj: Any) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    parts = []
    for panel in registry.panels(target):
        extra = panel.context(user, obj)
        if extra is None:
            continue
        body = render_to_string(
            panel.template, {**extra, "panel_object": obj, "user": user}, request=request
        )
        parts.append(
            format_html(
                '<section class="section" aria-labelledby="panel-{key}">'
                '<h2 id="panel-{key}">{title}</h2>{body}</section>',
                key=panel.key,
                title=panel.title,
                body=mark_safe(body),  # noqa: S308 (our own template's output)
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part built by format_html)

"""News sources entered by the directorate: a feed's name, link, site, polling interval.

`source_save` checks the input once (`source_prepare`: lengths and characters through the
kernel's validation, a feed link of http or https with a host, at most URL_CHARS characters,
and the SSRF guard of feeds.py when it is there), then writes in one short transaction,
permission-checked (`permissions.can_manage_sources`) and audited («source.create» /
«source.update»). A changed link starts the source afresh (no ETag, health «new», polled at
once). `source_poll_now` claims the source as the scheduler does (tasks.claim), so a poll asked
for by hand never runs beside the scheduled one, and enqueues it after the commit.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, permissions, validation
from ravabet.monitoring import feeds, tasks
from ravabet.monitoring.models import Source
from ravabet.persian import normalize, to_persian_digits

URL_CHARS = 1000
MIN_POLL_MINUTES, MAX_POLL_MINUTES = 5, 1440
MAX_CHARS = {"name": 200, "url": URL_CHARS, "site": 200}
LABELS = {"name": "نام", "url": "نشانی خوراک", "site": "وب‌گاه"}
NOT_ALLOWED = "منابع خبری را روابط عمومی استانداری تعریف و ویرایش می‌کند."


@dataclass
class SourceInput:
    name: str
    url: str
    site: str = ""
    is_active: bool = True
    poll_minutes: int = 30
    fetch_full_text: bool = False


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


def _url_errors(url: str) -> list[str]:
    if not url:
        return ["نشانی خوراک را بنویسید."]
    if len(url) > URL_CHARS:
        return [f"نشانی خوراک بیش از {_fa(URL_CHARS)} نویسه است."]
    if any(ch.isspace() for ch in url):
        return ["نشانی خوراک نباید فاصله داشته باشد."]
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return ["نشانی خوراک درست نیست."]
    if parts.scheme.lower() not in {"http", "https"}:
        return ["فقط نشانی‌های http یا https پذیرفته است."]
    if not host:
        return ["نشانی خوراک نام میزبان ندارد."]
    try:
        feeds.check_feed_url(url)
    except ValidationError as exc:
        return [m[:300] for m in exc.messages]
    return []


def source_prepare(data: SourceInput) -> SourceInput:
    """The input checked and cleaned, outside any transaction; ValidationError keyed by field."""
    validation.check_texts(
        (name, getattr(data, name), LABELS[name], MAX_CHARS[name])
        for name in ("name", "url", "site")
    )
    errors: dict[str, list[str]] = {}
    name = " ".join(normalize(data.name).split())
    if not name:
        errors["name"] = ["نام منبع را بنویسید."]
    url = data.url.strip()
    url_errors = _url_errors(url)
    if url_errors:
        errors["url"] = url_errors
    site = data.site.strip().lower()
    if not isinstance(data.poll_minutes, int) or not (
        MIN_POLL_MINUTES <= data.poll_minutes <= MAX_POLL_MINUTES
    ):
        errors["poll_minutes"] = [
            f"فاصلهٔ خواندن باید از {_fa(MIN_POLL_MINUTES)} تا {_fa(MAX_POLL_MINUTES)} دقیقه باشد."
        ]
    if errors:
        raise ValidationError(errors)
    return SourceInput(
        name=name,
        url=url,
        site=site,
        is_active=bool(data.is_active),
        poll_minutes=data.poll_minutes,
        fetch_full_text=bool(data.fetch_full_text),
    )


@permissions.guarded(permissions.can_manage_sources, message=NOT_ALLOWED)
def source_save(
    *,
    actor: Any,
    data: SourceInput,
    source: Source | None = None,
    request: HttpRequest | None = None,
) -> Source:
    """Create a feed source (`source=None`) or change one."""
    permissions.require(permissions.can_manage_sources(actor), NOT_ALLOWED)
    prepared = source_prepare(data)
    with transaction.atomic():
        if source is None:
            source = Source(kind=Source.Kind.FEED)
            action, before = "source.create", ""
        else:
            source = Source.objects.select_for_update().get(pk=source.pk)
            action, before = "source.update", source.url
        if source.url != prepared.url:
            source.etag = source.last_modified = ""
            source.health = Source.Health.NEW
            source.consecutive_errors = 0
            source.last_error = ""
            source.next_poll_at = None  # due at once
        if prepared.is_active and not source.is_active and source.health == Source.Health.DISABLED:
            source.health = Source.Health.NEW
        source.name = prepared.name
        source.url = prepared.url
        source.site = prepared.site
        source.is_active = prepared.is_active
        source.poll_minutes = prepared.poll_minutes
        source.fetch_full_text = prepared.fetch_full_text
        source.save()
        audit.record(
            actor=actor,
            action=action,
            obj=source,
            data={"url": prepared.url[:300], "before": before[:300], "active": source.is_active},
            request=request,
        )
    return source


@permissions.guarded(permissions.can_manage_sources, message=NOT_ALLOWED)
def source_poll_now(*, actor: Any, source: Source, request: HttpRequest | None = None) -> bool:
    """Claim the feed and enqueue its poll; False when it cannot be polled now (inactive, not a
    feed, or another worker claimed it in the same instant). A poll already running is not
    stopped: ingesting the same entries twice stores nothing twice (pipeline.py)."""
    permissions.require(permissions.can_manage_sources(actor), NOT_ALLOWED)
    if not source.is_active or source.kind != Source.Kind.FEED or not source.url:
        return False
    current = Source.objects.filter(pk=source.pk).values_list("next_poll_at", flat=True).first()
    until = timezone.now() + tasks.LEASE
    if not tasks.claim(source.pk, current, until):
        return False
    source_id, claim = source.pk, until.isoformat()
    transaction.on_commit(lambda: tasks.poll_source.enqueue(source_id, claim))
    return True

"""Page views of releases: counted in the shared cache on each request, flushed to the database.

The public release page is served from the page cache (core/pagecache.py), so the count is
taken by a wrapper *outside* it (`counted`): every GET of a release page, answered from the
cache or rendered, adds one to a per-release, per-Tehran-day counter in the default cache
(an atomic increment, core/ratelimit.py). FastPathMiddleware answers a stored page before any
view runs; the wrapper gives it a hit hook (`_pagecache_on_hit`, core/pagecache.py) that counts
those answers too, so release pages keep the fast path.

Who is counted: GET requests (not HEAD) that got the page (200), whose User-Agent is not empty
and does not look like a robot (`is_bot`: crawlers, link previews, feed fetchers, command-line
clients, headless browsers) and that are not a browser's prefetch. The printable page is not
counted (the reader already opened the release). Logged-in staff are counted like anyone.

The counters reach the table `ReleaseViews` through `flush` (a periodic task, tasks.py): the
first view of a release on a day (the counter going from nothing to one) also writes the
counter's name into the next numbered slot of a queue in the cache; `flush` reads the slots
after its cursor, at most `limit` of them a run, adds each counter's value to its row and takes
that value off the counter (a view counted meanwhile stays, and its counter is queued again).
Everything lives in the cache with a timeout: an evicted or expired counter loses its views,
never raises; a second flush finds nothing left to add.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from ravabet.core import jalali, ratelimit

PREFIX = "newsroom:views:"
SEQUENCE = PREFIX + "seq"
CURSOR = PREFIX + "cursor"
# Counters and slots outlive their day by enough for a missed flush or two.
KEEP_SECONDS = 3 * 24 * 3600
# Slots read by one flush run.
FLUSH_LIMIT = 5000

# Robots, link previews, feed readers and scripts: a case-insensitive word of the User-Agent.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|preview|scan|monitor|check|feed|rss|"
    r"curl|wget|python|httpx|aiohttp|java/|okhttp|go-http|libwww|perl|ruby|php|"
    r"headless|phantom|selenium|puppeteer|playwright|lighthouse|pagespeed|"
    r"facebookexternalhit|whatsapp|telegram|skype|discord|slack|embedly|bitlybot|"
    r"yandex|baidu|bing|google-|mediapartners|ahrefs|semrush|mj12|petal|bytespider",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """An empty User-Agent, or one naming a robot, a preview or a script."""
    agent = user_agent.strip()
    return not agent or bool(_BOT.search(agent))


def _counted_request(request: HttpRequest) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return (
        request.method == "GET"
        and "prefetch" not in purpose.lower()
        and not is_bot(request.headers.get("User-Agent", ""))
    )


def _counter(release_id: int, day: dt.date) -> str:
    return f"{PREFIX}{day.isoformat()}:{release_id}"


def _enqueue(name: str) -> None:
    slot = ratelimit.increment(SEQUENCE, window=KEEP_SECONDS * 10)
    cache.set(f"{PREFIX}slot:{slot}", name, timeout=KEEP_SECONDS)


def record_view(release_id: int, *, now: dt.datetime | None = None) -> None:
    """One view of the release today (Tehran); never raises."""
    day = jalali.to_local(now or timezone.now()).date()
    name = _counter(release_id, day)
    try:
        if ratelimit.increment(name, window=KEEP_SECONDS) == 1:
            _enqueue(name)
    except Exception:  # a cache that fails costs a view, never the page
        return


def _count_hit(release_id: int, request: HttpRequest) -> None:
    if _counted_request(request):
        record_view(release_id)


def counted(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Count a view of the release page (`pk`) before the page cache answers (see above)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        pk = kwargs.get("pk")
        if response.status_code != 200 or not isinstance(pk, int) or kwargs.get("printable"):
            return response
        if _counted_request(request):
            record_view(pk)
        # The same count when FastPathMiddleware answers this path from the cache later.
        response._pagecache_on_hit = functools.partial(_count_hit, pk)  # type: ignore[attr-defined]
        return response

    return wrapped


def _parse(name: str) -> tuple[int, dt.date] | None:
    try:
        day, release_id = name[len(PREFIX) :].split(":")
        return int(release_id), dt.date.fromisoformat(day)
    except (ValueError, TypeError):
        return None


def flush(*, limit: int = FLUSH_LIMIT) -> int:
    """Write the counted views of at most `limit` queued counters into ReleaseViews; the views
    written. Safe to run again at once (nothing is added twice) and never raises on a lost key."""
    from ravabet.newsroom.models import Release, ReleaseViews

    last = cache.get(SEQUENCE)
    if not isinstance(last, int) or last <= 0:
        return 0
    cursor = cache.get(CURSOR)
    if not isinstance(cursor, int) or cursor > last:
        # Never set, evicted, or ahead of a sequence that started again: from the first slot
        # (expired slots read as nothing; each run still reads at most `limit`).
        cursor = 0
    upto = min(last, cursor + limit)
    if upto <= cursor:
        return 0
    slots = cache.get_many([f"{PREFIX}slot:{n}" for n in range(cursor + 1, upto + 1)])
    cache.set(CURSOR, upto, timeout=None)
    names = sorted({n for n in slots.values() if isinstance(n, str) and n.startswith(PREFIX)})
    values = cache.get_many(names)
    counts: dict[str, tuple[int, dt.date, int]] = {}
    for name in names:
        value, parsed = values.get(name), _parse(name)
        if isinstance(value, int) and value > 0 and parsed is not None:
            counts[name] = (*parsed, value)
    if not counts:
        return 0
    existing = set(
        Release.objects.filter(pk__in={r for r, _, _ in counts.values()}).values_list(
            "pk", flat=True
        )
    )
    written = 0
    with transaction.atomic():
        for release_id, day, value in counts.values():
            if release_id not in existing:
                continue
            row, created = ReleaseViews.objects.get_or_create(
                release_id=release_id, day=day, defaults={"count": value}
            )
            if not created:
                ReleaseViews.objects.filter(pk=row.pk).update(count=F("count") + value)
            written += value
    for name, (_, _, value) in counts.items():
        try:
            left = cache.decr(name, value)
        except ValueError:  # expired meanwhile: those views are gone, nothing to undo
            continue
        if left > 0:  # views counted during the flush: queue the counter again
            _enqueue(name)
    return written

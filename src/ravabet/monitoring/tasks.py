"""Background work of monitoring: feeds polled on the task interface, shared by many workers.

Every minute the scheduler enqueues `poll_due_sources`, which claims the active feeds that are
due (next_poll_at empty or past) and enqueues one `poll_source` for each. A claim is one UPDATE
of the source's next_poll_at, from the value just read to "now + LEASE", filtered on that old
value: of two workers deciding at once, one changes the row and the other changes nothing, so a
source is never polled twice at once. The poll then sets next_poll_at to its real next time
(feeds.poll); a worker killed in between leaves the lease, which runs out and the source is
claimed again (ingest is idempotent, so nothing is lost or doubled). Tasks take ids.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from ravabet.monitoring import feeds, pipeline
from ravabet.monitoring.models import Source

logger = logging.getLogger(__name__)

# Longer than a poll can take (feeds.TOTAL_TIMEOUT to download, then one ingest), so a claimed
# source is not claimed again while its poll runs.
LEASE = dt.timedelta(minutes=10)
MAX_PER_RUN = 200


def due_sources(now: dt.datetime, limit: int = MAX_PER_RUN) -> list[tuple[int, dt.datetime | None]]:
    """The active feeds due at `now`, the longest waiting first: (id, next_poll_at) pairs."""
    rows = (
        Source.objects.filter(is_active=True, kind=Source.Kind.FEED)
        .exclude(url="")
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by(F("next_poll_at").asc(nulls_first=True), "pk")
        .values_list("pk", "next_poll_at")[:limit]
    )
    return list(rows)


def claim(source_id: int, seen: dt.datetime | None, until: dt.datetime) -> bool:
    """Move the source's next_poll_at from `seen` (as read) to `until`; False when another worker
    moved it first."""
    rows = Source.objects.filter(pk=source_id, is_active=True)
    rows = (
        rows.filter(next_poll_at__isnull=True) if seen is None else rows.filter(next_poll_at=seen)
    )
    return rows.update(next_poll_at=until) == 1


def claim_due_sources(
    now: dt.datetime | None = None, limit: int = MAX_PER_RUN
) -> list[tuple[int, dt.datetime]]:
    """Claim up to `limit` due feeds for this worker: (id, the lease's end) of each one won."""
    now = now or timezone.now()
    until = now + LEASE
    return [
        (source_id, until)
        for source_id, seen in due_sources(now, limit)
        if claim(source_id, seen, until)
    ]


@task()
def poll_source(source_id: int, claim: str | None = None) -> int:
    """Poll one feed; the number of new articles. `claim` (ISO time) from poll_due_sources."""
    return feeds.poll(source_id, claim=claim).created


@task()
def poll_due_sources() -> int:
    """Claim the due feeds and enqueue a poll of each; the number enqueued."""
    enqueued = 0
    for source_id, until in claim_due_sources():
        try:
            poll_source.enqueue(source_id, until.isoformat())
        except Exception:
            # The lease runs out and the source is claimed again on a later run.
            logger.exception("could not enqueue the poll of source %s", source_id)
            continue
        enqueued += 1
    return enqueued


@task()
def settle_pending() -> int:
    """Every 10 minutes: the after-commit steps (story, mentions, tone) run again on the
    articles a failure or a killed worker left unsettled (pipeline.settle_pending); the
    number settled."""
    settled, unsettled = pipeline.settle_pending()
    if unsettled:
        logger.warning("%d articles are still unsettled after the sweep", unsettled)
    return settled


@task()
def render_bulletin_pdf(bulletin_id: int) -> int:
    """Render a large bulletin's PDF into the cache (pdf.render_later); its size in bytes."""
    from ravabet.monitoring import pdf  # WeasyPrint is loaded only where a PDF is made
    from ravabet.monitoring.models import Bulletin

    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    return 0 if bulletin is None else len(pdf.render_cached(bulletin))

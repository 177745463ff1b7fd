"""A worker killed (SIGKILL, work-horse included) in the middle of a feed ingest, the morning
bulletins and the SLA sweep, then another started: nothing lost, nothing done twice.

RQ never runs again a job whose worker died: after its heartbeat runs out (90 s) the job is
"abandoned" in the failed registry. The kernel's recovery sweep (core/recovery.py, every minute
in production, every 2 s here) enqueues it again once; the capabilities' tasks are idempotent,
so the second run finishes what the first began and repeats nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import django_rq
import pytest
from django.db import connection
from django.utils import timezone

from ravabet.core.jalali import to_local
from ravabet.core.models import AuditEntry
from ravabet.desk.models import Message, MessageEvent
from ravabet.monitoring import bulletins, pipeline
from ravabet.monitoring.bulletins import build_daily_bulletins
from ravabet.monitoring.models import (
    Article,
    Bulletin,
    BulletinItem,
    IngestRun,
    Mention,
    Source,
    Watch,
)
from ravabet.monitoring.tasks import poll_source
from tests.factories import AgencyFactory
from tests.monitoring.feedserver import FeedServer, corpus_items, rss
from tests.stack import Process, Stack, descendants, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

HEARTBEAT = (
    90  # rq 3: job_monitoring_interval (30 s) + 60 s before a dead worker's job is abandoned
)


def _not_today() -> str:
    """A Tehran wall-clock time still ahead today: the daily tasks the test runs by hand are not
    also run by the scheduler meanwhile."""
    local = to_local(timezone.now())
    ahead = local + dt.timedelta(hours=1)
    if ahead.date() != local.date():
        pytest.skip("too close to Tehran midnight for the daily tasks' timing")
    return ahead.strftime("%H:%M")


@pytest.fixture(scope="module")
def kill_stack(stack_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    later = _not_today()
    timing = [
        {"task": "ravabet.core.recovery.recover_abandoned_tasks", "every": 2},
        {"task": "ravabet.desk.tasks.check_clocks", "at": later},
        {"task": "ravabet.monitoring.bulletins.build_daily_bulletins", "at": later},
        {"task": "ravabet.monitoring.bulletins.send_daily_bulletins", "at": later},
    ]
    folder: Path = tmp_path_factory.mktemp("kill")
    running = Stack.create(
        folder,
        database_name=stack_database,
        extra={
            "RAVABET_PERIODIC_TASKS": json.dumps(timing),
            "RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS": "1",
        },
    )
    try:
        running.scheduler()
        yield running
    finally:
        running.close()


def _quiet_queue() -> None:
    """The periodic jobs the scheduler enqueued while no worker ran are dropped, so the job
    under test is the first the new worker takes."""
    django_rq.get_queue("default").empty()


def _kill_when(worker: Process, stack: Stack, in_the_middle: object, what: str) -> None:
    wait_until(in_the_middle, timeout=120, every=0.02)  # type: ignore[arg-type]
    # rq's work-horse leaves the worker's process group (os.setpgrp): signal() kills it too.
    horses = descendants(worker.popen.pid)
    worker.signal(signal.SIGKILL)
    worker.popen.wait(10)
    assert horses, f"{what}: no work-horse was running\n{stack.logs()}"
    assert not worker.alive(), f"{what}: the worker survived SIGKILL\n{stack.logs()}"


def test_a_feed_poll_killed_half_way_ends_with_every_article_once(kill_stack: Stack) -> None:
    items = corpus_items(1000)
    with FeedServer() as server:
        server.serve("/rss", rss(items))
        lease = timezone.now() + dt.timedelta(minutes=10)
        source = Source.objects.create(
            name=f"خبرگزاری فارس {uuid.uuid4().hex[:6]}",
            kind=Source.Kind.FEED,
            url=server.url("/rss"),
            next_poll_at=lease,  # claimed, as poll_due_sources leaves it
        )
        _quiet_queue()
        worker = kill_stack.worker("kill-feed-1")
        poll_source.enqueue(source.pk, lease.isoformat())

        def half_stored() -> bool:
            """some of the feed's articles are stored, not all"""
            return 0 < Article.objects.filter(source=source).count() < 990

        _kill_when(worker, kill_stack, half_stored, "feed")
        partial = Article.objects.filter(source=source).count()
        killed = time.monotonic()
        replacement = kill_stack.worker("kill-feed-2")

        def all_stored() -> bool:
            """the poll ran again and stored the rest"""
            return IngestRun.objects.filter(source=source, status=IngestRun.Status.DONE).exists()

        wait_until(all_stored, timeout=HEARTBEAT + 120)
        print(f"\nfeed: killed at {partial} articles, done {time.monotonic() - killed:.0f} s later")
    links = list(Article.objects.filter(source=source).values_list("url", flat=True))
    distinct = {item["link"] for item in items}  # the corpus repeats a few links
    assert 0 < partial < len(distinct)
    assert len(links) == len(set(links)) == len(distinct), kill_stack.logs()
    source.refresh_from_db()
    assert source.health == Source.Health.OK and source.last_error == ""
    assert IngestRun.objects.filter(source=source).count() == 1
    assert replacement.alive()
    replacement.stop()


def _day_of_news(day: dt.date, agencies: int, per_agency: int) -> list[int]:
    """Articles of `day` mentioning each of `agencies` new agencies `per_agency` times."""
    noon = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC) - dt.timedelta(hours=3)
    raws = [
        pipeline.RawArticle(
            url=f"https://site{n % 7}.ir/news/{uuid.uuid4().hex}",
            title=f"گزارش شمارهٔ {n} از پروژه‌های عمرانی استان",
            body=f"به گزارش خبرنگار ما، خبر شمارهٔ {n} دربارهٔ کار دستگاه‌های استان است.",
            published_at=noon + dt.timedelta(seconds=n),
        )
        for n in range(per_agency)
    ]
    article_ids = pipeline.ingest(raws).created_ids
    agency_ids = []
    for n in range(agencies):
        agency = AgencyFactory(slug=f"kill-{uuid.uuid4().hex[:10]}", name=f"ادارهٔ آزمایشی {n}")
        watch = Watch.objects.create(agency=agency, name="پروژه", terms="پروژه")
        Mention.objects.bulk_create(
            Mention(article_id=a, watch=watch, agency=agency, tone=Mention.Tone.NEUTRAL)
            for a in article_ids
        )
        agency_ids.append(agency.pk)
    return agency_ids


def test_the_morning_bulletins_killed_half_way_end_with_one_each(kill_stack: Stack) -> None:
    day = bulletins.yesterday()
    agency_ids = _day_of_news(day, agencies=40, per_agency=120)
    _quiet_queue()
    worker = kill_stack.worker("kill-bulletin-1")
    build_daily_bulletins.enqueue()

    def half_built() -> bool:
        """some of the day's bulletins are built, not all"""
        return 0 < Bulletin.objects.filter(agency_id__in=agency_ids).count() < len(agency_ids)

    _kill_when(worker, kill_stack, half_built, "bulletin")
    partial = Bulletin.objects.filter(agency_id__in=agency_ids).count()
    killed = time.monotonic()
    replacement = kill_stack.worker("kill-bulletin-2")

    def all_built() -> bool:
        """every agency's bulletin is built"""
        return Bulletin.objects.filter(agency_id__in=agency_ids).count() == len(agency_ids)

    wait_until(all_built, timeout=HEARTBEAT + 120)
    print(
        f"\nbulletins: killed at {partial}/{len(agency_ids)}, "
        f"done {time.monotonic() - killed:.0f} s later"
    )
    assert 0 < partial < len(agency_ids)
    per_agency = {
        agency: Bulletin.objects.filter(agency_id=agency, day=day).count() for agency in agency_ids
    }
    assert set(per_agency.values()) == {1}
    built = Bulletin.objects.filter(agency_id__in=agency_ids)
    for bulletin in built:
        items = list(BulletinItem.objects.filter(bulletin=bulletin).values_list("article_id"))
        assert len(items) == len(set(items)) == 120
    # Each bulletin's build is recorded once: the second run found the first run's ones done.
    audits = AuditEntry.objects.filter(
        action="bulletin.build", object_id__in=[str(b.pk) for b in built]
    )
    assert sorted(audits.values_list("object_id", flat=True)) == sorted(str(b.pk) for b in built)
    replacement.stop()


def _overdue_messages(count: int) -> list[int]:
    agency = AgencyFactory(slug=f"sla-{uuid.uuid4().hex[:10]}")
    past = timezone.now() - dt.timedelta(days=3)
    tag = uuid.uuid4().int % 10**6
    Message.objects.bulk_create(
        Message(
            tracking_code=f"{tag:06d}{n:06d}",
            kind="request",
            status="received",
            agency=agency,
            subject=f"آسفالت کوچهٔ شمارهٔ {n}",
            body="کوچهٔ ما پس از لوله‌کشی گاز سه ماه است خاکی مانده است.",
            citizen_name="زهرا کریمی",
            sla_days=5,
            due_at=past,
            confirmation_sent_at=past,
        )
        for n in range(count)
    )
    return list(Message.objects.filter(agency=agency).values_list("pk", flat=True))


def _sweep_in_transaction() -> bool:
    """another connection is inside the sweep's transaction on the messages"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND datname = current_database() AND xact_start IS NOT NULL "
            "AND query ILIKE %s",
            ["%desk_message%"],
        )
        return bool(cursor.fetchone()[0])


def test_the_sla_sweep_killed_half_way_escalates_each_message_once(kill_stack: Stack) -> None:
    from ravabet.desk.tasks import check_clocks

    ids = _overdue_messages(500)  # the sweep's batch
    _quiet_queue()
    worker = kill_stack.worker("kill-sla-1")
    check_clocks.enqueue()
    _kill_when(worker, kill_stack, _sweep_in_transaction, "sla")
    # The transaction died with its connection: nothing half written.
    escalated_at_kill = Message.objects.filter(pk__in=ids, escalated_at__isnull=False).count()
    killed = time.monotonic()
    replacement = kill_stack.worker("kill-sla-2")

    def all_escalated() -> bool:
        """every overdue message is escalated"""
        return not Message.objects.filter(pk__in=ids, escalated_at__isnull=True).exists()

    wait_until(all_escalated, timeout=HEARTBEAT + 120)
    print(
        f"\nsla: {escalated_at_kill} escalated at the kill, "
        f"all {time.monotonic() - killed:.0f} s later"
    )
    assert escalated_at_kill in (0, len(ids))
    events = MessageEvent.objects.filter(message_id__in=ids, kind=MessageEvent.Kind.ESCALATED)
    per_message: dict[int, int] = {}
    for message_id in events.values_list("message_id", flat=True):
        per_message[message_id] = per_message.get(message_id, 0) + 1
    assert per_message == dict.fromkeys(ids, 1), kill_stack.logs()
    escalations = AuditEntry.objects.filter(action="desk.escalate")
    assert sum(entry.data["count"] for entry in escalations) == len(ids)
    replacement.stop()

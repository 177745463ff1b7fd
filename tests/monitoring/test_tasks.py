"""Polling on the task interface (monitoring/tasks.py): the due feeds are claimed once however
many workers run the periodic task, and one failing source never keeps the others from being
polled."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks import default_task_backend

from ravabet.core import registry
from ravabet.monitoring import feeds, pipeline, tasks
from ravabet.monitoring.models import Source
from tests.monitoring.feedserver import FeedServer, corpus_items, rss
from tests.monitoring.test_feeds import FakeIngest


@pytest.fixture
def server(settings: Any) -> Iterator[FeedServer]:
    """The local feed server, on 127.0.0.1: private addresses allowed while it runs."""
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = True
    with FeedServer() as running:
        yield running


@pytest.fixture
def ingested(monkeypatch: pytest.MonkeyPatch) -> FakeIngest:
    fake = FakeIngest()
    monkeypatch.setattr(pipeline, "ingest", fake)
    return fake


def _feed(name: str, url: str = "http://127.0.0.1:9/rss", **fields: Any) -> Source:
    return Source.objects.create(name=name, url=url, **fields)


def test_poll_due_sources_is_registered_every_minute() -> None:
    poll = "ravabet.monitoring.tasks.poll_due_sources"
    (job,) = [p for p in registry.periodic_tasks() if p.task == poll]
    assert job.every == 60


@pytest.mark.django_db
def test_only_due_active_feeds_are_claimed() -> None:
    now = timezone.now()
    never = _feed("ایرنا")
    past = _feed("ایسنا", next_poll_at=now - dt.timedelta(minutes=5))
    _feed("مهر", next_poll_at=now + dt.timedelta(minutes=5))
    _feed("تسنیم", is_active=False)
    _feed("پرونده", url="", kind=Source.Kind.FILE)
    _feed("بی‌نشانی", url="")
    claimed = tasks.claim_due_sources(now)
    assert [pk for pk, _ in claimed] == [never.pk, past.pk]  # the never-polled first
    for pk, until in claimed:
        assert until == now + tasks.LEASE
        assert Source.objects.get(pk=pk).next_poll_at == until
    assert tasks.claim_due_sources(now) == []  # the second run finds them leased


@pytest.mark.django_db
def test_a_run_is_bounded() -> None:
    for i in range(5):
        _feed(f"منبع {i}")
    assert len(tasks.claim_due_sources(limit=3)) == 3
    assert len(tasks.claim_due_sources(limit=3)) == 2


@pytest.mark.django_db
def test_a_lease_runs_out_and_the_source_is_claimed_again() -> None:
    """A worker killed after claiming: the source is polled again once the lease has passed."""
    source = _feed("ایرنا")
    now = timezone.now()
    assert tasks.claim_due_sources(now) != []
    assert tasks.claim_due_sources(now + tasks.LEASE - dt.timedelta(seconds=1)) == []
    assert [pk for pk, _ in tasks.claim_due_sources(now + tasks.LEASE)] == [source.pk]


@pytest.mark.django_db
def test_two_workers_interleaved_claim_each_source_once() -> None:
    """Worker A reads the due feeds; B claims them all; A's claims, on the values it read,
    change nothing."""
    sources = [_feed(f"منبع {i}") for i in range(4)]
    now = timezone.now()
    seen_by_a = tasks.due_sources(now)
    won_by_b = tasks.claim_due_sources(now)
    won_by_a = [pk for pk, seen in seen_by_a if tasks.claim(pk, seen, now + tasks.LEASE)]
    assert sorted(pk for pk, _ in won_by_b) == [s.pk for s in sources]
    assert won_by_a == []


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads race on a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_on_a_server_database() -> None:
    sources = [_feed(f"منبع {i}") for i in range(40)]
    workers = 6
    start = threading.Barrier(workers)

    def work(worker: int) -> list[int]:
        try:
            start.wait()
            return [pk for _round in range(3) for pk, _lease in tasks.claim_due_sources()]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(workers) as pool:
        won = list(pool.map(work, range(workers)))
    everything = [pk for claimed in won for pk in claimed]
    assert sorted(everything) == sorted(s.pk for s in sources)  # each once, none lost


@pytest.mark.django_db
def test_poll_due_sources_enqueues_one_poll_per_claimed_source(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first, second = _feed("ایرنا"), _feed("ایسنا")
    assert tasks.poll_due_sources.call() == 2
    assert tasks.poll_due_sources.call() == 0  # called again at once: nothing due
    results = list(default_task_backend.results)  # type: ignore[attr-defined]
    assert [r.task.name for r in results] == ["poll_source", "poll_source"]
    assert sorted(r.args[0] for r in results) == [first.pk, second.pk]
    for result in results:
        lease = Source.objects.get(pk=result.args[0]).next_poll_at
        assert lease is not None and result.args[1] == lease.isoformat()


@pytest.mark.django_db
def test_every_source_polled_though_some_fail(
    settings: Any, server: FeedServer, ingested: FakeIngest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the task interface: a good feed, an HTML page, a hanging server, a 404 and a
    source whose poll breaks unexpectedly, all in one run; each is recorded, none stops the rest."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(feeds, "TIMEOUT", 0.3)
    server.serve("/good", rss(corpus_items(3)))
    server.serve("/page", "<html><body>صفحهٔ اصلی</body></html>", content_type="text/html")
    server.route("/hang", lambda request: time.sleep(3))
    server.serve("/boom", rss(corpus_items(2, start=5)))
    real_fetch = feeds.fetch

    def fetch(source: Source, **kwargs: Any) -> feeds.FetchResult:
        if source.url.endswith("/boom"):
            raise MemoryError("simulated")
        return real_fetch(source, **kwargs)

    monkeypatch.setattr(feeds, "fetch", fetch)
    names = {
        "/page": "صفحه",
        "/hang": "معلق",
        "/missing": "ناموجود",
        "/boom": "خراب",
        "/good": "سالم",
    }
    sources = {path: _feed(name, server.url(path)) for path, name in names.items()}
    started = time.monotonic()
    assert tasks.poll_due_sources.call() == 5
    assert time.monotonic() - started < 5
    health = {path: Source.objects.get(pk=s.pk) for path, s in sources.items()}
    assert health["/good"].health == Source.Health.OK
    assert health["/good"].last_new_articles == 3
    assert len(ingested.raws) == 3
    for path in ("/page", "/hang", "/missing", "/boom"):
        assert health[path].health == Source.Health.FAILING, path
        assert health[path].consecutive_errors == 1
        assert health[path].last_error
    assert "not a feed" in health["/page"].last_error
    assert "timeout" in health["/hang"].last_error
    assert "404" in health["/missing"].last_error
    assert "MemoryError" in health["/boom"].last_error
    # Each has its next time, later than now: the next run claims none of them.
    assert tasks.poll_due_sources.call() == 0


@pytest.mark.django_db
def test_poll_source_task(settings: Any, server: FeedServer, ingested: FakeIngest) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    server.serve("/rss", rss(corpus_items(2)))
    source = _feed("فارس", server.url("/rss"))
    assert tasks.poll_source.call(source.pk) == 2
    result = tasks.poll_source.enqueue(source.pk)
    assert result.return_value == 0  # the same links: nothing new

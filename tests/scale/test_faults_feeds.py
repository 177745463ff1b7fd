"""Slow feed servers beside healthy ones, polled by the stack's workers.

One server trickles a byte every 1.5 s (each read is in time, the whole download is not), one
accepts and never answers; three are normal news feeds. The scheduler's poll_due_sources hands
them to three workers: the slow ones end with a timeout on the source's health when the
configured timeouts say (RAVABET_MONITORING_FEED_TIMEOUT=2, _TOTAL_TIMEOUT=6 here), and the
normal feeds' articles arrive meanwhile, before the slow ones give up.
"""

from __future__ import annotations

import json
import select
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from ravabet.monitoring.models import Article, IngestRun, Source
from tests.monitoring.feedserver import FeedServer, corpus_items, rss
from tests.stack import Stack, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

READ_TIMEOUT = 2.0
TOTAL_TIMEOUT = 6.0


@pytest.fixture(scope="module")
def feed_stack(stack_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("feeds")
    timing = [{"task": "ravabet.monitoring.tasks.poll_due_sources", "every": 1}]
    running = Stack.create(
        folder,
        database_name=stack_database,
        extra={
            "RAVABET_PERIODIC_TASKS": json.dumps(timing),
            "RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS": "1",
            "RAVABET_MONITORING_FEED_TIMEOUT": str(READ_TIMEOUT),
            "RAVABET_MONITORING_FEED_TOTAL_TIMEOUT": str(TOTAL_TIMEOUT),
        },
    )
    try:
        for n in range(3):
            running.worker(f"worker{n + 1}")
        yield running
    finally:
        running.close()


class HangUps:
    """When each slow request began and when the reader hung up (monotonic seconds)."""

    def __init__(self) -> None:
        self.held: dict[str, float] = {}
        self.stop = threading.Event()

    def trickle(self, request: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        request.end_headers()
        sock = request.connection
        try:
            request.wfile.write(b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">')
            request.wfile.flush()
            while not self.stop.is_set():
                # A byte every 1.5 s; the reader's hang-up is seen at once (readable, empty).
                readable, _, _ = select.select([sock], [], [], 1.5)
                if readable and sock.recv(1) == b"":
                    break
                request.wfile.write(b" ")
                request.wfile.flush()
        except OSError:
            pass
        self.held["trickle"] = time.monotonic() - started

    def silent(self, request: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        request.connection.settimeout(1.0)
        while not self.stop.is_set():
            try:
                if request.connection.recv(1) == b"":
                    break  # the reader closed the connection
            except TimeoutError:
                continue
            except OSError:
                break
        self.held["silent"] = time.monotonic() - started


def test_slow_feeds_time_out_while_the_others_arrive(feed_stack: Stack) -> None:
    hangups = HangUps()
    with FeedServer() as server:
        server.route("/trickle", hangups.trickle)
        server.route("/silent", hangups.silent)
        normal = []
        for n in range(3):
            server.serve(f"/news{n}", rss(corpus_items(20, start=100 + 20 * n)))
            normal.append(
                Source.objects.create(
                    name=f"خبرگزاری {n} {uuid.uuid4().hex[:6]}",
                    kind=Source.Kind.FEED,
                    url=server.url(f"/news{n}"),
                )
            )
        slow = {
            name: Source.objects.create(
                name=f"خبرگزاری کند {name} {uuid.uuid4().hex[:6]}",
                kind=Source.Kind.FEED,
                url=server.url(f"/{name}"),
            )
            for name in ("trickle", "silent")
        }
        scheduler = feed_stack.scheduler()
        try:

            def slow_ones_gave_up() -> bool:
                """both slow sources recorded their failure"""
                return all(
                    IngestRun.objects.filter(source=s, status=IngestRun.Status.FAILED).exists()
                    for s in slow.values()
                )

            wait_until(slow_ones_gave_up, timeout=120)
            wait_until(lambda: len(hangups.held) == 2, timeout=10)
        finally:
            hangups.stop.set()
            scheduler.stop()

    for source in slow.values():
        source.refresh_from_db()
        assert source.health == Source.Health.FAILING
        assert "timeout" in source.last_error, source.last_error
        assert source.consecutive_errors == 1
    # The reader hung up when the configured timeouts said, not later (a worker held no longer).
    # (the total is checked as each byte arrives: up to one trickle's 1.5 s after it)
    assert TOTAL_TIMEOUT - 1 < hangups.held["trickle"] < TOTAL_TIMEOUT + 4, hangups.held
    assert READ_TIMEOUT - 1 < hangups.held["silent"] < READ_TIMEOUT + 4, hangups.held

    trickle_failed = IngestRun.objects.get(source=slow["trickle"]).finished_at
    for source in normal:
        source.refresh_from_db()
        assert source.health == Source.Health.OK, source.last_error
        assert Article.objects.filter(source=source).count() == 20
        done = IngestRun.objects.get(source=source, status=IngestRun.Status.DONE).finished_at
        assert done < trickle_failed, "a normal feed waited for the slow one"
    assert all(p.alive() for p in feed_stack.processes if p is not scheduler), feed_stack.logs()
    print(
        f"\nslow readers hung up after {hangups.held}; normal feeds done before the trickle's end"
    )

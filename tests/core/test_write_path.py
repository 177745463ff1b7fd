"""The worker and the scheduler outlive a locked or lost database: they log, back off, go on.

The real commands run as processes on a SQLite file while another connection holds the
write lock longer than their busy timeout; PostgreSQL has no such lock, so that test runs on
SQLite only. The loops' handling of a lost connection is tested in-process.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

from ravabet.core import backoff, scheduler
from ravabet.core.management.commands import scheduler as scheduler_command
from ravabet.core.management.commands.worker import Worker

ROOT = Path(__file__).resolve().parents[2]
RAVABET = Path(sys.executable).with_name("ravabet")
BUSY_TIMEOUT = 0.5

SETUP = """
import datetime as dt
from django.utils import timezone
from ravabet.core.organisation.models import Membership
from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from tests.factories import AgencyFactory, MembershipFactory, make_release

roads = AgencyFactory(slug="roads", name="اداره‌کل راه و شهرسازی استان تهران")
head = MembershipFactory(agency=roads, role=Membership.Role.HEAD).user
release = make_release(actor=head, agency=roads, headline="بازگشایی جاده چالوس", status="submitted")
services.release_approve(
    actor=head, release=release, publish_at=timezone.now() + dt.timedelta(hours=1)
)
# Its minute has passed while nothing ran: the periodic sweep must publish it.
Release.objects.filter(pk=release.pk).update(
    scheduled_for=timezone.now() - dt.timedelta(minutes=1)
)
print(release.pk)
"""


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "RAVABET_TASK_BACKEND", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.core.settings_write_path",
        PYTHONPATH=str(ROOT),
        RAVABET_VAR_DIR=str(var_dir),
        RAVABET_SECRET_KEY="write-path-test",
        RAVABET_SQLITE_BUSY_TIMEOUT=str(BUSY_TIMEOUT),
        RAVABET_LOG_LEVEL="WARNING",
    )
    return env


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], int]]:
    """A migrated SQLite file with one release scheduled a minute ago."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = _env(var_dir)
    subprocess.run(
        [RAVABET, "migrate", "--noinput"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    out = subprocess.run(
        [RAVABET, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True
    )
    yield var_dir / "ravabet.sqlite3", env, int(out.stdout.split()[-1])


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite's one write lock; PostgreSQL has none"
)
def test_worker_and_scheduler_outlive_a_locked_database(
    site: tuple[Path, dict[str, str], int], tmp_path: Path
) -> None:
    db_path, env, release_id = site
    lock = sqlite3.connect(db_path, isolation_level=None, timeout=BUSY_TIMEOUT)
    lock.execute("BEGIN IMMEDIATE")  # the write lock, held far longer than the busy timeout
    logs = {name: tmp_path / f"{name}.log" for name in ("scheduler", "worker")}
    commands = {
        "scheduler": [RAVABET, "scheduler", "--interval", "0.2"],
        "worker": [RAVABET, "worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            with logs[name].open("wb") as log:
                processes[name] = subprocess.Popen(
                    command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                )
        for name in commands:
            _wait_for(
                lambda name=name: "database is locked" in logs[name].read_text(),
                f"the {name} to meet the lock",
            )
        time.sleep(2 * BUSY_TIMEOUT)  # more tries meet the lock and back off
        assert all(p.poll() is None for p in processes.values()), {
            name: logs[name].read_text() for name in logs
        }
        lock.execute("ROLLBACK")

        def status() -> str:
            row = lock.execute("SELECT status FROM newsroom_release WHERE id = ?", [release_id])
            return str(row.fetchone()[0])

        _wait_for(lambda: status() == "published", "the release to be published")
        time.sleep(2.5)  # a few more sweeps, which must find nothing left to publish
        for name, process in processes.items():
            assert process.poll() is None, f"{name} died:\n{logs[name].read_text()}"
        published = lock.execute(
            "SELECT count(*) FROM core_auditentry WHERE action = 'release.publish'"
            " AND object_id = ?",
            [str(release_id)],
        ).fetchone()[0]
        assert published == 1
    finally:
        lock.close()
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class _Stop(Exception):
    """Ends a loop that would otherwise run forever."""


def test_scheduler_waits_out_a_lost_connection(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    answers: list[Any] = [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        ["ravabet.newsroom.tasks.publish_due_releases"],
    ]

    def run_due() -> list[str]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return list(answer)

    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if not answers:
            raise _Stop

    closed: list[bool] = []
    monkeypatch.setattr(scheduler, "run_due", run_due)
    monkeypatch.setattr(scheduler_command, "close_old_connections", lambda: None)
    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(backoff.connections, "close_all", lambda: closed.append(True))
    with caplog.at_level(logging.WARNING, logger="ravabet.scheduler"), pytest.raises(_Stop):
        call_command("scheduler", interval=5)
    assert waits == [0.5, 1.0, 5]  # backed off twice, then the normal interval
    assert len(closed) == 2
    assert "server closed the connection" in caplog.text


def test_worker_waits_out_a_locked_or_lost_database(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[Exception] = [
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ]
    runs: list[int] = []

    def run(self: db_worker.Worker) -> None:
        runs.append(1)
        if failures:
            raise failures.pop(0)

    waits: list[float] = []
    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(time, "sleep", waits.append)
    monkeypatch.setattr(backoff.connections, "close_all", lambda: None)
    worker = Worker(
        queue_names=["default"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with caplog.at_level(logging.WARNING, logger="ravabet.worker"):
        worker.run()
    assert len(runs) == 3 and waits == [0.5, 1.0]
    assert "database is locked" in caplog.text


def test_worker_stops_on_other_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(self: db_worker.Worker) -> None:
        raise ValueError("a bug is not waited out")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    worker = Worker(
        queue_names=["default"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with pytest.raises(ValueError, match="bug"):
        worker.run()


def test_backoff_doubles_up_to_a_bound_and_starts_over() -> None:
    now = [0.0]
    b = backoff.Backoff(first=1, most=4, clock=lambda: now[0])
    assert [b.failed() for _ in range(4)] == [1, 2, 4, 4]
    b.succeeded()
    assert b.failed() == 1
    now[0] = 100.0  # a quiet spell: the database came back meanwhile
    assert b.failed() == 1

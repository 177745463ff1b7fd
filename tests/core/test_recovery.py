"""The recovery sweep (core/recovery.py): work a killed worker abandoned runs again, once."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ravabet.core import recovery, scheduler
from ravabet.desk.tasks import check_clocks

# --- the database backend (the default one in tests) -------------------------------------------


def _running(*, started: dt.datetime, workers: list[str]) -> DBTaskResult:
    result = check_clocks.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=workers
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_ready_again(settings: object) -> None:
    hour_ago = timezone.now() - dt.timedelta(seconds=3700)
    lost = _running(started=hour_ago, workers=["worker-killed"])
    assert recovery.recover() == [str(lost.pk)]
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_running_task_younger_than_the_setting_is_left_alone() -> None:
    busy = _running(started=timezone.now() - dt.timedelta(seconds=60), workers=["alive"])
    assert recovery.recover() == []
    busy.refresh_from_db()
    assert busy.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_abandoned_a_second_time_is_not_run_a_third() -> None:
    hour_ago = timezone.now() - dt.timedelta(seconds=3700)
    twice = _running(started=hour_ago, workers=["first", "second"])
    assert recovery.recover() == []
    twice.refresh_from_db()
    assert twice.status == TaskResultStatus.RUNNING


def test_the_sweep_is_a_periodic_task_every_minute() -> None:
    jobs = {job.task: job for job in scheduler.jobs()}
    assert jobs["ravabet.core.recovery.recover_abandoned_tasks"].every == 60


# --- RQ, on a real Redis (skipped when none answers) --------------------------------------------


@pytest.fixture
def rq_queue() -> Iterator[object]:
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on REDIS_URL / 127.0.0.1:6379")
    # A queue of its own: other tests and processes share the Redis database.
    queue = Queue(f"recovery-test-{uuid.uuid4().hex}", connection=connection)
    yield queue
    keys = list(connection.scan_iter(f"*{queue.name}*"))
    for job_id in queue.get_job_ids():
        keys.append(f"rq:job:{job_id}")
    if keys:
        connection.delete(*keys)


def _abandon(queue: object) -> object:
    """A job as a worker killed mid-run leaves it: STARTED, its heartbeat run out."""
    from rq.job import JobStatus
    from rq.registry import StartedJobRegistry

    job = queue.enqueue("ravabet.desk.tasks.send_answer_notice", 1)  # type: ignore[attr-defined]
    queue.remove(job)  # type: ignore[attr-defined]  # a worker took it
    job.set_status(JobStatus.STARTED)
    registry = StartedJobRegistry(queue=queue)
    queue.connection.zadd(registry.key, {f"{job.id}:dead-execution": time.time() - 5})  # type: ignore[attr-defined]
    return job


def test_an_rq_job_abandoned_by_a_killed_worker_is_enqueued_again(rq_queue: object) -> None:
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry

    job = _abandon(rq_queue)
    assert recovery.recover_rq_queue(rq_queue) == [job.id]  # type: ignore[attr-defined]
    assert rq_queue.get_job_ids() == [job.id]  # type: ignore[attr-defined]
    assert job.get_status() == JobStatus.QUEUED  # type: ignore[attr-defined]
    assert job.id not in FailedJobRegistry(queue=rq_queue).get_job_ids()  # type: ignore[attr-defined]
    assert recovery.recover_rq_queue(rq_queue) == []  # nothing more to do


def test_an_rq_job_abandoned_twice_stays_failed(rq_queue: object) -> None:
    from rq.registry import FailedJobRegistry

    job = _abandon(rq_queue)
    recovery.recover_rq_queue(rq_queue)
    rq_queue.remove(job)  # type: ignore[attr-defined]
    job.refresh()  # type: ignore[attr-defined]
    second = _abandon_again(rq_queue, job)
    assert recovery.recover_rq_queue(rq_queue) == []
    assert second.id in FailedJobRegistry(queue=rq_queue).get_job_ids()  # type: ignore[attr-defined]
    assert rq_queue.get_job_ids() == []  # type: ignore[attr-defined]


def _abandon_again(queue: object, job: object) -> object:
    from rq.job import JobStatus
    from rq.registry import StartedJobRegistry

    job.set_status(JobStatus.STARTED)  # type: ignore[attr-defined]
    registry = StartedJobRegistry(queue=queue)
    queue.connection.zadd(registry.key, {f"{job.id}:dead-again": time.time() - 5})  # type: ignore[attr-defined]
    return job


def test_an_rq_job_that_failed_by_itself_is_not_run_again(rq_queue: object) -> None:
    from rq.registry import FailedJobRegistry

    job = rq_queue.enqueue("ravabet.desk.tasks.send_answer_notice", 1)  # type: ignore[attr-defined]
    rq_queue.remove(job)  # type: ignore[attr-defined]
    FailedJobRegistry(queue=rq_queue).add(job, exc_string="ValueError: a real failure")
    assert recovery.recover_rq_queue(rq_queue) == []
    assert rq_queue.get_job_ids() == []  # type: ignore[attr-defined]

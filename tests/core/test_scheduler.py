"""The scheduler enqueues each periodic task once per period, in Tehran time."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from ravabet.core import scheduler

UTC = dt.UTC
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings: Any) -> None:
    settings.RAVABET_PERIODIC_TASKS = [
        {"task": "ravabet.newsroom.tasks.publish_due_releases", "every": 60},
        {"task": "ravabet.newsroom.tasks.send_daily_digests", "at": "07:00"},
    ]


def _newsroom(jobs: list[str]) -> list[str]:
    """The two newsroom jobs set above among those run (every capability registers others,
    the newsroom its page-view flush too)."""
    mine = {
        "ravabet.newsroom.tasks.publish_due_releases",
        "ravabet.newsroom.tasks.send_daily_digests",
    }
    return [job for job in jobs if job in mine]


def test_every_minute_job_runs_once_a_minute(django_capture_on_commit_callbacks: Any) -> None:
    t0 = dt.datetime(2025, 5, 20, 2, 0, tzinfo=UTC)  # 05:30 Tehran: the digest is not due
    with django_capture_on_commit_callbacks(execute=True):
        assert _newsroom(scheduler.run_due(t0)) == ["ravabet.newsroom.tasks.publish_due_releases"]
        assert _newsroom(scheduler.run_due(t0 + dt.timedelta(seconds=30))) == []
        assert _newsroom(scheduler.run_due(t0 + dt.timedelta(seconds=60))) == [
            "ravabet.newsroom.tasks.publish_due_releases"
        ]
    assert DBTaskResult.objects.filter(task_path__endswith="publish_due_releases").count() == 2


def test_daily_job_runs_once_after_seven_tehran_time() -> None:
    daily = scheduler.Job(task="x", at=dt.time(7, 0))
    before = dt.datetime(2025, 5, 20, 3, 29, tzinfo=UTC)  # 06:59 Tehran (UTC+3:30)
    after = dt.datetime(2025, 5, 20, 3, 30, tzinfo=UTC)  # 07:00 Tehran
    assert not daily.due(None, before)
    assert daily.due(None, after)
    assert not daily.due(after, after + dt.timedelta(hours=5))
    assert daily.due(after, after + dt.timedelta(days=1))


def test_daily_job_follows_old_daylight_saving() -> None:
    daily = scheduler.Job(task="x", at=dt.time(7, 0))
    # Summer 1400: Tehran was UTC+4:30, so 07:00 was 02:30 UTC.
    assert not daily.due(None, dt.datetime(2021, 6, 1, 2, 29, tzinfo=UTC))
    assert daily.due(None, dt.datetime(2021, 6, 1, 2, 30, tzinfo=UTC))


# The real worker closes connections that are inside a transaction; run it outside one.
@pytest.mark.django_db(transaction=True)
def test_scheduler_command_once_and_worker_publish_due(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import timezone

    from ravabet.newsroom import services
    from ravabet.newsroom.models import Release
    from tests.factories import make_release

    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    services.release_approve(
        actor=world.head_roads, release=release, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    # Its minute has passed while no worker ran the job enqueued for it.
    Release.objects.filter(pk=release.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("scheduler", once=True, stdout=io.StringIO())
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED


def test_capabilities_register_their_jobs_and_settings_change_the_timing(settings: Any) -> None:
    settings.RAVABET_PERIODIC_TASKS = []
    registered = {job.task: job for job in scheduler.jobs()}
    assert registered["ravabet.newsroom.tasks.publish_due_releases"].every == 60
    assert registered["ravabet.newsroom.tasks.send_daily_digests"].at == dt.time(7, 0)
    # An operator moves the digest to 08:00 without touching the newsroom's code.
    settings.RAVABET_PERIODIC_TASKS = [
        {"task": "ravabet.newsroom.tasks.send_daily_digests", "at": "08:00"}
    ]
    moved = {job.task: job for job in scheduler.jobs()}
    assert moved["ravabet.newsroom.tasks.send_daily_digests"].at == dt.time(8, 0)
    assert len(moved) == len(registered)


def test_a_periodic_task_needs_exactly_one_timing() -> None:
    from ravabet.core import registry

    with pytest.raises(ValueError, match="exactly one"):
        registry.register_periodic_task("x.y", every=60, at="07:00")
    with pytest.raises(ValueError, match="exactly one"):
        registry.register_periodic_task("x.y")

"""Periodic work on top of the task interface: which task is due, enqueued once per period.

Jobs are what capabilities register (core.registry.register_periodic_task), then the entries
of settings.RAVABET_PERIODIC_TASKS, which add jobs or change a registered one's timing:
{"task": dotted path, "every": seconds} or {"task": ..., "at": "HH:MM"} (Tehran wall-clock,
once a day). Each job's last run is a database
row locked while deciding, so several scheduler processes never enqueue the same run twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ravabet.core import registry
from ravabet.core.jalali import make_aware_local, to_local
from ravabet.core.models import PeriodicRun


@dataclass(frozen=True)
class Job:
    task: str
    every: int | None = None
    at: dt.time | None = None

    @classmethod
    def from_setting(cls, item: dict[str, Any]) -> Job:
        at = item.get("at")
        return cls(
            task=item["task"],
            every=item.get("every"),
            at=dt.time.fromisoformat(at) if at else None,
        )

    def due(self, last: dt.datetime | None, now: dt.datetime) -> bool:
        if self.every is not None:
            return last is None or (now - last).total_seconds() >= self.every
        if self.at is None:
            raise ValueError(f"periodic task {self.task} needs 'every' or 'at'")
        local_now = to_local(now)
        today_at = make_aware_local(dt.datetime.combine(local_now.date(), self.at))
        return now >= today_at and (last is None or last < today_at)


def jobs() -> list[Job]:
    by_task: dict[str, dict[str, Any]] = {
        p.task: {"task": p.task, "every": p.every, "at": p.at} for p in registry.periodic_tasks()
    }
    items: list[dict[str, Any]] = getattr(settings, "RAVABET_PERIODIC_TASKS", [])
    for item in items:
        by_task[item["task"]] = item
    return [Job.from_setting(item) for item in by_task.values()]


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the task paths enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=job.task)
            run = PeriodicRun.objects.select_for_update().get(name=job.task)
            if not job.due(run.last_enqueued_at, now):
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            # Enqueued inside the transaction that records the run: with the database backend
            # both are saved or neither (a lost enqueue after commit would skip a whole day of
            # a daily job); other backends may see a job twice, and periodic tasks are
            # idempotent.
            import_string(job.task).enqueue()
            enqueued.append(job.task)
    return enqueued

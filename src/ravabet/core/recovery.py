"""Work a killed worker left half done, enqueued again once: the kernel's recovery sweep.

Neither task backend runs again a job whose worker died (SIGKILL, out of memory, a lost machine):
- RQ (`RAVABET_TASK_BACKEND=rq`): the job stays in its queue's StartedJobRegistry until its
  execution's heartbeat runs out (rq 3: the worker's job_monitoring_interval + 60 s = 90 s), then
  a registry cleanup moves it to the FailedJobRegistry as abandoned (AbandonedJobError);
- the database backend (django_tasks_db): the row stays RUNNING for ever.
Every minute `recover_abandoned_tasks` finds them and enqueues each one again, once: an RQ job
is marked in its meta, a database row keeps the ids of the workers that claimed it (a second
claim means it was recovered already). A job abandoned twice stays failed (logged): work that
kills its worker every time must not kill them all in turn.

Running a task again is safe because the capabilities' tasks are idempotent by design (a feed
poll skips the articles it stored, a bulletin build brings the day's draft up to date, the SLA
clock escalates a message once per deadline); docs/operations.md, "Faults", has the measures.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

RECOVERED = "ravabet_recovered"  # the RQ job's meta key: enqueued again once already
MAX_PER_RUN = 500


def _is_abandoned(job: Any) -> bool:
    if "rq.exceptions.AbandonedJobError" in job.meta.get("_django_tasks_rq_exceptions", []):
        return True
    result = job.latest_result()
    return bool(result is not None and "AbandonedJobError" in (result.exc_string or ""))


def recover_rq_queue(queue: Any, *, limit: int = MAX_PER_RUN) -> list[str]:
    """Requeue the queue's abandoned jobs (once each); the ids requeued."""
    from rq.exceptions import NoSuchJobError
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    # Moves the jobs whose heartbeat ran out to the failed registry now, without waiting for
    # a worker's own maintenance (every ten minutes).
    StartedJobRegistry(queue=queue).cleanup()
    failed = FailedJobRegistry(queue=queue)
    requeued: list[str] = []
    for job_id in failed.get_job_ids()[: limit * 4]:
        if len(requeued) >= limit:
            break
        try:
            job = queue.fetch_job(job_id)
        except NoSuchJobError:
            continue
        if job is None or job.meta.get(RECOVERED) or not _is_abandoned(job):
            continue
        job.meta[RECOVERED] = True
        # django_tasks_rq's record of the failure: the next run starts clean.
        job.meta.pop("_django_tasks_rq_exceptions", None)
        job.save_meta()
        try:
            failed.requeue(job_id)
        except Exception:  # removed meanwhile, or requeued by another sweep
            logger.warning("abandoned job %s could not be requeued", job_id, exc_info=True)
            continue
        logger.warning("abandoned job %s (%s) enqueued again", job_id, job.func_name)
        requeued.append(job_id)
    return requeued


def recover_rq(*, limit: int = MAX_PER_RUN) -> list[str]:
    import django_rq
    from django_tasks_rq.backend import Job

    requeued: list[str] = []
    for name in settings.TASKS["default"].get("QUEUES") or ["default"]:
        # The backend's job class: the failure callback an abandoned job runs reads its result.
        queue = django_rq.get_queue(name, job_class=Job)
        requeued += recover_rq_queue(queue, limit=limit)
    return requeued


def recover_database(*, now: dt.datetime | None = None, limit: int = MAX_PER_RUN) -> list[str]:
    """Rows RUNNING for longer than RAVABET_TASK_STALE_AFTER seconds, claimed once, made READY
    again; their ids. (The database backend does not say whether a worker is alive: a task
    that runs longer than the setting would run twice, so the setting outlasts the longest.)"""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.RAVABET_TASK_STALE_AFTER)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    ids: list[str] = []
    for row in stale.order_by("started_at")[:limit]:
        if len(row.worker_ids) > 1:
            continue
        changed = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(status=TaskResultStatus.READY)
        if changed:
            logger.warning("stale task %s (%s) made ready again", row.pk, row.task_path)
            ids.append(str(row.pk))
    return ids


def recover(*, limit: int = MAX_PER_RUN) -> list[str]:
    """What the configured backend abandoned, enqueued again once; the ids."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_rq.RQBackend":
        return recover_rq(limit=limit)
    if backend == "django_tasks_db.DatabaseBackend":
        return recover_database(limit=limit)
    return []


@task()
def recover_abandoned_tasks() -> int:
    """Every minute: the jobs a killed worker abandoned, enqueued again once; how many."""
    return len(recover())

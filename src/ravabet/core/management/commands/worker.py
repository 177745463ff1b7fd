"""`ravabet worker`: django_tasks_db's db_worker that outlives a locked or lost database.

db_worker ignores "database is locked" only while it fetches a task; the same error when it
opens its transaction or records a result, or a lost PostgreSQL connection, ends the process.
This worker takes the same options and runs the same loop, and when that loop raises a
transient database error it logs, backs off (core/backoff.py) and starts the loop again.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from ravabet.core.backoff import TRANSIENT_ERRORS, Backoff, wait_after

logger = logging.getLogger("ravabet.worker")


class Worker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backoff = Backoff()

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return  # the batch is done, --max-tasks reached, or asked to stop
            except TRANSIENT_ERRORS as exc:
                if not self.running:
                    return
                # A task whose result could not be recorded stays "running" in the table;
                # the periodic sweep (publish_due_releases) repeats what it was for.
                wait_after(exc, what="worker", backoff=self.backoff, logger=logger)


class Command(db_worker.Command):
    help = "Run the background worker (db_worker that waits out a locked or lost database)."

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        reload, batch = options["reload"], options["batch"]
        if reload and batch:
            logger.warning("--reload and --batch cannot be used together; not reloading.")
            reload = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

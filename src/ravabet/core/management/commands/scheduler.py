"""`ravabet scheduler`: enqueue periodic tasks when due (run one beside the workers)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ravabet.core import scheduler
from ravabet.core.backoff import TRANSIENT_ERRORS, Backoff, wait_after

logger = logging.getLogger("ravabet.scheduler")


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (RAVABET_PERIODIC_TASKS) when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        # A locked or lost database is waited out (core/backoff.py), never the end of the loop.
        backoff = Backoff()
        while True:
            try:
                for task in scheduler.run_due():
                    self.stdout.write(f"enqueued {task}")
            except TRANSIENT_ERRORS as exc:
                if options["once"]:
                    raise
                wait_after(exc, what="scheduler", backoff=backoff, logger=logger)
                continue
            backoff.succeeded()
            if options["once"]:
                return
            close_old_connections()  # persistent connections: recycle old or broken ones
            time.sleep(options["interval"])

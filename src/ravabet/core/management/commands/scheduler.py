"""`ravabet scheduler`: enqueue periodic tasks when due (run one beside the workers)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from ravabet.core import scheduler


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (RAVABET_PERIODIC_TASKS) when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for task in scheduler.run_due():
                self.stdout.write(f"enqueued {task}")
            if options["once"]:
                return
            time.sleep(options["interval"])

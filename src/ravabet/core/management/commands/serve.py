"""`ravabet serve [HOST:PORT]`: the web server as production runs it (gunicorn, DEBUG off).

The process becomes gunicorn (exec), configured by src/ravabet/config/gunicorn.py, so a signal
sent to it (Ctrl-C, `kill`) reaches gunicorn itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GUNICORN_CONFIG = "python:ravabet.config.gunicorn"
MANIFEST = "staticfiles.json"  # written by `ravabet collectstatic` with the hashed storage


def gunicorn_argv() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG]


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn as production does: DEBUG off, the hashed static files "
        "collected by `ravabet collectstatic` (RAVABET_HASHED_STATIC=1), workers sized to the "
        "cores (RAVABET_WEB_WORKERS). For development with DEBUG use `runserver` (make dev)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            help="HOST:PORT to listen on (default RAVABET_BIND, else 127.0.0.1:8000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            raise CommandError(
                "DEBUG is on (RAVABET_DEBUG): `ravabet serve` is the production server; "
                "develop with `ravabet runserver` (make dev)."
            )
        if not settings.HASHED_STATIC:
            raise CommandError(
                "Set RAVABET_HASHED_STATIC=1 and run `ravabet collectstatic --noinput` first: "
                "the production server serves the collected, hashed static files."
            )
        manifest = Path(settings.STATIC_ROOT) / MANIFEST
        if not manifest.exists():
            raise CommandError(
                f"No collected static files ({manifest} is missing): run "
                "`ravabet collectstatic --noinput` first."
            )
        env = dict(os.environ)
        if options["addrport"]:
            env["RAVABET_BIND"] = options["addrport"]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, gunicorn_argv(), env)  # noqa: S606 - our own interpreter

"""gunicorn's configuration: the one place that decides where the web server listens and how many
processes and threads it runs. `ravabet serve [HOST:PORT]` (what `make demo` runs) starts
`gunicorn --config python:ravabet.config.gunicorn`; a production unit may run either.

Every value comes from the environment (docs/configuration.md):
RAVABET_BIND (default 127.0.0.1:8000), RAVABET_WEB_WORKERS, RAVABET_WEB_THREADS.
"""

from __future__ import annotations

import os

MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def available_cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cores: int) -> int:
    """One process per core, at most 8; each runs DEFAULT_THREADS threads.

    Few processes with threads rather than gunicorn's usual 2 × cores + 1 processes: without
    REDIS_URL the cache, and with it the login rate limit, lives in each process, and SQLite
    takes one writer at a time; threads cover the time a request waits on the database.
    """
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


wsgi_app = "ravabet.config.wsgi:application"
bind = [os.environ.get("RAVABET_BIND") or "127.0.0.1:8000"]
workers = int(os.environ.get("RAVABET_WEB_WORKERS") or default_workers(available_cores()))
worker_class = "gthread"
threads = int(os.environ.get("RAVABET_WEB_THREADS") or DEFAULT_THREADS)
# Load Django once in the master: a bad setting stops the start with its message, and the
# workers share the loaded code.
preload_app = True
timeout = 30
graceful_timeout = 10
# Files gunicorn itself writes (its worker heartbeat files) are the owner's alone, like the app's.
umask = 0o077
# gunicorn ≥ 25 opens a control socket under ~/.gunicorn by default; two servers on one machine
# (the demo and the tests) would share it. Nothing here uses it.
control_socket_disable = True
# One line per request on standard output, as the development server prints.
accesslog = "-"

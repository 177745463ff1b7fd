"""Long-running processes (the worker, the scheduler) outlive a locked or lost database.

SQLite answers "database is locked" when a writer waits longer than its busy timeout;
PostgreSQL drops connections on restart or failover. Both are OperationalError or
InterfaceError and both pass: the process logs, waits longer each time (up to a bound), drops
its connections so the next query opens a fresh one, and goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

# Errors that say "not now", not "never": worth waiting for.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


class Backoff:
    """Waits that double from `first` to `most` seconds; a success starts over, and so does a
    failure after a quiet spell (the database came back meanwhile)."""

    def __init__(
        self,
        first: float = 0.5,
        most: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first, self.most, self.clock = first, most, clock
        self.delay = first
        self.last_failure: float | None = None

    def failed(self) -> float:
        """The seconds to wait after this failure."""
        now = self.clock()
        if self.last_failure is not None and now - self.last_failure > 2 * self.most:
            self.delay = self.first
        self.last_failure = now
        delay, self.delay = self.delay, min(self.delay * 2, self.most)
        return delay

    def succeeded(self) -> None:
        self.delay = self.first
        self.last_failure = None


def wait_after(
    exc: Exception,
    *,
    what: str,
    backoff: Backoff,
    logger: logging.Logger,
    sleep: Callable[[float], None] | None = None,
) -> None:
    """Log a transient database failure, drop the connections, and wait before the next try."""
    delay = backoff.failed()
    logger.warning(
        "%s: the database is unavailable (%s: %s); trying again in %.1f s",
        what,
        type(exc).__name__,
        exc,
        delay,
    )
    # A connection that failed may be unusable (PostgreSQL) or mid-transaction; a new one is not.
    connections.close_all()
    (sleep or time.sleep)(delay)

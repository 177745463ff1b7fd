"""Background work of coordination: the daily reminders of directives."""

from __future__ import annotations

from django_tasks import task

from ravabet.coordination.services import directives


@task()
def remind_directives() -> int:
    """Once a day: tell each agency what it owes on a directive (unopened, unacknowledged,
    a report due), each receipt at most once a day; how many receipts were reminded."""
    return directives.receipts_remind_due()

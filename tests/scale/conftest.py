"""The scale-out stack's fixtures (tests/stack.py), for `make scale-test`.

These tests run only when asked (`-m scale`) and only on the scale-out configuration:
PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and the RQ task backend. The processes share
pytest-django's test database. Every test module here is marked
`pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]`: its writes are
committed (the processes must see them) and the tables are emptied after each test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.stack import Stack, running


def scale_configuration_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "needs DATABASE_URL=postgres://… (run `make scale-test`)"
    if not settings.REDIS_URL:
        return "needs REDIS_URL (run `make scale-test`)"
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_rq.RQBackend":
        return "needs RAVABET_TASK_BACKEND=rq (run `make scale-test`)"
    return None


@pytest.fixture(scope="session")
def stack_database(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The test database's name, open to this process for the whole session."""
    missing = scale_configuration_missing()
    if missing:
        pytest.skip(missing)
    with django_db_blocker.unblock():
        import django_rq

        django_rq.get_connection("default").flushdb()  # the stack's own Redis database
        yield str(connection.settings_dict["NAME"])


@pytest.fixture(scope="module")
def stack(stack_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two web processes, three RQ workers and the scheduler, as production runs them."""
    folder: Path = tmp_path_factory.mktemp("stack")
    # The release sweep every second (production: every minute), so a scheduled release that
    # a worker's own timer missed is still published within the test's patience.
    sweep = [{"task": "ravabet.newsroom.tasks.publish_due_releases", "every": 1}]
    with running(
        folder,
        database_name=stack_database,
        extra={"RAVABET_PERIODIC_TASKS": json.dumps(sweep)},
    ) as stack:
        yield stack

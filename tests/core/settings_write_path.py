"""Settings of the worker and scheduler processes in tests/core/test_write_path.py."""

from ravabet.config.settings import *  # noqa: F403

# The sweep that publishes due releases, every second instead of every minute.
RAVABET_PERIODIC_TASKS = [{"task": "ravabet.newsroom.tasks.publish_due_releases", "every": 1}]

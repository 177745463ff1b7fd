"""(being written)"""

from django_tasks import task


@task()
def drop_stale_drafts() -> int:
    return 0

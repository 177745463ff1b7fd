"""Background work of the newsroom: scheduled publishing and e-mails to subscribers."""

from __future__ import annotations

from django_tasks import task

from ravabet.newsroom import pageviews, services, subscriptions


@task()
def publish_scheduled_release(release_id: int) -> bool:
    """Enqueued at approval to run at the scheduled minute; the sweep below is a safety net."""
    return release_id in services.release_publish_due()


@task()
def publish_due_releases() -> int:
    return len(services.release_publish_due())


@task()
def notify_subscribers(release_id: int) -> int:
    return subscriptions.send_immediate(release_id=release_id)


@task()
def send_daily_digests() -> int:
    return subscriptions.send_daily_digests()


@task()
def send_subscription_confirmation(subscription_id: int, frequency: str) -> bool:
    """The confirmation e-mail of a subscribe request, sent here rather than in the request."""
    return subscriptions.send_confirmation(subscription_id=subscription_id, frequency=frequency)


@task()
def flush_release_views() -> int:
    """The page views counted in the cache since the last run, into ReleaseViews (bounded)."""
    return pageviews.flush()

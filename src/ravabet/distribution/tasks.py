"""Background work of distribution: one task per delivery to a channel, and the sweep."""

from __future__ import annotations

from django_tasks import task

from ravabet.distribution import delivery


@task()
def deliver(delivery_id: int) -> str:
    return delivery.deliver(delivery_id)


@task()
def sweep_deliveries() -> int:
    return delivery.sweep()

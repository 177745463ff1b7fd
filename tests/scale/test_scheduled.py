"""Scheduled releases on the scale-out stack: each published once, by whichever worker.

Thirty releases are approved for a moment a few seconds ahead; each approval enqueues its own
publication for that moment (RQ's scheduler in every worker), and the periodic sweep
(`publish_due_releases`, every second here) is enqueued by two schedulers started on purpose
(a mistake the lock in the database must absorb). Three workers race for the work.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.core.organisation.models import Membership
from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from tests.factories import AgencyFactory, MembershipFactory, make_release
from tests.stack import Stack, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]


def test_scheduled_releases_are_published_once_each(stack: Stack) -> None:
    second = stack.scheduler("scheduler2")  # started by mistake: must change nothing
    tag = uuid.uuid4().hex[:8]
    agency = AgencyFactory(slug=f"roads-{tag}")
    head = MembershipFactory(agency=agency, role=Membership.Role.HEAD).user
    releases = [
        make_release(actor=head, agency=agency, headline=f"خبر زمان‌بندی‌شده {n}", status="submitted")
        for n in range(30)
    ]
    # The moment is taken after the slow part; on a busy machine the approvals may still run
    # past it, and then the first ones are published before the last are approved.
    at = timezone.now() + dt.timedelta(seconds=8)
    for release in releases:
        services.release_approve(actor=head, release=release, publish_at=at)
    ids = [release.pk for release in releases]
    approved = [Release.Status.SCHEDULED, Release.Status.PUBLISHED]
    assert Release.objects.filter(pk__in=ids, status__in=approved).count() == 30

    def all_published() -> bool:
        """every scheduled release is published"""
        return Release.objects.filter(pk__in=ids, status=Release.Status.PUBLISHED).count() == 30

    wait_until(all_published, timeout=120)
    published = AuditEntry.objects.filter(
        object_id__in=[str(i) for i in ids], to_state=Release.Status.PUBLISHED
    )
    per_release: dict[str, int] = {}
    for object_id in published.values_list("object_id", flat=True):
        per_release[object_id] = per_release.get(object_id, 0) + 1
    assert per_release == {str(i): 1 for i in ids}, stack.logs()
    assert all(p.alive() for p in stack.processes), stack.logs()
    second.stop()

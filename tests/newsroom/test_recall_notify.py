"""Issue 14, the officer's day in the workflow: the writer recalls a submitted release; the
people concerned are told (a notification row each, e-mailed) when a release is submitted,
returned and published — at once or at its scheduled minute, by the task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core.models import AuditEntry, Notification
from ravabet.core.organisation.models import Membership
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.newsroom import services, tasks
from ravabet.newsroom.models import Release
from tests.factories import MembershipFactory, make_release

S = Release.Status
pytestmark = pytest.mark.django_db


def told(kind: str) -> list[tuple[str, str, bool]]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("user__username", "link", "email")
    )


# --- recall ------------------------------------------------------------------------------


def test_the_writer_recalls_a_submitted_release_to_draft_from_its_page(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.officer_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert "بازخوانی خبر" in page
    assert f"/backoffice/newsroom/{release.pk}/recall/" in page

    response = client.post(f"/backoffice/newsroom/{release.pk}/recall/", follow=True)
    release.refresh_from_db()
    assert release.status == S.DRAFT
    body = response.content.decode()
    assert "بازخوانی شد" in body
    # The history names the step in Persian.
    assert "بازخوانی خبر" in body
    entry = AuditEntry.objects.get(action="release.recall", object_id=str(release.pk))
    assert (entry.from_state, entry.to_state, entry.actor) == (
        S.SUBMITTED,
        S.DRAFT,
        world.officer_roads,
    )
    # A draft again: the writer edits and submits it again.
    services.release_submit(actor=world.officer_roads, release=release)
    release.refresh_from_db()
    assert release.status == S.SUBMITTED


def test_only_the_writer_recalls_and_only_before_approval(world: Any) -> None:
    colleague = MembershipFactory(user__username="officer2.roads", agency=world.roads).user
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    for someone in (colleague, world.head_roads, world.officer_health):
        with pytest.raises(AgencyPermissionDenied):
            services.release_recall(actor=someone, release=release)
    client = Client()
    client.force_login(colleague)
    assert "بازخوانی خبر" not in client.get(release.get_backoffice_url()).content.decode()

    services.release_approve(
        actor=world.head_roads, release=release, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    with pytest.raises(services.ReleaseStateError):
        services.release_recall(actor=world.officer_roads, release=release)
    release.refresh_from_db()
    assert release.status == S.SCHEDULED
    client.force_login(world.officer_roads)
    response = client.post(f"/backoffice/newsroom/{release.pk}/recall/", follow=True)
    assert "فقط خبری که در انتظار تأیید است بازخوانی می‌شود" in response.content.decode()
    release.refresh_from_db()
    assert release.status == S.SCHEDULED


# --- notifications -----------------------------------------------------------------------


def test_submitting_tells_the_agencys_heads_not_the_directorate_nor_other_agencies(
    world: Any,
) -> None:
    second_head = MembershipFactory(
        user__username="head2.roads", agency=world.roads, role=Membership.Role.HEAD
    ).user
    release = make_release(actor=world.officer_roads, agency=world.roads)
    services.release_submit(actor=world.officer_roads, release=release)
    link = f"/backoffice/newsroom/{release.pk}/"
    assert told("release.submitted") == [
        ("head.roads", link, True),
        (second_head.username, link, True),
    ]
    text = Notification.objects.filter(kind="release.submitted").first()
    assert text is not None and release.headline in text.text


def test_a_directorate_release_is_announced_to_the_directorate_staff(world: Any) -> None:
    writer = MembershipFactory(user__username="writer.dir", agency=world.directorate).user
    release = make_release(actor=writer, agency=world.directorate)
    services.release_submit(actor=writer, release=release)
    # Its staff approve it; the writer is not told of their own step.
    assert [u for u, _, _ in told("release.submitted")] == ["directorate"]


def test_returning_tells_the_writer_with_the_reason(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.head_roads)
    client.post(
        f"/backoffice/newsroom/{release.pk}/return/", {"reason": "آمار بازدیدکنندگان را بیفزایید"}
    )
    note = Notification.objects.get(kind="release.returned")
    assert note.user == world.officer_roads
    assert "آمار بازدیدکنندگان را بیفزایید" in note.text
    assert note.link == f"/backoffice/newsroom/{release.pk}/"
    assert note.email


def test_publishing_now_tells_the_writer(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    services.release_approve(actor=world.head_roads, release=release)
    assert told("release.published") == [
        ("officer.roads", f"/backoffice/newsroom/{release.pk}/", True)
    ]


def test_a_scheduled_release_tells_the_writer_at_its_minute_through_the_task(
    world: Any,
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    services.release_approve(
        actor=world.head_roads, release=release, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert told("release.published") == []
    # The minute comes.
    Release.objects.filter(pk=release.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(seconds=1)
    )
    assert tasks.publish_scheduled_release.call(release.pk) is True
    assert told("release.published") == [
        ("officer.roads", f"/backoffice/newsroom/{release.pk}/", True)
    ]


def test_a_refused_step_tells_nobody(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    with pytest.raises(AgencyPermissionDenied):
        services.release_approve(actor=world.officer_roads, release=release)
    with pytest.raises(AgencyPermissionDenied):
        services.release_return(actor=world.officer_health, release=release, reason="نه")
    assert not Notification.objects.exclude(kind="release.submitted").exists()

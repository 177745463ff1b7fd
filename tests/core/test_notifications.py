"""notify(): a row a person, safe links, one e-mail each after the commit, none twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from ravabet.core import notifications, tasks
from ravabet.core.models import Notification


@pytest.mark.django_db
def test_notify_writes_a_row_a_person_and_mails_after_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.officer_roads.email = "officer@roads.example"
    world.officer_roads.save()
    world.head_roads.email = ""  # no address: the bell only
    world.head_roads.save()
    with django_capture_on_commit_callbacks(execute=True):
        ids = notifications.notify(
            [world.officer_roads, world.officer_roads, world.head_roads],
            kind="release.returned",
            text="خبر «پل» بازگردانده شد: عکس ندارد.",
            link="/backoffice/newsroom/1/",
            email=True,
        )
    assert len(ids) == 2
    assert notifications.unread_count(world.officer_roads) == 1
    assert mail.outbox == []  # enqueued after the commit, sent by a worker:
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="send_notification_emails").exists()
    assert tasks.send_notification_emails.call(ids) == 1  # the head has no address
    assert [m.to for m in mail.outbox] == [["officer@roads.example"]]
    assert "http" in mail.outbox[0].body and "/backoffice/newsroom/1/" in mail.outbox[0].body
    # A retry of the task sends nothing twice.
    assert tasks.send_notification_emails.call(ids) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "/\\evil", "x/y"])
def test_a_link_off_this_site_is_dropped(world: Any, link: str) -> None:
    notifications.notify([world.head_roads], kind="k", text="متن", link=link)
    assert Notification.objects.get().link == ""

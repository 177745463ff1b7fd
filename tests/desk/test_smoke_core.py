"""The desk's core path, end to end through the services (the full suite is test_services.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from ravabet.core import sms
from ravabet.desk import selectors, services, tracking
from ravabet.desk.models import Message, Status


@pytest.fixture(autouse=True)
def _sms(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sms.outbox.clear()


def test_submit_answer_rate(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_submit(
            data=services.MessageInput(
                kind="request",
                subject="آسفالت خیابان",
                body="خیابان ما سه ماه است خاکی مانده است.",
                agency=world.roads,
                mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷",
            )
        )
    assert tracking.clean(message.tracking_code) == message.tracking_code
    assert message.mobile == "09121234567"
    assert message.status == Status.RECEIVED
    assert message.due_at > message.created_at
    assert [s.to for s in sms.outbox] == ["09121234567"]
    assert message.code_display in sms.outbox[0].text
    found = selectors.message_by_code(tracking.display(message.tracking_code))
    assert found == message
    with django_capture_on_commit_callbacks(execute=True):
        services.message_answer(
            actor=world.officer_roads, message=message, text="در دستور کار است."
        )
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.first_answer_days == 0
    assert message.answered_in_time is True
    services.message_rate(message=message, rating=4, comment="ممنون")
    message.refresh_from_db()
    assert message.status == Status.CLOSED and message.rating == 4
    kinds = [e.kind for e in selectors.public_timeline(message)]
    assert kinds == ["received", "answered", "rated"]
    assert not mail.outbox  # no e-mail given


def test_other_agency_cannot_answer(world: Any) -> None:
    message = services.message_submit(
        data=services.MessageInput(
            kind="question", subject="پرسش", body="متن", agency=world.roads, email="a@example.ir"
        )
    )
    from ravabet.core.permissions import AgencyPermissionDenied

    with pytest.raises(AgencyPermissionDenied):
        services.message_answer(actor=world.officer_health, message=message, text="پاسخ")
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED

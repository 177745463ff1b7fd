"""The desk's demo data: ~300 messages with histories that hold together, loaded once (a second
run changes nothing), nothing sent, and a figures page that ranks several agencies and leaves
at least one unranked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ravabet.core import sms
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.models import AuditEntry
from ravabet.core.organisation import demo as organisation_demo
from ravabet.desk import demo, selectors
from ravabet.desk.models import Message, MessageEvent, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings: Any) -> dict[str, Any]:
    # If the loader let its tasks through, the immediate backend would send them at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    sms.outbox.clear()
    organisation_demo.load()
    return {"created": demo.load()}


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Message.objects.values_list(
            "subject", "status", "agency_id", "created_at", "first_answered_at", "rating"
        )
    )


# Loading takes seconds: each test below checks several things of one load.


def test_loads_about_300_messages_once_sending_nothing(loaded: dict[str, Any]) -> None:
    assert 280 <= loaded["created"] <= 320
    assert Message.objects.count() == loaded["created"]
    assert sms.outbox == [] and mail.outbox == []
    before = _snapshot()
    events, audits = MessageEvent.objects.count(), AuditEntry.objects.count()
    assert demo.load() == 0
    assert _snapshot() == before
    assert (MessageEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    counts = Counter(Message.objects.values_list("status", flat=True))
    total = sum(counts.values())
    answered = Message.objects.filter(first_answered_at__isnull=False).count()
    assert 0.7 <= answered / total <= 0.9
    assert counts[Status.SPAM] >= 3 and counts[Status.MERGED] >= 3
    assert counts[Status.TRIAGE] >= 1 and counts[Status.CLOSED] > 100
    reopened = Message.objects.filter(reopen_count__gt=0).count()
    assert 0.02 <= reopened / total <= 0.1
    anonymous = Message.objects.filter(is_anonymous=True).count()
    assert 0.05 <= anonymous / total <= 0.16
    routed = MessageEvent.objects.filter(kind=MessageEvent.Kind.ROUTED).count()
    assert 0.04 <= routed / total <= 0.12
    now = timezone.now()
    overdue = Message.objects.filter(status__in=["received", "in_progress", "reopened", "triage"])
    assert 3 <= overdue.filter(due_at__lt=now).count() <= 40
    assert overdue.filter(due_at__gte=now).exists()  # recent ones still within their time
    assert MessageEvent.objects.filter(kind=MessageEvent.Kind.NOTE).count() > 20
    oldest = Message.objects.order_by("created_at").first()
    assert oldest is not None and now - oldest.created_at > dt.timedelta(days=250)
    assert Message.objects.filter(created_at__gt=now).count() == 0
    assert Message.objects.values("agency").distinct().count() >= 10

    _histories_hold_together()


def _histories_hold_together() -> None:
    calendar = WorkingCalendar()
    now = timezone.now()
    for message in Message.objects.filter(first_answered_at__isnull=False):
        assert message.created_at < message.first_answered_at <= message.answered_at < now
        assert message.first_answer_days == calendar.working_days_between(
            message.created_at, message.first_answered_at
        )
        if message.reopen_count == 0:
            assert message.due_at == calendar.add_working_days(message.created_at, message.sla_days)
            assert message.answered_in_time == (message.first_answered_at <= message.due_at)
    for message in Message.objects.filter(rating__isnull=False):
        assert message.status == Status.CLOSED and message.rated_at > message.answered_at
    for message in Message.objects.exclude(mobile="", email=""):
        assert message.confirmation_sent_at is not None  # the clock never resends them
    # Every step of a timeline and its audit entry are dated in the past, in order.
    assert not MessageEvent.objects.filter(created_at__gt=now).exists()
    for message in Message.objects.all()[:80]:
        steps = list(message.events.values_list("kind", "created_at"))
        assert min(steps, key=lambda s: s[1]) == ("received", message.created_at)
    received = AuditEntry.objects.filter(action="message.receive").order_by("pk").first()
    assert received is not None and received.created_at < now - dt.timedelta(days=1)


def test_agencies_have_their_own_pace_and_the_figures_page_ranks_them(
    loaded: dict[str, Any],
) -> None:
    start = (timezone.now() - dt.timedelta(days=400)).date()
    stats = selectors.statistics_between(start, timezone.now().date())
    by_slug = {f.agency.slug: f for f in stats.agencies if f.agency}
    assert by_slug["roads"].in_time_share > by_slug["municipality"].in_time_share
    assert by_slug["electricity"].satisfaction > by_slug["municipality"].satisfaction
    assert by_slug["municipality"].reopen_rate > by_slug["roads"].reopen_rate
    assert by_slug["heritage"].received == 4 and not by_slug["heritage"].ranked
    assert len(stats.ranked) >= 6 and len(stats.unranked) >= 1
    response = Client().get("/desk/stats/?period=year")
    assert response.status_code == 200
    body = response.content.decode()
    ranked = body.split('id="ranked-title"', 1)[1].split('id="unranked-title"', 1)[0]
    unranked = body.split('id="unranked-title"', 1)[1].split('id="monthly-title"', 1)[0]
    assert ranked.count('class="num stats-rank"') >= 5
    assert "اداره‌کل میراث فرهنگی" in unranked

"""What the desk tells people: the confirmation and the answer by SMS and by e-mail (Persian
text with a right-to-left HTML twin), one channel failing without stopping the other, and the
directorate's list of overdue messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from ravabet.core import sms
from ravabet.desk import notify, services, tasks
from ravabet.desk.models import Message
from tests.desk.test_public import citizen_settings  # noqa: F401 - an autouse fixture
from tests.desk.test_tracking import answered, make_message

pytestmark = pytest.mark.django_db


def _html(email: Any) -> str:
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert '<html lang="fa" dir="rtl">' in html
    return str(html)


def test_the_confirmation_names_the_code_the_link_and_the_deadline(world: Any) -> None:
    message = make_message(world.roads)
    assert notify.send_confirmation(message) is True
    text = sms.outbox[0].text
    assert sms.outbox[0].to == "09351112233"
    assert message.code_display in text and notify.track_url(message) in text
    assert len(text) <= sms.MAX_CHARS
    email = mail.outbox[0]
    assert email.to == ["keyvan.farhadi@example.ir"]
    assert email.subject == f"کد رهگیری پیام شما: {message.code_display}"
    assert "کیوان فرهادی گرامی" in email.body
    assert f"کد رهگیری: {message.code_display}" in email.body
    assert world.roads.name in email.body and "روز کاری" in email.body and "تا پایان" in email.body
    assert "کد را نگه دارید" in email.body
    html = _html(email)
    assert f'<a href="{notify.track_url(message)}"' in html  # the link is a link
    assert message.code_display in html


def test_the_confirmation_of_a_triage_message_says_the_directorate_routes_it(world: Any) -> None:
    notify.send_confirmation(make_message(None, mobile=""))
    assert not sms.outbox
    assert "روابط عمومی استانداری نخست پیام شما را به دستگاه مسئول می‌فرستد" in mail.outbox[0].body


def test_html_of_the_email_escapes_what_the_citizen_wrote(world: Any) -> None:
    message = make_message(world.roads, subject="<script>alert(1)</script> چراغ", mobile="")
    notify.send_confirmation(message)
    html = _html(mail.outbox[0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in mail.outbox[0].body  # the text part is plain text


def test_the_answer_notice_carries_the_answer_and_a_duplicate_s_citizen_reads_it_too(
    world: Any,
) -> None:
    first = answered(world, make_message(world.roads), "تیم روشنایی فردا اعزام می‌شود.")
    joined = make_message(world.roads, email="sara@example.ir", mobile="")
    services.message_merge(actor=world.officer_roads, message=joined, into=first)
    duplicate = Message.objects.select_related("merged_into__agency").get(pk=joined.pk)
    assert notify.send_answer_notice(first) and notify.send_answer_notice(duplicate)
    own, other = mail.outbox
    assert own.to == ["keyvan.farhadi@example.ir"]
    assert own.subject == f"پاسخ پیام {first.code_display}"
    assert "تیم روشنایی فردا اعزام می‌شود." in own.body and world.roads.name in own.body
    assert "پاسخ داد" in sms.outbox[0].text and notify.track_url(first) in sms.outbox[0].text
    assert other.to == ["sara@example.ir"]
    assert duplicate.code_display in other.body and "با پیام دیگری" in other.body
    assert "تیم روشنایی فردا اعزام می‌شود." in other.body
    assert notify.track_url(duplicate) in other.body
    assert first.code_display not in other.body  # the other citizen's code is theirs


class Failing:
    def send_messages(self, messages: list[sms.Sms]) -> int:
        raise sms.SmsError("the provider is down")


def test_a_failing_sms_does_not_stop_the_email_and_the_confirmation_counts_as_sent(
    world: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sms, "backend", Failing)
    message = make_message(world.roads)
    assert tasks.send_confirmation.call(message.pk) is True
    assert len(mail.outbox) == 1
    assert Message.objects.get(pk=message.pk).confirmation_sent_at is not None


def test_when_every_channel_fails_the_task_fails_and_the_confirmation_waits(
    world: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sms, "backend", Failing)
    message = make_message(world.roads, email="")
    with pytest.raises(sms.SmsError):
        tasks.send_confirmation.call(message.pk)
    assert Message.objects.get(pk=message.pk).confirmation_sent_at is None


def test_a_confirmation_another_worker_is_sending_is_not_sent_again(world: Any) -> None:
    """The clock sweep enqueues a confirmation still not sent each time it runs, so two
    workers may run the task for one message at once (seen on the scale-out stack: a citizen
    got it three times); only the one that claimed it sends."""
    message = make_message(world.roads)
    Message.objects.filter(pk=message.pk).update(
        confirmation_sent_at=None,
        confirmation_claimed_until=None,
        created_at=timezone.now() - dt.timedelta(minutes=20),
    )
    mail.outbox.clear()
    assert services.confirmation_claim(message.pk) is True  # the other worker, still sending
    assert tasks.send_confirmation.call(message.pk) is False
    assert mail.outbox == []
    assert services.confirmations_pending() == []


def test_a_claim_runs_out_so_a_killed_worker_loses_no_confirmation(world: Any) -> None:
    message = make_message(world.roads)
    Message.objects.filter(pk=message.pk).update(
        confirmation_sent_at=None, confirmation_claimed_until=None
    )
    now = timezone.now()
    assert services.confirmation_claim(message.pk, now=now) is True
    assert services.confirmation_claim(message.pk, now=now) is False
    assert services.confirmations_pending(now=now + dt.timedelta(minutes=11)) == [message.pk]
    later = now + services.CONFIRMATION_CLAIM
    assert services.confirmation_claim(message.pk, now=later) is True
    services.confirmation_mark_sent(message.pk)
    assert services.confirmation_claim(message.pk, now=later + services.CONFIRMATION_CLAIM) is False


def test_the_directorate_gets_one_list_of_overdue_messages(world: Any) -> None:
    world.directorate_staff.email = "pr@ostan-th.example"
    world.directorate_staff.save()
    late = [make_message(world.roads, subject=f"پیام دیرکرد {n}") for n in range(3)]
    assert notify.send_escalation_notice([m.pk for m in late]) == 1
    email = mail.outbox[0]
    assert email.to == ["pr@ostan-th.example"]
    assert email.body.startswith("۳ پیام مردمی از مهلت پاسخ گذشت")
    for message in late:
        assert message.code_display in email.body
    assert "/backoffice/desk/?overdue=1" in email.body
    assert "کیوان" not in email.body and "09351112233" not in email.body
    _html(email)

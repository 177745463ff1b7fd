"""The citizen desk's clock on the scale-out stack: every escalation sent once, however often
the sweep runs.

Forty citizen messages are past their deadline and their confirmation never left. The clock
sweep (`desk.tasks.check_clocks`) is enqueued every second by two schedulers (one started by
mistake) and, at the same time, twenty more times by hand; three workers race for it. Each
message must be escalated once (one «escalated» event, one line in one escalation e-mail to
each of the directorate's staff) and its citizen confirmed once (one e-mail). E-mail leaves
through Django's file backend into the stack's folder, where the test reads every message.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.utils import timezone

from ravabet.core.organisation.models import Agency, Membership
from ravabet.desk import tasks, tracking
from ravabet.desk.models import Message, MessageEvent
from tests.factories import AgencyFactory, MembershipFactory
from tests.stack import Stack, running, sent_mail, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

MESSAGES = 40
BY_HAND = 20
LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.fixture(scope="module")
def desk_stack(stack_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Web, three workers and two schedulers, the clock swept every second, e-mail to files."""
    folder: Path = tmp_path_factory.mktemp("desk-stack")
    sweep = [{"task": "ravabet.desk.tasks.check_clocks", "every": 1}]
    with running(
        folder,
        database_name=stack_database,
        extra={
            "RAVABET_PERIODIC_TASKS": json.dumps(sweep),
            "RAVABET_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "RAVABET_EMAIL_FILE_PATH": str(folder / "mail"),
            "RAVABET_SMS_BACKEND": "ravabet.core.sms.ConsoleBackend",
        },
        schedulers=0,
    ) as stack:
        yield stack


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).translate(LATIN_DIGITS)


def overdue_messages(agency: Agency, count: int) -> list[Message]:
    """Citizens' requests received an hour ago, due half an hour ago, never confirmed."""
    now = timezone.now()
    made = [
        Message.objects.create(
            tracking_code=tracking.new_code(),
            kind="request",
            status="received",
            agency=agency,
            subject=f"آسفالت کوچهٔ شمارهٔ {n} خیابان شهید رضایی",
            body="کوچهٔ ما پس از لوله‌کشی گاز سه ماه است خاکی مانده است.",
            citizen_name="زهرا کریمی",
            email=f"citizen{n}@example.ir",
            sla_days=5,
            due_at=now - dt.timedelta(minutes=30),
        )
        for n in range(count)
    ]
    Message.objects.filter(pk__in=[m.pk for m in made]).update(
        created_at=now - dt.timedelta(hours=1)
    )
    return made


def test_each_overdue_message_is_escalated_and_confirmed_once(desk_stack: Stack) -> None:
    tag = uuid.uuid4().hex[:8]
    directorate = AgencyFactory(slug=f"pr-{tag}", kind=Agency.Kind.DIRECTORATE)
    staff = [
        MembershipFactory(agency=directorate, role=role).user.email
        for role in (Membership.Role.HEAD, Membership.Role.OFFICER)
    ]
    agency = AgencyFactory(slug=f"water-{tag}")
    messages = overdue_messages(agency, MESSAGES)
    codes = {m.code_display.translate(LATIN_DIGITS) for m in messages}
    mail = desk_stack.folder / "mail"

    desk_stack.scheduler("scheduler1")
    desk_stack.scheduler("scheduler2")  # started by mistake: must change nothing
    for _ in range(BY_HAND):
        tasks.check_clocks.enqueue()

    def all_escalated_and_confirmed() -> bool:
        """every message escalated and confirmed"""
        rows = Message.objects.filter(pk__in=[m.pk for m in messages])
        return (
            rows.filter(escalated_at__isnull=False, confirmation_sent_at__isnull=False).count()
            == MESSAGES
        )

    wait_until(all_escalated_and_confirmed, timeout=120)
    # A few more sweeps run meanwhile (every second, by two schedulers): they must add nothing.
    for _ in range(BY_HAND):
        tasks.check_clocks.enqueue()
    before = len(sent_mail(mail))

    def settled() -> bool:
        """no e-mail for three seconds"""
        nonlocal before
        time.sleep(3)
        now = len(sent_mail(mail))
        done = now == before
        before = now
        return done

    wait_until(settled, timeout=60, every=0)

    events = Counter(
        MessageEvent.objects.filter(
            message__in=messages, kind=MessageEvent.Kind.ESCALATED
        ).values_list("message_id", flat=True)
    )
    assert events == {m.pk: 1 for m in messages}, desk_stack.logs()

    escalations: Counter[tuple[str, str]] = Counter()
    confirmations: Counter[str] = Counter()
    for sent in sent_mail(mail):
        (to,) = [str(a) for a in sent["To"].addresses]
        text = text_of(sent)
        listed = [code for code in codes if code in text]
        if to in staff:
            assert listed, text
            escalations.update((to, code) for code in listed)
        else:
            confirmations[to] += 1
    assert escalations == {(to, code): 1 for to in staff for code in codes}, desk_stack.logs()
    assert confirmations == {m.email: 1 for m in messages}, desk_stack.logs()
    assert all(p.alive() for p in desk_stack.processes), desk_stack.logs()

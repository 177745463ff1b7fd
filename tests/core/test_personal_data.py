"""Citizens' personal data: one person found in every capability by either spelling of their
mobile (or their e-mail) and exported with Persian labels, audited; anonymized by the daily
task only after the retention period counted from the case's closing, only for closed cases,
idempotently, with the records and the public figures unchanged."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from ravabet.core import personal_data, registry
from ravabet.core.models import AuditEntry
from ravabet.core.personal_data import ANONYMIZED, Contact, ContactError
from ravabet.desk import selectors as desk_selectors
from ravabet.desk import services as desk
from ravabet.desk.models import Attachment, Message, MessageEvent
from ravabet.events import services as events
from ravabet.events.models import Registration
from ravabet.newsroom.models import Subscription
from tests.factories import make_attendee, make_event
from tests.files import image_bytes

pytestmark = pytest.mark.django_db

MOBILE = "09121234567"
DAYS = 730


@pytest.fixture(autouse=True)
def _quiet(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RAVABET_PERSONAL_DATA_RETENTION_DAYS = DAYS


def submit(world: Any, **overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "kind": "complaint",
        "subject": "آسفالت کوچهٔ شهید رضایی",
        "body": "من زهرا کریمی هستم؛ با ۰۹۱۲۱۲۳۴۵۶۷ تماس بگیرید. کوچه سه ماه است خاکی مانده.",
        "agency": world.roads,
        "citizen_name": "زهرا کریمی",
        "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "email": "Zahra@Example.ir",
    }
    fields.update(overrides)
    return desk.message_submit(data=desk.MessageInput(**fields))


def closed(world: Any, **overrides: Any) -> Message:
    """Answered by the agency, rated by the citizen: closed now."""
    message = submit(
        world,
        attachments=[SimpleUploadedFile("عکس.png", image_bytes(), content_type="image/png")],
        **overrides,
    )
    desk.message_note(
        actor=world.officer_roads, message=message, text="خانم زهرا کریمی دوباره زنگ زد."
    )
    desk.message_answer(
        actor=world.officer_roads, message=message, text="کوچه در برنامهٔ آسفالت خرداد است."
    )
    return desk.message_rate(message=message, rating=4, comment="ممنون")


def after(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def figures(message: Message) -> dict[str, Any]:
    """What the public figures and the timeline are made of."""
    row = (
        Message.objects.filter(pk=message.pk)
        .values(
            "status",
            "kind",
            "agency",
            "sla_days",
            "due_at",
            "first_answered_at",
            "first_answer_days",
            "answered_in_time",
            "rating",
            "reopen_count",
            "created_at",
            "closed_at",
            "updated_at",
        )
        .get()
    )
    row["events"] = list(message.events.values_list("kind", "created_at"))
    return row


# --- finding and exporting -------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["۰۹۱۲۱۲۳۴۵۶۷", "+98 912 123 4567", "00989121234567", "9121234567"]
)
def test_every_spelling_of_a_mobile_finds_the_same_person(world: Any, spelling: str) -> None:
    message = submit(world)
    submit(world, mobile="09351112233", citizen_name="علی رضایی", email="")
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    events.registration_create(
        actor=world.officer_roads,
        event=event,
        agency=world.roads,
        data=make_attendee(phone="+98 912-123-4567"),
    )
    found = personal_data.find(Contact.of(mobile=spelling))
    assert [r["کد رهگیری"] for r in found["desk"]["سوابق"]] == [message.code_display]
    assert found["desk"]["سوابق"][0]["نام"] == "زهرا کریمی"
    assert [r["رویداد"] for r in found["events"]["سوابق"]] == [event.title]
    assert found == personal_data.find(Contact.of(mobile="+989121234567"))


def test_an_email_finds_messages_and_subscriptions_whatever_its_case(world: Any) -> None:
    submit(world)
    Subscription.objects.create(email="zahra@example.ir", agency=world.roads)
    found = personal_data.find(Contact.of(email=" ZAHRA@example.IR "))
    assert len(found["desk"]["سوابق"]) == 1
    assert found["newsroom"]["سوابق"][0]["موضوع"] == str(world.roads)
    assert personal_data.find(Contact.of(email="someone@example.ir")) == {}


@pytest.mark.parametrize(
    ("mobile", "email", "message"),
    [
        ("", "", "یکی از این دو"),
        ("0912", "", "شمارهٔ تلفن درست نیست"),
        ("", "not-an-address", "رایانامه درست نیست"),
        ("09121234567", "a@b.ir", "یکی از این دو"),
    ],
)
def test_a_contact_that_is_no_number_or_address_is_refused(
    mobile: str, email: str, message: str
) -> None:
    with pytest.raises(ContactError, match=message):
        Contact.of(mobile=mobile, email=email)


def test_the_export_command_writes_json_with_persian_labels_and_is_audited(
    world: Any, tmp_path: Path
) -> None:
    message = submit(world)
    out = tmp_path / "zahra.json"
    call_command("personal_data", "export", "--mobile", "+98 912 123 4567", "--out", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["درخواست"]["تلفن همراه"] == MOBILE
    record = document["بخش‌ها"]["desk"]["سوابق"][0]
    assert record["کد رهگیری"] == message.code_display
    assert record["رایانامه"] == "Zahra@Example.ir" and record["تلفن همراه"] == MOBILE
    assert out.stat().st_mode & 0o077 == 0
    entry = AuditEntry.objects.filter(action="personal_data.export").get()
    # The log says whose data left, masked, and how much: not the number itself.
    assert entry.data["contact"] == "0912***4567" and entry.data["found"] == {"desk": 1}
    assert entry.data["via"].startswith("ravabet personal_data export (")
    assert MOBILE not in json.dumps(entry.data)


def test_the_export_command_refuses_a_wrong_number_in_persian() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ravabet.cli", "personal-data", "export", "--mobile", "12"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "شمارهٔ تلفن درست نیست" in done.stderr


# --- retention ---------------------------------------------------------------------------------


def test_a_closed_message_is_anonymized_only_after_the_retention_period(world: Any) -> None:
    message = closed(world)
    before = figures(message)
    assert personal_data.anonymize_expired(now=after(DAYS - 1))["desk"] == 0
    assert Message.objects.get(pk=message.pk).mobile == MOBILE

    assert personal_data.anonymize_expired(now=after(DAYS + 1))["desk"] == 1
    message.refresh_from_db()
    assert (message.citizen_name, message.mobile, message.email) == (ANONYMIZED, "", "")
    # What named her in her own text and in the officer's note is gone too; the rest stays.
    assert "زهرا" not in message.body and "۰۹۱۲۱۲۳۴۵۶۷" not in message.body
    assert "کوچه سه ماه است خاکی مانده" in message.body
    assert not MessageEvent.objects.filter(message=message, text__contains="زهرا").exists()
    assert not Attachment.objects.filter(message=message).exists()
    assert personal_data.find(Contact.of(mobile=MOBILE)).get("desk") is None
    # The record and its figures are as they were.
    assert figures(message) == before
    entry = AuditEntry.objects.filter(action="personal_data.anonymize").get()
    assert entry.data["records"] == {"desk": 1}


def test_anonymizing_twice_changes_nothing_more(world: Any) -> None:
    message = closed(world)
    assert personal_data.anonymize_expired(now=after(DAYS + 1))["desk"] == 1
    once = Message.objects.filter(pk=message.pk).values().get()
    again = personal_data.anonymize_expired(now=after(DAYS + 2))
    assert again["desk"] == 0
    assert Message.objects.filter(pk=message.pk).values().get() == once
    assert AuditEntry.objects.filter(action="personal_data.anonymize").count() == 1


def test_an_open_or_answered_case_is_never_anonymized_however_old(world: Any) -> None:
    waiting = submit(world)
    answered = submit(world, subject="چراغ خاموش کوچه")
    desk.message_answer(actor=world.officer_roads, message=answered, text="درست شد.")
    done = personal_data.anonymize_expired(now=after(DAYS * 3))
    assert done["desk"] == 0
    assert Message.objects.filter(pk__in=[waiting.pk, answered.pk], mobile=MOBILE).count() == 2


def test_the_public_figures_are_the_same_after_anonymizing(world: Any) -> None:
    closed(world)
    submit(world, subject="پیام دوم")
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    before = desk_selectors.statistics_between(start, end)
    personal_data.anonymize_expired(now=after(DAYS + 1))
    assert desk_selectors.statistics_between(start, end) == before


def test_event_attendees_are_anonymized_once_the_event_is_long_over(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate)
    for name, phone in (("مریم احمدی", "09121234567"), ("رضا صالحی", "09129876543")):
        registration = events.registration_create(
            actor=world.officer_roads,
            event=event,
            agency=world.roads,
            data=make_attendee(name=name, phone=phone, email="m@example.ir"),
        )
    events.registration_check_in(actor=world.directorate_staff, registration=registration)
    # A week before the event (its future end) plus the period: nothing yet.
    assert personal_data.anonymize_expired(now=after(DAYS))["events"] == 0
    assert personal_data.anonymize_expired(now=after(DAYS + 8))["events"] == 2
    rows = list(Registration.objects.order_by("pk").values("name", "phone", "email", "status"))
    assert {r["name"] for r in rows} == {ANONYMIZED} and {r["email"] for r in rows} == {""}
    assert all(not r["phone"].startswith("09") for r in rows)
    assert [r["status"] for r in rows] == ["registered", "registered"]
    assert Registration.objects.filter(attended_at__isnull=False).count() == 1
    assert personal_data.anonymize_expired(now=after(DAYS + 9))["events"] == 0


def test_the_daily_task_is_registered_and_anonymizes(world: Any) -> None:
    assert any(
        t.task == "ravabet.core.personal_data.anonymize_expired_task" and t.at
        for t in registry.periodic_tasks()
    )
    message = closed(world)
    Message.objects.filter(pk=message.pk).update(closed_at=after(-DAYS - 1))
    result = personal_data.anonymize_expired_task.enqueue()
    assert result.return_value["desk"] == 1
    assert Message.objects.get(pk=message.pk).mobile == ""


def test_a_survey_response_is_found_by_its_mobile_hash_and_unlinked_after_closing(
    world: Any,
) -> None:
    from ravabet.surveys.models import Response, Survey
    from ravabet.surveys.services.answers import mobile_key
    from tests.surveys.conftest import make_survey

    survey = make_survey(world.directorate, kinds=["rating5"], verify_mobile=True)
    response = Response.objects.create(
        survey=survey,
        status=Response.Status.COMPLETE,
        mobile_key=mobile_key(survey, MOBILE),
        submitted_at=timezone.now(),
    )
    found = personal_data.find(Contact.of(mobile="+98 912 123 4567"))
    assert [r["نظرسنجی"] for r in found["surveys"]["سوابق"]] == [survey.title]
    # Still open: the hash keeps a number from answering twice.
    assert personal_data.anonymize_expired(now=after(DAYS + 1))["surveys"] == 0
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.CLOSED, closes_at=timezone.now())
    assert personal_data.anonymize_expired(now=after(DAYS - 1))["surveys"] == 0
    assert personal_data.anonymize_expired(now=after(DAYS + 1))["surveys"] == 1
    response.refresh_from_db()
    assert response.mobile_key == "" and response.status == Response.Status.COMPLETE
    assert "surveys" not in personal_data.find(Contact.of(mobile=MOBILE))

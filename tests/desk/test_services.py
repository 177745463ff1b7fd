"""Every write of the citizen desk: each step, each refusal with its Persian message, the audit
entry it leaves, and nothing changed when it is refused. (The working-day calendar itself is
tested in tests/core/test_calendar.py; here, only that the desk's clocks run on it.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from ravabet.core import jalali, sms
from ravabet.core.calendar.models import Occasion, WorkingWeek
from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.desk import selectors, services
from ravabet.desk.models import Attachment, Message, MessageEvent, ReplyTemplate, SlaRule, Status
from ravabet.desk.services import DeskError
from tests.factories import AgencyFactory, CountyFactory
from tests.files import PDF, image_bytes

pytestmark = pytest.mark.django_db

EV = MessageEvent.Kind
TEHRAN = jalali.local_tz()


@pytest.fixture(autouse=True)
def _outboxes(settings: Any) -> None:
    """SMS kept in memory, tasks run at once, so a notice can be seen leaving."""
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sms.outbox.clear()


def make_message(agency: Any = None, **overrides: Any) -> Message:
    """A citizen's request through the public door (no agency: the directorate's triage)."""
    fields: dict[str, Any] = {
        "kind": "request",
        "subject": "آسفالت کوچهٔ شهید رضایی",
        "body": "کوچهٔ ما پس از لوله‌کشی گاز سه ماه است خاکی مانده و بچه‌ها زمین می‌خورند.",
        "agency": agency,
        "citizen_name": "زهرا کریمی",
        "mobile": "09121234567",
        "email": "zahra@example.ir",
    }
    fields.update(overrides)
    return services.message_submit(data=services.MessageInput(**fields))


def answered(world: Any, **overrides: Any) -> Message:
    message = make_message(world.roads, **overrides)
    return services.message_answer(
        actor=world.officer_roads, message=message, text="کوچه در برنامهٔ آسفالت خرداد است."
    )


def state(message: Message) -> tuple[dict[str, Any], int, int]:
    """Everything a refused step must leave as it was: the row, its timeline, the audit log."""
    row = Message.objects.filter(pk=message.pk).values().get()
    row.pop("updated_at")
    return row, MessageEvent.objects.count(), AuditEntry.objects.count()


@contextmanager
def unchanged(*messages: Message) -> Iterator[None]:
    before = [state(m) for m in messages]
    yield
    assert [state(m) for m in messages] == before


def refused(
    exc: type[Exception], call: Any, *messages: Message, match: str = ""
) -> pytest.ExceptionInfo[Any]:
    """The step raises `exc` (with `match` in its message) and changes nothing."""
    with unchanged(*messages), pytest.raises(exc) as caught:
        call()
    assert match in " ".join(getattr(caught.value, "messages", [str(caught.value)]))
    return caught


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def kinds(message: Message) -> list[str]:
    return [e.kind for e in message.events.order_by("pk")]


# --- receiving ------------------------------------------------------------------------------


def test_a_message_for_an_agency_enters_its_inbox_with_a_clock(world: Any) -> None:
    county = CountyFactory(slug="rey", name="ری")
    message = make_message(world.roads, county=county, mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷")
    assert message.status == Status.RECEIVED and message.agency == world.roads
    assert message.mobile == "09121234567" and message.county == county
    assert message.sla_days == 7 and message.due_at > message.created_at
    assert kinds(message) == [EV.RECEIVED]
    entry = last_audit("message.receive")
    assert entry.agency == world.roads and entry.to_state == Status.RECEIVED
    assert entry.data == {"kind": "request", "channel": "web"}


def test_a_message_for_no_agency_waits_in_triage(world: Any) -> None:
    message = make_message(None)
    assert message.status == Status.TRIAGE and message.agency is None
    assert last_audit("message.receive").to_state == Status.TRIAGE


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"subject": "  "}, "subject", "موضوع پیام را بنویسید."),
        ({"body": ""}, "body", "متن پیام را بنویسید."),
        ({"mobile": "۰۹۱۲"}, "mobile", "یازده رقم"),
        ({"email": "zahra@"}, "email", "نشانی رایانامه درست نیست"),
        ({"mobile": "", "email": ""}, "mobile", "شمارهٔ همراه یا نشانی رایانامه را بنویسید"),
        ({"kind": "inquiry"}, "kind", "نوع پیام را از فهرست برگزینید."),
        ({"body": "ب" * 50_000}, "body", "متن پیام"),
    ],
)
def test_a_message_that_cannot_be_received_is_refused_in_persian(
    world: Any, overrides: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_message(world.roads, **overrides)
    assert text in " ".join(caught.value.message_dict[field])
    assert not Message.objects.exists() and not AuditEntry.objects.exists()


def test_an_inactive_agency_takes_no_message(world: Any) -> None:
    world.health.is_active = False
    world.health.save()
    with pytest.raises(ValidationError) as caught:
        make_message(world.health)
    assert "دیگر پیام نمی‌پذیرد" in caught.value.message_dict["agency"][0]


def test_attachments_are_kept_in_private_storage(world: Any) -> None:
    message = make_message(
        world.roads,
        attachments=[
            SimpleUploadedFile("کوچه.png", image_bytes()),
            SimpleUploadedFile("نامه.pdf", PDF),
        ],
    )
    files = list(Attachment.objects.filter(message=message).order_by("pk"))
    assert [a.content_type for a in files] == ["image/png", "application/pdf"]
    assert [a.original_name for a in files] == ["کوچه.png", "نامه.pdf"]
    assert all("کوچه" not in a.file.name for a in files)  # stored under a random name


def test_more_attachments_than_allowed_are_refused(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_MAX_ATTACHMENTS = 1
    uploads = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(2)]
    with pytest.raises(ValidationError) as caught:
        make_message(world.roads, attachments=uploads)
    assert "بیش از ۱ پیوست" in caught.value.message_dict["attachments"][0]


# --- the clock: working days ------------------------------------------------------------------


def tehran(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TEHRAN)


def deadline_day(message: Message) -> dt.date:
    """The last day of the clock (due_at is the midnight that ends it)."""
    return (jalali.to_local(message.due_at) - dt.timedelta(seconds=1)).date()


def test_the_deadline_counts_working_days_and_skips_the_weekend(world: Any) -> None:
    Occasion.objects.all().delete()  # no holiday in the way: only the week counts here
    SlaRule.objects.create(kind="request", working_days=3)
    # Tuesday 2026-06-02: Wednesday is the 1st working day, Thursday and Friday are off,
    # Saturday the 2nd, Sunday the 3rd.
    with freeze_time(tehran(2026, 6, 2)):
        message = make_message(world.roads)
    assert message.sla_days == 3
    assert deadline_day(message) == dt.date(2026, 6, 7)
    assert jalali.to_local(message.due_at) == tehran(2026, 6, 8, 0)


def test_a_holiday_moves_the_deadline_and_the_directorates_week_is_used(world: Any) -> None:
    Occasion.objects.all().delete()
    SlaRule.objects.create(kind="complaint", working_days=2)
    # 1405/03/16 is Saturday 2026-06-06: made a holiday for this test.
    Occasion.objects.create(title="تعطیلی آزمایشی", year=1405, month=3, day=16, is_holiday=True)
    with freeze_time(tehran(2026, 6, 3)):  # a Wednesday
        message = make_message(world.roads, kind="complaint")
    # Thursday, Friday off; Saturday a holiday; Sunday 1st; Monday 2nd.
    assert deadline_day(message) == dt.date(2026, 6, 8)
    WorkingWeek.objects.create(weekdays=[5, 6, 0, 1, 2, 3])  # Thursdays worked too
    with freeze_time(tehran(2026, 6, 3)):
        message = make_message(world.roads, kind="complaint")
    assert deadline_day(message) == dt.date(2026, 6, 7)  # Thursday 1st, Sunday 2nd


def test_a_first_answer_counts_its_working_days_and_whether_in_time(world: Any) -> None:
    Occasion.objects.all().delete()
    SlaRule.objects.create(kind="request", working_days=1)
    with freeze_time(tehran(2026, 6, 2)):  # Tuesday; due at the end of Wednesday
        message = make_message(world.roads)
    with freeze_time(tehran(2026, 6, 6)):  # Saturday: two working days on, past the deadline
        services.message_answer(actor=world.officer_roads, message=message, text="پاسخ دیرهنگام")
    message.refresh_from_db()
    assert message.first_answer_days == 2 and message.answered_in_time is False


# --- the citizen's answer to the answer ---------------------------------------------------------


def test_rating_closes_the_message(world: Any) -> None:
    message = answered(world)
    services.message_rate(message=message, rating=5, comment="سپاس از پیگیری")
    message.refresh_from_db()
    assert (message.status, message.rating, message.rating_comment) == (
        Status.CLOSED,
        5,
        "سپاس از پیگیری",
    )
    assert message.closed_at is not None and kinds(message)[-1] == EV.RATED
    entry = last_audit("message.rate")
    assert (entry.from_state, entry.to_state, entry.actor) == (Status.ANSWERED, Status.CLOSED, None)


def test_rating_is_refused_before_an_answer_twice_and_out_of_range(world: Any) -> None:
    message = make_message(world.roads)
    refused(
        DeskError,
        lambda: services.message_rate(message=message, rating=4),
        message,
        match="پیام هنوز پاسخ داده نشده است",
    )
    message = answered(world)
    refused(
        ValidationError,
        lambda: services.message_rate(message=message, rating=6),
        message,
        match="از ۱ تا ۵",
    )
    services.message_rate(message=message, rating=3)
    refused(
        DeskError,
        lambda: services.message_rate(message=message, rating=4),
        message,
        match="پیش‌تر ارزیابی شده است",
    )


def test_reopening_restarts_the_clock_once(world: Any) -> None:
    Occasion.objects.all().delete()
    with freeze_time(tehran(2026, 6, 2)):
        message = answered(world)
        first_due = message.due_at
    Message.objects.filter(pk=message.pk).update(escalated_at=timezone.now())
    with freeze_time(tehran(2026, 6, 20)):  # a Saturday, weeks later
        services.message_reopen(message=message, reason="کوچه هنوز آسفالت نشده است.")
    message.refresh_from_db()
    assert message.status == Status.REOPENED and message.reopen_count == 1
    assert message.reopen_reason == "کوچه هنوز آسفالت نشده است."
    assert message.due_at > first_due and message.escalated_at is None
    assert deadline_day(message) == dt.date(2026, 6, 29)  # 7 working days from Sunday the 21st
    assert last_audit("message.reopen").to_state == Status.REOPENED
    services.message_answer(actor=world.officer_roads, message=message, text="آسفالت شد.")
    refused(
        DeskError,
        lambda: services.message_reopen(message=message, reason="باز هم نه"),
        message,
        match="تنها یک بار بازگشایی می‌شود",
    )


def test_reopening_needs_a_reason_and_an_open_answer(world: Any) -> None:
    message = answered(world)
    refused(
        ValidationError,
        lambda: services.message_reopen(message=message, reason=" "),
        message,
        match="بنویسید چرا پاسخ کافی نبود",
    )
    fresh = make_message(world.roads)
    refused(
        DeskError,
        lambda: services.message_reopen(message=fresh, reason="هنوز پاسخی نیامده"),
        fresh,
        match="تنها پیامی که پاسخ داده شده",
    )


# --- the agency's work ------------------------------------------------------------------------


def test_assigning_starts_the_work_and_taking_back_undoes_it(world: Any) -> None:
    message = make_message(world.roads)
    services.message_assign(actor=world.head_roads, message=message, assignee=world.officer_roads)
    message.refresh_from_db()
    assert message.assignee == world.officer_roads and message.status == Status.IN_PROGRESS
    entry = last_audit("message.assign")
    assert entry.actor == world.head_roads and entry.data == {"assignee": "officer.roads"}
    assert (entry.from_state, entry.to_state) == (Status.RECEIVED, Status.IN_PROGRESS)
    services.message_assign(actor=world.head_roads, message=message, assignee=None)
    message.refresh_from_db()
    assert message.assignee is None and message.status == Status.RECEIVED
    assert kinds(message) == [EV.RECEIVED, EV.ASSIGNED]


def test_assigning_refuses_a_stranger_triage_and_a_closed_message(world: Any) -> None:
    message = make_message(world.roads)
    refused(
        ValidationError,
        lambda: services.message_assign(
            actor=world.head_roads, message=message, assignee=world.officer_health
        ),
        message,
        match="کارشناس باید از کارکنان همین دستگاه باشد",
    )
    triage = make_message(None)
    refused(
        DeskError,
        lambda: services.message_assign(
            actor=world.directorate_staff, message=triage, assignee=None
        ),
        triage,
        match="پیش از سپردن به کارشناس",
    )
    services.message_mark_spam(actor=world.officer_roads, message=message)
    refused(
        DeskError,
        lambda: services.message_assign(
            actor=world.head_roads, message=message, assignee=world.officer_roads
        ),
        message,
        match="«هرزنامه» است و سپرده نمی‌شود",
    )


def test_a_note_is_internal(world: Any) -> None:
    message = make_message(world.roads)
    note = services.message_note(
        actor=world.officer_roads, message=message, text="با معاونت فنی هماهنگ شد."
    )
    assert note.kind == EV.NOTE and note.is_public is False and note.actor == world.officer_roads
    assert note not in selectors.public_timeline(message)
    assert last_audit("message.note").agency == world.roads
    refused(
        ValidationError,
        lambda: services.message_note(actor=world.officer_roads, message=message, text="\u200c "),
        message,
        match="متن یادداشت را بنویسید",
    )


def test_an_answer_is_public_and_told_to_the_citizen(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = make_message(world.roads)
    sms.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_answer(
            actor=world.officer_roads, message=message, text="  در برنامهٔ آسفالت خرداد است. "
        )
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.answer == "در برنامهٔ آسفالت خرداد است."
    assert message.answered_by == world.officer_roads and message.first_answered_at is not None
    assert message.answered_in_time is True
    assert [s.to for s in sms.outbox] == ["09121234567"]
    assert message.code_display in sms.outbox[0].text
    assert [m.to for m in mail.outbox] == [["zahra@example.ir"]]
    entry = last_audit("message.answer")
    assert (entry.from_state, entry.to_state) == (Status.RECEIVED, Status.ANSWERED)


def test_an_answer_is_refused_empty_in_triage_and_when_closed(world: Any) -> None:
    message = make_message(world.roads)
    refused(
        ValidationError,
        lambda: services.message_answer(actor=world.officer_roads, message=message, text=""),
        message,
        match="متن پاسخ را بنویسید",
    )
    refused(
        ValidationError,
        lambda: services.message_answer(
            actor=world.officer_roads, message=message, text="پ" * 10_001
        ),
        message,
    )
    triage = make_message(None)
    refused(
        DeskError,
        lambda: services.message_answer(actor=world.directorate_staff, message=triage, text="پاسخ"),
        triage,
        match="در انتظار ارجاع است",
    )
    done = answered(world)
    services.message_rate(message=done, rating=4)
    refused(
        DeskError,
        lambda: services.message_answer(actor=world.officer_roads, message=done, text="باز هم"),
        done,
        match="«بسته» است و پاسخ داده نمی‌شود",
    )


# --- transfers: the agency asks, the directorate decides --------------------------------------


def test_an_agency_asks_and_the_directorate_routes(world: Any) -> None:
    message = make_message(world.roads)
    services.message_request_transfer(
        actor=world.officer_roads,
        message=message,
        to_agency=world.health,
        reason="موضوع بهداشت محیط است، نه راه.",
    )
    message.refresh_from_db()
    assert message.status == Status.TRIAGE and message.agency == world.roads
    assert message.transfer_to == world.health
    assert message.transfer_reason == "موضوع بهداشت محیط است، نه راه."
    assert last_audit("message.transfer_request").data == {"to": world.health.name}
    assert message in selectors.inbox_for(world.directorate_staff, triage=True)
    refused(
        DeskError,
        lambda: services.message_request_transfer(
            actor=world.officer_roads, message=message, to_agency=world.health, reason="دوباره"
        ),
        message,
        match="پیش‌تر فرستاده شده است",
    )
    services.message_route(actor=world.directorate_staff, message=message, agency=world.health)
    message.refresh_from_db()
    assert (message.status, message.agency, message.transfer_to) == (
        Status.RECEIVED,
        world.health,
        None,
    )
    assert kinds(message)[-1] == EV.TRANSFERRED
    entry = last_audit("message.route")
    assert entry.data == {"from": world.roads.name, "to": world.health.name}
    assert not selectors.inbox_for(world.officer_roads).filter(pk=message.pk).exists()


def test_the_directorate_refuses_a_transfer_and_the_agency_keeps_it(world: Any) -> None:
    message = make_message(world.roads)
    services.message_assign(actor=world.head_roads, message=message, assignee=world.officer_roads)
    services.message_request_transfer(
        actor=world.officer_roads, message=message, to_agency=world.health, reason="از آنِ ما نیست"
    )
    refused(
        ValidationError,
        lambda: services.message_refuse_transfer(
            actor=world.directorate_staff, message=message, reason=""
        ),
        message,
        match="بنویسید چرا ارجاع پذیرفته نشد",
    )
    services.message_refuse_transfer(
        actor=world.directorate_staff, message=message, reason="نگهداری کوچه با راه و شهرسازی است."
    )
    message.refresh_from_db()
    assert (message.status, message.agency, message.transfer_to) == (
        Status.IN_PROGRESS,
        world.roads,
        None,
    )
    event = message.events.latest("pk")
    assert event.kind == EV.TRANSFER_REFUSED and event.is_public is False
    assert event.text == "نگهداری کوچه با راه و شهرسازی است."
    assert last_audit("message.transfer_refuse").to_state == Status.IN_PROGRESS
    refused(
        DeskError,
        lambda: services.message_refuse_transfer(
            actor=world.directorate_staff, message=message, reason="باز هم"
        ),
        message,
        match="درخواست ارجاعی برای این پیام در انتظار نیست",
    )


def test_a_transfer_by_the_directorate_moves_at_once(world: Any) -> None:
    message = make_message(world.roads)
    services.message_request_transfer(
        actor=world.directorate_staff, message=message, to_agency=world.health, reason="بهداشت"
    )
    message.refresh_from_db()
    assert message.status == Status.RECEIVED and message.agency == world.health
    assert [e.kind for e in message.events.order_by("pk")][-2:] == [EV.TRANSFERRED, EV.NOTE]


def test_a_transfer_is_refused_to_the_same_or_an_inactive_agency_or_without_reason(
    world: Any,
) -> None:
    message = make_message(world.roads)
    refused(
        ValidationError,
        lambda: services.message_request_transfer(
            actor=world.officer_roads, message=message, to_agency=world.roads, reason="اشتباه"
        ),
        message,
        match="هم‌اکنون نزد همین دستگاه است",
    )
    refused(
        ValidationError,
        lambda: services.message_request_transfer(
            actor=world.officer_roads, message=message, to_agency=world.health, reason=""
        ),
        message,
        match="دلیل ارجاع را بنویسید",
    )
    closed = AgencyFactory(is_active=False)
    refused(
        ValidationError,
        lambda: services.message_request_transfer(
            actor=world.officer_roads, message=message, to_agency=closed, reason="منحل شده"
        ),
        message,
        match="دیگر پیام نمی‌پذیرد",
    )
    refused(
        ValidationError,
        lambda: services.message_route(
            actor=world.directorate_staff, message=message, agency=world.roads
        ),
        message,
        match="هم‌اکنون نزد همین دستگاه است",
    )


def test_triage_is_routed_to_an_agency_and_its_clock_keeps_running(world: Any) -> None:
    message = make_message(None)
    services.message_route(
        actor=world.directorate_staff,
        message=message,
        agency=world.roads,
        reason="مسیر عبور با راه و شهرسازی است.",
    )
    routed = Message.objects.get(pk=message.pk)
    assert (routed.status, routed.agency) == (Status.RECEIVED, world.roads)
    assert routed.due_at == message.due_at  # the citizen has waited since the receipt
    assert kinds(routed) == [EV.RECEIVED, EV.ROUTED, EV.NOTE]
    assert last_audit("message.route").data == {"from": "", "to": world.roads.name}


def test_a_reopened_message_moved_by_the_directorate_stays_reopened(world: Any) -> None:
    message = answered(world)
    services.message_reopen(message=message, reason="پاسخ نامربوط بود")
    services.message_route(actor=world.directorate_staff, message=message, agency=world.health)
    message.refresh_from_db()
    assert (message.status, message.agency) == (Status.REOPENED, world.health)


# --- duplicates and spam ----------------------------------------------------------------------


def test_merging_closes_the_duplicate_and_notes_it_on_the_original(world: Any) -> None:
    original = make_message(world.roads)
    duplicate = make_message(world.roads, mobile="09351112233", email="")
    services.message_merge(actor=world.officer_roads, message=duplicate, into=original)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    assert duplicate.closed_at is not None and kinds(duplicate)[-1] == EV.MERGED
    note = original.events.latest("pk")
    assert note.kind == EV.NOTE and duplicate.code_display in note.text
    assert last_audit("message.merge").data == {"into": original.pk}
    assert selectors.answer_for_citizen(duplicate) == original


def test_merging_locks_both_messages_in_one_statement_in_id_order(world: Any) -> None:
    """Both rows are locked at once, lowest id first, so two merges the other way round wait
    for each other instead of deadlocking."""
    original = make_message(world.roads)
    duplicate = make_message(world.roads)
    with CaptureQueriesContext(connection) as queries:
        services.message_merge(actor=world.officer_roads, message=original, into=duplicate)
    both = [
        q["sql"]
        for q in queries.captured_queries
        if "desk_message" in q["sql"]
        and f"IN ({original.pk}, {duplicate.pk})" in q["sql"].replace("'", "")
    ]
    assert len(both) == 1 and "ORDER BY" in both[0]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in both[0]


def test_a_duplicate_merged_into_an_answered_message_is_told_of_its_answer(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    original = answered(world)
    duplicate = make_message(world.roads, mobile="09351112233", email="")
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_merge(actor=world.officer_roads, message=duplicate, into=original)
    assert [s.to for s in sms.outbox] == ["09351112233"]
    assert duplicate.code_display in sms.outbox[0].text


def test_answering_a_message_tells_the_citizens_of_its_duplicates(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    original = make_message(world.roads)
    duplicate = make_message(world.roads, mobile="09351112233", email="")
    services.message_merge(actor=world.officer_roads, message=duplicate, into=original)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_answer(actor=world.officer_roads, message=original, text="آسفالت شد.")
    assert sorted(s.to for s in sms.outbox) == ["09121234567", "09351112233"]


def test_merging_is_refused_across_agencies_into_itself_or_into_a_merged_one(world: Any) -> None:
    ours = make_message(world.roads)
    theirs = make_message(world.health)
    refused(
        ValidationError,
        lambda: services.message_merge(actor=world.directorate_staff, message=ours, into=theirs),
        ours,
        theirs,
        match="تنها پیام‌های یک دستگاه با هم ادغام می‌شوند",
    )
    refused(
        ValidationError,
        lambda: services.message_merge(actor=world.officer_roads, message=ours, into=ours),
        ours,
        match="با خودش ادغام",
    )
    other = make_message(world.roads)
    third = make_message(world.roads)
    services.message_merge(actor=world.officer_roads, message=other, into=third)
    refused(
        ValidationError,
        lambda: services.message_merge(actor=world.officer_roads, message=ours, into=other),
        ours,
        other,
        match="خودش ادغام‌شده یا هرزنامه است",
    )
    refused(
        DeskError,
        lambda: services.message_merge(actor=world.officer_roads, message=other, into=ours),
        ours,
        other,
        match="«ادغام‌شده» است و ادغام نمی‌شود",
    )


def test_spam_is_set_aside_and_counted_nowhere(world: Any) -> None:
    message = make_message(world.roads, subject="فروش ویژهٔ لوازم خانگی")
    services.message_mark_spam(actor=world.officer_roads, message=message, reason="آگهی")
    message.refresh_from_db()
    assert message.status == Status.SPAM and message.closed_at is not None
    assert kinds(message)[-1] == EV.SPAM and message.events.latest("pk").is_public is False
    assert last_audit("message.spam").to_state == Status.SPAM
    assert not selectors.inbox_for(world.officer_roads, status="open").filter(pk=message.pk)
    refused(
        DeskError,
        lambda: services.message_mark_spam(actor=world.officer_roads, message=message),
        message,
        match="«هرزنامه» است و هرزنامه شمرده نمی‌شود",
    )


# --- personal data ----------------------------------------------------------------------------


def test_the_handling_agency_sees_the_contact_and_the_look_is_audited(world: Any) -> None:
    message = make_message(world.roads)
    contact = services.message_reveal_contact(actor=world.officer_roads, message=message)
    assert contact == {"name": "زهرا کریمی", "mobile": "09121234567", "email": "zahra@example.ir"}
    entry = last_audit("message.contact_view")
    assert entry.actor == world.officer_roads and entry.object_id == str(message.pk)


def test_an_anonymous_citizens_contact_is_the_directorates_only(world: Any) -> None:
    message = make_message(world.roads, is_anonymous=True)
    caught = refused(
        AgencyPermissionDenied,
        lambda: services.message_reveal_contact(actor=world.head_roads, message=message),
        message,
    )
    assert "پنهان بماند" in str(caught.value)
    assert services.message_reveal_contact(actor=world.directorate_staff, message=message)[
        "name"
    ] == ("زهرا کریمی")
    assert AuditEntry.objects.filter(action="message.contact_view").count() == 1


# --- the desk's settings ----------------------------------------------------------------------


def test_the_directorate_sets_the_working_days_of_a_kind(world: Any) -> None:
    services.sla_rule_save(actor=world.directorate_staff, kind="complaint", working_days=10)
    assert services.sla_days_for("complaint") == 10
    services.sla_rule_save(actor=world.directorate_staff, kind="complaint", working_days=5)
    assert SlaRule.objects.get(kind="complaint").working_days == 5
    assert last_audit("desk.sla").data == {"kind": "complaint", "from": 10, "to": 5}
    assert make_message(world.roads, kind="complaint").sla_days == 5


@pytest.mark.parametrize(
    ("kind", "days", "field", "text"),
    [
        ("complaint", 0, "working_days", "میان ۱ تا ۹۰"),
        ("complaint", 91, "working_days", "میان ۱ تا ۹۰"),
        ("gossip", 5, "kind", "نوع پیام را از فهرست برگزینید"),
    ],
)
def test_working_days_out_of_range_are_refused(
    world: Any, kind: str, days: int, field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.sla_rule_save(actor=world.directorate_staff, kind=kind, working_days=days)
    assert text in caught.value.message_dict[field][0]
    assert not SlaRule.objects.exists()


def test_an_agency_keeps_its_own_templates_and_the_directorate_the_shared_ones(world: Any) -> None:
    own = services.reply_template_save(
        actor=world.officer_roads,
        agency=world.roads,
        title="در برنامهٔ آسفالت",
        body="درخواست شما در برنامهٔ آسفالت امسال آمده است.",
    )
    shared = services.reply_template_save(
        actor=world.directorate_staff, agency=None, title="سپاس", body="از پیام شما سپاسگزاریم."
    )
    assert set(selectors.templates_for(world.roads)) == {own, shared}
    assert set(selectors.templates_for(world.health)) == {shared}
    assert last_audit("desk.template").agency is None
    services.reply_template_save(
        actor=world.head_roads, agency=None, title="  آسفالت  ", body="متن تازه", template=own
    )
    own.refresh_from_db()
    assert (own.title, own.body, own.agency) == ("آسفالت", "متن تازه", world.roads)
    services.reply_template_delete(actor=world.officer_roads, template=own)
    assert not ReplyTemplate.objects.filter(pk=own.pk).exists()
    assert last_audit("desk.template_delete").object_repr == "آسفالت"


def test_a_template_needs_a_title_and_a_text(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.reply_template_save(
            actor=world.officer_roads, agency=world.roads, title="", body=""
        )
    assert caught.value.message_dict == {
        "title": ["عنوان پاسخ آماده را بنویسید."],
        "text": ["متن پاسخ آماده را بنویسید."],
    }
    assert not ReplyTemplate.objects.exists()


def test_an_agency_cannot_write_the_shared_templates_or_anothers(world: Any) -> None:
    with pytest.raises(AgencyPermissionDenied, match="همگانی با استانداری است"):
        services.reply_template_save(
            actor=world.officer_roads, agency=None, title="سپاس", body="سپاس"
        )
    with pytest.raises(AgencyPermissionDenied, match="این دستگاه از آنِ شما نیست"):
        services.reply_template_save(
            actor=world.officer_health, agency=world.roads, title="سپاس", body="سپاس"
        )
    assert not ReplyTemplate.objects.exists()


# --- the clocks' tasks ------------------------------------------------------------------------


def test_overdue_messages_are_escalated_once_per_deadline(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = make_message(world.roads)
    answered_in_time = answered(world)
    later = message.due_at + dt.timedelta(hours=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_escalate_overdue(now=later) == [message.pk]
    message.refresh_from_db()
    assert message.escalated_at == later and kinds(message)[-1] == EV.ESCALATED
    assert [m.to for m in mail.outbox] == [["directorate@ravabet.example"]]
    assert message.code_display in mail.outbox[0].body and "?overdue=1" in mail.outbox[0].body
    assert last_audit("desk.escalate").data == {"messages": [message.pk], "count": 1}
    overdue = selectors.inbox_for(world.officer_roads, overdue=True, now=later)
    assert list(overdue) == [message] and answered_in_time not in overdue
    assert selectors.inbox_counts(world.officer_roads, now=later)["overdue"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_escalate_overdue(now=later + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == 1


def test_a_reopened_message_is_escalated_again_after_its_new_deadline(world: Any) -> None:
    message = answered(world)
    services.message_reopen(message=message, reason="کافی نبود")
    message.refresh_from_db()
    assert services.messages_escalate_overdue(now=message.due_at - dt.timedelta(hours=1)) == []
    assert services.messages_escalate_overdue(now=message.due_at + dt.timedelta(hours=1)) == [
        message.pk
    ]


def test_answered_messages_left_unrated_are_closed(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_CLOSE_AFTER_DAYS = 14
    stale = answered(world)
    fresh = answered(world)
    waiting = make_message(world.roads)
    now = timezone.now()
    Message.objects.filter(pk=stale.pk).update(answered_at=now - dt.timedelta(days=15))
    assert services.messages_close_stale(now=now) == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == Status.CLOSED and stale.closed_at == now
    assert kinds(stale)[-1] == EV.CLOSED
    assert Message.objects.get(pk=fresh.pk).status == Status.ANSWERED
    assert Message.objects.get(pk=waiting.pk).status == Status.RECEIVED


def test_a_confirmation_is_sent_once_and_one_that_never_left_is_found(world: Any) -> None:
    message = make_message(world.roads)
    assert services.confirmation_mark_sent(message.pk) is True
    assert services.confirmation_mark_sent(message.pk) is False
    lost = make_message(world.roads)
    Message.objects.filter(pk=lost.pk).update(confirmation_sent_at=None)
    later = timezone.now() + dt.timedelta(minutes=11)
    assert services.confirmations_pending(now=later) == [lost.pk]
    assert services.confirmations_pending(now=later + dt.timedelta(days=3)) == []

"""The desk's back office through the browser's eyes: the inbox and its filters, a message and
the steps taken on it, the citizen's contact, reply templates and the answer clocks, with
htmx's partials and hostile query strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.desk import services
from ravabet.desk.models import Message, MessageEvent, ReplyTemplate, SlaRule, Status
from tests.desk.test_services import make_message
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def url(name: str, message: Message) -> str:
    return reverse(f"desk:{name}", kwargs={"pk": message.pk})


def inbox() -> str:
    return reverse("desk:bo_inbox")


def clocks() -> str:
    return reverse("desk:bo_settings")


def codes(response: Any) -> set[str]:
    """The tracking codes of the messages an inbox page lists."""
    return {m.code_display for m in response.context["page"].object_list}


# --- the inbox --------------------------------------------------------------------------------


def test_the_inbox_lists_the_agencys_open_messages_with_counts(world: Any) -> None:
    first = make_message(world.roads, subject="چاله‌های بزرگراه آزادگان")
    second = make_message(world.roads, subject="تابلوی ورودی شهر افتاده")
    make_message(world.health, subject="صف طولانی درمانگاه")
    answered = make_message(world.roads, subject="پاسخ‌داده")
    services.message_answer(actor=world.officer_roads, message=answered, text="انجام شد")
    response = client_for(world.officer_roads).get(inbox())
    assert response.status_code == 200
    assert codes(response) == {first.code_display, second.code_display}
    page = text(response)
    assert "چاله‌های بزرگراه آزادگان" in page and "صف طولانی درمانگاه" not in page
    assert response.context["counts"]["open"] == 2
    assert "triage=1" not in page  # the triage tab is the directorate's


def test_the_inbox_filters_by_status_kind_assignee_and_county(world: Any) -> None:
    rey = CountyFactory(slug="rey", name="ری")
    request = make_message(world.roads, county=rey)
    complaint = make_message(world.roads, kind="complaint")
    services.message_assign(actor=world.head_roads, message=complaint, assignee=world.officer_roads)
    done = make_message(world.roads)
    services.message_answer(actor=world.officer_roads, message=done, text="انجام شد")
    client = client_for(world.officer_roads)
    assert codes(client.get(inbox(), {"kind": "complaint"})) == {complaint.code_display}
    assert codes(client.get(inbox(), {"assignee": "me"})) == {complaint.code_display}
    assert codes(client.get(inbox(), {"assignee": "none"})) == {request.code_display}
    assert codes(client.get(inbox(), {"assignee": str(world.officer_roads.pk)})) == {
        complaint.code_display
    }
    assert codes(client.get(inbox(), {"county": str(rey.pk)})) == {request.code_display}
    assert codes(client.get(inbox(), {"status": "answered"})) == {done.code_display}
    assert len(codes(client.get(inbox(), {"status": "all"}))) == 3


def test_persian_digits_in_the_filters_are_read(world: Any) -> None:
    from ravabet.persian import to_persian_digits

    rey = CountyFactory(slug="rey", name="ری")
    message = make_message(world.roads, county=rey)
    make_message(world.roads)
    response = client_for(world.officer_roads).get(
        inbox(), {"county": to_persian_digits(str(rey.pk))}
    )
    assert codes(response) == {message.code_display}


@pytest.mark.parametrize(
    "query",
    [
        {"status": "<script>"},
        {"status": "%00", "kind": "'; DROP TABLE desk_message;--"},
        {"assignee": "²"},
        {"assignee": "۱" * 5_000},
        {"county": "9" * 5_000},
        {"county": "-1", "agency": "abc"},
        {"agency": "99999999999999999999"},
        {"overdue": "maybe", "triage": "1"},
        {"page": "²"},
        {"page": "۹" * 400},
        {"status": "x" * 10_000},
    ],
)
def test_hostile_query_strings_never_break_the_inbox(world: Any, query: dict[str, str]) -> None:
    make_message(world.roads)
    for user in (world.officer_roads, world.directorate_staff):
        response = client_for(user).get(inbox(), query)
        assert response.status_code == 200


def test_an_overdue_message_is_flagged_and_so_is_its_escalation(world: Any) -> None:
    late = make_message(world.roads, subject="دیرکرد")
    make_message(world.roads, subject="به‌موقع")
    Message.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    client = client_for(world.officer_roads)
    page = text(client.get(inbox()))
    assert page.count("status status--overdue") == 1
    assert "گزارش‌شده به استانداری" not in page
    services.messages_escalate_overdue()
    response = client.get(inbox(), {"overdue": "1"})
    assert codes(response) == {late.code_display}
    assert "از مهلت گذشته" in text(response) and "گزارش‌شده به استانداری" in text(response)


def test_the_directorate_triages_and_filters_by_agency(world: Any) -> None:
    unknown = make_message(None, subject="نمی‌دانم به کجا بگویم")
    asked = make_message(world.roads, subject="از آنِ ما نیست")
    services.message_request_transfer(
        actor=world.officer_roads, message=asked, to_agency=world.health, reason="بهداشت است"
    )
    health = make_message(world.health)
    client = client_for(world.directorate_staff)
    response = client.get(inbox(), {"triage": "1"})
    assert codes(response) == {unknown.code_display, asked.code_display}
    assert response.context["counts"]["triage"] == 2
    assert "ارجاع پیشنهادی" in text(response)
    assert codes(client.get(inbox(), {"agency": str(world.health.pk)})) == {health.code_display}
    # An agency's officer asking for the triage tab gets their inbox, never the triage.
    assert unknown.code_display not in codes(
        client_for(world.officer_roads).get(inbox(), {"triage": "1"})
    )


def test_the_inbox_answers_htmx_with_its_results_only(world: Any) -> None:
    make_message(world.roads, subject="فقط نتیجه")
    response = client_for(world.officer_roads).get(inbox(), {"kind": "request"}, **HTMX)
    page = text(response)
    assert page.lstrip().startswith('<div id="inbox-results">') and "فقط نتیجه" in page
    assert "<html" not in page and "HX-Request" in response["Vary"]


def test_the_inbox_pages_in_twenty_fives(world: Any) -> None:
    for n in range(27):
        make_message(world.roads, subject=f"پیام {n}")
    client = client_for(world.officer_roads)
    assert len(client.get(inbox()).context["page"].object_list) == 25
    assert len(client.get(inbox(), {"page": "۲"}).context["page"].object_list) == 2


# --- one message ------------------------------------------------------------------------------


def test_the_message_page_shows_the_message_but_not_the_citizens_contact(world: Any) -> None:
    message = make_message(world.roads)
    services.message_note(actor=world.officer_roads, message=message, text="تماس با پیمانکار")
    response = client_for(world.officer_roads).get(url("bo_message", message))
    page = text(response)
    assert response.status_code == 200
    assert message.subject in page and message.body in page and message.code_display in page
    assert "زهرا کریمی" not in page and "09121234567" not in page and "zahra@" not in page
    assert "نمایش اطلاعات تماس" in page
    assert "تماس با پیمانکار" in page and "داخلی" in page
    assert set(response.context["forms"]) == {"note", "assign", "answer", "transfer", "spam"}


def test_the_contact_is_revealed_on_request_and_audited(world: Any) -> None:
    message = make_message(world.roads)
    client = client_for(world.officer_roads)
    assert client.get(url("bo_contact", message)).status_code == 405
    response = client.post(url("bo_contact", message), **HTMX)
    page = text(response)
    assert response.status_code == 200 and "<html" not in page
    assert "زهرا کریمی" in page and "۰۹۱۲۱۲۳۴۵۶۷" in page and "zahra@example.ir" in page
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="message.contact_view")
    assert entry.actor == world.officer_roads and entry.object_id == str(message.pk)
    page = text(client.post(url("bo_contact", message)))
    assert "<html" in page and "زهرا کریمی" in page


def test_an_anonymous_citizens_contact_is_refused_to_the_agency_in_persian(world: Any) -> None:
    message = make_message(world.roads, is_anonymous=True)
    client = client_for(world.officer_roads)
    page = text(client.get(url("bo_message", message)))
    assert "نمایش اطلاعات تماس" not in page and "پنهان بماند" in page
    response = client.post(url("bo_contact", message))
    assert response.status_code == 403 and "پنهان بماند" in text(response)
    assert "زهرا کریمی" not in text(response)
    assert not AuditEntry.objects.filter(action="message.contact_view").exists()
    response = client_for(world.directorate_staff).post(url("bo_contact", message))
    assert response.status_code == 200 and "زهرا کریمی" in text(response)


def test_attachments_are_linked_through_files(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.files import PDF

    message = make_message(world.roads, attachments=[SimpleUploadedFile("نامه.pdf", PDF)])
    page = text(client_for(world.officer_roads).get(url("bo_message", message)))
    assert "/files/desk.attachment/" in page and "نامه.pdf" in page


def test_assigning_through_the_form(world: Any) -> None:
    message = make_message(world.roads)
    client = client_for(world.head_roads)
    response = client.post(url("bo_assign", message), {"assign-assignee": world.officer_roads.pk})
    assert response.status_code == 302 and response["Location"] == url("bo_message", message)
    message.refresh_from_db()
    assert message.assignee == world.officer_roads and message.status == Status.IN_PROGRESS
    response = client.post(
        url("bo_assign", message), {"assign-assignee": world.officer_health.pk}, follow=True
    )
    assert "کارشناس باید از کارکنان همین دستگاه باشد" in text(response)
    assert Message.objects.get(pk=message.pk).assignee == world.officer_roads


def test_a_note_through_the_form_and_an_empty_one(world: Any) -> None:
    message = make_message(world.roads)
    client = client_for(world.officer_roads)
    response = client.post(url("bo_note", message), {"note-text": "  با شهرداری منطقه تماس گرفتم "})
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    note = MessageEvent.objects.filter(message=message, kind="note").get()
    assert note.text == "با شهرداری منطقه تماس گرفتم"
    response = client.post(url("bo_note", message), {"note-text": ""})
    assert response.status_code == 200 and "«یادداشت داخلی» را بنویسید." in text(response)


def test_answering_through_the_form(world: Any) -> None:
    message = make_message(world.roads)
    client = client_for(world.officer_roads)
    response = client.post(url("bo_answer", message), {"answer-text": "آسفالت کوچه در خرداد است."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.answer == "آسفالت کوچه در خرداد است."
    page = text(client.get(url("bo_message", message)))
    assert "پاسخ داده‌شده" in page and 'id="answer-form"' not in page


def test_a_step_refused_by_the_state_is_said_in_persian(world: Any) -> None:
    message = make_message(world.roads)
    services.message_mark_spam(actor=world.officer_roads, message=message)
    response = client_for(world.officer_roads).post(
        url("bo_answer", message), {"answer-text": "دیر رسید"}, follow=True
    )
    assert "«هرزنامه» است و پاسخ داده نمی‌شود" in text(response)
    assert Message.objects.get(pk=message.pk).answer == ""


def test_a_ready_answer_fills_the_answer_by_htmx_and_without_javascript(world: Any) -> None:
    message = make_message(world.roads)
    template = services.reply_template_save(
        actor=world.officer_roads,
        agency=world.roads,
        title="در برنامهٔ آسفالت",
        body="درخواست شما در برنامهٔ آسفالت امسال آمده است.",
    )
    other = services.reply_template_save(
        actor=world.officer_health, agency=world.health, title="دارو", body="متن داروخانه"
    )
    client = client_for(world.officer_roads)
    page = text(client.get(url("bo_message", message)))
    assert "در برنامهٔ آسفالت" in page and "دارو" not in page
    response = client.get(url("bo_answer", message), {"template": template.pk}, **HTMX)
    partial = text(response)
    assert partial.lstrip().startswith("<form") and "<html" not in partial
    assert template.body in partial and 'id="answer-form"' in partial
    assert other.body not in text(
        client.get(url("bo_answer", message), {"template": other.pk}, **HTMX)
    )
    response = client.get(url("bo_answer", message), {"template": template.pk})
    assert response.status_code == 302 and f"template={template.pk}" in response["Location"]
    page = text(client.get(response["Location"]))
    assert template.body in page
    for junk in ("²", "abc", "۹" * 500):
        assert client.get(url("bo_message", message), {"template": junk}).status_code == 200


def test_an_agency_asks_for_a_transfer_and_the_directorate_routes_it(world: Any) -> None:
    message = make_message(world.roads)
    response = client_for(world.officer_roads).post(
        url("bo_transfer", message),
        {"transfer-to_agency": world.health.pk, "transfer-reason": "بهداشت محیط است"},
        follow=True,
    )
    assert "درخواست ارجاع برای استانداری فرستاده شد" in text(response)
    message.refresh_from_db()
    assert message.status == Status.TRIAGE and message.transfer_to == world.health
    directorate = client_for(world.directorate_staff)
    response = directorate.get(url("bo_message", message))
    page = text(response)
    assert "درخواست ارجاع به «دانشگاه علوم پزشکی تهران»" in page and "بهداشت محیط است" in page
    assert {"route", "refuse"} <= set(response.context["forms"])
    assert response.context["forms"]["route"].initial["agency"] == world.health.pk
    response = directorate.post(url("bo_route", message), {"route-agency": world.health.pk})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.agency == world.health and message.status == Status.RECEIVED


def test_the_directorate_refuses_a_transfer_through_the_form(world: Any) -> None:
    message = make_message(world.roads)
    services.message_request_transfer(
        actor=world.officer_roads, message=message, to_agency=world.health, reason="نه ما"
    )
    client = client_for(world.directorate_staff)
    response = client.post(url("bo_refuse_transfer", message), {"refuse-reason": ""})
    assert response.status_code == 200 and "«دلیل رد ارجاع» را بنویسید." in text(response)
    response = client.post(url("bo_refuse_transfer", message), {"refuse-reason": "کار راه است"})
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED


def test_the_directorate_routes_triage_and_transfers_at_once(world: Any) -> None:
    unknown = make_message(None)
    client = client_for(world.directorate_staff)
    response = client.post(url("bo_route", unknown), {"route-agency": ""})
    assert "دستگاهی را که پیام به آن می‌رود برگزینید" in text(response)
    client.post(url("bo_route", unknown), {"route-agency": world.roads.pk, "route-reason": "راه"})
    unknown.refresh_from_db()
    assert unknown.agency == world.roads and unknown.status == Status.RECEIVED
    response = client.post(
        url("bo_transfer", unknown),
        {"transfer-to_agency": world.health.pk, "transfer-reason": "بهداشت است"},
        follow=True,
    )
    assert "پیام به دانشگاه علوم پزشکی تهران ارجاع شد" in text(response)
    assert Message.objects.get(pk=unknown.pk).agency == world.health


def test_an_agency_cannot_route(world: Any) -> None:
    message = make_message(world.roads)
    services.message_request_transfer(
        actor=world.officer_roads, message=message, to_agency=world.health, reason="نه ما"
    )
    response = client_for(world.officer_roads).post(
        url("bo_route", message), {"route-agency": world.health.pk}
    )
    assert response.status_code == 403 and "استانداری" in text(response)
    assert Message.objects.get(pk=message.pk).agency == world.roads


def test_merging_and_spam_through_the_forms(world: Any) -> None:
    original = make_message(world.roads, subject="اصل")
    duplicate = make_message(world.roads, subject="تکرار")
    other_agency = make_message(world.health)
    client = client_for(world.officer_roads)
    form = client.get(url("bo_message", duplicate)).context["forms"]["merge"]
    assert set(form.candidates) == {original.pk}
    response = client.post(url("bo_merge", duplicate), {"merge-into": other_agency.pk})
    assert "در فهرست پیام‌های هم‌دستگاه نیست" in text(response)
    response = client.post(url("bo_merge", duplicate), {"merge-into": original.pk}, follow=True)
    assert "ادغام شد" in text(response)
    assert Message.objects.get(pk=duplicate.pk).merged_into == original
    spam = make_message(world.roads, subject="آگهی")
    client.post(url("bo_spam", spam), {"spam-reason": "تبلیغ"})
    assert Message.objects.get(pk=spam.pk).status == Status.SPAM
    page = text(client.get(url("bo_message", spam)))
    assert "هرزنامه شمردن پیام" not in page and "فرستادن پاسخ" not in page


@pytest.mark.parametrize(
    "name", ["bo_assign", "bo_note", "bo_answer", "bo_transfer", "bo_merge", "bo_spam"]
)
def test_hostile_posts_never_break_a_step(world: Any, name: str) -> None:
    message = make_message(world.roads)
    prefix = name.removeprefix("bo_")
    junk = {
        f"{prefix}-assignee": "²",
        f"{prefix}-text": "\x00" + "ب" * 20_000,
        f"{prefix}-to_agency": "۹" * 500,
        f"{prefix}-reason": "\u202e" * 3_000,
        f"{prefix}-into": "-1",
    }
    response = client_for(world.officer_roads).post(url(name, message), junk)
    assert response.status_code in (200, 302)
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED


# --- reply templates --------------------------------------------------------------------------


def test_an_officer_writes_edits_and_deletes_the_agencys_templates(world: Any) -> None:
    client = client_for(world.officer_roads)
    page = text(client.get(reverse("desk:bo_template_create")))
    assert "همهٔ دستگاه‌ها" not in page  # the shared ones are the directorate's
    response = client.post(
        reverse("desk:bo_template_create"),
        {"owner": world.roads.pk, "title": "در برنامه", "body": "در برنامهٔ امسال است."},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    assert template.agency == world.roads
    response = client.post(
        reverse("desk:bo_template_edit", kwargs={"pk": template.pk}),
        {"title": "در برنامهٔ آسفالت", "body": ""},
    )
    assert "«متن پاسخ» را بنویسید." in text(response)
    client.post(
        reverse("desk:bo_template_edit", kwargs={"pk": template.pk}),
        {"title": "در برنامهٔ آسفالت", "body": "متن تازه"},
    )
    template.refresh_from_db()
    assert (template.title, template.body) == ("در برنامهٔ آسفالت", "متن تازه")
    delete = reverse("desk:bo_template_delete", kwargs={"pk": template.pk})
    assert "حذف پاسخ آمادهٔ «در برنامهٔ آسفالت»" in text(client.get(delete))
    assert client.post(delete).status_code == 302
    assert not ReplyTemplate.objects.exists()


def test_an_officer_cannot_write_a_shared_template(world: Any) -> None:
    client = client_for(world.officer_roads)
    response = client.post(
        reverse("desk:bo_template_create"), {"owner": "shared", "title": "سپاس", "body": "سپاس"}
    )
    assert response.status_code == 200 and "دستگاه خودتان" in text(response)
    assert not ReplyTemplate.objects.exists()
    shared = services.reply_template_save(
        actor=world.directorate_staff, agency=None, title="سپاس", body="از پیام شما سپاسگزاریم."
    )
    page = text(client.get(reverse("desk:bo_templates")))
    assert "سپاس" in page and reverse("desk:bo_template_edit", kwargs={"pk": shared.pk}) not in page
    edit = reverse("desk:bo_template_edit", kwargs={"pk": shared.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "x", "body": "y"}).status_code == 403
    delete = reverse("desk:bo_template_delete", kwargs={"pk": shared.pk})
    assert client.post(delete).status_code == 403
    assert ReplyTemplate.objects.get(pk=shared.pk).title == "سپاس"


def test_the_directorate_writes_shared_templates(world: Any) -> None:
    client = client_for(world.directorate_staff)
    response = client.post(
        reverse("desk:bo_template_create"),
        {"owner": "shared", "title": "سپاس", "body": "از پیام شما سپاسگزاریم."},
    )
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().agency is None


def test_another_agencys_template_is_a_404(world: Any) -> None:
    template = services.reply_template_save(
        actor=world.officer_health, agency=world.health, title="دارو", body="متن"
    )
    client = client_for(world.officer_roads)
    for name in ("bo_template_edit", "bo_template_delete"):
        assert client.get(reverse(f"desk:{name}", kwargs={"pk": template.pk})).status_code == 404
    assert "دارو" not in text(client.get(reverse("desk:bo_templates")))


# --- the clocks -------------------------------------------------------------------------------


def test_everyone_reads_the_clocks_and_the_directorate_sets_them(world: Any) -> None:
    page = text(client_for(world.officer_roads).get(clocks()))
    assert "درخواست" in page and "۷" in page and 'name="working_days"' not in page
    assert reverse("core:calendar") in page and "شنبه" in page
    client = client_for(world.directorate_staff)
    assert 'name="working_days"' in text(client.get(clocks()))
    response = client.post(clocks(), {"kind": "complaint", "working_days": "۱۰"})
    assert response.status_code == 302
    assert SlaRule.objects.get(kind="complaint").working_days == 10


def test_a_clock_is_saved_by_htmx_row_by_row(world: Any) -> None:
    client = client_for(world.directorate_staff)
    response = client.post(clocks(), {"kind": "question", "working_days": "3"}, **HTMX)
    row = text(response)
    assert response.status_code == 200 and row.lstrip().startswith('<tr id="sla-question">')
    assert "۳ روز کاری شد" in row
    response = client.post(clocks(), {"kind": "question", "working_days": "۹۱"}, **HTMX)
    assert "میان ۱ تا ۹۰" in text(response)
    response = client.post(clocks(), {"kind": "question", "working_days": "²"}, **HTMX)
    assert "به عدد بنویسید" in text(response)
    assert SlaRule.objects.get(kind="question").working_days == 3


def test_an_agency_cannot_set_the_clocks(world: Any) -> None:
    response = client_for(world.head_roads).post(
        clocks(), {"kind": "complaint", "working_days": "30"}
    )
    assert response.status_code == 403
    assert not SlaRule.objects.exists()


@pytest.mark.parametrize("kind", ["", "gossip", "x" * 5000])
def test_hostile_clock_posts_never_break(world: Any, kind: str) -> None:
    response = client_for(world.directorate_staff).post(
        clocks(), {"kind": kind, "working_days": "5"}, follow=True
    )
    assert response.status_code == 200 and "نوع پیام را از فهرست برگزینید" in text(response)
    assert not SlaRule.objects.exists()

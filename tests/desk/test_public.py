"""The citizen's form at /desk/ through the test client: a message gets a code, a confirmation
by SMS and e-mail, and its files in private storage; refusals are told beside their fields in
Persian and nothing typed is lost; a message that got a code is never lost.

Helpers for the other desk page tests live here too (`citizen_settings`, `form_data`,
`submit_message`)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from PIL import Image

from ravabet.core import sms
from ravabet.core.organisation.models import Agency
from ravabet.desk import tasks
from ravabet.desk.models import Attachment, Message, MessageEvent, Status
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def citizen_settings(settings: Any) -> None:
    """SMS into core.sms.outbox, tasks run at once, limits generous unless a test lowers them."""
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 100
    settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY = 100
    settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR = 100
    sms.outbox.clear()


def form_data(agency: Agency | None, /, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "agency": str(agency.pk) if agency else "unknown",
        "subject": "چاله‌های بزرگ در جادهٔ فیروزکوه",
        "body": "در کیلومتر ۱۲ جادهٔ فیروزکوه سه چالهٔ بزرگ هست که شب‌ها دیده نمی‌شود.",
        "citizen_name": "مریم احمدی",
        "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "email": "maryam@example.ir",
        "website": "",
    }
    data.update(extra)
    return data


def submit_message(
    client: Client, capture: Any, agency: Agency | None, /, **extra: Any
) -> tuple[Any, Message | None]:
    """POST the form with on-commit work run (the confirmation); the response and the message."""
    with capture(execute=True):
        response = client.post("/desk/", form_data(agency, **extra))
    code = client.session.get("desk.just_submitted")
    return response, Message.objects.filter(tracking_code=code).first() if code else None


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the happy path ---------------------------------------------------------------------------


def test_form_page_offers_public_kinds_active_agencies_and_i_do_not_know(world: Any) -> None:
    Agency.objects.filter(pk=world.health.pk).update(is_active=False)
    body = Client().get("/desk/").content.decode()
    for label in ("پرسش", "درخواست", "شکایت", "پیشنهاد", "قدردانی"):
        assert label in body
    assert "استعلام" not in body  # another capability's kind
    assert world.roads.name in body and world.health.name not in body
    assert "نمی‌دانم" in body
    assert 'enctype="multipart/form-data"' in body
    assert 'class="visually-hidden" aria-hidden="true"' in body  # the honeypot's wrapper
    assert "style=" not in body and "<script>" not in body  # the CSP refuses inline


def test_submission_redirects_to_its_page_with_the_code_once_and_confirms_by_sms_and_email(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    response, message = submit_message(client, django_capture_on_commit_callbacks, world.roads)
    assert message is not None
    assert response.status_code == 302
    assert response["Location"] == f"/desk/track/{message.tracking_code}/"
    assert message.status == Status.RECEIVED and message.agency == world.roads
    assert message.mobile == "09121234567" and message.citizen_name == "مریم احمدی"
    assert message.subject == "چاله‌های بزرگ در جادهٔ فیروزکوه"
    assert message.confirmation_sent_at is not None
    # The confirmation: SMS with the code and the link, e-mail in Persian with an HTML twin.
    assert [s.to for s in sms.outbox] == ["09121234567"]
    assert message.code_display in sms.outbox[0].text
    assert f"/desk/track/{message.tracking_code}/" in sms.outbox[0].text
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["maryam@example.ir"] and message.code_display in email.subject
    assert message.code_display in email.body and world.roads.name in email.body
    html, kind = email.alternatives[0]  # type: ignore[attr-defined]
    assert kind == "text/html" and 'dir="rtl"' in html and message.code_display in html
    # The page: the code large, once, with the advice to keep it.
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "کد رهگیری شما" in body and "کد را نگه دارید" in body
    assert f'<bdi dir="ltr">{message.code_display}</bdi>' in body
    again = client.get(response["Location"]).content.decode()
    assert "کد رهگیری شما" not in again and message.code_display in again


def test_i_do_not_know_sends_the_message_to_triage_and_text_is_normalized(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    county: Any = CountyFactory(name="دماوند")
    _, message = submit_message(
        Client(),
        django_capture_on_commit_callbacks,
        None,
        subject="  كيفيت آب  ",  # Arabic kaf and yeh, as an Arabic keyboard types them
        email="",
        county=str(county.pk),
        is_anonymous="on",
    )
    assert message is not None
    assert message.status == Status.TRIAGE and message.agency is None
    assert message.subject == "کیفیت آب"
    assert message.county == county and message.is_anonymous
    assert not mail.outbox and len(sms.outbox) == 1


# --- refusals, beside their fields, nothing lost ------------------------------------------------


def _refused(response: Any) -> str:
    assert response.status_code == 200
    assert not Message.objects.exists()
    body: str = response.content.decode()
    assert "لطفاً این موارد را درست کنید" in body
    return body


def test_empty_text_is_refused_in_persian_and_the_rest_is_kept(world: Any) -> None:
    body = _refused(Client().post("/desk/", form_data(world.roads, body="   ")))
    assert "متن پیام را بنویسید." in body
    assert 'value="چاله‌های بزرگ در جادهٔ فیروزکوه"' in body
    assert 'value="مریم احمدی"' in body


def test_fifty_thousand_characters_are_refused_with_the_length_and_kept(world: Any) -> None:
    text = ("خیابان ما سه ماه است خاکی مانده و " * 2_000)[:49_999] + "."
    assert len(text) == 50_000
    body = _refused(Client().post("/desk/", form_data(world.roads, body=text)))
    assert "«متن پیام» ۵۰٬۰۰۰ نویسه است؛ بیش از ۱۰٬۰۰۰ نویسه پذیرفته نمی‌شود." in body
    assert text in body  # still in the textarea


def test_bad_mobile_and_no_contact_are_refused_beside_their_fields(world: Any) -> None:
    body = _refused(Client().post("/desk/", form_data(world.roads, mobile="۰۲۱۸۸۸۸۸۸۸۸")))
    assert "شمارهٔ همراه را با یازده رقم بنویسید" in body
    body = _refused(Client().post("/desk/", form_data(world.roads, mobile="", email="")))
    assert "شمارهٔ همراه یا نشانی رایانامه را بنویسید" in body
    body = _refused(Client().post("/desk/", form_data(world.roads, email="نه@ایمیل")))
    assert "نشانی رایانامه درست نیست" in body


def test_every_problem_is_told_at_once(world: Any) -> None:
    body = _refused(
        Client().post("/desk/", form_data(world.roads, agency="", kind="", subject="", mobile=""))
    )
    assert "دستگاه را برگزینید" in body
    assert "نوع پیام را از فهرست برگزینید." in body
    assert "موضوع پیام را بنویسید." in body
    assert 'id="id_subject_error"' in body


def test_an_agency_closed_meanwhile_or_a_made_up_one_is_refused(world: Any) -> None:
    body = _refused(Client().post("/desk/", form_data(None, agency="999999")))
    assert "این دستگاه در فهرست نیست" in body
    Agency.objects.filter(pk=world.roads.pk).update(is_active=False)
    _refused(Client().post("/desk/", form_data(world.roads)))


# --- attachments ------------------------------------------------------------------------------


def test_a_real_png_is_accepted_into_private_storage(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    _, message = submit_message(
        Client(),
        django_capture_on_commit_callbacks,
        world.roads,
        attachments=[png("عکس چاله.png"), png("دوم.png")],
    )
    assert message is not None
    attachments = list(Attachment.objects.filter(message=message))
    assert len(attachments) == 2
    first = attachments[0]
    assert first.content_type == "image/png" and first.original_name == "عکس چاله.png"
    path = Path(first.file.path)
    assert path.is_file() and path.is_relative_to(settings.RAVABET_PRIVATE_ROOT)
    assert "عکس" not in path.name  # a random name, never the citizen's
    assert _files(Path(settings.MEDIA_ROOT)) == []  # nothing on a public path
    with pytest.raises(ValueError):
        first.file.url  # noqa: B018 - private files have no URL


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200,
        b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
    ],
    ids=["exe", "html"],
)
def test_a_program_or_a_page_named_jpg_is_refused_and_nothing_stored(
    world: Any, content: bytes, settings: Any
) -> None:
    upload = SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
    body = _refused(Client().post("/desk/", form_data(world.roads, attachments=[upload])))
    assert "PDF" in body  # the policy's kinds are named
    assert "دوباره برگزینید" in body  # the browser forgot the files: say so
    assert "چاله‌های بزرگ" in body
    assert _files(Path(settings.RAVABET_PRIVATE_ROOT)) == []


def test_too_many_files_are_refused_before_any_is_read(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_MAX_ATTACHMENTS = 2
    body = _refused(
        Client().post("/desk/", form_data(world.roads, attachments=[png(), png(), png()]))
    )
    assert "بیش از ۲ پیوست پذیرفته نمی‌شود." in body
    assert _files(Path(settings.RAVABET_PRIVATE_ROOT)) == []


# --- the honeypot -------------------------------------------------------------------------------


def test_a_filled_honeypot_looks_received_but_nothing_is_stored_or_sent(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response, message = submit_message(
        Client(), django_capture_on_commit_callbacks, world.roads, website="http://spam.example"
    )
    assert response.status_code == 200 and message is None
    body = response.content.decode()
    assert "کد رهگیری شما" in body and "کد را نگه دارید" in body
    assert not Message.objects.exists()
    assert not sms.outbox and not mail.outbox


# --- never lost ---------------------------------------------------------------------------------


class BrokenQueue:
    """Stands for tasks.send_confirmation while the queue refuses work (a Task is frozen, so
    the module's name is replaced rather than the task's method)."""

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the queue is down")


@pytest.mark.django_db(transaction=True)
def test_a_failing_queue_never_loses_a_message_and_the_clock_check_sends_it_later(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "send_confirmation", BrokenQueue())
    client = Client()
    response = client.post("/desk/", form_data(world.roads), follow=True)
    assert response.redirect_chain[0][1] == 302 and response.status_code == 200
    message = Message.objects.get()
    assert message.code_display in response.content.decode()
    assert message.confirmation_sent_at is None and not sms.outbox
    # The worker is back; ten minutes on, the periodic check sends what never left.
    monkeypatch.undo()
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=15)
    )
    assert tasks.check_clocks.call()["resent"] == 1
    message.refresh_from_db()
    assert message.confirmation_sent_at is not None
    assert [s.to for s in sms.outbox] == ["09121234567"]
    assert message.code_display in sms.outbox[0].text
    assert len(mail.outbox) == 1
    assert tasks.check_clocks.call()["resent"] == 0  # once


@pytest.mark.django_db(transaction=True)
def test_a_failure_inside_the_transaction_stores_nothing_leaves_no_file_and_keeps_the_text(
    world: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    saved = Attachment.save
    calls = {"n": 0}

    def second_fails(self: Attachment, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("disk I/O error")
        saved(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", second_fails)
    response = Client().post("/desk/", form_data(world.roads, attachments=[png(), png()]))
    assert response.status_code == 503
    body = response.content.decode()
    assert "ثبت پیام ممکن نشد" in body and "چاله‌های بزرگ در جادهٔ فیروزکوه" in body
    assert "دوباره برگزینید" in body
    assert not Message.objects.exists() and not MessageEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert _files(Path(settings.RAVABET_PRIVATE_ROOT)) == []
    assert not sms.outbox


@pytest.mark.parametrize(
    "hostile",
    [
        {"kind": "inquiry"},  # another capability's kind
        {"kind": ["complaint", "request"]},
        {"agency": "<script>"},
        {"agency": "1" * 400},
        {"county": "abc"},
        {"county": "99999999999999999999999"},
        {"subject": "چاله\x00"},
        {"mobile": "۰" * 5_000},
        {"email": "a@" + "b" * 300 + ".ir"},
        {"is_anonymous": "not-a-bool"},
    ],
)
def test_hostile_input_is_refused_in_persian_never_a_500(world: Any, hostile: Any) -> None:
    response = Client().post("/desk/", form_data(world.roads, **hostile))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert "لطفاً این موارد را درست کنید" in response.content.decode()
        assert not Message.objects.exists()

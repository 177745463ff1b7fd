"""The tracking pages through the test client: a code typed any way finds its message, a
mistyped one is told without a lookup, the page shows the public steps and the answer and
nothing personal, and the citizen rates once or reopens once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.desk import services, tracking
from ravabet.desk.models import Message, Status
from ravabet.persian import to_persian_digits
from tests.desk.test_public import citizen_settings  # noqa: F401 - an autouse fixture

pytestmark = pytest.mark.django_db

NOT_FOUND = "کد رهگیری درست نیست یا پیامی با این کد پیدا نشد."


def make_message(agency: Any, **extra: Any) -> Message:
    fields: dict[str, Any] = {
        "kind": "request",
        "subject": "روشنایی بزرگراه بابایی",
        "body": "چراغ‌های بزرگراه بابایی از خروجی پاسداران تا حکیمیه یک ماه است خاموش است.",
        "agency": agency,
        "citizen_name": "کیوان فرهادی",
        "mobile": "09351112233",
        "email": "keyvan.farhadi@example.ir",
    }
    fields.update(extra)
    return services.message_submit(data=services.MessageInput(**fields))


def answered(
    world: Any, message: Message, text: str = "چراغ‌ها تا پایان هفته روشن می‌شود."
) -> Message:
    return services.message_answer(actor=world.officer_roads, message=message, text=text)


def _page(code: str, client: Client | None = None) -> str:
    response = (client or Client()).get(f"/desk/track/{code}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- finding a message --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: tracking.display(code),  # «۴۸۲۷-۱۹۳۵-۰۶۱۲»
        lambda code: " ".join(to_persian_digits(code[i : i + 4]) for i in (0, 4, 8)),
        lambda code: code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic
        lambda code: f" {code[:6]}-{code[6:]} ",
    ],
    ids=["persian-dashes", "persian-spaces", "arabic-indic", "latin"],
)
def test_a_code_typed_any_way_finds_its_message(world: Any, typed: Any) -> None:
    message = make_message(world.roads)
    client = Client()
    response = client.post("/desk/track/", {"code": typed(message.tracking_code)})
    assert response.status_code == 302
    assert response["Location"] == f"/desk/track/{message.tracking_code}/"
    assert message.subject in _page(message.tracking_code, client)


def test_a_code_in_the_address_with_persian_digits_goes_to_its_latin_address(world: Any) -> None:
    message = make_message(world.roads)
    response = Client().get(f"/desk/track/{message.code_display}/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/track/{message.tracking_code}/"


def test_a_wrong_check_digit_is_told_without_a_database_lookup(
    world: Any, django_assert_num_queries: Any
) -> None:
    message = make_message(world.roads)
    wrong = _wrong_check_digit(message.tracking_code)
    client = Client()
    with django_assert_num_queries(0):
        response = client.post("/desk/track/", {"code": wrong})
    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()
    response = client.get(f"/desk/track/{wrong}/")
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_an_unknown_code_gets_the_same_neutral_message(world: Any) -> None:
    make_message(world.roads)
    unknown = tracking.new_code()
    post = Client().post("/desk/track/", {"code": unknown}).content.decode()
    get = Client().get(f"/desk/track/{unknown}/")
    assert NOT_FOUND in post
    assert get.status_code == 404 and NOT_FOUND in get.content.decode()
    for junk in ("", "abc", "۱۲۳", "9" * 500, "<script>", "1234-5678-9012-3456"):
        response = Client().post("/desk/track/", {"code": junk})
        assert response.status_code == 200


def test_tracking_pages_are_never_cached_indexed_or_sent_as_referer(world: Any) -> None:
    message = make_message(world.roads)
    for response in (
        Client().get("/desk/track/"),
        Client().get(f"/desk/track/{message.tracking_code}/"),
        Client().get(f"/desk/track/{_wrong_check_digit(message.tracking_code)}/"),
    ):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert "noindex" in response["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


# --- what the page shows ------------------------------------------------------------------------


def test_the_page_shows_status_agency_deadline_and_public_steps_and_nothing_personal(
    world: Any,
) -> None:
    message = make_message(None, is_anonymous=True)
    secret = "شهروند پیش‌تر هم زنگ زده بود؛ شماره‌اش در پرونده است."
    message = services.message_route(
        actor=world.directorate_staff, message=message, agency=world.roads
    )
    services.message_note(actor=world.officer_roads, message=message, text=secret)
    services.message_assign(actor=world.head_roads, message=message, assignee=world.officer_roads)
    body = _page(message.tracking_code)
    assert "روشنایی بزرگراه بابایی" in body
    assert "در دست بررسی" in body and world.roads.name in body and "درخواست" in body
    assert "مهلت پاسخ" in body and "تا پایان" in body and "روز کاری" in body
    for step in ("دریافت شد", "به دستگاه ارجاع شد", "به کارشناس سپرده شد"):
        assert step in body
    for personal in (
        "کیوان",
        "فرهادی",
        "09351112233",
        "۰۹۳۵۱۱۱۲۲۳۳",
        "keyvan.farhadi",
        "تا حکیمیه",  # the body is not shown either
        secret,
        "یادداشت داخلی",
        world.officer_roads.username,
        world.officer_roads.last_name,
        world.head_roads.last_name,
        world.directorate_staff.username,
    ):
        assert personal not in body, personal
    assert "ارزیابی" not in body.split('id="timeline-title"')[0]  # no rating before an answer


def test_the_answer_is_shown_with_its_agency_then_the_rating_and_reopening_forms(
    world: Any,
) -> None:
    message = answered(world, make_message(world.roads))
    body = _page(message.tracking_code)
    assert "پاسخ اداره‌کل راه و شهرسازی استان تهران" in body
    assert "چراغ‌ها تا پایان هفته روشن می‌شود." in body
    assert "پاسخ داده شد" in body
    assert f'action="/desk/track/{message.tracking_code}/rate/"' in body
    assert f'action="/desk/track/{message.tracking_code}/reopen/"' in body
    assert 'type="radio" name="rating" value="5"' in body
    assert "<dt>مهلت پاسخ</dt>" not in body  # the deadline is for waiting messages


# --- the citizen's answer to the answer ---------------------------------------------------------


def test_rating_once_closes_the_message_and_a_second_rating_is_refused(world: Any) -> None:
    message = answered(world, make_message(world.roads))
    client = Client()
    url = f"/desk/track/{message.tracking_code}/"
    response = client.post(url + "rate/", {"rating": "4", "comment": "سپاس از پیگیری"})
    assert response.status_code == 302 and response["Location"] == url
    message.refresh_from_db()
    assert message.rating == 4 and message.status == Status.CLOSED
    assert message.rating_comment == "سپاس از پیگیری"
    body = _page(message.tracking_code, client)
    assert "ارزیابی شما ثبت شد" in body and "ارزیابی شما: ۴ از ۵" in body
    assert "rate/" not in body and "reopen/" not in body
    again = client.post(url + "rate/", {"rating": "1"}, follow=True)
    assert "این پاسخ پیش‌تر ارزیابی شده است." in again.content.decode()
    message.refresh_from_db()
    assert message.rating == 4


def test_a_rating_out_of_range_or_before_an_answer_is_refused(world: Any) -> None:
    message = make_message(world.roads)
    url = f"/desk/track/{message.tracking_code}/rate/"
    body = Client().post(url, {"rating": "9"}).content.decode()
    assert "پیام هنوز پاسخ داده نشده است" in body or "از ۱ تا ۵" in body
    answered(world, message)
    body = Client().post(url, {"rating": "9"}).content.decode()
    assert "رضایت خود را از ۱ تا ۵ برگزینید." in body
    assert Message.objects.get(pk=message.pk).rating is None


def test_reopening_needs_a_reason_and_happens_once(world: Any) -> None:
    message = answered(world, make_message(world.roads))
    url = f"/desk/track/{message.tracking_code}/reopen/"
    body = Client().post(url, {"reason": "  "}).content.decode()
    assert "بنویسید چرا پاسخ کافی نبود." in body
    assert Message.objects.get(pk=message.pk).status == Status.ANSWERED
    response = Client().post(url, {"reason": "چراغ‌ها هنوز خاموش است."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.REOPENED and message.reopen_count == 1
    body = _page(message.tracking_code)
    assert "بازگشایی شد" in body and "تا پایان" in body
    answered(world, message, "این بار چراغ‌ها روشن شد.")
    body = _page(message.tracking_code)
    assert "reopen/" not in body and "rate/" in body  # rated still, reopened no more
    again = Client().post(url, {"reason": "باز هم خاموش است."}, follow=True).content.decode()
    assert "هر پیام تنها یک بار بازگشایی می‌شود." in again
    assert Message.objects.get(pk=message.pk).reopen_count == 1


def test_a_merged_message_shows_the_answer_of_the_message_it_joined(world: Any) -> None:
    first = make_message(world.roads)
    duplicate = make_message(world.roads, citizen_name="سارا نادری", mobile="09127776655")
    services.message_merge(actor=world.officer_roads, message=duplicate, into=first)
    body = _page(duplicate.tracking_code)
    assert "ادغام‌شده" in body and "با پیام دیگری" in body
    assert first.code_display not in body  # the other citizen's code is theirs
    answered(world, first, "تیم روشنایی فردا اعزام می‌شود.")
    body = _page(duplicate.tracking_code)
    assert "تیم روشنایی فردا اعزام می‌شود." in body
    assert "rate/" not in body and "reopen/" not in body
    assert "کیوان" not in body and "سارا" not in body


def test_the_code_s_forms_keep_their_csrf_check(world: Any) -> None:
    """The pages send `Referrer-Policy: same-origin` (a browser then posts their forms with
    their real Origin, as the browser journey shows): a forged post is refused."""
    message = answered(world, make_message(world.roads))
    forger = Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://evil.example")
    url = f"/desk/track/{message.tracking_code}/"
    assert forger.post(url + "reopen/", {"reason": "هنوز خاموش است."}).status_code == 403
    assert forger.post(url + "rate/", {"rating": "1"}).status_code == 403
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.rating is None


@pytest.mark.parametrize(
    "path",
    [
        "/desk/track/" + "9" * 5_000 + "/",
        "/desk/track/%00/",
        "/desk/track/%D9%A1%D9%A2/",
        "/desk/track/<script>/",
        "/desk/track/123456789012/rate/",
    ],
)
def test_hostile_tracking_addresses_are_404_or_405_never_a_500(world: Any, path: str) -> None:
    assert Client().get(path).status_code in (404, 405)

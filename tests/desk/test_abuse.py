"""Abuse of the citizen's pages: submissions past the limits per address and per contact,
guessing tracking codes past the lookup limit, an X-Forwarded-For header written by the
client, and a bot in the honeypot. Refusals are 429 with a Persian page; nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core import sms
from ravabet.desk import tracking
from ravabet.desk.models import Message
from tests.desk.test_public import citizen_settings, form_data, submit_message  # noqa: F401
from tests.desk.test_tracking import make_message

pytestmark = pytest.mark.django_db


def _client(address: str = "198.51.100.7", **headers: Any) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


# --- submissions ------------------------------------------------------------------------------


def test_submissions_past_the_hourly_limit_of_an_address_get_429_and_keep_the_text(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 2
    client = _client()
    for number in ("09121110001", "09121110002"):
        assert client.post("/desk/", form_data(world.roads, mobile=number)).status_code == 302
    response = client.post("/desk/", form_data(world.roads, mobile="09121110003"))
    assert response.status_code == 429
    body = response.content.decode()
    assert "یک ساعت دیگر دوباره بفرستید" in body
    assert "چاله‌های بزرگ در جادهٔ فیروزکوه" in body  # what they wrote is still there
    assert Message.objects.count() == 2
    # Another address is another count.
    other = _client("203.0.113.9").post("/desk/", form_data(world.roads, mobile="09121110003"))
    assert other.status_code == 302


def test_a_mobile_number_past_its_daily_limit_gets_429_however_it_is_written(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY = 2
    spellings = ["09121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "+98 912 123 4567"]
    statuses = [
        _client(f"198.51.100.{i}")
        .post("/desk/", form_data(world.roads, mobile=m, email=""))
        .status_code
        for i, m in enumerate(spellings, start=1)
    ]
    assert statuses == [302, 302, 429]
    assert Message.objects.count() == 2
    body = (
        _client("198.51.100.50")
        .post("/desk/", form_data(world.roads, mobile="09121234567", email=""))
        .content.decode()
    )
    assert "امروز با این شمارهٔ همراه پیام‌های بسیاری ثبت شده است" in body


def test_an_email_address_past_the_daily_limit_gets_429(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY = 1
    first = _client("198.51.100.1").post("/desk/", form_data(world.roads, mobile=""))
    second = _client("198.51.100.2").post(
        "/desk/", form_data(world.roads, mobile="", email="MARYAM@example.ir")
    )
    assert (first.status_code, second.status_code) == (302, 429)
    assert "این نشانی رایانامه" in second.content.decode()


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, [302, 429, 429]), (1, [302, 302, 429])],
    ids=["no-proxy-the-header-is-the-client-s-own", "behind-our-proxy-its-address-counts"],
)
def test_x_forwarded_for_counts_only_behind_a_proxy_of_ours(
    world: Any, settings: Any, proxies: int, expected: list[int]
) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 1
    settings.RAVABET_TRUSTED_PROXIES = proxies
    codes = [
        _client("10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i % 2}")
        .post("/desk/", form_data(world.roads, mobile=f"0912111000{i}"))
        .status_code
        for i in range(3)
    ]
    assert codes == expected


def test_a_bot_in_the_honeypot_is_counted_and_stores_nothing(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 2
    client = _client()
    responses = [
        submit_message(client, django_capture_on_commit_callbacks, world.roads, website="x")[0]
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert not Message.objects.exists() and not sms.outbox


# --- lookups --------------------------------------------------------------------------------------


def test_every_lookup_counts_right_or_wrong_and_the_next_gets_429(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR = 4
    message = make_message(world.roads)
    client = _client()
    assert client.get(f"/desk/track/{message.tracking_code}/").status_code == 200  # 1
    assert client.get(f"/desk/track/{tracking.new_code()}/").status_code == 404  # 2
    assert client.post("/desk/track/", {"code": "123456789012"}).status_code == 200  # 3
    assert client.post(f"/desk/track/{message.tracking_code}/rate/", {}).status_code == 200  # 4
    response = client.get(f"/desk/track/{message.tracking_code}/")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    body = response.content.decode()
    assert "کدهای رهگیری بسیاری جست‌وجو شده است" in body
    assert message.subject not in body
    assert "no-store" in response["Cache-Control"]
    assert client.post("/desk/track/", {"code": message.tracking_code}).status_code == 429
    # Another address still finds its message.
    assert _client("203.0.113.9").get(f"/desk/track/{message.tracking_code}/").status_code == 200


def test_a_lookup_that_finds_the_message_counts_once_not_twice(world: Any, settings: Any) -> None:
    settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR = 2
    message = make_message(world.roads)
    client = _client()
    for _ in range(2):
        response = client.post("/desk/track/", {"code": message.code_display}, follow=True)
        assert response.status_code == 200 and message.subject in response.content.decode()
    assert client.get(f"/desk/track/{message.tracking_code}/").status_code == 429


def test_the_page_of_a_message_just_sent_is_shown_even_past_the_lookup_limit(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR = 1
    client = _client()
    client.get(f"/desk/track/{tracking.new_code()}/")  # the one lookup of the hour
    response = client.post("/desk/", form_data(world.roads), follow=True)
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.code_display in response.content.decode()
    assert "کد را نگه دارید" in response.content.decode()

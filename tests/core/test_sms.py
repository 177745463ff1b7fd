"""Text messages (core/sms.py): the console and in-memory backends, and the Kavenegar backend
against a real HTTP server on 127.0.0.1 that answers as Kavenegar's `sms/send` does."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ravabet.core import sms

API_KEY = "6A7B-test-key/with+odd=chars"


@dataclass
class FakeKavenegar:
    """What the server received, and what it will answer (HTTP status, JSON body or raw)."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    http_status: int = 200
    answer: Any = None
    raw: bytes | None = None


@pytest.fixture
def kavenegar() -> Iterator[FakeKavenegar]:
    fake = FakeKavenegar()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            fake.requests.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type", ""),
                    "fields": dict(urllib.parse.parse_qsl(body)),
                }
            )
            answer = fake.answer
            if answer is None:
                fields = dict(urllib.parse.parse_qsl(body))
                answer = {
                    "return": {"status": 200, "message": "تایید شد"},
                    "entries": [
                        {
                            "messageid": 8792343,
                            "message": fields.get("message", ""),
                            "status": 1,
                            "statustext": "در صف ارسال",
                            "sender": fields.get("sender", "10004346"),
                            "receptor": fields.get("receptor", ""),
                            "date": 1356619709,
                            "cost": 120,
                        }
                    ],
                }
            payload = fake.raw if fake.raw is not None else json.dumps(answer).encode()
            self.send_response(fake.http_status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def kavenegar_settings(settings: Any, kavenegar: FakeKavenegar) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.KavenegarBackend"
    settings.RAVABET_SMS_API_KEY = API_KEY
    settings.RAVABET_SMS_SENDER = "10004346"
    settings.RAVABET_SMS_BASE_URL = kavenegar.url + "/"


# --- console and memory ---------------------------------------------------------------------------


def test_console_backend_writes_the_message_to_standard_output(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.ConsoleBackend"
    assert sms.send("09121234567", "کد رهگیری: ۴۸۲۷-۱۹۳۵-۰۶۱۲") == 1
    out = capsys.readouterr().out
    assert "[SMS to 09121234567]" in out and "کد رهگیری: ۴۸۲۷-۱۹۳۵-۰۶۱۲" in out


def test_locmem_backend_keeps_the_message_in_the_outbox(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    sms.outbox.clear()
    sms.send("09121234567", "سلام")
    sms.send("09351112233", "درود")
    assert sms.outbox == [sms.Sms("09121234567", "سلام"), sms.Sms("09351112233", "درود")]
    sms.outbox.clear()


def test_a_long_text_is_cut_with_an_ellipsis_not_refused(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    sms.outbox.clear()
    sms.send("09121234567", "ب" * 2_000)
    assert len(sms.outbox[0].text) == sms.MAX_CHARS and sms.outbox[0].text.endswith("…")
    sms.outbox.clear()


# --- Kavenegar over HTTP ------------------------------------------------------------------------


def test_kavenegar_posts_receptor_sender_and_message_to_the_keyed_url(
    kavenegar_settings: None, kavenegar: FakeKavenegar
) -> None:
    assert sms.send("09121234567", "کد رهگیری شما: ۴۸۲۷-۱۹۳۵-۰۶۱۲") == 1
    (request,) = kavenegar.requests
    quoted = urllib.parse.quote(API_KEY, safe="")
    assert request["path"] == f"/v1/{quoted}/sms/send.json"
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["fields"] == {
        "receptor": "09121234567",
        "message": "کد رهگیری شما: ۴۸۲۷-۱۹۳۵-۰۶۱۲",
        "sender": "10004346",
    }


def test_kavenegar_sends_each_message_of_a_batch(kavenegar_settings: None, kavenegar: Any) -> None:
    backend = sms.KavenegarBackend(sender="")
    sent = backend.send_messages([sms.Sms("09121234567", "یک"), sms.Sms("09351112233", "دو")])
    assert sent == 2
    assert [r["fields"] for r in kavenegar.requests] == [
        {"receptor": "09121234567", "message": "یک"},
        {"receptor": "09351112233", "message": "دو"},
    ]


@pytest.mark.parametrize(
    ("http_status", "answer", "raw", "said"),
    [
        (418, {"return": {"status": 418, "message": "اعتبار حساب شما کافی نیست"}}, None, "418"),
        (411, {"return": {"status": 411, "message": "گیرنده نامعتبر است"}}, None, "411"),
        (200, {"return": {"status": 412, "message": "ارسال کننده نامعتبر است"}}, None, "412"),
        (502, None, b"<html>Bad Gateway</html>", "502"),
        (200, None, b"not json", "None"),
        (200, None, b"[1, 2]", "None"),
    ],
    ids=["no-credit", "bad-receptor", "refused-in-200", "proxy-page", "garbage", "a-list"],
)
def test_kavenegar_refusals_are_sms_errors(
    kavenegar_settings: None,
    kavenegar: FakeKavenegar,
    http_status: int,
    answer: Any,
    raw: bytes | None,
    said: str,
) -> None:
    kavenegar.http_status, kavenegar.answer, kavenegar.raw = http_status, answer, raw
    with pytest.raises(sms.SmsError, match=said) as refused:
        sms.send("09121234567", "سلام")
    assert API_KEY not in str(refused.value)


def test_kavenegar_unreachable_is_an_sms_error(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.KavenegarBackend"
    settings.RAVABET_SMS_API_KEY = API_KEY
    settings.RAVABET_SMS_BASE_URL = "http://127.0.0.1:9"  # the discard port: nobody listens
    with pytest.raises(sms.SmsError, match="could not be reached"):
        sms.send("09121234567", "سلام")


def test_kavenegar_without_a_key_refuses_before_any_request(
    settings: Any, kavenegar: FakeKavenegar
) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.KavenegarBackend"
    settings.RAVABET_SMS_API_KEY = ""
    settings.RAVABET_SMS_BASE_URL = kavenegar.url
    with pytest.raises(sms.SmsError, match="RAVABET_SMS_API_KEY"):
        sms.send("09121234567", "سلام")
    assert kavenegar.requests == []

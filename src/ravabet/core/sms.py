"""Text messages to mobile phones, through a pluggable backend (as Django's e-mail backends).

`send(to, text)` hands the message to the backend named by `RAVABET_SMS_BACKEND`:
- `ConsoleBackend` (the default, the demo's) writes it to standard output;
- `LocmemBackend` keeps it in `outbox` (tests);
- `KavenegarBackend` posts it to Kavenegar's REST API (`RAVABET_SMS_API_KEY`,
  `RAVABET_SMS_SENDER`; `RAVABET_SMS_BASE_URL` points it elsewhere, as the tests do); another
  provider is one class with a `send_messages` method.
Callers run it from a task, never inside a request or a transaction: a provider may be slow.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# A text message is short; a longer one is cut (with an ellipsis) rather than refused.
MAX_CHARS = 480


class SmsError(Exception):
    """The provider refused the message or could not be reached."""


@dataclass(frozen=True)
class Sms:
    to: str  # «09121234567»
    text: str


class BaseBackend:
    def send_messages(self, messages: list[Sms]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send_messages(self, messages: list[Sms]) -> int:
        for sms in messages:
            sys.stdout.write(f"[SMS to {sms.to}]\n{sms.text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return len(messages)


outbox: list[Sms] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[Sms]) -> int:
        outbox.extend(messages)
        return len(messages)


class KavenegarBackend(BaseBackend):
    """Kavenegar's `sms/send` method: POST receptor, sender and message to
    {base}/v1/{api key}/sms/send.json; a `return.status` of 200 is success."""

    base_url = "https://api.kavenegar.com"
    timeout = 10

    def __init__(self, api_key: str | None = None, sender: str | None = None, base_url: str = ""):
        self.api_key = api_key if api_key is not None else settings.RAVABET_SMS_API_KEY
        self.sender = sender if sender is not None else settings.RAVABET_SMS_SENDER
        self.base_url = (
            base_url or getattr(settings, "RAVABET_SMS_BASE_URL", "") or self.base_url
        ).rstrip("/")

    def send_messages(self, messages: list[Sms]) -> int:
        if not self.api_key:
            raise SmsError("RAVABET_SMS_API_KEY is not set")
        url = f"{self.base_url}/v1/{urllib.parse.quote(self.api_key, safe='')}/sms/send.json"
        sent = 0
        for sms in messages:
            fields = {"receptor": sms.to, "message": sms.text}
            if self.sender:
                fields["sender"] = self.sender
            body = urllib.parse.urlencode(fields).encode()
            request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    answer = _outcome(response.read(MAX_ANSWER_BYTES))
            except urllib.error.HTTPError as exc:
                # A refusal comes with its status as the HTTP status and the reason in the body
                # (411: a wrong receptor, 418: no credit left...).
                answer = _outcome(exc.read(MAX_ANSWER_BYTES)) or {"status": exc.code}
            except (OSError, ValueError) as exc:  # unreachable, timed out
                raise SmsError(f"Kavenegar could not be reached: {exc}") from exc
            if answer.get("status") != 200:
                raise SmsError(
                    f"Kavenegar refused the message: {answer.get('status')} "
                    f"{answer.get('message', '')}".strip()
                )
            sent += 1
        return sent


# The most of a provider's answer read: a status and a few entries.
MAX_ANSWER_BYTES = 65_536


def _outcome(body: bytes) -> dict[str, Any]:
    """The `return` object of a Kavenegar answer ({"status": 200, "message": "..."}), or {}
    when the body is not one (an HTML error page from a proxy)."""
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return {}
    result = answer.get("return") if isinstance(answer, dict) else None
    return result if isinstance(result, dict) else {}


def backend() -> BaseBackend:
    cls = import_string(settings.RAVABET_SMS_BACKEND)
    instance: BaseBackend = cls()
    return instance


def send(to: str, text: str) -> int:
    """Send one text message; raises SmsError when the provider fails (the task retries)."""
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1] + "…"
    return backend().send_messages([Sms(to=to, text=text)])

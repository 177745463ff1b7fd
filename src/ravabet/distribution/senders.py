"""Talking to the platforms: the message of a release (formatted per platform) and one HTTP
call to post it. No database here: delivery.py decides when to call and records the outcome.

Bale and Telegram: the Telegram Bot API shape, POST {base}/bot{token}/sendMessage
(chat_id, text) or sendPhoto (chat_id, photo, caption), JSON in, answered {"ok": true,
"result": {"message_id": …}} or {"ok": false, "error_code": …, "description": …,
"parameters": {"retry_after": …}}.
Eitaa's bot service (eitaayar.ir, as its public client libraries call it): the token without
«bot» ({base}/{token}/sendMessage), form fields (chat_id, text), the same kind of answer; it
takes files only as uploads (sendFile), not by URL, so a release goes to Eitaa as text and its
link shows the release's preview card (Open Graph image). Not checked against the live
service (no internet here); the test server speaks both shapes.

A webhook: POST of a JSON body to the channel's URL, signed with the channel's secret:
  X-Ravabet-Timestamp: <unix seconds>
  X-Ravabet-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

Every call goes through the kernel's guard (core/netguard.py): http(s) on port 80/443 to a
public address only, checked before the request and again at connect time (a name re-pointed
to an internal address after the channel was saved is refused), no proxy from the
environment, and no redirect followed (a 3xx to a POST is a refusal).
RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS lifts the address and port rules.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ravabet.core import netguard
from ravabet.persian.normalizer import to_persian_digits

TIMEOUT = 10.0  # seconds: a slow platform never holds a worker long
TEXT_LIMIT = 4096  # Telegram's sendMessage text, in characters
CAPTION_LIMIT = 1024  # Telegram's sendPhoto caption
ELLIPSIS = "…"
RLM = "\u200f"

DEFAULT_BASES = {
    "bale": "https://tapi.bale.ai",
    "telegram": "https://api.telegram.org",
    "eitaa": "https://eitaayar.ir/api",
}
# The platforms that fetch a photo by its URL (sendPhoto); the others get text only.
PHOTOS_BY_URL = frozenset({"bale", "telegram"})
# How the token appears in the path: /bot<token>/ (Bot API) or /<token>/ (eitaayar).
TOKEN_PREFIX = {"eitaa": ""}
# Platforms whose calls are form-encoded rather than JSON.
FORM_ENCODED = frozenset({"eitaa"})
# Where a public channel's post is read: <site>/<username>/<message id>.
PUBLIC_LINKS = {"bale": "https://ble.ir", "telegram": "https://t.me", "eitaa": "https://eitaa.com"}


class SendError(Exception):
    """The platform refused or could not be reached. `retryable`: worth trying again later
    (429, 5xx, timeouts, unreachable); `retry_after`: the seconds the platform asked for."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Message:
    text: str
    photo_url: str = ""
    link: str = ""
    data: dict[str, Any] | None = None  # what a webhook receives besides the text


@dataclass(frozen=True)
class Posted:
    remote_id: str
    remote_url: str


_LATIN_START = re.compile(r"^[A-Za-z]")
_URL = re.compile(r"https?://\S+")


def _persian_line(line: str) -> str:
    """Persian digits outside links; a right-to-left mark before a line that starts in Latin."""
    parts, last = [], 0
    for m in _URL.finditer(line):
        parts.append(to_persian_digits(line[last : m.start()]))
        parts.append(m.group(0))
        last = m.end()
    parts.append(to_persian_digits(line[last:]))
    line = "".join(parts)
    if _LATIN_START.match(line):
        line = RLM + line
    return line


def _persian(text: str) -> str:
    return "\n".join(_persian_line(line) for line in text.split("\n"))


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with «…»."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ،,.؛:") + ELLIPSIS


def compose(parts: list[str], link: str, limit: int) -> str:
    """The parts (headline first), then the link on its own line, in at most `limit`
    characters: the later parts are cut at a word, the link always kept whole."""
    parts = [_persian(p.strip()) for p in parts if p and p.strip()]
    room = limit - len(link) - 2  # "\n\n" before the link
    kept: list[str] = []
    for part in parts:
        used = sum(len(k) + 2 for k in kept)
        left = room - used
        if left <= len(ELLIPSIS) + 1:
            break
        kept.append(cut(part, left))
        if kept[-1].endswith(ELLIPSIS) and len(part) > left:
            break
    return "\n\n".join([*kept, link]) if link else "\n\n".join(kept)


def _call_json(
    url: str, payload: dict[str, Any], headers: dict[str, str] | None = None, *, form: bool = False
) -> Any:
    if form:
        body = urllib.parse.urlencode(payload).encode()
        kind = "application/x-www-form-urlencoded; charset=utf-8"
    else:
        body = json.dumps(payload, ensure_ascii=False).encode()
        kind = "application/json; charset=utf-8"
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL checked by the guard)
        url,
        data=body,
        headers={"Content-Type": kind, **(headers or {})},
        method="POST",
    )
    return _open(request)


def private_allowed() -> bool:
    return bool(getattr(settings, "RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS", False))


def guard() -> netguard.Guard:
    """The guard channels are posted under (the setting read now)."""
    return netguard.Guard(allow_private=private_allowed())


def _blocked(exc: netguard.Blocked) -> SendError:
    return SendError(
        f"نشانی پیام‌رسان پذیرفته نیست: {exc}؛ نشانی پایهٔ کانال را درست کنید.", retryable=False
    )


def _checked(url: str) -> None:
    """The guard's checks before a call (scheme, port, host); the addresses are checked when
    connecting. `url` is the channel's base URL, never one carrying the token."""
    try:
        guard().check_host_and_port(url)
    except netguard.Blocked as exc:
        raise _blocked(exc) from exc


def _open(request: urllib.request.Request) -> Any:
    try:
        with guard().opener().open(request, timeout=TIMEOUT) as response:
            raw = response.read(1_000_000)
            return json.loads(raw or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read(100_000) or b"{}")
        except ValueError:
            answer = {}
        raise _refusal(exc.code, answer) from exc
    except netguard.Blocked as exc:
        raise _blocked(exc) from exc
    except TimeoutError as exc:
        raise SendError("پیام‌رسان در زمان مقرر پاسخ نداد.", retryable=True) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, netguard.Blocked):
            raise _blocked(exc.reason) from exc
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise SendError("پیام‌رسان در زمان مقرر پاسخ نداد.", retryable=True) from exc
        raise SendError(f"پیام‌رسان در دسترس نیست ({exc.reason}).", retryable=True) from exc
    except (ConnectionError, OSError) as exc:
        raise SendError(f"پیام‌رسان در دسترس نیست ({exc}).", retryable=True) from exc
    except ValueError as exc:
        raise SendError("پاسخ پیام‌رسان خوانا نبود.", retryable=True) from exc


def _refusal(code: int, answer: Any) -> SendError:
    description = str(answer.get("description", "")) if isinstance(answer, dict) else ""
    said = f" (پاسخ پیام‌رسان: {code} {description})".rstrip()
    if code == 429:
        params = answer.get("parameters") if isinstance(answer, dict) else None
        after = params.get("retry_after") if isinstance(params, dict) else None
        return SendError(
            "پیام‌رسان گفت زیاد پیام فرستاده‌ایم؛ کمی بعد دوباره فرستاده می‌شود." + said,
            retryable=True,
            retry_after=float(after) if isinstance(after, int | float) else None,
        )
    if 300 <= code < 400:
        return SendError(
            "پیام‌رسان به نشانی دیگری تغییر مسیر داد و پیام دنبال آن فرستاده نشد؛"
            " نشانی پایهٔ کانال را درست کنید." + said,
            retryable=False,
        )
    if code >= 500:
        return SendError("پیام‌رسان خطای داخلی داد؛ دوباره تلاش می‌شود." + said, retryable=True)
    if code in (401, 404):
        return SendError(
            "توکن ربات پذیرفته نشد؛ توکن درست را در صفحهٔ کانال وارد کنید." + said,
            retryable=False,
        )
    if code == 403:
        return SendError(
            "ربات اجازهٔ فرستادن در این کانال را ندارد؛ ربات را مدیر کانال کنید." + said,
            retryable=False,
        )
    return SendError("پیام‌رسان پیام را نپذیرفت؛ شناسهٔ کانال را بررسی کنید." + said, retryable=False)


def public_link(kind: str, chat_id: str, answer: dict[str, Any]) -> str:
    """The post's address for a public channel (@name or the platform's username), else ""."""
    message_id = answer.get("message_id")
    chat = answer.get("chat") if isinstance(answer.get("chat"), dict) else {}
    username = (chat or {}).get("username") or (chat_id[1:] if chat_id.startswith("@") else "")
    site = PUBLIC_LINKS.get(kind)
    if not (site and username and message_id is not None):
        return ""
    return f"{site}/{username}/{message_id}"


def send(*, kind: str, base_url: str, token: str, chat_id: str, message: Message) -> Posted:
    if kind == "webhook":
        return _send_webhook(url=base_url, secret=token, message=message)
    base = (base_url or DEFAULT_BASES.get(kind, "")).rstrip("/")
    _checked(base)
    if message.photo_url and kind in PHOTOS_BY_URL:
        method = "sendPhoto"
        payload = {"chat_id": chat_id, "photo": message.photo_url, "caption": message.text}
    else:
        method = "sendMessage"
        payload = {"chat_id": chat_id, "text": message.text}
    prefix = TOKEN_PREFIX.get(kind, "bot")
    answer = _call_json(f"{base}/{prefix}{token}/{method}", payload, form=kind in FORM_ENCODED)
    if not isinstance(answer, dict) or not answer.get("ok"):
        code = int(answer.get("error_code", 400)) if isinstance(answer, dict) else 400
        raise _refusal(code, answer if isinstance(answer, dict) else {})
    result = answer.get("result") if isinstance(answer.get("result"), dict) else {}
    remote_id = str((result or {}).get("message_id", ""))
    return Posted(remote_id, public_link(kind, chat_id, result or {}))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _send_webhook(*, url: str, secret: str, message: Message) -> Posted:
    _checked(url)
    body = json.dumps(
        {**(message.data or {}), "text": message.text, "link": message.link}, ensure_ascii=False
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Ravabet-Timestamp": timestamp,
            "X-Ravabet-Signature": signature(secret, timestamp, body),
        },
        method="POST",
    )
    answer = _open(request)
    remote_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
    return Posted(remote_id, "")

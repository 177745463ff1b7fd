"""Rate limits of the citizen desk, counted in the shared cache (core/ratelimit.py).

- Submissions: per client address per hour (RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR), and per
  contact per day (RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY): each mobile number and each
  e-mail address a message names, so nobody floods a stranger's phone or mailbox with
  confirmations through the form.
- Tracking-code lookups: per client address per hour (RAVABET_DESK_LOOKUPS_PER_IP_HOUR).
  Every attempt counts, right or wrong: the codes are random, and only the number of guesses
  per address stands between a script and someone else's message.

A refusal is `Limited`, whose Persian message the views show with status 429.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ravabet.core import audit
from ravabet.core import ratelimit as counters

HOUR = 3600
DAY = 24 * HOUR


class Limited(Exception):
    """Past a limit: `str(exc)` says so in Persian; `retry_after` is the window in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _address(request: HttpRequest) -> str:
    # The same address the audit log records (RAVABET_TRUSTED_PROXIES decides who that is).
    return audit.client_ip(request) or "unknown"


def _over(key: str, *, window: int, limit: int) -> bool:
    return counters.increment(key, window=window) > limit


def count_submission(request: HttpRequest, *, mobile: str = "", email: str = "") -> None:
    """Count one submission from this address and to these contacts (the mobile number as the
    service normalized it); raise Limited past any limit, before anything is stored or sent."""
    if _over(
        f"desk:submit:ip:{_address(request)}",
        window=HOUR,
        limit=settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR,
    ):
        raise Limited(
            "از این نشانی اینترنتی در یک ساعت گذشته پیام‌های بسیاری فرستاده شده است. "
            "یک ساعت دیگر دوباره بفرستید؛ آنچه نوشته‌اید در همین صفحه مانده است.",
            HOUR,
        )
    for kind, contact in (("mobile", mobile), ("email", email)):
        if contact and _over(
            f"desk:submit:{kind}:{counters.key_part(contact)}",
            window=DAY,
            limit=settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY,
        ):
            what = "این شمارهٔ همراه" if kind == "mobile" else "این نشانی رایانامه"
            raise Limited(
                f"امروز با {what} پیام‌های بسیاری ثبت شده است. فردا دوباره بفرستید، "
                "یا اگر پیامتان فوری است با روابط عمومی دستگاه تماس بگیرید.",
                DAY,
            )


def count_lookup(request: HttpRequest) -> None:
    """Count one look at a tracking code from this address; raise Limited past the limit."""
    if _over(
        f"desk:lookup:ip:{_address(request)}",
        window=HOUR,
        limit=settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR,
    ):
        raise Limited(
            "از این نشانی اینترنتی در یک ساعت گذشته کدهای رهگیری بسیاری جست‌وجو شده است. "
            "یک ساعت دیگر دوباره امتحان کنید. کد شما معتبر می‌ماند و پیامتان سر جایش است.",
            HOUR,
        )

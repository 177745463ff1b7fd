"""Login attempt limiting and password-reset request limiting, counted in the shared cache
(Redis in scale-out)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from ravabet.core import ratelimit as counters


def _keys(ip: str, username: str) -> list[str]:
    return [f"login-fail:ip:{ip}", f"login-fail:user:{ip}:{counters.key_part(username)}"]


def is_blocked(ip: str, username: str) -> bool:
    limit = settings.LOGIN_RATE_LIMIT
    ip_key, user_key = _keys(ip, username)
    # An address may try a few usernames, but not spray many.
    return counters.count(user_key) >= limit or counters.count(ip_key) >= limit * 4


def register_failure(ip: str, username: str) -> None:
    for key in _keys(ip, username):
        counters.increment(key, window=settings.LOGIN_RATE_WINDOW_SECONDS)


def reset(ip: str, username: str) -> None:
    cache.delete(_keys(ip, username)[1])


# Password-reset e-mails asked for, per address typed and per client IP, within the window
# (settings may override both). The count does not depend on whether the address is known.
RESET_LIMIT = 5
RESET_WINDOW_SECONDS = 3600


def reset_request_allowed(ip: str, email: str) -> bool:
    """Count one reset request; False once the address or the IP is past the limit."""
    limit = int(getattr(settings, "RAVABET_PASSWORD_RESET_LIMIT", RESET_LIMIT))
    window = int(getattr(settings, "RAVABET_PASSWORD_RESET_WINDOW", RESET_WINDOW_SECONDS))
    by_email = counters.increment(f"pwreset:email:{counters.key_part(email)}", window=window)
    by_ip = counters.increment(f"pwreset:ip:{ip}", window=window)
    return by_email <= limit and by_ip <= limit


def _change_key(user_id: int) -> str:
    return f"pwchange-fail:user:{user_id}"


def change_blocked(user_id: int) -> bool:
    """Too many wrong current passwords on the change form (a session left open is not a
    licence to guess the password)."""
    return counters.count(_change_key(user_id)) >= settings.LOGIN_RATE_LIMIT


def register_change_failure(user_id: int) -> None:
    counters.increment(_change_key(user_id), window=settings.LOGIN_RATE_WINDOW_SECONDS)

"""Login attempt limiting, counted in the shared cache (Redis in scale-out)."""

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

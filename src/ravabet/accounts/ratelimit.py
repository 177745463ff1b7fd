"""Login attempt limiting, counted in the shared cache (Redis in scale-out)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(ip: str, username: str) -> list[str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:16]
    return [f"login-fail:ip:{ip}", f"login-fail:user:{ip}:{name}"]


def is_blocked(ip: str, username: str) -> bool:
    limit = settings.LOGIN_RATE_LIMIT
    ip_key, user_key = _keys(ip, username)
    # An address may try a few usernames, but not spray many.
    return (cache.get(user_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * 4)


def register_failure(ip: str, username: str) -> None:
    window = settings.LOGIN_RATE_WINDOW_SECONDS
    for key in _keys(ip, username):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def reset(ip: str, username: str) -> None:
    cache.delete(_keys(ip, username)[1])

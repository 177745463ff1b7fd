"""Counting events per key in the shared cache (Redis in scale-out), for rate limits.

A counter starts at its first event and lives `window` seconds: a fixed window, enough to stop a
script without a table of timestamps. Capabilities name their own keys.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def key_part(value: str) -> str:
    """A short, fixed-length stand-in for an e-mail address or a username inside a cache key."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:16]


def count(key: str) -> int:
    value = cache.get(key, 0)
    return value if isinstance(value, int) else 0


def increment(key: str, *, window: int) -> int:
    """Count one event under `key`; the count so far, this one included."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1

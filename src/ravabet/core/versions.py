"""Two small mechanisms the kernel's caches share: version tokens and an admission rule.

Version tokens: a cached thing's key includes the current version of what it shows (a
page-cache topic, a search scope); renewing the version makes every such key new at once, in
every process (the versions live in the shared default cache). A random token, not a counter:
a version evicted from the cache can only make a new key, never bring back an older entry.

Admission: something worth caching only if asked for twice within a window (a popular search),
so that a flood of one-off requests writes only marks, in a fixed number of slots.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.cache import cache as shared_cache
from django.core.cache import caches

ADMISSION_SLOTS = 8192


def current(names: Iterable[str]) -> list[str]:
    """The current version of each name; a fresh one, agreed on by add(), where none is kept
    (the first request since a start or an eviction)."""
    keys = [f"version:{name}" for name in names]
    found = shared_cache.get_many(keys)
    for key in keys:
        if key not in found:
            shared_cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = shared_cache.get(key)
    return [str(found[key]) for key in keys]


def renew(names: Iterable[str]) -> None:
    """New versions for these names: whatever was cached under the old ones is never read again."""
    shared_cache.set_many({f"version:{n}": secrets.token_hex(8) for n in names}, timeout=None)


def admitted(key: str, *, alias: str, seconds: int) -> bool:
    """True the second time `key` is asked for within `seconds`. The first ask leaves the key
    in one of ADMISSION_SLOTS slots of the `alias` cache, so one-off keys only overwrite slots."""
    marks = caches[alias]
    number = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % ADMISSION_SLOTS
    slot = f"admit:{number}"
    if marks.get(slot) == key:
        return True
    marks.set(slot, key, timeout=seconds)
    return False

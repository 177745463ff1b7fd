"""The cache behind rate limits is one for every process of the site, with or without Redis.

Under gunicorn the site runs several processes; with a per-process cache each would keep its own
login and subscription counters, and a limit of 5 would be 5 per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ravabet.core import ratelimit

ROOT = Path(__file__).resolve().parents[2]


def test_a_count_made_in_another_process_is_seen_here() -> None:
    key = "test:shared-cache:" + os.urandom(4).hex()
    code = (
        "import django; django.setup()\n"
        "from ravabet.core import ratelimit\n"
        f"for _ in range(3): ratelimit.increment({key!r}, window=60)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ravabet.config.settings"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
    assert ratelimit.count(key) == 3
    assert ratelimit.increment(key, window=60) == 4

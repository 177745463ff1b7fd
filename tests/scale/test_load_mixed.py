"""`bench/load.py --mixed` on the scale-out stack: every accepted submission is a row.

The bench brings up its own stack (a fresh PostgreSQL database on the session's server, dropped
at its exit; the session's own Redis database, which it flushes as this session's fixture does)
and drives the mix for five seconds. Its exit code and its last line say whether each desk
message and survey answer the site accepted is in the database, and whether any request failed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_mixed_load_stores_every_accepted_submission_and_fails_nothing(
    stack_database: str,
) -> None:
    server = "postgres://{USER}@{HOST}:{PORT}".format(**connection.settings_dict)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--mixed",
            "--quick",
            "--duration",
            "5",
            "--postgres",
            server,
            "--redis",
            settings.REDIS_URL,  # this session's own Redis database (make scale-test)
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("mixed_vs_static="), output
    last = dict(re.findall(r"(\w+)=([\d.]+)", line))
    assert last["errors"] == "0", output
    assert int(last["desk_accepted"]) > 0, output
    assert last["desk_accepted"] == last["desk_rows"], output
    assert int(last["survey_accepted"]) > 0, output
    assert last["survey_accepted"] == last["survey_rows"], output
    assert float(last["mixed_vs_static"]) > 0, output

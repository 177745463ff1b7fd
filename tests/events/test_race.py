"""Concurrent registrations for the last seat: exactly one wins, the others are told it is full.

On SQLite the racers are separate processes on one database file (as gunicorn's workers are);
on PostgreSQL they are threads with their own connections. Either way the service's row lock on
the event is what decides.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from ravabet.events import services
from ravabet.events.models import Registration
from tests.factories import AgencyFactory, MembershipFactory, make_attendee, make_event

RACERS = 8
RACE = Path(__file__).with_name("race.py")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite deployment: processes")
def test_last_seat_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "RAVABET_VAR_DIR": str(tmp_path),
        "RAVABET_TASK_BACKEND": "database",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(RACE), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    event_id = run("setup", str(RACERS))
    start = f"{time.time() + 4:.3f}"  # every process has imported Django by then
    racers = [
        subprocess.Popen(
            [sys.executable, str(RACE), "register", event_id, str(i), start],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(RACERS)
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        outcomes.append(out.strip())
    assert outcomes.count("won") == 1, outcomes
    refused = [o for o in outcomes if o != "won"]
    assert len(refused) == RACERS - 1
    assert all("ظرفیت این رویداد" in o for o in refused), refused
    assert run("count", event_id) == "1"


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads race on a server database")
@pytest.mark.django_db(transaction=True)
def test_last_seat_threads_on_a_server_database(world: Any) -> None:
    event = make_event(actor=world.directorate_staff, organizer=world.directorate, capacity=1)
    racers = []
    for _ in range(RACERS):
        agency = AgencyFactory()
        racers.append((MembershipFactory(agency=agency).user, agency))
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def race(index: int) -> None:
        officer, agency = racers[index]
        try:
            barrier.wait()
            services.registration_create(
                actor=officer,
                event=event,
                agency=agency,
                data=make_attendee(phone=f"0912{index:07d}"),
            )
            outcomes.append("won")
        except services.EventError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("won") == 1, outcomes
    assert sum("ظرفیت" in o for o in outcomes) == RACERS - 1
    assert Registration.objects.filter(event=event, status="registered").count() == 1

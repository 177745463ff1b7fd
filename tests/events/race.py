"""The last-seat race, run as separate processes on one SQLite file (tests/events/test_race.py).

    python race.py setup N           migrate, make N invited agencies and an event with 1 seat
    python race.py register ID I T   at the moment T (epoch seconds), register agency I's person
    python race.py count ID          the live registrations of the event

DATABASE_URL names the file; each process is a web worker of its own, as under gunicorn.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from ravabet.core.organisation.models import Agency, Membership  # noqa: E402
from ravabet.events import services  # noqa: E402
from ravabet.events.models import Registration  # noqa: E402


def setup(count: int) -> None:
    call_command("migrate", verbosity=0)
    User = get_user_model()
    directorate = Agency.objects.create(
        slug="pr-directorate", name="روابط عمومی استانداری", kind=Agency.Kind.DIRECTORATE
    )
    staff = User.objects.create(username="directorate")
    Membership.objects.create(user=staff, agency=directorate, role=Membership.Role.OFFICER)
    for i in range(count):
        agency = Agency.objects.create(
            slug=f"agency-{i}", name=f"دستگاه {i}", kind=Agency.Kind.GENERAL_DIRECTORATE
        )
        officer = User.objects.create(username=f"officer-{i}")
        Membership.objects.create(user=officer, agency=agency, role=Membership.Role.OFFICER)
    starts = timezone.now() + dt.timedelta(days=3)
    event = services.event_create(
        actor=staff,
        data=services.EventInput(
            title="نشست با یک صندلی",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            venue="سالن استانداری",
            organizer=directorate,
            capacity=1,
        ),
    )
    print(event.pk)


def register(event_id: int, index: int, at: float) -> None:
    from ravabet.events.models import Event

    event = Event.objects.get(pk=event_id)
    officer = get_user_model().objects.get(username=f"officer-{index}")
    agency = Agency.objects.get(slug=f"agency-{index}")
    time.sleep(max(0.0, at - time.time()))
    try:
        services.registration_create(
            actor=officer,
            event=event,
            agency=agency,
            data=services.AttendeeInput(name=f"نفر {index}", phone=f"0912{index:07d}"),
        )
    except services.EventError as exc:
        print(f"refused:{exc}")
    else:
        print("won")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]))
    elif command == "register":
        register(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        print(Registration.objects.filter(event_id=int(sys.argv[2]), status="registered").count())

"""The `ravabet` console script and the demo data command."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ravabet.core.organisation.models import Agency, County, Membership


def test_ravabet_console_script_is_manage_py(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ravabet"
    env = {**os.environ, "RAVABET_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([str(script), "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    help_text = subprocess.run(
        [str(script), "help"], env=env, capture_output=True, text=True
    ).stdout
    assert "demo" in help_text and "db_worker" in help_text and "createsuperuser" in help_text


@pytest.mark.django_db
def test_demo_loads_agencies_counties_roles_and_runs_twice() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "officer.roads" in out.getvalue() and "ravabet-demo-1404" in out.getvalue()
    counts = (Agency.objects.count(), County.objects.count(), Membership.objects.count())
    assert counts[0] >= 15 and counts[1] >= 16
    assert Agency.objects.filter(kind=Agency.Kind.DIRECTORATE).count() == 1
    assert Agency.objects.get(slug="pr-directorate").parent == Agency.objects.get(
        slug="governorate"
    )
    Agency.objects.filter(slug="roads").update(phone="021-12345678")  # a change made in the demo
    call_command("demo", stdout=StringIO())
    assert (Agency.objects.count(), County.objects.count(), Membership.objects.count()) == counts
    assert Agency.objects.get(slug="roads").phone == "021-12345678"
    multi = Membership.objects.filter(user__username="multi")
    assert {m.role for m in multi} == {"officer", "head"}

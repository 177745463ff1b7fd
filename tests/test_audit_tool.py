"""`make audit` can fail: the snapshot's OSV server and pip-audit report a version with a known
advisory, and pass the same package at a fixed version."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / ".ci" / "osv_server.py"
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def audit(requirements: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(SERVER),
            "--",
            str(PIP_AUDIT),
            "--strict",
            "--progress-spinner",
            "off",
            "--cache-dir",
            str(tmp_path / "cache"),
            "-r",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "osv",
            "--osv-url",
            "{osv_url}",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def found(result: subprocess.CompletedProcess[str]) -> dict[str, set[str]]:
    report = json.loads(result.stdout)
    return {d["name"]: {v["id"] for v in d.get("vulns", [])} for d in report["dependencies"]}


def test_an_old_django_is_reported_and_fails_the_audit(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==4.2.1\nrequests==2.34.2\n")
    result = audit(requirements, tmp_path)
    assert result.returncode == 1, result.stderr
    vulns = found(result)
    # CVE-2024-42005, SQL injection through JSONField keys: 4.2 before 4.2.15.
    assert "PYSEC-2024-70" in vulns["django"]
    assert vulns["requests"] == set()


def test_the_fixed_release_passes(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==4.2.16\n")
    result = audit(requirements, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert found(result) == {"django": set()}


@pytest.mark.parametrize(
    ("version", "affected"),
    [("5.0.7", True), ("5.0.8", False), ("4.2", True), ("4.2.15", False), ("4.1.0", False)],
)
def test_the_server_reads_unsorted_ranges_in_version_order(
    tmp_path: Path, version: str, affected: bool
) -> None:
    # PYSEC-2024-70's events come as introduced 5.0, fixed 5.0.8, introduced 4.2, fixed 4.2.15.
    record = {
        "id": "PYSEC-2024-70",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Django"},
                "ranges": [
                    {
                        "type": "ECOSYSTEM",
                        "events": [
                            {"introduced": "5.0"},
                            {"fixed": "5.0.8"},
                            {"introduced": "4.2"},
                            {"fixed": "4.2.15"},
                        ],
                    }
                ],
            }
        ],
    }
    (tmp_path / "django.json").write_text(json.dumps([record]))
    port_file = tmp_path / "port"
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "--advisories", str(tmp_path), "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and "listening" in server.stdout.readline()
        port = int(port_file.read_text())
        query = {"package": {"name": "django", "ecosystem": "PyPI"}, "version": version}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/query", data=json.dumps(query).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer = json.load(response)
        assert bool(answer.get("vulns")) is affected
    finally:
        server.terminate()
        server.wait(timeout=10)

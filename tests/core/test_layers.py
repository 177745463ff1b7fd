"""The layers hold (import-linter), and capabilities reach the whole only through the registry."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ravabet.core import registry

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    """persian < kernel < capabilities < api/config, capabilities independent, no cycles."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_kernel_source_names_no_capability() -> None:
    """Belt and braces beside import-linter: not even a lazy import inside a function."""
    capabilities = ("ravabet.accounts", "ravabet.agencies", "ravabet.newsroom", "ravabet.api")
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "src" / "ravabet" / "core").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("import ", "from "))
        and any(f" {name}" in line or f"{name}." in line for name in capabilities)
    ]
    assert offenders == []


@pytest.fixture
def only_these_loaders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    monkeypatch.setattr(registry, "_demo_loaders", {})
    registry.register_demo_loader("later", "a capability", lambda: calls.append("later"))
    registry.register_demo_loader(
        "first", "the organisation", lambda: calls.append("first"), order=0
    )
    yield calls


@pytest.mark.django_db
def test_demo_runs_every_registered_loader_in_order(only_these_loaders: list[str]) -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO(), stderr=StringIO())
    assert only_these_loaders == ["first", "later"]


def test_installed_capabilities_registered_themselves() -> None:
    assert {"organisation", "newsroom"} <= {loader.key for loader in registry.demo_loaders()}
    assert "release" in {source.scope for source in registry.search_sources()}
    assert {"agencies", "newsroom"} <= {mounted.key for mounted in registry.api_routers()}


@pytest.mark.django_db
def test_the_api_mounts_every_registered_router() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/agencies" in paths  # agencies' router
    assert any(path.startswith("/api/v1/releases") for path in paths)  # newsroom's router
    assert "/api/v1/me" in paths  # the API's own


@pytest.mark.django_db
def test_search_rebuild_refuses_an_unknown_scope() -> None:
    with pytest.raises(CommandError, match="unknown scope"):
        call_command("search_rebuild", "--scope", "nothing", stdout=StringIO())


@pytest.mark.django_db
def test_search_rebuild_of_an_empty_index_reports_each_scope() -> None:
    out = StringIO()
    call_command("search_rebuild", "--scope", "release", stdout=out, stderr=StringIO())
    assert "indexed 0 documents of scope release" in out.getvalue()

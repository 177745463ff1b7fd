"""Content-Security-Policy: every page forbids inline script; templates give it none to forbid."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "ravabet"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/news/", "/agencies/", "/search/?q=راه", "/accounts/login/"]
)
def test_public_pages_forbid_inline_script(world: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_back_office_and_admin_pages_carry_the_policy(world: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    for path in (
        "/backoffice/",
        "/backoffice/newsroom/",
        "/admin/",
        "/admin/agencies/agency/",
        f"/admin/agencies/agency/{world.roads.pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_error_pages_carry_the_policy() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_docs_allow_inline_style_but_not_inline_script() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]


@pytest.mark.django_db
def test_report_only_mode(settings: Any) -> None:
    settings.RAVABET_CSP_REPORT_ONLY = True
    response = Client().get("/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def templates() -> list[Path]:
    return sorted(SRC.glob("*/templates/**/*.html")) + sorted(
        SRC.glob("core/*/templates/**/*.html")
    )


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    found = templates()
    assert len(found) > 20
    problems = []
    for path in found:
        text = path.read_text()
        # A PDF's HTML (templates/<app>/pdf/) is read by WeasyPrint, never served to a browser:
        # its styles are inline on purpose; script is still refused there.
        printed = "pdf" in path.parent.parts[-1:]
        for match in re.finditer(r"<script\b[^>]*>", text, re.IGNORECASE):
            if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                problems.append(f"{path}: inline {match.group(0)}")
        for pattern in (r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*=", r"javascript:", r"hx-on"):
            if printed and "style" in pattern:
                continue
            if re.search(pattern, text, re.IGNORECASE):
                problems.append(f"{path}: {pattern}")
    assert not problems, problems

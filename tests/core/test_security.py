"""CSRF on every form, cookie flags, DEBUG off by default, secret key never committed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_login_form_without_csrf_token_is_refused(world: Any, password: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "officer.roads", "password": password})
    assert response.status_code == 403
    assert "این فرم دیگر معتبر نیست" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_edit_form_without_csrf_token_is_refused(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.head_roads)
    assert client.post("/backoffice/agencies/roads/edit/", {"phone": "1"}).status_code == 403


@pytest.mark.django_db
def test_every_post_form_carries_a_csrf_token(world: Any) -> None:
    client = Client()
    client.force_login(world.head_roads)
    for page in ("/accounts/login/", "/backoffice/agencies/roads/edit/", "/accounts/profile/", "/"):
        body = client.get(page).content.decode()
        forms = body.count('method="post"')
        assert body.count('name="csrfmiddlewaretoken"') >= forms


def _settings_value(expr: str, **env: str) -> str:
    """Import the settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RAVABET_")}
    clean.update(env)
    code = f"import ravabet.config.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path: Path) -> None:
    assert _settings_value("s.DEBUG", RAVABET_VAR_DIR=str(tmp_path)) == "False"
    assert _settings_value("s.DEBUG", RAVABET_VAR_DIR=str(tmp_path), RAVABET_DEBUG="1") == "True"


def test_cookies_are_httponly_and_secure_outside_debug(tmp_path: Path) -> None:
    expr = "(s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    assert _settings_value(expr, RAVABET_VAR_DIR=str(tmp_path)) == "(True, True, True)"


def test_secret_key_from_environment_or_generated_once_into_var(tmp_path: Path) -> None:
    assert (
        _settings_value("s.SECRET_KEY", RAVABET_VAR_DIR=str(tmp_path), RAVABET_SECRET_KEY="k" * 50)
        == "k" * 50
    )
    first = _settings_value("s.SECRET_KEY", RAVABET_VAR_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert _settings_value("s.SECRET_KEY", RAVABET_VAR_DIR=str(tmp_path)) == first
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "secret_key" not in tracked


@pytest.mark.django_db
def test_session_cookie_is_httponly_after_login(world: Any, password: str) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "officer.roads", "password": password})
    assert client.cookies["sessionid"]["httponly"]

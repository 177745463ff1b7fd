"""The web server as `make demo` and production run it: `ravabet serve` (gunicorn) with DEBUG off,
hashed and compressed static files, the Persian error pages, plain-http cookies on loopback only,
and the files under var/ readable by their owner alone.

One real server for the module: a fresh RAVABET_VAR_DIR, `ravabet migrate` and `ravabet
collectstatic` run as subprocesses, then `ravabet serve 127.0.0.1:<free port>` with the
environment `make demo` exports, spoken to over real HTTP.
"""

from __future__ import annotations

import gzip
import html
import http.cookiejar
import importlib
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory

from ravabet.config import gunicorn as gunicorn_config
from ravabet.core.views import error_500

SCRIPT = Path(sys.executable).parent / "ravabet"
# What `make demo` exports beside RAVABET_BASE_URL (see the Makefile).
DEMO_ENV = {"RAVABET_HASHED_STATIC": "1", "RAVABET_INSECURE_LOOPBACK_COOKIES": "1"}
USERNAME, PASSWORD = "probe.admin", "a-long-server-test-password"
PERSIAN_404 = "صفحه‌ای که خواستید پیدا نشد"

on_sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the served demo runs on the embedded SQLite default; CI's PostgreSQL run skips it",
)


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without Ravabet's settings, pointed at var_dir."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RAVABET_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(RAVABET_VAR_DIR=str(var_dir), **extra)
    return env


def _ravabet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=180
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@dataclass
class Server:
    url: str
    var_dir: Path
    log: Path

    def get(self, path: str, **headers: str) -> tuple[int, Any, bytes]:
        """Status, headers, raw body; errors are answers too, redirects are not followed."""
        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(self.url + path, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("served") / "var"  # the app creates it
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _env(var_dir, RAVABET_BASE_URL=url, **DEMO_ENV)
    for args in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        [
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser({USERNAME!r}, '', {PASSWORD!r})",
        ],
    ):
        done = _ravabet(env, *args)
        assert done.returncode == 0, done.stderr
    log = var_dir.parent / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(SCRIPT), "serve", f"127.0.0.1:{port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the teardown stops every worker
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield Server(url, var_dir, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@on_sqlite_only
def test_unknown_url_gives_the_persian_404_not_the_debug_page(server: Server) -> None:
    status, headers, body = server.get("/no-such-page/")
    text = body.decode()
    assert status == 404
    assert PERSIAN_404 in text and 'dir="rtl"' in text
    assert "Page not found" not in text and "DEBUG = True" not in text
    assert headers["Server"].startswith("gunicorn")


@on_sqlite_only
def test_debug_is_off_a_foreign_host_gets_a_plain_400(server: Server) -> None:
    status, _, body = server.get("/", Host="ravabet.example.ir")
    assert status == 400
    assert b"DisallowedHost" not in body and b"ALLOWED_HOSTS" not in body


@on_sqlite_only
def test_static_files_are_hashed_cached_for_long_and_compressed(server: Server) -> None:
    status, _, body = server.get("/")
    assert status == 200
    css = re.search(r'href="(/static/ravabet/css/ravabet\.[0-9a-f]{12}\.css)"', body.decode())
    assert css, "the home page links a stylesheet with a content hash in its name"
    status, headers, raw = server.get(css.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    cache = headers["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 86400  # type: ignore[union-attr]
    text = gzip.decompress(raw).decode()
    assert 'font-family: "Vazirmatn"' in text
    assert re.search(r"Vazirmatn-Regular\.[0-9a-f]{12}\.woff2", text)  # references hashed too
    # The 500 page names the stylesheet without a hash (it renders with no help): still served.
    status, headers, _ = server.get("/static/ravabet/css/ravabet.css")
    assert status == 200 and "immutable" not in headers["Cache-Control"]


@on_sqlite_only
def test_login_over_plain_http_on_loopback_reaches_the_back_office(server: Server) -> None:
    """As a browser would: a cookie jar that keeps Secure cookies off plain http."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(server.url + "/accounts/login/", timeout=20) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": html.unescape(token.group(1)),
            "username": USERNAME,
            "password": PASSWORD,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own http server
        server.url + "/accounts/login/", data=form, headers={"Origin": server.url}
    )
    with browser.open(request, timeout=20) as response:
        assert response.url == server.url + "/backoffice/"
        assert "پیشخوان" in response.read().decode()
    session = next(cookie for cookie in jar if cookie.name == "sessionid")
    assert not session.secure and session.has_nonstandard_attr("HttpOnly")


@on_sqlite_only
def test_var_files_are_readable_by_their_owner_only(server: Server) -> None:
    var = server.var_dir
    database = var / "ravabet.sqlite3"
    assert _mode(var) == 0o700
    assert _mode(database) == 0o600
    assert _mode(var / "secret_key") == 0o600
    # SQLite gives its -wal and -shm files the database file's mode, whoever opens it.
    connection = sqlite3.connect(database)
    try:
        connection.execute("CREATE TABLE probe (x)")
        connection.commit()
        for suffix in ("-wal", "-shm"):
            assert _mode(Path(f"{database}{suffix}")) == 0o600
    finally:
        connection.execute("DROP TABLE probe")
        connection.commit()
        connection.close()


def test_uploaded_media_are_owner_only(tmp_path: Path) -> None:
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("logos/a.txt", ContentFile(b"x"))
    assert _mode(tmp_path / "media" / name) == 0o600
    assert _mode(tmp_path / "media" / "logos") == 0o700


def test_500_page_renders_with_no_request_context_and_no_database() -> None:
    # No django_db mark: any database access here raises.
    response = error_500(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "خطایی در سامانه رخ داد" in body and 'dir="rtl"' in body
    assert "/static/ravabet/css/ravabet.css" in body


def _settings(tmp_path: Path, expr: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"import ravabet.config.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path, **env), capture_output=True, text=True
    )


def test_plain_http_cookies_only_by_explicit_setting_and_for_loopback_hosts(
    tmp_path: Path,
) -> None:
    expr = "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    assert _settings(tmp_path, expr).stdout.strip() == "(True, True)"
    loopback = _settings(
        tmp_path,
        expr,
        RAVABET_INSECURE_LOOPBACK_COOKIES="1",
        RAVABET_ALLOWED_HOSTS="127.0.0.1,localhost,[::1],127.0.0.2",
    )
    assert loopback.stdout.strip() == "(False, False)", loopback.stderr
    remote = _settings(
        tmp_path,
        expr,
        RAVABET_INSECURE_LOOPBACK_COOKIES="1",
        RAVABET_ALLOWED_HOSTS="127.0.0.1,ravabet.example.ir",
    )
    assert remote.returncode != 0
    assert "ImproperlyConfigured" in remote.stderr and "ravabet.example.ir" in remote.stderr
    anything = _settings(
        tmp_path, expr, RAVABET_INSECURE_LOOPBACK_COOKIES="1", RAVABET_ALLOWED_HOSTS="*"
    )
    assert anything.returncode != 0


def test_serve_refuses_debug_and_uncollected_static_files(tmp_path: Path) -> None:
    debug = _ravabet(_env(tmp_path, RAVABET_DEBUG="1", **DEMO_ENV), "serve")
    assert debug.returncode != 0 and "DEBUG" in debug.stderr
    uncollected = _ravabet(_env(tmp_path, **DEMO_ENV), "serve")
    assert uncollected.returncode != 0 and "collectstatic" in uncollected.stderr


def test_workers_follow_the_cores_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [gunicorn_config.default_workers(n) for n in (1, 2, 4, 64)] == [1, 2, 4, 8]
    monkeypatch.setenv("RAVABET_WEB_WORKERS", "3")
    monkeypatch.setenv("RAVABET_BIND", "127.0.0.1:8123")
    try:
        config = importlib.reload(gunicorn_config)
        assert (config.workers, config.bind, config.worker_class) == (
            3,
            ["127.0.0.1:8123"],
            "gthread",
        )
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_config)

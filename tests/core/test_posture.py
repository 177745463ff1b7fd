"""Security posture, point by point, as production runs (docs/operations.md, "Security posture").

The production points are proved on a real server: a fresh RAVABET_VAR_DIR, `ravabet migrate`
as a subprocess, then gunicorn with `ravabet serve`'s configuration and the environment of a
site behind a TLS proxy (RAVABET_DEBUG=0, a random secret key, RAVABET_BEHIND_TLS_PROXY=1,
RAVABET_ALLOWED_HOSTS=ravabet.example.ir), spoken to over real HTTP as the proxy would speak
(Host and X-Forwarded-Proto). Static files are served from the apps' folders: collecting the
hashed copies costs minutes on a loaded CI machine and changes no header tested here
(tests/core/test_server.py serves the collected ones). Points already proved elsewhere are not
repeated here; the section in docs/operations.md names the test of each.
"""

from __future__ import annotations

import html
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message as Headers
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ravabet.core import uploads
from ravabet.core.management.commands.serve import gunicorn_argv
from ravabet.desk.models import Attachment, Message
from tests.desk.test_public import form_data
from tests.files import SVG_WITH_SCRIPT, docx_bytes, image_bytes, png_claiming

SCRIPT = Path(sys.executable).parent / "ravabet"
HOST = "ravabet.example.ir"
ORIGIN = f"https://{HOST}"
USERNAME, PASSWORD = "posture.admin", "a-long-posture-test-password"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without Ravabet's settings, plus what a production site sets.

    DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/e2e/conftest.py sets it in a worker
    that also ran them); production never sets it, and the deploy check rightly refuses it."""
    test_only = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("RAVABET_") and k not in test_only
    }
    env.update(
        RAVABET_VAR_DIR=str(var_dir),
        RAVABET_DEBUG="0",
        RAVABET_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        RAVABET_BEHIND_TLS_PROXY="1",
        RAVABET_ALLOWED_HOSTS=HOST,
        RAVABET_BASE_URL=ORIGIN,
        RAVABET_TRUSTED_PROXIES="1",
        **extra,
    )
    return env


def ravabet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


# --- `ravabet check --deploy` -----------------------------------------------------------------


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    done = ravabet(production_env(tmp_path / "var"), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_deploy_check_fails_without_the_tls_proxy_settings(tmp_path: Path) -> None:
    """The check can fail: the same site without RAVABET_BEHIND_TLS_PROXY has no HSTS, no
    redirect to https."""
    env = production_env(tmp_path / "var")
    del env["RAVABET_BEHIND_TLS_PROXY"]
    done = ravabet(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W004" in done.stderr and "security.W008" in done.stderr


# --- a production server ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: Headers
    body: str

    def cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for line in self.headers.get_all("Set-Cookie") or []:
            jar.load(line)
        return jar


@dataclass
class Server:
    url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, path: str, *, data: dict[str, str] | None = None, https: bool = True, **headers: str
    ) -> Answer:
        """As the TLS proxy forwards a request: Host, X-Forwarded-Proto; redirects not followed."""
        headers = {"Host": HOST, **headers}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                answer = Answer(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers, error.read().decode())
        for name, morsel in answer.cookies().items():
            self.cookies[name] = morsel.value
        return answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("production") / "var"
    var_dir.mkdir(mode=0o700)  # with the key in the environment, nothing else creates it
    port = _free_port()
    env = production_env(var_dir, RAVABET_BIND=f"127.0.0.1:{port}", RAVABET_WEB_WORKERS="1")
    for args in (
        ["migrate", "--noinput"],
        [
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_superuser({USERNAME!r}, '', {PASSWORD!r})",
        ],
    ):
        done = ravabet(env, *args)
        assert done.returncode == 0, done.stderr
    log = var_dir.parent / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            gunicorn_argv(),  # what `ravabet serve` becomes
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
        yield Server(f"http://127.0.0.1:{port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def logged_in(server: Server) -> Server:
    """A new browser that logs in through the login form, CSRF token and all."""
    browser = Server(server.url)
    page = browser.request("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token
    answer = browser.request(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": html.unescape(token.group(1)),
            "username": USERNAME,
            "password": PASSWORD,
        },
        Origin=ORIGIN,
    )
    assert answer.status == 302, answer.body
    assert "sessionid" in browser.cookies
    return browser


def test_plain_http_is_sent_to_https(server: Server) -> None:
    answer = Server(server.url).request("/news/?page=2", https=False)
    assert answer.status == 301
    assert answer.headers["Location"] == f"{ORIGIN}/news/?page=2"


def test_https_answers_carry_hsts_nosniff_referrer_policy_and_frame_denial(server: Server) -> None:
    answer = Server(server.url).request("/")
    assert answer.status == 200
    # A year, this host's subdomains too; no preload (a promise only the apex's owner makes).
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_secure_and_httponly(server: Server) -> None:
    browser = Server(server.url)
    csrf = browser.request("/accounts/login/").cookies()["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    page = browser.request("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token
    answer = browser.request(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": html.unescape(token.group(1))}
        | {"username": USERNAME, "password": PASSWORD},
        Origin=ORIGIN,
    )
    assert answer.status == 302
    session = answer.cookies()["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_a_login_post_from_another_origin_is_refused(server: Server) -> None:
    browser = Server(server.url)
    page = browser.request("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token
    answer = browser.request(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": html.unescape(token.group(1))}
        | {"username": USERNAME, "password": PASSWORD},
        Origin="https://evil.example",
    )
    assert answer.status == 403
    assert "sessionid" not in browser.cookies


def _script_sources(policy: str) -> list[str]:
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    return directives.get("script-src", directives.get("default-src", []))


PUBLIC_PAGES = [
    ("/", 200),
    ("/news/", 200),
    ("/desk/", 200),
    ("/accounts/login/", 200),
    ("/admin/login/", 200),
    ("/api/v1/docs", 200),
    ("/no-such-page/", 404),
]
STAFF_PAGES = [("/backoffice/", 200), ("/admin/", 200), ("/accounts/profile/", 200)]


def test_every_kind_of_page_forbids_inline_and_eval_script(server: Server) -> None:
    """Public pages, the API docs, the 404 page; the back office and the admin logged in."""
    staff = logged_in(server)
    seen = []
    for browser, pages in ((Server(server.url), PUBLIC_PAGES), (staff, STAFF_PAGES)):
        for path, status in pages:
            answer = browser.request(path)
            assert answer.status == status, path
            policy = answer.headers["Content-Security-Policy"]
            assert _script_sources(policy) == ["'self'"], (path, policy)
            assert "unsafe-inline" not in " ".join(_script_sources(policy))
            assert "unsafe-eval" not in policy, path
            assert answer.headers["Strict-Transport-Security"], path
            seen.append(path)
    assert len(seen) == len(PUBLIC_PAGES) + len(STAFF_PAGES)


@pytest.mark.django_db
def test_the_500_page_forbids_inline_script_too(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.core.urls_boom"
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "خطایی در سامانه رخ داد" in response.content.decode()
    assert _script_sources(response["Content-Security-Policy"]) == ["'self'"]


# --- uploads through the citizen's form (real HTTP through Django's client) --------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("setup.pdf", EXE, "نوع این پرونده پذیرفته نیست"),
        ("map.png", SVG_WITH_SCRIPT, "نوع این پرونده پذیرفته نیست"),
        ("tiny.png", png_claiming(30_000, 30_000), "مگاپیکسل"),
    ],
    ids=["exe-named-pdf", "svg-with-script-named-png", "decompression-bomb"],
)
def test_a_hostile_attachment_is_refused_in_persian_and_nothing_stored(
    world: Any, settings: Any, name: str, content: bytes, says: str
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = Client().post("/desk/", form_data(world.roads, attachments=[upload]))
    assert response.status_code == 200
    body = response.content.decode()
    assert says in body, body
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert _stored(Path(settings.RAVABET_PRIVATE_ROOT)) == []


@pytest.mark.django_db
def test_an_oversized_attachment_is_refused_in_persian_and_nothing_stored(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_MAX_ATTACHMENT_BYTES = 50_000
    big = image_bytes("PNG", (800, 800), compress_level=0)  # a real picture, ~1.9 MB
    assert len(big) > 50_000
    upload = SimpleUploadedFile("photo.png", big, content_type="image/png")
    response = Client().post("/desk/", form_data(world.roads, attachments=[upload]))
    assert response.status_code == 200
    assert "بزرگ" in response.content.decode()
    assert not Message.objects.exists()
    assert _stored(Path(settings.RAVABET_PRIVATE_ROOT)) == []


def test_a_zip_bomb_named_docx_is_refused_without_inflating_it() -> None:
    """An office document's manifest that inflates to 200 MB: refused from its declared size,
    before a byte of it is inflated (the zip is about 200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        manifest = docx_bytes()  # a sound docx, whose parts we copy behind a huge manifest
        with zipfile.ZipFile(io.BytesIO(manifest)) as sound:
            types = sound.read("[Content_Types].xml")
        with archive.open("[Content_Types].xml", "w", force_zip64=True) as entry:
            chunk = b" " * 2**20
            for _ in range(200):
                entry.write(chunk)
            entry.write(types)
        archive.writestr("word/document.xml", "<w:document/>")
    bomb = buffer.getvalue()
    assert len(bomb) < 2**20
    policy = uploads.UploadPolicy("test.posture", uploads.DOCUMENTS, max_bytes=10 * 2**20)
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        uploads.accept(SimpleUploadedFile("report.docx", bomb), policy=policy)
    assert "پذیرفته نیست" in " ".join(refused.value.messages)
    assert time.monotonic() - started < 5  # not inflated (200 MB would take far longer)


# --- the login limit: one person's count, and the address's ------------------------------------


@pytest.mark.django_db
def test_a_blocked_username_leaves_another_person_at_the_same_address_free(
    world: Any, password: str, settings: Any
) -> None:
    """An office behind one address: five wrong passwords for one name block that name there,
    not the colleague at the next desk; spraying names is stopped at four times the limit."""
    settings.LOGIN_RATE_LIMIT = 5
    office = Client(REMOTE_ADDR="10.20.30.40")
    for _ in range(5):
        office.post("/accounts/login/", {"username": "officer.roads", "password": "bad"})
    blocked = office.post("/accounts/login/", {"username": "officer.roads", "password": password})
    assert blocked.status_code == 429
    assert "تلاش‌های ناموفق زیاد بود" in blocked.content.decode()
    colleague = Client(REMOTE_ADDR="10.20.30.40")
    answer = colleague.post(
        "/accounts/login/", {"username": world.head_roads.username, "password": password}
    )
    assert answer.status_code == 302 and "_auth_user_id" in colleague.session
    # Twenty failures from one address, spread over names, close it to every name.
    sprayer = Client(REMOTE_ADDR="10.20.30.41")
    for number in range(20):
        sprayer.post("/accounts/login/", {"username": f"guess{number % 4}", "password": "bad"})
    answer = sprayer.post(
        "/accounts/login/", {"username": world.head_roads.username, "password": password}
    )
    assert answer.status_code == 429 and "_auth_user_id" not in sprayer.session

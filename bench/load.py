"""Benchmark: the public pages under load, served as `make demo` serves them, against a static file.

Run with `make bench` or `.venv/bin/python bench/load.py [--quick] [--duration S]
[--generator auto|wrk|python] [--commit REV]`. In a temporary RAVABET_VAR_DIR (var/ is never
touched) it runs what `make demo` runs: `ravabet migrate`, `ravabet collectstatic`, the demo data
(`ravabet demo --quiet-logins`), then `ravabet serve 127.0.0.1:<free port>` (gunicorn, DEBUG off)
with RAVABET_HASHED_STATIC=1, RAVABET_INSECURE_LOOPBACK_COOKIES=1 and RAVABET_BASE_URL. Every other
RAVABET_* variable, DATABASE_URL and REDIS_URL are left out: the embedded SQLite database and the
file cache, both in the temporary directory. The code served is the working tree's src/, or with
--commit REV that commit's src/ (`git archive`, first on PYTHONPATH), so a commit can be measured
while src/ is being changed, and a before and an after in the same conditions.

Then, one URL at a time, a warm-up and a measured run of a bounded load generator (wrk with 2
threads and 8 connections; a small Python generator of the same shape when wrk is absent):
the static file first (the hashed CSS file the home page links), a bare view when one exists
(BARE_VIEW_CANDIDATES), the home page, a published release, a search, the RSS feed. Prints
each URL's requests/s, p50 and p99 latency and the requests that did not end in a 2xx (non-2xx
answers and socket errors), then, as its last line, each page's requests/s as a ratio of the
static file's in the same run:

    home_vs_static=0.04 release_vs_static=0.03 search_vs_static=0.02 feed_vs_static=0.03 non2xx=0

The goal of issue 9 (docs/performance.md): home, release and feed ≥ 0.5 × the static file,
search ≥ 0.2 ×, no non-2xx, p99 under 100 ms. The gunicorn process group and the temporary
directory are removed on exit, Ctrl-C and failure included.

`--mixed [--stack scale|embedded] [--duration S] [--clients N]` (issue 17) measures a mix
instead, on the scale-out stack brought up with tests/stack.py: a fresh PostgreSQL database
(dropped at exit), the Redis database of --redis (default 14, flushed), RQ, 2 gunicorn web
processes, 3 RQ workers and the scheduler, with migrate, collectstatic and the demo data (or
SQLite, the file cache and the database task worker with `--stack embedded`). After the static
file, N visitors (2 processes × N/2 threads) pick actions for S seconds: portal reads, searches,
feeds, a message through the desk's public form, a full answer to an open public survey. It
prints per kind the requests, req/s, p50, p99, errors and the ratio to the static file, then the
submissions accepted beside the rows the database gained, and as its last line:

    mixed_vs_static=0.060 desk_accepted=10 desk_rows=10 survey_accepted=7 survey_rows=7 errors=0

It exits 1 when accepted and stored differ or any request failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SCRIPT = Path(sys.executable).parent / "ravabet"
HOST = "127.0.0.1"
THREADS, CONNECTIONS = 2, 8
SEARCH_WORD = "تهران"
# A view that answers 200 touching neither the database nor a template, to tell the framework's
# own cost from the pages'. None exists yet (docs/performance.md); the first that answers 200 is
# measured, else the table names the baseline as missing.
BARE_VIEW_CANDIDATES = ("/healthz", "/robots.txt")
# Issue 9: requests/s as a share of the static file's, and the p99 bound.
GOALS = {"home": 0.5, "release": 0.5, "search": 0.2, "feed": 0.5}
P99_GOAL_MS = 100.0

WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, ' ..
    '"errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    non2xx: int  # answers outside 200-299
    errors: int  # connect, read, write errors and timeouts: no answer at all
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return self.non2xx + self.errors


@dataclass
class Target:
    name: str
    path: str
    note: str = ""
    size: int = 0
    result: Result | None = None


class Interrupted(Exception):
    pass


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def log(message: str) -> None:
    print(message, flush=True)


# --- The server, as `make demo` runs it.


def server_env(var_dir: Path, base_url: str, src: Path | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RAVABET_")
        and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        RAVABET_VAR_DIR=str(var_dir),
        RAVABET_BASE_URL=base_url,
        RAVABET_HASHED_STATIC="1",
        RAVABET_INSECURE_LOOPBACK_COOKIES="1",
    )
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env


def git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 (git, found on PATH)
        ["git", "-C", str(ROOT), *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def export_commit(rev: str, tmp: Path) -> tuple[Path, str]:
    """That commit's src/ under tmp/main, with tmp/shared standing for the checkout's sibling
    shared/ (the demo data's corpus and seed, found beside the checkout)."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = tmp / "main"
    tree.mkdir()
    archive = subprocess.run(  # noqa: S603 (git, found on PATH)
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout
    tarball = tmp / "src.tar"
    tarball.write_bytes(archive)
    shutil.unpack_archive(tarball, tree, filter="data")
    tarball.unlink()
    (tmp / "shared").symlink_to(ROOT.parent / "shared")
    return tree / "src", commit


def ravabet(env: dict[str, str], *args: str) -> str:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (our own script)
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ravabet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    log(f"  ravabet {args[0]}: {time.monotonic() - started:.1f} s")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own script)
            [str(SCRIPT), "serve", f"{HOST}:{port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop_server reaches every worker
        )
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"ravabet serve exited with {process.returncode}")
        try:
            if fetch(f"http://{HOST}:{port}/")[0] == 200:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("ravabet serve did not answer / within 120 s")
        time.sleep(0.3)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- What to measure.


def pick_targets(base: str) -> tuple[list[Target], dict[str, str]]:
    """The URLs, found on the running site; raises when a page does not answer 200."""
    status, body = fetch(base + "/")
    home = body.decode()
    if status != 200:
        raise RuntimeError(f"/ answered {status}")
    styles = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
    if not styles:
        raise RuntimeError("the home page links no hashed CSS file under /static/")
    releases = re.findall(r'href="/news/(\d+)/"', home)
    if not releases:
        raise RuntimeError("the home page links no release (/news/<id>/)")
    targets = [
        Target("static", styles[0], "hashed CSS linked from /"),
        Target("home", "/"),
        Target("release", f"/news/{releases[0]}/", "first release linked from /"),
        Target("search", "/search/?q=" + urllib.parse.quote(SEARCH_WORD), f"q={SEARCH_WORD}"),
        Target("feed", "/feeds/releases.rss"),
    ]
    missing: dict[str, str] = {}
    for path in BARE_VIEW_CANDIDATES:
        status, _ = fetch(base + path)
        if status == 200:
            targets.insert(1, Target("bare", path, "bare view baseline"))
            break
    else:
        missing["bare"] = "missing: no view answers 200 without database or template " + (
            f"(tried {', '.join(BARE_VIEW_CANDIDATES)})"
        )
    for target in targets:
        status, body = fetch(base + target.path)
        if status != 200:
            raise RuntimeError(f"{target.path} answered {status}, not 200")
        target.size = len(body)
        if target.name == "search":
            hits = len(set(re.findall(r'href="/news/(\d+)/"', body.decode())))
            target.note += f", {hits} releases linked"
        if target.name == "feed":
            target.note = f"{body.count(b'<item>')} items"
    return targets, missing


# --- Load generators: wrk, or a small Python one of the same shape.


def run_wrk(url: str, seconds: float, lua: Path) -> Result:
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={lua}",
        url,
    ]
    done = subprocess.run(  # noqa: S603 (wrk, found on PATH)
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        non2xx=data["non2xx"],
        errors=data["errors"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


def _connection_loop(host: str, port: int, path: str, deadline: float, out: dict[str, Any]) -> None:
    """One keep-alive connection, request after request until the deadline."""
    connection: http.client.HTTPConnection | None = None
    while time.perf_counter() < deadline:
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=10)
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            out["errors"] += 1
            connection.close()
            connection = None
            continue
        out["latencies"].append(time.perf_counter() - started)
        if not 200 <= response.status <= 299:
            out["non2xx"] += 1
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def _python_process(url: str, connections: int, seconds: float) -> dict[str, Any]:
    """One process of the Python generator: `connections` threads, one connection each."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    out: dict[str, Any] = {"latencies": [], "non2xx": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + seconds
    workers = [
        threading.Thread(
            target=_connection_loop,
            args=(parts.hostname, parts.port, path, deadline, out),
            daemon=True,
        )
        for _ in range(connections)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out["seconds"] = time.perf_counter() - started
    return out


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def run_python(url: str, seconds: float, pool: concurrent.futures.Executor) -> Result:
    jobs = [
        pool.submit(_python_process, url, CONNECTIONS // THREADS, seconds) for _ in range(THREADS)
    ]
    parts = [job.result(timeout=seconds + 60) for job in jobs]
    latencies = [x for part in parts for x in part["latencies"]]
    return Result(
        requests=len(latencies),
        seconds=max(part["seconds"] for part in parts),
        non2xx=sum(part["non2xx"] for part in parts),
        errors=sum(part["errors"] for part in parts),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
    )


# --- Report.


def print_table(targets: list[Target], missing: dict[str, str], static_rate: float) -> None:
    header = (
        f"{'url':<8} {'path':<34} {'bytes':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'non-2xx':>8} {'vs static':>9}  goal"
    )
    log(header)
    log("-" * len(header))
    for target in targets:
        result = target.result
        assert result is not None
        ratio = result.rate / static_rate if static_rate else 0.0
        goal = ""
        if target.name in GOALS:
            met = ratio >= GOALS[target.name] and result.failed == 0 and result.p99_ms < P99_GOAL_MS
            goal = f"≥{GOALS[target.name]:.1f}×, p99<{P99_GOAL_MS:.0f}: " + (
                "met" if met else "not met"
            )
        path = target.path if len(target.path) <= 34 else target.path[:31] + "..."
        log(
            f"{target.name:<8} {path:<34} {target.size:>7} {result.rate:>8.1f} "
            f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {result.failed:>8} "
            f"{ratio:>9.3f}  {goal}"
        )
    for name, why in missing.items():
        log(f"{name:<8} {why}")
    for target in targets:
        if target.note or (target.result and target.result.errors):
            errors = target.result.errors if target.result else 0
            extra = f"; {errors} socket errors or timeouts among the non-2xx" if errors else ""
            log(f"  {target.name}: {target.path} — {target.note}{extra}")


# --- The mixed load on the scale-out stack (--mixed).

# Issue 17's mix: each client picks its next action with these weights.
MIX_WEIGHTS = {"read": 50, "search": 15, "feed": 10, "desk": 15, "survey": 10}
# The rows of the table: every request is counted under one of these.
MIX_KINDS = ("read", "search", "feed", "desk form", "desk post", "survey form", "survey post")
MIX_CLIENTS = 8
BENCH_REDIS = "redis://127.0.0.1:6379/14"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
# Every client of the bench comes from 127.0.0.1, where citizens come from many addresses: the
# desk's and the surveys' limits per address (and per contact) are set out of the way.
HIGH_LIMITS = {
    "RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR": "1000000",
    "RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY": "1000000",
    "RAVABET_SURVEY_RESPONSES_PER_IP_HOUR": "1000000",
}
SUBJECTS = ("چاله در خیابان", "قطعی آب بی‌خبر", "چراغ خاموش کوچه", "پرسش دربارهٔ پروانه")
BODIES = (
    "از سه روز پیش در خیابان ما چاله‌ای باز مانده است و شب‌ها خطرناک است.",
    "آب محلهٔ ما از صبح قطع است و هیچ پیامکی دربارهٔ قطعی نیامد.",
    "چراغ‌های کوچه یک هفته است خاموش است؛ لطفاً پیگیری کنید.",
    "برای گرفتن پروانهٔ کسب کدام مدارک لازم است و کجا باید برویم؟",
)
TRACK = re.compile(r"^/desk/track/(\d+)/$")
# The database, before and after the run (`ravabet shell -c`).
SNAPSHOT = (
    "import json; from ravabet.desk.models import Message; "
    "from ravabet.surveys.models import Response; "
    "print(json.dumps({'message': Message.objects.order_by('-pk').values_list('pk', flat=True)"
    ".first() or 0, 'response': Response.objects.order_by('-pk').values_list('pk', flat=True)"
    ".first() or 0}))"
)
COUNTS = (
    "import json, pathlib; from ravabet.desk.models import Message; "
    "from ravabet.surveys.models import Response; "
    "codes = json.loads(pathlib.Path({codes!r}).read_text()); "
    "new = Response.objects.filter(pk__gt={response}); "
    "print(json.dumps({{'messages': Message.objects.filter(pk__gt={message}).count(), "
    "'codes_found': Message.objects.filter(tracking_code__in=codes).count(), "
    "'responses': new.filter(status=Response.Status.COMPLETE).count(), "
    "'drafts': new.exclude(status=Response.Status.COMPLETE).count()}}))"
)


@dataclass
class Plan:
    """What the clients visit, found on the running site (picklable: sent to each process)."""

    host: str
    port: int
    reads: list[list[str]]  # groups picked evenly: the home page, releases, agency pages
    words: list[str]
    feeds: list[str]
    surveys: list[str]  # the first section's page of each open anonymous public survey


class FormFields(HTMLParser):
    """The fields of the page's POST forms: (form action, tag, type, name, value, checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str, str, str, str, bool]] = []
        self.action: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "") if a.get("method", "").lower() == "post" else None
        elif self.action is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            self.fields.append(
                (self.action, tag, kind, a["name"], a.get("value", ""), "checked" in a)
            )
        elif tag == "textarea" and a.get("name"):
            self.fields.append((self.action, tag, "textarea", a["name"], "", False))
        elif tag == "select":
            self.select = a.get("name") or None
        elif tag == "option" and self.select and a.get("value"):
            self.fields.append((self.action, tag, "option", self.select, a["value"], False))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.action = None
        elif tag == "select":
            self.select = None


def post_forms(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def fill_survey_form(
    fields: list[tuple[str, str, str, str, str, bool]], rng: random.Random
) -> list[tuple[str, str]]:
    """An answer to every question a respondent sees, as a browser would post it."""
    names = {f[3] for f in fields}
    choices: dict[str, list[str]] = {}
    data: list[tuple[str, str]] = []
    for _, tag, kind, name, value, _ in fields:
        if kind in {"hidden"}:
            data.append((name, value))
        elif kind in {"radio", "checkbox", "option"}:
            choices.setdefault(name, []).append(value)
        elif kind == "textarea":
            data.append((name, rng.choice(BODIES)))
        elif tag == "input" and kind == "text" and not name.endswith("_other"):
            data.append((name, "۳"))
    ranks: dict[str, int] = {}
    for name, values in choices.items():
        if f"{name}_other" in names and len(values) > 1:
            values = values[:-1]  # «سایر» would ask for its text
        if name.count("_") and values and all(v.isdigit() for v in values):
            # A ranking's selects: a different rank in each.
            question = name.split("_")[0]
            ranks[question] = ranks.get(question, -1) + 1
            data.append((name, values[ranks[question] % len(values)]))
        else:
            data.append((name, rng.choice(values)))
    return data


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = "----ravabet-bench-" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    # The empty file input a browser sends when no file is chosen.
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One visitor: a keep-alive connection, its cookies (its session), and its tallies."""

    def __init__(self, host: str, port: int, out: dict[str, Any]) -> None:
        self.host, self.port, self.out = host, port, out
        self.origin = f"http://{host}:{port}"
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def fail(self, kind: str, why: str) -> None:
        self.out["errors"][kind] += 1
        if len(self.out["samples"]) < 10:
            self.out["samples"].append(f"{kind}: {why}")

    def request(
        self, kind: str, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> Answer | None:
        headers = {"Accept-Language": "fa", "User-Agent": "ravabet-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers.update(
                {"Content-Type": content_type, "Origin": self.origin, "Referer": self.origin + path}
            )
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = None
            self.fail(kind, f"{method} {path}: {error!r}")
            return None
        self.out["latencies"][kind].append(time.perf_counter() - started)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
            self.connection = None
        return Answer(response.status, response.headers, data)

    def get_ok(self, kind: str, path: str) -> Answer | None:
        answer = self.request(kind, "GET", path)
        if answer is not None and answer.status != 200:
            self.fail(kind, f"GET {path} answered {answer.status}")
            return None
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@contextlib.contextmanager
def new_browser(client: Client) -> Iterator[None]:
    """A visitor with no cookies for the while: its own session, CSRF cookie and survey cookie.
    The portal's readers stay anonymous (no session cookie), as most readers are: the page
    cache answers only those (core/pagecache.py); a session would make every later page of
    theirs a rendered one."""
    kept, client.cookies = client.cookies, {}
    try:
        yield
    finally:
        client.cookies = kept


def desk_submit(client: Client, rng: random.Random) -> None:
    """The desk's public form as a new visitor sends it: the page, then the form with its
    token."""
    with new_browser(client):
        _desk_submit(client, rng)


def _desk_submit(client: Client, rng: random.Random) -> None:
    page = client.get_ok("desk form", "/desk/")
    if page is None:
        return
    fields = post_forms(page.text()).fields
    value = {f[3]: f[4] for f in fields if f[2] == "hidden"}
    kinds = [f[4] for f in fields if f[3] == "kind"]
    agencies = [f[4] for f in fields if f[3] == "agency"]
    if "csrfmiddlewaretoken" not in value or not kinds or not agencies:
        client.fail("desk form", "no token, kind or agency in the form of /desk/")
        return
    body, content_type = multipart(
        [
            ("csrfmiddlewaretoken", value["csrfmiddlewaretoken"]),
            ("kind", rng.choice(kinds)),
            ("agency", rng.choice(agencies)),
            ("subject", rng.choice(SUBJECTS)),
            ("body", f"{rng.choice(BODIES)} ({rng.randrange(10**6)})"),
            ("county", ""),
            ("citizen_name", "شهروند آزمون بار"),
            ("mobile", ""),
            ("email", f"bench-{secrets.token_hex(6)}@example.com"),
            ("website", ""),  # the honeypot, left empty as people leave it
        ]
    )
    answer = client.request("desk post", "POST", "/desk/", body, content_type)
    if answer is None:
        return
    code = TRACK.match(answer.location)
    if answer.status != 302 or code is None:
        errors = re.findall(r'class="field-error"[^>]*>([^<]+)<', answer.text())[:2]
        client.fail("desk post", f"POST /desk/ answered {answer.status} {errors}")
        return
    client.out["codes"].append(code.group(1))


def survey_answer(client: Client, plan: Plan, rng: random.Random) -> None:
    """A new respondent (a fresh browser: the survey knows one by its cookie) answers every
    section of an open public survey until its thank-you page."""
    with new_browser(client):
        _survey_answer(client, plan, rng)


def _survey_answer(client: Client, plan: Plan, rng: random.Random) -> None:
    path = rng.choice(plan.surveys)
    for _ in range(20):  # sections
        page = client.get_ok("survey form", path)
        if page is None:
            return
        fields = [f for f in post_forms(page.text()).fields if "/verify/" not in f[0]]
        if not fields:
            client.fail("survey form", f"no answer form on {path}")
            return
        action = urllib.parse.urlsplit(fields[0][0]).path or path.split("?")[0]
        body = urllib.parse.urlencode(fill_survey_form(fields, rng)).encode()
        answer = client.request(
            "survey post", "POST", action, body, "application/x-www-form-urlencoded"
        )
        if answer is None:
            return
        target = answer.headers.get("Location", "")
        if answer.status == 302 and answer.location.endswith("/thanks/"):
            client.out["survey_accepted"] += 1
            return
        if answer.status != 302 or "section=" not in target:
            errors = re.findall(r'class="field-error"[^>]*>([^<]+)<', answer.text())[:2]
            client.fail("survey post", f"POST {action} answered {answer.status} {errors}")
            return
        parts = urllib.parse.urlsplit(target)
        path = f"{parts.path}?{parts.query}"
    client.fail("survey post", f"{path}: more than 20 sections")


def _mixed_client(plan: Plan, deadline: float, seed: int, out: dict[str, Any]) -> None:
    rng = random.Random(seed)
    client = Client(plan.host, plan.port, out)
    actions = list(MIX_WEIGHTS)
    weights = list(MIX_WEIGHTS.values())
    try:
        while time.perf_counter() < deadline:
            action = rng.choices(actions, weights)[0]
            if action == "read":
                client.get_ok("read", rng.choice(rng.choice(plan.reads)))
            elif action == "search":
                client.get_ok("search", "/search/?q=" + urllib.parse.quote(rng.choice(plan.words)))
            elif action == "feed":
                client.get_ok("feed", rng.choice(plan.feeds))
            elif action == "desk":
                desk_submit(client, rng)
            else:
                survey_answer(client, plan, rng)
    finally:
        client.close()


def _mixed_process(plan: Plan, clients: int, seconds: float, seed: int) -> dict[str, Any]:
    """One process of the mixed generator: `clients` threads, one visitor each."""
    out: dict[str, Any] = {
        "latencies": {kind: [] for kind in MIX_KINDS},
        "errors": dict.fromkeys(MIX_KINDS, 0),
        "samples": [],
        "codes": [],
        "survey_accepted": 0,
    }
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_mixed_client, args=(plan, deadline, seed + n, out), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out["seconds"] = time.perf_counter() - started  # actions under way at the deadline finish
    return out


def run_mixed(
    plan: Plan, clients: int, seconds: float, pool: concurrent.futures.Executor
) -> dict[str, Any]:
    per = max(1, clients // THREADS)
    jobs = [pool.submit(_mixed_process, plan, per, seconds, 1000 * (n + 1)) for n in range(THREADS)]
    parts = [job.result(timeout=seconds + 300) for job in jobs]
    results = {
        kind: Result(
            requests=sum(len(p["latencies"][kind]) for p in parts),
            seconds=max(p["seconds"] for p in parts),
            non2xx=0,
            errors=sum(p["errors"][kind] for p in parts),
            p50_ms=percentile([x for p in parts for x in p["latencies"][kind]], 50) * 1000,
            p99_ms=percentile([x for p in parts for x in p["latencies"][kind]], 99) * 1000,
        )
        for kind in MIX_KINDS
    }
    return {
        "results": results,
        "seconds": max(p["seconds"] for p in parts),
        "codes": [c for p in parts for c in p["codes"]],
        "survey_accepted": sum(p["survey_accepted"] for p in parts),
        "samples": [s for p in parts for s in p["samples"]][:10],
        "latencies": [x for p in parts for k in MIX_KINDS for x in p["latencies"][k]],
    }


def discover(host: str, port: int) -> tuple[Plan, str]:
    """The mix's URLs and the static file, found on the running site; every GET checked twice
    (the second warms the page and search caches as a visited site's are)."""
    out: dict[str, Any] = {
        "latencies": {"read": []},
        "errors": {"read": 0},
        "samples": [],
    }
    client = Client(host, port, out)

    def page(path: str) -> str:
        answer = client.request("read", "GET", path)
        if answer is None or answer.status != 200:
            raise RuntimeError(f"GET {path} answered {answer.status if answer else out['samples']}")
        return answer.text()

    home = page("/")
    styles = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
    releases = sorted(set(re.findall(r'href="(/news/\d+/)"', home)))[:20]
    slugs = sorted(set(re.findall(r'href="/agencies/([\w-]+)/"', page("/agencies/"))))
    headlines = re.findall(r'href="/news/\d+/"[^>]*>([^<]{6,})<', home)
    words = sorted({w for h in headlines for w in re.findall(r"[\u0600-\u06ff\u200c]{4,}", h)})[:30]
    if not (styles and releases and slugs and words):
        raise RuntimeError("the home page links no hashed CSS, release, agency or headline")
    surveys = []
    for pk in sorted(set(re.findall(r'href="/surveys/(\d+)/"', page("/surveys/")))):
        client.cookies = {}
        answer = client.request("read", "GET", f"/surveys/{pk}/")
        if answer is None or answer.status != 200 or "/verify/" in answer.text():
            continue  # for staff, or asks to verify a mobile number: not for this mix
        first = re.search(r'href="/surveys/\d+/\?section=(\d+)"', answer.text())
        if first:
            surveys.append(f"/surveys/{pk}/?section={first.group(1)}")
    if not surveys:
        raise RuntimeError("no open anonymous public survey is listed at /surveys/")
    plan = Plan(
        host=host,
        port=port,
        reads=[["/"], releases, [f"/agencies/{slug}/" for slug in slugs]],
        words=words,
        feeds=[
            "/feeds/releases.rss",
            "/feeds/releases.atom",
            *(f"/agencies/{slug}/feeds/releases.rss" for slug in slugs[:5]),
        ],
        surveys=surveys,
    )
    client.cookies = {}
    for path in [*(p for group in plan.reads for p in group), *plan.feeds]:
        page(path)
        page(path)
    for word in words:
        page("/search/?q=" + urllib.parse.quote(word))
        page("/search/?q=" + urllib.parse.quote(word))
    client.close()
    return plan, styles[0]


def clean_environment(database_url: str) -> None:
    """This process's environment, which Stack copies: none of the shell's RAVABET_*, Django
    settings or Redis; the bench's own database."""
    for key in list(os.environ):
        if key.startswith("RAVABET_") or key in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}:
            del os.environ[key]
    os.environ["DATABASE_URL"] = database_url


def postgres(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)  # our own statement: a generated name


def print_mixed(run: dict[str, Any], static: Result, counts: dict[str, int]) -> tuple[int, str]:
    """Prints the table and the equality of accepted and stored; the number of failures and
    the machine-readable last line."""
    results: dict[str, Result] = run["results"]
    header = (
        f"{'kind':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'vs static':>9}"
    )
    log(header)
    log("-" * len(header))
    rows = [(kind, results[kind]) for kind in MIX_KINDS]
    total = Result(
        requests=sum(r.requests for r in results.values()),
        seconds=run["seconds"],
        non2xx=0,
        errors=sum(r.errors for r in results.values()),
        p50_ms=percentile(run["latencies"], 50) * 1000,
        p99_ms=percentile(run["latencies"], 99) * 1000,
    )
    for name, result in [*rows, ("all", total), ("static", static)]:
        ratio = result.rate / static.rate if static.rate else 0.0
        log(
            f"{name:<12} {result.requests:>8} {result.rate:>8.1f} {result.p50_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.failed:>7} {ratio:>9.3f}"
        )
    for sample in run["samples"]:
        log(f"  error: {sample}")
    desk_accepted = len(run["codes"])
    survey_accepted = run["survey_accepted"]
    log(
        f"desk: {desk_accepted} accepted (302 to their tracking page), {counts['messages']} "
        f"messages stored during the run, {counts['codes_found']} of the accepted codes found"
        + (" — equal" if desk_accepted == counts["messages"] == counts["codes_found"] else "")
    )
    log(
        f"surveys: {survey_accepted} accepted (302 to the thank-you page), "
        f"{counts['responses']} complete responses stored during the run "
        f"({counts['drafts']} unfinished)"
        + (" — equal" if survey_accepted == counts["responses"] else "")
    )
    failures = total.failed
    failures += desk_accepted != counts["messages"] or desk_accepted != counts["codes_found"]
    failures += survey_accepted != counts["responses"]
    failures += desk_accepted == 0 or survey_accepted == 0
    last = (
        f"mixed_vs_static={total.rate / static.rate if static.rate else 0.0:.3f} "
        f"desk_accepted={desk_accepted} desk_rows={counts['messages']} "
        f"survey_accepted={survey_accepted} survey_rows={counts['responses']} "
        f"errors={total.failed}"
    )
    return failures, last


def mixed_main(args: argparse.Namespace) -> int:
    """--mixed: bring up the stack, measure the static file, run the mix, count the rows."""
    sys.path.insert(0, str(ROOT))
    from tests.stack import Stack

    from ravabet.config.gunicorn import available_cores

    seconds = args.duration or (10.0 if args.quick else 30.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    static_seconds = 3.0 if args.quick else min(10.0, seconds)
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="ravabet-mixed-"))
    stack: Any = None
    pool: concurrent.futures.ProcessPoolExecutor | None = None
    database = f"ravabet_bench_{secrets.token_hex(4)}"
    server = args.postgres.rstrip("/")
    created = False
    redis_client: Any = None
    try:
        code = f"working tree at {git('rev-parse', 'HEAD')}" + (
            " with uncommitted changes in src/" if git("status", "--porcelain", "--", "src") else ""
        )
        log(f"code: {code}")
        extra = {**HIGH_LIMITS, "RAVABET_CACHE_PREFIX": f"bench-{secrets.token_hex(4)}"}
        if args.stack == "scale":
            import redis

            postgres(server, f'CREATE DATABASE "{database}"')
            created = True
            clean_environment(f"{server}/{database}")
            redis_client = redis.Redis.from_url(args.redis)
            redis_client.flushdb()  # the bench's own Redis database, never another's
            extra.update(REDIS_URL=args.redis, RAVABET_TASK_BACKEND="rq")
            what = (
                f"PostgreSQL {server}/{database}, Redis {args.redis}, RQ: 2 web processes "
                "(gunicorn), 3 RQ workers, 1 scheduler"
            )
            database_name, workers = database, 3
        else:
            clean_environment(f"sqlite:///{tmp / 'stack' / 'var' / 'unused'}")
            database_name, workers = "ravabet.sqlite3", 1
            what = (
                "SQLite and the file cache in a temporary directory: 2 web processes, "
                "1 database task worker, 1 scheduler"
            )
        log(f"setting up the {args.stack} stack in {tmp}: {what}")
        started = time.monotonic()
        stack = Stack.create(tmp / "stack", database_name=database_name, extra=extra)
        stack.manage("migrate", "--noinput", timeout=900)
        stack.manage("demo", "--quiet-logins", timeout=900)
        log(f"  collectstatic, migrate, demo: {time.monotonic() - started:.1f} s")
        stack.web(processes=2)
        for n in range(workers):
            stack.worker(f"worker{n + 1}")
        stack.scheduler()
        parts = urllib.parse.urlsplit(stack.base_url)
        assert parts.hostname is not None and parts.port is not None
        plan, static_path = discover(parts.hostname, parts.port)
        log(
            f"  {len(plan.reads[1])} releases, {len(plan.reads[2])} agency pages, "
            f"{len(plan.words)} search words, {len(plan.feeds)} feeds, surveys {plan.surveys}"
        )
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=THREADS, initializer=_ignore_sigint
        )
        static_url = stack.base_url + static_path
        if warmup > 0:
            run_python(static_url, warmup, pool)
        static = run_python(static_url, static_seconds, pool)
        log(f"  static {static_path}: {static.rate:.1f} req/s ({static_seconds:g} s)")
        before = json.loads(stack.manage("shell", "-c", SNAPSHOT).stdout.strip().splitlines()[-1])
        log(
            f"load: Python generator, {THREADS} processes × {max(1, args.clients // THREADS)} "
            f"clients, {seconds:g} s, weights {MIX_WEIGHTS}"
        )
        run = run_mixed(plan, args.clients, seconds, pool)
        codes_file = tmp / "codes.json"
        codes_file.write_text(json.dumps(run["codes"]))
        counts = json.loads(
            stack.manage("shell", "-c", COUNTS.format(codes=str(codes_file), **before))
            .stdout.strip()
            .splitlines()[-1]
        )
        dead = [p.name for p in stack.processes if not p.alive()]
    except (KeyboardInterrupt, Interrupted) as stop:
        log(f"bench/load.py interrupted ({stop or 'SIGINT'}): stopping the stack, removing {tmp}")
        return 130
    except Exception as error:
        log(f"bench/load.py --mixed failed: {error}")
        if stack is not None:
            log("the stack's logs:\n" + stack.logs())
        return 1
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if stack is not None:
            stack.close()
        if redis_client is not None:
            redis_client.flushdb()
        if created:
            postgres(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)

    log("")
    failures, last = print_mixed(run, static, counts)
    if dead:
        log(f"processes that ended during the run: {', '.join(dead)}")
        failures += 1
    log(
        f"machine: {available_cores()} cores, load average {load_before:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end (other work on it skews every row); "
        f"total {time.monotonic() - began:.0f} s"
    )
    print(last, flush=True)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="3 s per URL after a 1 s warm-up (else 10 s, 2 s)"
    )
    parser.add_argument("--duration", type=float, help="seconds measured per URL")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per URL")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--commit", metavar="REV", help="serve that commit's src/ rather than the working tree's"
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="issue 17's mix (reads, searches, feeds, desk submissions, survey answers) on the "
        "scale-out stack (docs/performance.md); --duration is the whole mix's (30 s, 10 with "
        "--quick)",
    )
    parser.add_argument(
        "--stack",
        choices=("scale", "embedded"),
        help="--mixed only: PostgreSQL + Redis + RQ (scale, the default) or SQLite (embedded)",
    )
    parser.add_argument(
        "--clients", type=int, default=MIX_CLIENTS, help="--mixed: concurrent visitors"
    )
    parser.add_argument(
        "--redis",
        default=BENCH_REDIS,
        help=f"--mixed: the Redis database the stack uses, flushed (default {BENCH_REDIS})",
    )
    parser.add_argument(
        "--postgres",
        default=POSTGRES_SERVER,
        help="--mixed: the PostgreSQL server where a database is made and dropped "
        f"(default {POSTGRES_SERVER})",
    )
    args = parser.parse_args()
    if args.mixed:
        if not SCRIPT.exists():
            parser.error(f"{SCRIPT} is missing: run `make bench` (it installs the project)")
        args.stack = args.stack or "scale"
        return mixed_main(args)
    if args.stack or args.clients != MIX_CLIENTS:
        parser.error("--stack and --clients go with --mixed")
    seconds = args.duration or (3.0 if args.quick else 10.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    if generator == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not on PATH (make bench installs Debian's wrk)")
    if not SCRIPT.exists():
        parser.error(f"{SCRIPT} is missing: run `make bench` (it installs the project)")

    from ravabet.config.gunicorn import DEFAULT_THREADS, available_cores, default_workers

    began = time.monotonic()
    load_before = os.getloadavg()[0]
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="ravabet-load-"))
    server: subprocess.Popen[bytes] | None = None
    pool: concurrent.futures.ProcessPoolExecutor | None = None
    server_log = tmp / "server.log"
    try:
        port = free_port()
        base = f"http://{HOST}:{port}"
        if args.commit:
            src, commit = export_commit(args.commit, tmp)
            code = f"commit {commit} (src/ from git archive)"
        else:
            src, commit = None, git("rev-parse", "HEAD")
            dirty = git("status", "--porcelain", "--", "src")
            code = f"working tree at {commit}" + (
                " with uncommitted changes in src/" if dirty else ""
            )
        log(f"code: {code}")
        env = server_env(tmp / "var", base, src)
        log(f"setting up in {tmp} (as make demo does)")
        ravabet(env, "migrate", "--noinput")
        ravabet(env, "collectstatic", "--noinput", "--verbosity", "0")
        ravabet(env, "demo", "--quiet-logins")
        counts = ravabet(
            env,
            "shell",
            "-c",
            "import json; from ravabet.newsroom import selectors; "
            "from ravabet.newsroom.models import Release; "
            "from ravabet.core.organisation.models import Agency; "
            "print(json.dumps({'releases': Release.objects.count(), "
            "'published': selectors.release_list_published().count(), "
            "'agencies': Agency.objects.count()}))",
        )
        data = json.loads(counts.strip().splitlines()[-1])
        log(
            f"  demo data: {data['releases']} releases ({data['published']} published), "
            f"{data['agencies']} agencies"
        )
        server = start_server(env, port, server_log)
        workers = default_workers(available_cores())
        log(
            f"  ravabet serve {HOST}:{port}: gunicorn gthread, {workers} workers × "
            f"{DEFAULT_THREADS} threads, DEBUG off"
        )
        targets, missing = pick_targets(base)
        log(
            f"load: {generator}, {THREADS} threads, {CONNECTIONS} connections, one URL at a time, "
            f"{warmup:g} s warm-up then {seconds:g} s measured"
        )
        lua = tmp / "count.lua"
        lua.write_text(WRK_SCRIPT)
        if generator == "python":
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=THREADS, initializer=_ignore_sigint
            )
            python_pool = pool

            def measure(url: str, duration: float) -> Result:
                return run_python(url, duration, python_pool)
        else:

            def measure(url: str, duration: float) -> Result:
                return run_wrk(url, duration, lua)

        for target in targets:
            url = base + target.path
            if warmup > 0:
                measure(url, warmup)
            target.result = measure(url, seconds)
            log(f"  {target.name}: {target.result.rate:.1f} req/s")
    except (KeyboardInterrupt, Interrupted) as stop:
        log(f"bench/load.py interrupted ({stop or 'SIGINT'}): stopping the server, removing {tmp}")
        return 130
    except Exception as error:
        log(f"bench/load.py failed: {error}")
        if server_log.exists():
            tail = server_log.read_text(errors="replace").splitlines()[-30:]
            log("last lines of the server log:\n" + "\n".join(tail))
        return 1
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)

    log("")
    static = next(t for t in targets if t.name == "static")
    assert static.result is not None
    static_rate = static.result.rate
    print_table(targets, missing, static_rate)
    if generator == "python":
        log("  (Python generator: the static file's rate may be bounded by the generator itself)")
    log(
        f"machine: {available_cores()} cores, load average {load_before:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end (other work on it skews every row); "
        f"total {time.monotonic() - began:.0f} s"
    )
    ratios = {t.name: (t.result.rate / static_rate if t.result else 0.0) for t in targets}
    failed = sum(t.result.failed for t in targets if t.result)
    print(
        " ".join(f"{name}_vs_static={ratios[name]:.2f}" for name in GOALS) + f" non2xx={failed}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

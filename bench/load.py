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
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import re
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
from dataclasses import dataclass
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
    args = parser.parse_args()
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

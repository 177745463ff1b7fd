"""The scale-out stack on this machine, for `make scale-test` (tests/scale, tests/faults).

What production runs (docs/operations.md, "The scale-out stack"), as real processes:
`ravabet serve` (gunicorn, DEBUG off, N web processes), `ravabet rqworker` × M on Redis through
the task interface's RQ backend (or `ravabet worker` on the database backend), `ravabet scheduler`.
They share the test process's database (pytest-django's test database on the PostgreSQL that
DATABASE_URL names) and its Redis database (REDIS_URL), so a test prepares data and checks
results with the ORM while the processes do the work.

Each process runs in its own process group and writes its output to a log file under the
stack's folder; `Stack.close()` (the fixture's teardown) kills every group, also after a failure.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

RAVABET = str(Path(sys.executable).parent / "ravabet")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], Any], *, timeout: float = 60.0, every: float = 0.2) -> Any:
    """Call `check` until it returns something truthy; its last value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {check.__doc__ or check!r}")
        time.sleep(every)


def descendants(pid: int) -> list[int]:
    """The processes below `pid`, children first (read from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole group (gunicorn's workers) and to every process below it:
        RQ's work-horse leaves the worker's group (os.setpgrp), so the group alone misses it."""
        below = descendants(self.popen.pid)
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass
        for pid in below:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 10.0) -> None:
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Stack:
    """Processes sharing one environment; start them with web(), worker(), scheduler()."""

    folder: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)
    base_url: str = ""

    @classmethod
    def create(
        cls, folder: Path, *, database_name: str, extra: dict[str, str] | None = None
    ) -> Stack:
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = dict(os.environ)
        url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database_name
        env.update(
            {
                "DATABASE_URL": url,
                "RAVABET_VAR_DIR": str(folder / "var"),
                "RAVABET_DEBUG": "0",
                "RAVABET_HASHED_STATIC": "1",
                "RAVABET_INSECURE_LOOPBACK_COOKIES": "1",
                "RAVABET_BASE_URL": f"http://127.0.0.1:{port}",
                "RAVABET_BIND": f"127.0.0.1:{port}",
                "RAVABET_SECRET_KEY": "scale-test-" + "k" * 50,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra or {})
        stack = cls(folder=folder, env=env, base_url=f"http://127.0.0.1:{port}")
        stack.manage("collectstatic", "--noinput", "--verbosity", "0")
        return stack

    def manage(self, *args: str, timeout: float = 300.0) -> subprocess.CompletedProcess[str]:
        """Run `ravabet <args>` to its end in this stack's environment; raises on failure."""
        done = subprocess.run(
            [RAVABET, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(f"ravabet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> Process:
        log = self.folder / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            [RAVABET, *args],
            env={**self.env, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        process = Process(name=name, popen=popen, log=log)
        self.processes.append(process)
        return process

    def web(self, processes: int = 2) -> Process:
        web = self.start("web", "serve", env={"RAVABET_WEB_WORKERS": str(processes)})

        def answers() -> bool:
            """the web server answers /healthz"""
            if not web.alive():
                raise AssertionError(f"the web server ended:\n{web.output()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as r:  # noqa: S310
                    return bool(r.status == 200)
            except (urllib.error.URLError, OSError):
                return False

        wait_until(answers, timeout=60)
        return web

    def worker(self, name: str = "worker") -> Process:
        """One task worker of the configured backend (RQ on Redis, or the database's)."""
        if self.env.get("RAVABET_TASK_BACKEND") == "rq":
            return self.start(
                name,
                "rqworker",
                "default",
                "--job-class",
                "django_tasks_rq.Job",
                "--with-scheduler",
            )
        return self.start(name, "worker", "--interval", "0.2")

    def scheduler(self, name: str = "scheduler") -> Process:
        return self.start(name, "scheduler", "--interval", "0.5")

    def get(self, path: str, *, timeout: float = 10.0) -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            self.base_url + path, headers={"Accept-Language": "fa"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310
                return int(r.status), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return int(e.code), e.read().decode("utf-8", "replace")

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()[-4000:]}" for p in self.processes)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()


@contextlib.contextmanager
def running(
    folder: Path, *, database_name: str, extra: dict[str, str], schedulers: int = 1
) -> Iterator[Stack]:
    """Production's shape: two web processes, three workers, `schedulers` schedulers; on the
    way out every process stops and the queue is emptied (what the sweeps enqueued and nobody
    ran is not the next module's work)."""
    stack = Stack.create(folder, database_name=database_name, extra=extra)
    try:
        stack.web(processes=2)
        for n in range(3):
            stack.worker(f"worker{n + 1}")
        for n in range(schedulers):
            stack.scheduler("scheduler" if n == 0 else f"scheduler{n + 1}")
        yield stack
    finally:
        stack.close()
        import django_rq

        django_rq.get_queue("default").empty()


MAIL_SEPARATOR = b"-" * 79 + b"\n"  # what Django's file e-mail backend writes after each message


def sent_mail(folder: Path) -> list[EmailMessage]:
    """Every e-mail the stack's processes wrote with the file backend (a file a connection)."""
    found: list[EmailMessage] = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                parsed = email.message_from_bytes(chunk, policy=email.policy.default)
                assert isinstance(parsed, EmailMessage)
                found.append(parsed)
    return found

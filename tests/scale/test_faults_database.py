"""PostgreSQL stops while pages and the API are being asked for, then comes back.

The stack's processes reach the database only through a TCP proxy (tests/faults_proxy.py);
`cut()` closes every connection and refuses new ones, as a stopped server does, without touching
the machine's PostgreSQL. While it is cut every answer is a normal page (the page cache) or the
Persian outage answer (503, Retry-After; core/outage.py), never a traceback, never slower than
the request timeout; once restored, pages answer 200 again by themselves, and the worker and the
scheduler, which waited it out (core/backoff.py), work again: nothing restarted.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from ravabet.core.organisation.models import Membership
from ravabet.desk.models import Message
from ravabet.desk.tasks import check_clocks
from tests.factories import AgencyFactory, MembershipFactory, make_release
from tests.faults_proxy import Proxy
from tests.stack import Stack, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

REQUEST_TIMEOUT = 30  # gunicorn's (config/gunicorn.py): no answer may take longer


@dataclass
class Answer:
    path: str
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


@pytest.fixture(scope="module")
def proxy() -> Iterator[Proxy]:
    db = connection.settings_dict
    with Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as running:
        yield running


@pytest.fixture(scope="module")
def outage_stack(
    stack_database: str, proxy: Proxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("outage")
    db = connection.settings_dict
    through = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{stack_database}"
    timing = [{"task": "ravabet.core.recovery.recover_abandoned_tasks", "every": 2}]
    running = Stack.create(
        folder,
        database_name=stack_database,
        extra={"DATABASE_URL": through, "RAVABET_PERIODIC_TASKS": json.dumps(timing)},
    )
    try:
        running.web(processes=2)
        running.worker("worker1")
        running.scheduler()
        yield running
    finally:
        running.close()


def ask(stack: Stack, path: str, cookie: str = "") -> Answer:
    headers = {"Accept-Language": "fa", "Cookie": cookie}
    request = urllib.request.Request(stack.base_url + path, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT + 5) as r:  # noqa: S310
            status, body, got = int(r.status), r.read(), dict(r.headers.items())
    except urllib.error.HTTPError as e:
        status, body, got = int(e.code), e.read(), dict(e.headers.items())
    return Answer(path, status, body.decode("utf-8", "replace"), got, time.monotonic() - started)


def _session_of(user: object) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def test_pages_answer_a_persian_503_while_the_database_is_down_and_recover(
    outage_stack: Stack, proxy: Proxy
) -> None:
    agency = AgencyFactory(slug=f"roads-{uuid.uuid4().hex[:8]}")
    head = MembershipFactory(agency=agency, role=Membership.Role.HEAD).user
    release = make_release(actor=head, agency=agency, headline="افتتاح پل", status="published")
    cookie = _session_of(head)
    public = ["/", f"/agencies/{agency.slug}/", release.get_absolute_url(), "/api/v1/agencies"]
    private = ["/backoffice/"]
    paths = [(p, "") for p in public] + [(p, cookie) for p in private]
    for path, with_cookie in paths:
        answer = ask(outage_stack, path, with_cookie)
        assert answer.status == 200, (path, answer.status, answer.body[:500])

    answers: list[Answer] = []
    stop = threading.Event()

    def fire(offset: int) -> None:
        n = offset
        while not stop.is_set():
            path, with_cookie = paths[n % len(paths)]
            answers.append(ask(outage_stack, path, with_cookie))
            n += 1

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    proxy.cut()
    cut_at = len(answers)
    time.sleep(8)
    during = answers[cut_at:]
    proxy.restore()
    restored = time.monotonic()

    def every_page_answers() -> bool:
        """every page answers 200 again"""
        return all(ask(outage_stack, p, c).status == 200 for p, c in paths)

    wait_until(every_page_answers, timeout=60, every=0.5)
    back_after = time.monotonic() - restored
    stop.set()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 10)

    statuses = sorted({a.status for a in answers})
    outages = [a for a in during if a.status == 503]
    assert set(statuses) <= {200, 503}, [(a.path, a.status, a.body[:300]) for a in answers]
    assert outages, f"the cut changed nothing: {statuses}\n{outage_stack.logs()}"
    for answer in outages:
        assert int(answer.headers["Retry-After"]) > 0
        if answer.path.startswith("/api/"):
            assert "پایگاه داده" in json.loads(answer.body)["detail"]
        else:
            assert 'lang="fa"' in answer.body and "در دسترس نیست" in answer.body
    assert not [a for a in answers if "Traceback" in a.body or "OperationalError" in a.body]
    slowest = max(a.seconds for a in answers)
    assert slowest < REQUEST_TIMEOUT
    # Nothing was restarted: the same processes answer and work.
    assert all(p.alive() for p in outage_stack.processes), outage_stack.logs()
    print(
        f"\n{len(answers)} answers, {len(during)} while cut ({len(outages)} × 503), "
        f"slowest {slowest:.2f} s, every page 200 again {back_after:.1f} s after the restore"
    )

    # The worker and the scheduler survived the outage: periodic work runs through them again.
    message = Message.objects.create(
        tracking_code=f"{uuid.uuid4().int % 10**12:012d}",
        kind="request",
        status="received",
        agency=agency,
        subject="آسفالت کوچه",
        body="کوچهٔ ما خاکی مانده است.",
        sla_days=5,
        due_at=timezone.now() - dt.timedelta(days=3),
        confirmation_sent_at=timezone.now(),
    )
    check_clocks.enqueue()

    def escalated() -> bool:
        """the worker ran the SLA sweep after the outage"""
        return Message.objects.filter(pk=message.pk, escalated_at__isnull=False).exists()

    wait_until(escalated, timeout=60)

"""Staff change their own password and reset a forgotten one by e-mail: Persian pages and
messages, an absolute link in a Persian e-mail, the same answer for an unknown address, a rate
limit, and the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from ravabet.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = "کوه‌دماوند-۱۴۰۵-Tehran"


@pytest.fixture(autouse=True)
def _own_counters(settings: Any) -> None:
    """The rate limit's counters in this process's memory: the file cache's folder is shared
    with any other test run on the machine, whose clearing would reset them mid-test."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-password-counters",
        },
    }
    cache.clear()


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_profile_and_login_pages_link_to_the_password_pages(world: Any) -> None:
    assert (
        "/accounts/password/change/"
        in _logged_in(world.officer_roads).get("/accounts/profile/").content.decode()
    )
    login = Client().get("/accounts/login/").content.decode()
    assert "/accounts/password/reset/" in login and "گذرواژه را فراموش کرده‌اید؟" in login


def test_an_officer_changes_their_password_and_stays_logged_in(world: Any, password: str) -> None:
    client = _logged_in(world.officer_roads)
    page = client.get("/accounts/password/change/").content.decode()
    assert "گذرواژهٔ کنونی" in page and "تکرار گذرواژهٔ تازه" in page
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "گذرواژهٔ شما تغییر کرد." in response.content.decode()
    assert client.get("/backoffice/").status_code == 200  # the session survived
    world.officer_roads.refresh_from_db()
    assert world.officer_roads.check_password(NEW)
    entry = AuditEntry.objects.get(action="password.change")
    assert entry.actor == world.officer_roads
    assert (
        "تغییر گذرواژه"
        in _logged_in(world.directorate_staff).get("/backoffice/audit/").content.decode()
    )


def test_a_wrong_current_password_is_refused_in_persian(world: Any, password: str) -> None:
    client = _logged_in(world.officer_roads)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "گذرواژهٔ کنونی درست نیست" in response.content.decode()
    mismatch = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert "دو گذرواژهٔ تازه یکی نیستند" in mismatch.content.decode()
    world.officer_roads.refresh_from_db()
    assert world.officer_roads.check_password(password)
    assert not AuditEntry.objects.filter(action="password.change").exists()


def test_guessing_the_current_password_is_stopped(world: Any, password: str) -> None:
    client = _logged_in(world.officer_roads)
    for n in range(5):
        client.post(
            "/accounts/password/change/",
            {"old_password": f"guess{n}", "new_password1": NEW, "new_password2": NEW},
        )
    # Now even the right one is refused for a while, in Persian.
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "پانزده دقیقهٔ دیگر دوباره امتحان کنید" in response.content.decode()
    world.officer_roads.refresh_from_db()
    assert world.officer_roads.check_password(password)


def test_the_change_page_needs_a_login() -> None:
    response = Client().get("/accounts/password/change/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def ask_reset(django_capture_on_commit_callbacks: Any) -> Any:
    """Post the forgotten-password form as a browser does, then run what the worker would: the
    e-mails it was asked to send."""
    from django_tasks_db.models import DBTaskResult

    from ravabet.accounts import tasks

    def ask(client: Client, email: str, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password/reset/", {"email": email}, **kwargs)
        for job in DBTaskResult.objects.filter(task_path__endswith="send_password_reset"):
            tasks.send_password_reset.call(*job.args_kwargs["args"])
            job.delete()
        return response

    return ask


def _reset_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_a_forgotten_password_is_reset_end_to_end(
    world: Any, password: str, settings: Any, ask_reset: Any
) -> None:
    settings.RAVABET_BASE_URL = "https://ravabet.tehran.example"
    client = Client()
    response = ask_reset(client, "OFFICER.roads@ravabet.example", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    assert "نامه را ببینید" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["officer.roads@ravabet.example"]
    assert "بازنشانی گذرواژه" in message.subject and "\n" not in message.subject
    assert "سلام" in message.body and "officer.roads" in message.body
    assert "تا ۳ روز معتبر است" in message.body  # Django's three days, in Persian digits
    link = _reset_link()
    # Absolute, on the site's public address, not the test request's host.
    assert link.startswith("https://ravabet.tehran.example/accounts/password/reset/")
    assert AuditEntry.objects.get(action="password.reset_request").object_id == str(
        world.officer_roads.pk
    )

    path = link.removeprefix("https://ravabet.tehran.example")
    form_page = client.get(path, follow=True)
    assert "گذرواژهٔ تازه" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    refused = client.post(set_url, {"new_password1": NEW, "new_password2": "دیگری"})
    assert "دو گذرواژهٔ تازه یکی نیستند" in refused.content.decode()
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    assert "گذرواژهٔ تازه گذاشته شد" in done.content.decode()
    world.officer_roads.refresh_from_db()
    assert world.officer_roads.check_password(NEW) and not world.officer_roads.check_password(
        password
    )
    assert AuditEntry.objects.get(action="password.reset").actor == world.officer_roads

    # The link works once.
    again = Client().get(path, follow=True).content.decode()
    assert "این پیوند دیگر کار نمی‌کند" in again
    # And the new password logs in.
    login = Client().post(
        "/accounts/login/", {"username": "officer.roads", "password": NEW}, follow=True
    )
    assert login.redirect_chain[-1][0] == "/backoffice/"


def test_an_unknown_address_gets_the_same_page_and_no_mail(world: Any, ask_reset: Any) -> None:
    known = ask_reset(Client(), "officer.roads@ravabet.example")
    unknown = ask_reset(Client(), "nobody@ravabet.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    sent_known = Client().get(known["Location"]).content.decode()
    sent_unknown = Client().get(unknown["Location"]).content.decode()
    assert sent_known == sent_unknown
    assert len(mail.outbox) == 1
    assert not AuditEntry.objects.filter(action="password.reset_request", object_id="").exists()


def test_an_invalid_address_is_refused_in_persian() -> None:
    response = Client().post("/accounts/password/reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert "این نشانی ایمیل درست نیست" in response.content.decode()
    assert not mail.outbox


def test_reset_requests_are_limited_per_address(world: Any, ask_reset: Any) -> None:
    address = "officer.roads@ravabet.example"
    for n in range(5):
        assert ask_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), address).status_code == 302
    blocked = ask_reset(Client(REMOTE_ADDR="10.0.0.99"), address)
    assert blocked.status_code == 429
    assert "یک ساعت دیگر دوباره امتحان کنید" in blocked.content.decode()
    assert len(mail.outbox) == 5
    # An unknown address is limited the same way (the limit tells nothing about accounts).
    for _ in range(5):
        Client(REMOTE_ADDR="10.0.1.1").post("/accounts/password/reset/", {"email": "x@y.example"})
    other_ip = Client(REMOTE_ADDR="10.0.2.2").post(
        "/accounts/password/reset/", {"email": "x@y.example"}
    )
    assert other_ip.status_code == 429


def test_reset_requests_are_limited_per_ip(world: Any, ask_reset: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(5):
        assert ask_reset(client, f"a{n}@x.example").status_code == 302
    response = ask_reset(client, "officer.roads@ravabet.example")
    assert response.status_code == 429
    assert not mail.outbox
    # Another computer still can.
    assert (
        ask_reset(Client(REMOTE_ADDR="10.8.8.8"), "officer.roads@ravabet.example").status_code
        == 302
    )
    assert len(mail.outbox) == 1


def test_the_mail_leaves_from_the_worker_and_no_token_waits_in_the_queue(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from ravabet.accounts import tasks

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "officer.roads@ravabet.example"})
    assert not mail.outbox  # the request answered without waiting for the mail server
    (job,) = DBTaskResult.objects.filter(task_path__endswith="send_password_reset")
    assert job.args_kwargs["args"] == [world.officer_roads.pk]
    # An account switched off in the meantime gets nothing.
    world.officer_roads.is_active = False
    world.officer_roads.save()
    assert tasks.send_password_reset.call(world.officer_roads.pk) is False
    assert not mail.outbox

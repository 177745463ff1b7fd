"""E-mail subscriptions: double opt-in, immediate e-mails, daily digests, unsubscribe, and the
limits that keep the form from being a mail cannon (rate limit, mail sent by a task, changes
confirmed by the owner, no unsubscribing by a link scanner's GET)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend

from ravabet.newsroom import subscriptions
from ravabet.newsroom.models import Subscription
from tests.factories import make_release

pytestmark = pytest.mark.django_db

THROTTLED = "درخواست اشتراک از این نشانی زیاد بود"


@pytest.fixture(autouse=True)
def _dummy_tasks(settings: Any) -> None:
    """Tasks are kept, not run, so a test sees what the request enqueued and runs it itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _run_enqueued() -> list[str]:
    """Run what was enqueued, as the worker would; the names of the tasks run."""
    results = list(default_task_backend.results)  # type: ignore[attr-defined]
    default_task_backend.clear()  # type: ignore[attr-defined]
    for result in results:
        result.task.call(*result.args, **result.kwargs)
    return [result.task.name for result in results]


def _path(url: str) -> str:
    return "/" + url.split("//", 1)[1].split("/", 1)[1]


def _link(message: Any, path: str) -> str:
    match = re.search(rf"https?://[^\s]+{path}[^\s]+/", message.body)
    assert match, message.body
    return _path(match.group(0))


def _post_subscribe(
    capture: Any, email: str, frequency: str = "immediate", client: Client | None = None
) -> Any:
    with capture(execute=True):  # the e-mail task is enqueued when the transaction commits
        return (client or Client()).post(
            "/subscribe/?agency=roads", {"email": email, "frequency": frequency}
        )


def _subscribe(capture: Any, email: str, frequency: str = "immediate") -> Subscription:
    client = Client()
    response = _post_subscribe(capture, email, frequency, client)
    assert "ایمیل تأیید فرستاده شد" in response.content.decode()
    assert _run_enqueued() == ["send_subscription_confirmation"]
    confirm = _link(mail.outbox[-1], "/subscribe/confirm/")
    page = client.get(confirm).content.decode()
    assert 'method="post"' in page and not Subscription.objects.get(email=email).confirmed_at
    assert "اشتراک شما فعال شد" in client.post(confirm).content.decode()
    return Subscription.objects.get(email=email)


def test_subscribe_confirm_receive_and_unsubscribe(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = _subscribe(django_capture_on_commit_callbacks, "reporter@news.example")
    assert subscription.confirmed_at is not None
    mail.outbox.clear()
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر برای مشترکان", status="published"
    )
    assert subscriptions.send_immediate(release_id=release.pk) == 1
    message = mail.outbox[0]
    assert message.subject == "خبر برای مشترکان" and message.to == ["reporter@news.example"]
    unsubscribe = _link(message, "/unsubscribe/")
    # A link scanner opening the link unsubscribes nobody: the page asks for a button press.
    page = Client().get(unsubscribe)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    body = Client().post(unsubscribe).content.decode()
    assert "اشتراک شما لغو شد" in body
    assert not Subscription.objects.exists()
    assert Client().post(unsubscribe).status_code == 400  # used already: a calm message
    assert Client().get(unsubscribe).status_code == 400


def test_mail_clients_one_click_unsubscribe_post_works(world: Any) -> None:
    """RFC 8058: the headers name the link and the client POSTs List-Unsubscribe=One-Click."""
    Subscription.objects.create(
        email="one@click.example", agency=world.roads, confirmed_at=timezone.now()
    )
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    subscriptions.send_immediate(release_id=release.pk)
    (message,) = mail.outbox
    headers = message.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", headers["List-Unsubscribe"]).group(1)
    assert _path(url) == _link(message, "/unsubscribe/")
    # What a mail client sends: no cookie, no CSRF token, the one-click body.
    response = Client(enforce_csrf_checks=True).post(
        _path(url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_confirmation_mail_is_sent_by_a_task_not_by_the_request(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _post_subscribe(django_capture_on_commit_callbacks, "task@news.example")
    assert mail.outbox == []  # nothing left inside the request
    (result,) = default_task_backend.results  # type: ignore[attr-defined]
    assert result.task.name == "send_subscription_confirmation"
    subscription = Subscription.objects.get(email="task@news.example")
    assert result.args == [subscription.pk, "immediate"]
    _run_enqueued()
    assert [m.to for m in mail.outbox] == [["task@news.example"]]


def test_thirty_rapid_subscriptions_send_at_most_the_limit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(REMOTE_ADDR="10.20.30.40")
    statuses = [
        _post_subscribe(django_capture_on_commit_callbacks, "victim@news.example", client=client)
        for _ in range(30)
    ]
    _run_enqueued()
    assert len(mail.outbox) <= subscriptions.MAILS_PER_EMAIL == 3
    refused = [r for r in statuses if r.status_code == 429]
    assert len(refused) == 30 - subscriptions.MAILS_PER_EMAIL
    assert THROTTLED in refused[0].content.decode()


def test_one_client_cannot_spray_many_addresses(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client(REMOTE_ADDR="10.20.30.41")
    for n in range(30):
        _post_subscribe(
            django_capture_on_commit_callbacks, f"person{n}@news.example", client=client
        )
    _run_enqueued()
    assert len(mail.outbox) == subscriptions.MAILS_PER_CLIENT == 10
    other = Client(REMOTE_ADDR="10.20.30.42")
    answer = _post_subscribe(django_capture_on_commit_callbacks, "x@news.example", client=other)
    assert answer.status_code == 200


def test_stranger_cannot_change_a_confirmed_subscription_without_its_owner(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = _subscribe(django_capture_on_commit_callbacks, "owner@news.example")
    mail.outbox.clear()
    # Someone else types the owner's address and asks for the daily digest instead.
    response = _post_subscribe(django_capture_on_commit_callbacks, "owner@news.example", "daily")
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.frequency == "immediate"
    _run_enqueued()
    (message,) = mail.outbox
    assert message.to == ["owner@news.example"]
    assert "خلاصهٔ روزانه" in message.body
    confirm = _link(message, "/subscribe/confirm/")
    Client().get(confirm)  # opened (or prefetched by a scanner): still nothing changes
    subscription.refresh_from_db()
    assert subscription.frequency == "immediate"
    assert "اشتراک شما به‌روز شد" in Client().post(confirm).content.decode()
    subscription.refresh_from_db()
    assert subscription.frequency == "daily"
    assert subscription.last_digest_at is not None
    assert timezone.now() - subscription.last_digest_at < dt.timedelta(minutes=1)


def test_resubscribing_with_the_same_frequency_sends_nothing(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _subscribe(django_capture_on_commit_callbacks, "same@news.example")
    mail.outbox.clear()
    response = _post_subscribe(django_capture_on_commit_callbacks, "same@news.example")
    assert "ایمیل تأیید فرستاده شد" in response.content.decode()  # says nothing of the state
    assert _run_enqueued() == []


def test_unconfirmed_subscription_gets_nothing(world: Any) -> None:
    subscriptions.subscription_create(
        email="a@b.example", agency=world.roads, frequency="immediate"
    )
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    assert subscriptions.send_immediate(release_id=release.pk) == 0


def test_tag_subscription_and_no_duplicate_emails(world: Any) -> None:
    from ravabet.newsroom.models import Tag

    tag = Tag.objects.create(name="ایمنی راه")
    now = timezone.now()
    Subscription.objects.create(email="x@y.example", agency=world.roads, confirmed_at=now)
    Subscription.objects.create(email="x@y.example", tag=tag, confirmed_at=now)
    release = make_release(
        actor=world.head_roads, agency=world.roads, status="published", tags=["ایمنی راه"]
    )
    assert subscriptions.send_immediate(release_id=release.pk) == 1
    assert len(mail.outbox) == 1


def test_daily_digest_lists_what_was_published_since_last_one(world: Any) -> None:
    _daily_subscriber(world)  # with «خبر یکم» published since its last digest
    make_release(actor=world.head_roads, agency=world.roads, headline="خبر دوم", status="published")
    make_release(
        actor=world.directorate_staff, agency=world.health, headline="خبر دیگر", status="published"
    )
    assert subscriptions.send_daily_digests() == 1
    body = mail.outbox[0].body
    assert "خبر یکم" in body and "خبر دوم" in body and "خبر دیگر" not in body
    assert subscriptions.send_daily_digests() == 0  # nothing new since


def _daily_subscriber(world: Any) -> Subscription:
    start = timezone.now() - dt.timedelta(days=1)
    subscription = Subscription.objects.create(
        email="d@y.example",
        agency=world.roads,
        frequency="daily",
        confirmed_at=start,
        last_digest_at=start,
    )
    make_release(actor=world.head_roads, agency=world.roads, headline="خبر یکم", status="published")
    return subscription


@pytest.mark.django_db(transaction=True)
def test_digest_mail_is_sent_with_no_transaction_open(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow mail server must not hold the database's write lock: on SQLite that lock stops
    every login and every save on the site while the mail goes out."""
    from django.db import connection

    _daily_subscriber(world)
    seen: list[bool] = []
    real_send = subscriptions._send

    def watching_send(*args: Any, **kwargs: Any) -> None:
        seen.append(connection.in_atomic_block)
        real_send(*args, **kwargs)

    monkeypatch.setattr(subscriptions, "_send", watching_send)
    assert subscriptions.send_daily_digests() == 1
    assert seen == [False]


def test_a_digest_that_failed_to_send_is_tried_again(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscription = _daily_subscriber(world)
    before = subscription.last_digest_at

    def failing_send(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(subscriptions, "_send", failing_send)
    with pytest.raises(ConnectionRefusedError):
        subscriptions.send_daily_digests()
    subscription.refresh_from_db()
    assert subscription.last_digest_at == before
    monkeypatch.undo()
    assert subscriptions.send_daily_digests() == 1
    assert "خبر یکم" in mail.outbox[0].body


def test_plain_text_mail_shows_text_as_typed_not_html_entities(world: Any) -> None:
    """«&» and quotes in a headline reach the reader as typed, not as &amp; and &quot;."""
    Subscription.objects.create(
        email="x@y.example", agency=world.roads, confirmed_at=timezone.now()
    )
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        status="published",
        headline="طرح «تحقیق & توسعه» در راه‌های استان",
    )
    assert subscriptions.send_immediate(release_id=release.pk) == 1
    text = mail.outbox[0].body
    assert release.headline in text
    assert "&amp;" not in text


def test_bad_email_and_bad_token(world: Any) -> None:
    response = Client().post(
        "/subscribe/?agency=roads", {"email": "not-mail", "frequency": "daily"}
    )
    assert "نشانی پست الکترونیک درست نیست" in response.content.decode()
    assert not Subscription.objects.exists()
    assert Client().get("/unsubscribe/forged-token/").status_code == 400
    assert Client().post("/unsubscribe/forged-token/").status_code == 400
    assert Client().get("/subscribe/confirm/forged-token/").status_code == 400
    assert Client().post("/subscribe/confirm/forged-token/").status_code == 400
    assert Client().get("/subscribe/?agency=nope").status_code == 404

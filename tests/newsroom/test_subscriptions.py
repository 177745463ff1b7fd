"""E-mail subscriptions: double opt-in, immediate e-mails, daily digests, one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ravabet.newsroom import subscriptions
from ravabet.newsroom.models import Subscription
from tests.factories import make_release

pytestmark = pytest.mark.django_db


def _link(message: Any, path: str) -> str:
    match = re.search(rf"https?://[^\s]+{path}[^\s]+/", message.body)
    assert match, message.body
    return match.group(0).split("//", 1)[1].split("/", 1)[1].join(["/", ""])


def _subscribe(capture: Any, email: str, **query: str) -> Subscription:
    client = Client()
    with capture(execute=True):  # the confirmation e-mail leaves when the transaction commits
        response = client.post(
            f"/subscribe/?{'&'.join(f'{k}={v}' for k, v in query.items())}",
            {"email": email, "frequency": "immediate"},
        )
    assert "ایمیل تأیید فرستاده شد" in response.content.decode()
    confirm = _link(mail.outbox[-1], "/subscribe/confirm/")
    assert "اشتراک شما فعال شد" in client.get(confirm).content.decode()
    return Subscription.objects.get(email=email)


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = _subscribe(
        django_capture_on_commit_callbacks, "reporter@news.example", agency="roads"
    )
    assert subscription.confirmed_at is not None
    mail.outbox.clear()
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر برای مشترکان", status="published"
    )
    assert subscriptions.send_immediate(release_id=release.pk) == 1
    message = mail.outbox[0]
    assert message.subject == "خبر برای مشترکان" and message.to == ["reporter@news.example"]
    assert "List-Unsubscribe" in message.extra_headers
    unsubscribe = _link(message, "/unsubscribe/")
    body = Client().get(unsubscribe).content.decode()
    assert "اشتراک شما لغو شد" in body
    assert not Subscription.objects.exists()
    assert Client().get(unsubscribe).status_code == 400  # used already: a calm message


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
    start = timezone.now() - dt.timedelta(days=1)
    Subscription.objects.create(
        email="d@y.example",
        agency=world.roads,
        frequency="daily",
        confirmed_at=start,
        last_digest_at=start,
    )
    make_release(actor=world.head_roads, agency=world.roads, headline="خبر یکم", status="published")
    make_release(actor=world.head_roads, agency=world.roads, headline="خبر دوم", status="published")
    make_release(
        actor=world.directorate_staff, agency=world.health, headline="خبر دیگر", status="published"
    )
    assert subscriptions.send_daily_digests() == 1
    body = mail.outbox[0].body
    assert "خبر یکم" in body and "خبر دوم" in body and "خبر دیگر" not in body
    assert subscriptions.send_daily_digests() == 0  # nothing new since


def test_bad_email_and_bad_token(world: Any) -> None:
    response = Client().post(
        "/subscribe/?agency=roads", {"email": "not-mail", "frequency": "daily"}
    )
    assert "نشانی پست الکترونیک درست نیست" in response.content.decode()
    assert not Subscription.objects.exists()
    assert Client().get("/unsubscribe/forged-token/").status_code == 400
    assert Client().get("/subscribe/?agency=nope").status_code == 404

"""Every release out to the messenger channels, against a local Bot-API server on 127.0.0.1:
posted once per channel (even when the task runs twice or the worker dies mid-way), retried
when the platform says "later", stopped with a Persian reason when it says "never", followed
up on correction and withdrawal, and shown on the release's page to the agency's people."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from ravabet.distribution import crypto, delivery, senders, tasks
from ravabet.distribution.models import Channel, Delivery
from ravabet.distribution.services import channels as services
from ravabet.newsroom import services as newsroom
from tests.distribution.botserver import BotServer
from tests.factories import make_release
from tests.files import image_bytes

pytestmark = pytest.mark.django_db

TOKEN = "123456:TEST-token"
BASE = "https://ravabet.example.ir"


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.RAVABET_BASE_URL = BASE


@pytest.fixture
def bot() -> Iterator[BotServer]:
    with BotServer(token=TOKEN) as running:
        yield running


def _channel(world: Any, bot: BotServer, **extra: Any) -> Channel:
    data = services.ChannelInput(
        kind=extra.pop("kind", "telegram"),
        name=extra.pop("name", "کانال راه"),
        base_url=bot.base_url,
        token=extra.pop("token", TOKEN),
        chat_id=extra.pop("chat_id", "@roads_news"),
    )
    return services.channel_create(actor=world.head_roads, agency=world.roads, data=data)


def _run_deliveries() -> list[str]:
    """Run the enqueued delivery tasks, as the worker would; their outcomes."""
    results = [
        r
        for r in default_task_backend.results  # type: ignore[attr-defined]
        if r.task.name == "deliver"
    ]
    default_task_backend.clear()  # type: ignore[attr-defined]
    return [tasks.deliver.call(*r.args) for r in results]


def _publish(world: Any, capture: Any, **extra: Any) -> Any:
    extra.setdefault("headline", "بهره‌برداری از آزادراه تهران-شمال در سال 1405")
    extra.setdefault("lead", "قطعهٔ دوم آزادراه با حضور وزیر راه افتتاح شد.")
    with capture(execute=True):
        return make_release(actor=world.head_roads, agency=world.roads, status="published", **extra)


def _due(d: Delivery) -> None:
    """Time passes: the delivery's wait is over."""
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())


def test_publication_posts_headline_lead_and_link_once_to_each_active_channel(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    channel = _channel(world, bot)
    off = _channel(world, bot, name="کانال خاموش")
    services.channel_deactivate(actor=world.head_roads, channel=off)
    release = _publish(world, django_capture_on_commit_callbacks)

    assert _run_deliveries() == ["sent"]
    assert len(bot.posts) == 1
    method, payload = bot.posts[0]
    assert method == "sendMessage"
    assert payload["chat_id"] == "@roads_news"
    text = payload["text"]
    assert text.startswith("بهره‌برداری از آزادراه تهران-شمال در سال ۱۴۰۵")
    assert "قطعهٔ دوم آزادراه" in text
    assert text.endswith(BASE + release.get_absolute_url())
    d = Delivery.objects.get()
    assert (d.channel, d.status, d.event) == (channel, "sent", "published")
    assert d.remote_url == "https://t.me/roads_news/101"
    # The same task again (a retried worker): nothing more in the channel.
    assert tasks.deliver.call(d.pk) == "skipped"
    delivery.on_content_changed(pk=release.pk, event="published", agency_id=world.roads.pk)
    assert _run_deliveries() == []
    assert len(bot.posts) == 1


def test_a_release_with_an_image_goes_as_a_photo_with_a_caption_cut_at_a_word(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot)
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="آزادراه",
        lead="پیشرفت طرح " * 200,
    )
    newsroom.release_add_image(
        actor=world.head_roads,
        release=release,
        upload=SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"),
        alt_text="نمای آزادراه",
    )
    newsroom.release_submit(actor=world.head_roads, release=release)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_approve(actor=world.head_roads, release=release)
    assert _run_deliveries() == ["sent"]
    method, payload = bot.posts[0]
    assert method == "sendPhoto"
    assert payload["photo"].startswith(BASE + "/")
    caption = payload["caption"]
    assert len(caption) <= senders.CAPTION_LIMIT
    link = BASE + release.get_absolute_url()
    assert caption.endswith("…\n\n" + link)  # cut at a word, the link kept whole
    assert caption.split("…")[0].split()[-1] in {"پیشرفت", "طرح"}  # a whole word


def test_long_text_is_cut_to_telegram_limit_and_latin_lines_get_a_rtl_mark() -> None:
    link = BASE + "/news/1/"
    text = senders.compose(["Tehran Metro خط ۱۰", "واژه " * 2000], link, senders.TEXT_LIMIT)
    assert len(text) <= senders.TEXT_LIMIT
    assert text.startswith("\u200fTehran Metro")
    assert text.endswith("…\n\n" + link)
    assert senders.compose(["سال 2025 و ۱۴۰۴"], link, 100).startswith("سال ۲۰۲۵ و ۱۴۰۴")


def test_429_waits_the_retry_after_the_platform_asks_then_sends(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot)
    bot.script(
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 120},
            },
        )
    )
    _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["pending"]
    d = Delivery.objects.get()
    wait = (d.next_attempt_at - timezone.now()).total_seconds()
    assert 100 < wait <= 120
    assert bot.posts == []
    # Its retry is enqueued for later; run before its time, it waits.
    retried = [r for r in default_task_backend.results]  # type: ignore[attr-defined]
    assert [r.task.name for r in retried] == ["deliver"]
    assert retried[0].task.run_after is not None
    assert tasks.deliver.call(d.pk) == "skipped"
    _due(d)
    assert _run_deliveries() == ["sent"]
    assert len(bot.posts) == 1


def test_500_then_success_and_an_unreachable_platform_are_retried(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot)
    bot.script((500, {"ok": False, "error_code": 500, "description": "Internal"}))
    _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["pending"]
    d = Delivery.objects.get()
    assert "خطای داخلی" in d.error
    _due(d)
    assert _run_deliveries() == ["sent"]
    assert len(bot.posts) == 1

    # A port where nothing listens: retried, then failed after MAX_ATTEMPTS with the reason.
    closed = BotServer()
    dead = closed.base_url
    closed._server.server_close()
    Channel.objects.update(base_url=dead)
    release = _publish(world, django_capture_on_commit_callbacks, headline="خبر دوم")
    d = Delivery.objects.get(content_id=release.pk)
    outcomes = _run_deliveries()
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        _due(d)
        outcomes += _run_deliveries()
    assert outcomes == ["pending"] * (delivery.MAX_ATTEMPTS - 1) + ["failed"]
    d.refresh_from_db()
    assert d.status == "failed" and "در دسترس نیست" in d.error


def test_a_timeout_is_retried(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(senders, "TIMEOUT", 0.3)
    _channel(world, bot)
    bot.script(1.0)
    _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["pending"]
    assert "در زمان مقرر پاسخ نداد" in Delivery.objects.get().error


def test_a_wrong_token_fails_at_once_with_a_persian_reason_on_the_channel_page(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    channel = _channel(world, bot, token="999:WRONG-token")
    _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["failed"]
    assert len(bot.calls) == 1  # never retried
    d = Delivery.objects.get()
    assert "توکن ربات پذیرفته نشد" in d.error and "401" in d.error
    channel.refresh_from_db()
    assert channel.health == "failing"
    client.force_login(world.head_roads)
    page = client.get("/backoffice/distribution/channels/").content.decode()
    assert "توکن ربات پذیرفته نشد" in page
    # On the home's to-do, and on the release's page with a retry button.
    home = client.get("/backoffice/").content.decode()
    assert "ارسال ناموفق" in home
    html = client.get(reverse("newsroom:bo_detail", kwargs={"pk": d.content_id})).content.decode()
    assert "ارسال دوباره" in html and "توکن ربات پذیرفته نشد" in html
    # A new token replaces it; the retry button sends again, once.
    services.channel_update(
        actor=world.head_roads,
        channel=channel,
        data=services.ChannelInput(
            kind="telegram",
            name="کانال راه",
            base_url=bot.base_url,
            token=TOKEN,
            chat_id="@roads_news",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/backoffice/distribution/deliveries/{d.pk}/retry/")
    assert response.status_code == 302
    assert _run_deliveries() == ["sent"]
    assert len(bot.posts) == 1


def test_a_worker_killed_between_the_call_and_its_record_does_not_post_twice(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    _channel(world, bot)
    _publish(world, django_capture_on_commit_callbacks)
    [queued] = [
        r
        for r in default_task_backend.results  # type: ignore[attr-defined]
        if r.task.name == "deliver"
    ]
    default_task_backend.clear()  # type: ignore[attr-defined]
    real_send = senders.send

    class Killed(BaseException):
        """The worker dying right after the platform accepted the post."""

    def send_then_die(**kwargs: Any) -> Any:
        real_send(**kwargs)
        raise Killed

    monkeypatch.setattr(senders, "send", send_then_die)
    with pytest.raises(Killed):
        tasks.deliver.call(*queued.args)
    monkeypatch.setattr(senders, "send", real_send)
    assert len(bot.posts) == 1
    d = Delivery.objects.get()
    assert d.status == "sending" and d.sending_since is not None
    # The task runs again (the worker's retry): no second post, the officer is told to check.
    assert tasks.deliver.call(*queued.args) == "skipped"
    assert len(bot.posts) == 1
    d.refresh_from_db()
    assert d.status == "unknown" and "وضعیت نامعلوم" in d.error
    # Told apart from a failure, shown with its resend button, on the home's to-do too.
    client = Client()
    client.force_login(world.head_roads)
    html = client.get(reverse("newsroom:bo_detail", kwargs={"pk": d.content_id})).content.decode()
    assert "نامعلوم" in html and "ارسال دوباره" in html
    assert "ارسال ناموفق" in client.get("/backoffice/").content.decode()
    # The officer checked the channel and found nothing: resending posts it, once more only.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/backoffice/distribution/deliveries/{d.pk}/retry/").status_code == 302
    assert _run_deliveries() == ["sent"]
    assert len(bot.posts) == 2


def test_correction_and_withdrawal_post_follow_ups(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot)
    release = _publish(world, django_capture_on_commit_callbacks)
    _run_deliveries()
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_correct(
            actor=world.head_roads, release=release, note="سال افتتاح ۱۴۰۴ بود، نه ۱۴۰۵."
        )
    assert _run_deliveries() == ["sent"]
    assert bot.posts[-1][1]["text"].startswith("اصلاحیه: سال افتتاح ۱۴۰۴ بود")
    release.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_withdraw(actor=world.head_roads, release=release, reason="خبر تکراری")
    assert _run_deliveries() == ["sent"]
    text = bot.posts[-1][1]["text"]
    assert text.startswith("این خبر پس گرفته شد: دلیل خبر تکراری")
    assert text.endswith(BASE + release.get_absolute_url())
    assert [p[0] for p in bot.posts] == ["sendMessage"] * 3  # never an edit
    assert sorted(Delivery.objects.values_list("event", flat=True)) == [
        "corrected",
        "published",
        "withdrawn",
    ]


def test_a_webhook_gets_a_signed_json_body(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    services.channel_create(
        actor=world.head_roads,
        agency=world.roads,
        data=services.ChannelInput(
            kind="webhook", name="سامانهٔ استان", base_url=bot.base_url + "/hook", token="s3cret-key"
        ),
    )
    release = _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["sent"]
    [(raw, headers)] = bot.hooks
    body = json.loads(raw)
    assert body["event"] == "published" and body["release"]["id"] == release.pk
    assert body["link"] == BASE + release.get_absolute_url()
    ts = headers["X-Ravabet-Timestamp"]
    expected = hmac.new(b"s3cret-key", ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
    assert headers["X-Ravabet-Signature"] == "sha256=" + expected


def test_the_token_is_kept_encrypted_and_shown_only_by_its_hint(world: Any, bot: BotServer) -> None:
    channel = _channel(world, bot)
    stored = bytes(channel.token_encrypted)
    assert TOKEN.encode() not in stored
    assert crypto.decrypt(stored) == TOKEN
    assert channel.token_hint == "…oken"


def test_a_release_published_at_its_scheduled_minute_is_posted_too(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    _channel(world, bot)
    release = make_release(actor=world.head_roads, agency=world.roads, status="submitted")
    newsroom.release_approve(
        actor=world.head_roads,
        release=release,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert not Delivery.objects.exists()  # not before its minute
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_publish_due(now=timezone.now() + dt.timedelta(hours=2))
    assert _run_deliveries() == ["sent"]
    assert bot.posts[0][1]["text"].endswith(BASE + release.get_absolute_url())


def test_the_sweep_marks_a_delivery_a_dead_worker_left_as_unknown_and_sends_due_retries(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    _channel(world, bot)
    first = _publish(world, django_capture_on_commit_callbacks)
    second = _publish(world, django_capture_on_commit_callbacks, headline="خبر دوم")
    default_task_backend.clear()  # type: ignore[attr-defined]  (the tasks were lost)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Delivery.objects.filter(content_id=first.pk).update(status="sending", sending_since=long_ago)
    Delivery.objects.filter(content_id=second.pk).update(created_at=long_ago)
    assert tasks.sweep_deliveries.call() == 2
    assert Delivery.objects.get(content_id=first.pk).status == "unknown"
    assert "وضعیت نامعلوم" in Delivery.objects.get(content_id=first.pk).error
    assert Delivery.objects.get(content_id=second.pk).status == "sent"
    assert len(bot.posts) == 1


def test_a_wrong_chat_id_on_one_channel_never_holds_up_another(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot, name="کانال الف", chat_id="@missing")
    _channel(world, bot, name="کانال ب")
    bot.script(
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    )
    _publish(world, django_capture_on_commit_callbacks)
    assert sorted(_run_deliveries()) == ["failed", "sent"]
    failed = Delivery.objects.get(status="failed")
    assert failed.channel.name == "کانال الف"
    assert "شناسهٔ کانال را بررسی کنید" in failed.error and "chat not found" in failed.error
    assert Delivery.objects.get(status="sent").channel.name == "کانال ب"


def test_a_release_withdrawn_while_its_post_waits_is_never_posted_nor_its_withdrawal(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    """The platform said «later» (429); the head withdraws the release meanwhile. The waiting
    post is cancelled, and the channel, which never showed it, gets no withdrawal notice."""
    _channel(world, bot)
    bot.script((429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 60}}))
    release = _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_withdraw(actor=world.head_roads, release=release, reason="خبر تکراری")
    d = Delivery.objects.get()  # no withdrawal delivery was made
    assert (d.event, d.status) == ("published", "cancelled")
    _due(d)
    assert _run_deliveries() == ["skipped"]  # the retry the 429 enqueued finds it cancelled
    assert bot.posts == []
    client = Client()
    client.force_login(world.head_roads)
    html = client.get(reverse("newsroom:bo_detail", kwargs={"pk": release.pk})).content.decode()
    assert "لغو شد" in html and "ارسال دوباره" not in html
    assert "ارسال ناموفق" not in client.get("/backoffice/").content.decode()


def test_a_post_claimed_after_the_withdrawal_is_cancelled_and_a_failed_one_not_resent(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    """Withdrawn between enqueueing and the worker's turn (the signal's receiver lost), or
    a failed post resent after the withdrawal: nothing of the withdrawn release goes out."""
    _channel(world, bot)
    bot.script(
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    )
    release = _publish(world, django_capture_on_commit_callbacks)
    assert _run_deliveries() == ["failed"]
    failed = Delivery.objects.get()
    # Withdrawn: the failed post reached no one, so no notice; and it cannot be resent.
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_withdraw(actor=world.head_roads, release=release, reason="خبر تکراری")
    assert _run_deliveries() == []
    client = Client()
    client.force_login(world.head_roads)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/backoffice/distribution/deliveries/{failed.pk}/retry/", follow=True
        )
    assert "این خبر پس گرفته شده است" in response.content.decode()
    assert _run_deliveries() == []
    failed.refresh_from_db()
    assert failed.status == "failed"
    # A pending post of a withdrawn release that a worker claims anyway is cancelled, unsent.
    Delivery.objects.filter(pk=failed.pk).update(status="pending", error="")
    assert tasks.deliver.call(failed.pk) == "skipped"
    failed.refresh_from_db()
    assert failed.status == "cancelled" and bot.posts == []


def test_a_withdrawal_notice_waits_for_the_post_being_sent_to_the_same_channel(
    world: Any, bot: BotServer, django_capture_on_commit_callbacks: Any
) -> None:
    _channel(world, bot)
    release = _publish(world, django_capture_on_commit_callbacks)
    post = Delivery.objects.get()
    default_task_backend.clear()  # type: ignore[attr-defined]
    # Another worker has begun sending the post (committed SENDING, call under way).
    Delivery.objects.filter(pk=post.pk).update(status="sending", sending_since=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.release_withdraw(actor=world.head_roads, release=release, reason="خبر تکراری")
    notice = Delivery.objects.get(event="withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_deliveries() == ["skipped"]
    notice.refresh_from_db()
    assert notice.status == "pending" and notice.next_attempt_at is not None
    assert bot.posts == []
    # The post is recorded sent; the notice, its wait over, follows it.
    Delivery.objects.filter(pk=post.pk).update(status="sent", sent_at=timezone.now())
    _due(notice)
    assert _run_deliveries() == ["sent"]
    assert bot.posts[-1][1]["text"].startswith("این خبر پس گرفته شد")


def test_eitaa_gets_its_own_path_and_form_fields_and_text_with_the_link_not_a_photo(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """eitaayar names the token without «bot» and takes no photo by URL: a release with an
    image goes as text (headline, lead, link), whose preview card carries the image."""
    with BotServer(token=TOKEN, eitaa=True) as eitaa:
        channel = _channel(world, eitaa, kind="eitaa", name="کانال ایتا")
        release = make_release(
            actor=world.head_roads, agency=world.roads, headline="آزادراه تهران-شمال"
        )
        newsroom.release_add_image(
            actor=world.head_roads,
            release=release,
            upload=SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"),
            alt_text="نمای آزادراه",
        )
        newsroom.release_submit(actor=world.head_roads, release=release)
        with django_capture_on_commit_callbacks(execute=True):
            newsroom.release_approve(actor=world.head_roads, release=release)
        assert _run_deliveries() == ["sent"]
        [(method, payload)] = eitaa.posts
        assert method == "sendMessage" and payload["chat_id"] == "@roads_news"
        assert payload["text"].startswith("آزادراه تهران-شمال")
        assert payload["text"].endswith(BASE + release.get_absolute_url())
        assert eitaa.content_types[0].startswith("application/x-www-form-urlencoded")
        d = Delivery.objects.get(channel=channel)
        assert d.remote_url == "https://eitaa.com/roads_news/101"

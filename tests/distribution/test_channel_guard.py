"""A channel's base URL is someone's typing: the server never posts into the internal network
through it (core/netguard.py), from the back office, the `channel` command or a send, unless
RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS lifts the rule (conftest.py lifts it for the
other distribution tests; here it is off unless a test says otherwise)."""

from __future__ import annotations

import socket
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from ravabet.core import netguard
from ravabet.distribution import senders
from ravabet.distribution.models import Channel, Delivery
from ravabet.distribution.services import channels as services
from tests.distribution.botserver import BotServer
from tests.factories import make_release

pytestmark = pytest.mark.django_db

TOKEN = "987654:SECRET-token-xyz"
ADD = "/backoffice/distribution/channels/add/"


@pytest.fixture(autouse=True)
def _guarded(settings: Any) -> None:
    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = False


def _resolving(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    """getaddrinfo answering `names` (host → IPv4 address) itself, the rest as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], int(port)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(world: Any, base_url: str, kind: str = "bale") -> dict[str, Any]:
    return {
        "agency": world.roads.pk,
        "kind": kind,
        "name": "کانال بله راه",
        "base_url": base_url,
        "token": TOKEN,
        "chat_id": "@roads",
        "is_active": "on",
    }


@pytest.mark.parametrize(
    ("base_url", "shown"),
    [
        ("http://127.0.0.1:8080/", "درگاه 8080 پذیرفته نیست"),
        ("http://169.254.169.254/latest/meta-data", "نشانی محلی پیوند (link-local) پذیرفته نیست"),
        ("http://10.0.0.5/", "نشانی شبکهٔ خصوصی (private) پذیرفته نیست"),
        ("http://[::ffff:127.0.0.1]/", "نشانی خودِ کارساز (loopback) پذیرفته نیست"),
        ("http://localhost/", "به خودِ کارساز می‌رسد و پذیرفته نیست"),
        ("http://0x7f000001/", "نشانی IP به این شکل (0x7f000001) پذیرفته نیست"),
        ("http://2130706433/", "به شکل 127.0.0.1 بنویسید"),
    ],
)
def test_the_channel_form_refuses_an_internal_base_url_in_persian(
    world: Any, base_url: str, shown: str
) -> None:
    response = _login(world.head_roads).post(ADD, _form(world, base_url))
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page and "نشانی پیام‌رسان باید نشانی عمومی اینترنت باشد" in page
    assert not Channel.objects.exists()


def test_a_webhook_to_a_name_resolving_to_an_internal_address_is_refused(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _resolving(monkeypatch, {"hooks.example.ir": "192.168.10.4"})
    page = _login(world.head_roads).post(
        ADD, _form(world, "https://hooks.example.ir/ravabet", kind="webhook")
    )
    assert "«hooks.example.ir» به 192.168.10.4 می‌رسد" in page.content.decode()
    assert not Channel.objects.exists()


def test_editing_a_channel_to_an_internal_address_is_refused(world: Any) -> None:
    channel = services.channel_create(
        actor=world.head_roads,
        agency=world.roads,
        data=services.ChannelInput(kind="telegram", name="تلگرام راه", token=TOKEN, chat_id="@r"),
    )
    with pytest.raises(ValidationError) as refused:
        services.channel_update(
            actor=world.head_roads,
            channel=channel,
            data=services.ChannelInput(
                kind="telegram", name="تلگرام راه", base_url="http://127.0.0.1/", chat_id="@r"
            ),
        )
    assert "loopback" in refused.value.message_dict["base_url"][0]
    channel.refresh_from_db()
    assert channel.base_url == "https://api.telegram.org"


def test_the_channel_command_refuses_an_internal_base_url(world: Any) -> None:
    with pytest.raises(CommandError, match="نشانی محلی پیوند"):
        call_command(
            "channel",
            "add",
            "--agency",
            "roads",
            "--kind",
            "bale",
            "--base-url",
            "http://169.254.169.254/",
            "--token",
            TOKEN,
            "--chat-id",
            "@roads",
            stdout=StringIO(),
        )
    assert not Channel.objects.exists()


def test_a_name_re_pointed_at_loopback_after_saving_is_never_posted_to(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the base URL was public when saved; at send time its name answers
    127.0.0.1 (the local Bot-API server, standing for an internal service on a port let through
    for this test): the connection is refused, the reason shown, nothing reaches the server."""
    with BotServer(token=TOKEN) as bot:
        port = int(bot.base_url.rsplit(":", 1)[1])
        monkeypatch.setattr(
            senders, "guard", lambda: netguard.Guard(ports=frozenset({80, 443, port}))
        )
        _resolving(monkeypatch, {"bot.example.ir": "185.143.233.2"})
        channel = services.channel_create(
            actor=world.head_roads,
            agency=world.roads,
            data=services.ChannelInput(
                kind="bale",
                name="بله راه",
                base_url=f"http://bot.example.ir:{port}",
                token=TOKEN,
                chat_id="@roads",
            ),
        )
        _resolving(monkeypatch, {"bot.example.ir": "127.0.0.1"})
        response = _login(world.head_roads).post(
            f"/backoffice/distribution/channels/{channel.pk}/test/", follow=True
        )
        page = response.content.decode()
        assert "نشانی پیام‌رسان پذیرفته نیست" in page and "127.0.0.1" in page
        assert TOKEN not in page
        assert bot.calls == []


def test_a_send_to_a_stored_internal_base_url_is_refused_without_a_connection(world: Any) -> None:
    """A base URL stored before the rule (or while the setting was on) is refused at send."""
    with BotServer(token=TOKEN) as bot:
        with pytest.raises(senders.SendError) as refused:
            senders.send(
                kind="bale",
                base_url=bot.base_url,
                token=TOKEN,
                chat_id="@roads",
                message=senders.Message(text="آزمایش"),
            )
        assert refused.value.retryable is False and TOKEN not in refused.value.message
        assert bot.calls == []


def test_a_redirect_answered_to_a_post_is_not_followed(world: Any, settings: Any) -> None:
    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True
    with BotServer(token=TOKEN) as bot:
        bot.script((302, {"ok": False}))
        with pytest.raises(senders.SendError, match="تغییر مسیر") as refused:
            senders.send(
                kind="telegram",
                base_url=bot.base_url,
                token=TOKEN,
                chat_id="@roads",
                message=senders.Message(text="آزمایش"),
            )
        assert refused.value.retryable is False
        assert len(bot.calls) == 1 and bot.posts == []


def test_with_the_setting_on_the_local_server_is_reached(world: Any, settings: Any) -> None:
    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True
    with BotServer(token=TOKEN) as bot:
        client = _login(world.head_roads)
        assert client.post(ADD, _form(world, bot.base_url)).status_code == 302
        channel = Channel.objects.get()
        assert channel.base_url == bot.base_url
        response = client.post(f"/backoffice/distribution/channels/{channel.pk}/test/", follow=True)
        assert "پیام آزمایشی فرستاده شد" in response.content.decode()
        assert bot.posts[0][1]["chat_id"] == "@roads"


def test_a_release_is_not_delivered_to_an_internal_address_and_not_retried(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A channel saved while the setting was on, the setting off since: the release's
    delivery fails at once with the reason, and nothing reaches the internal server."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with BotServer(token=TOKEN) as bot:
        settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True
        services.channel_create(
            actor=world.head_roads,
            agency=world.roads,
            data=services.ChannelInput(
                kind="telegram", name="تلگرام راه", base_url=bot.base_url, token=TOKEN, chat_id="@r"
            ),
        )
        settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = False
        with django_capture_on_commit_callbacks(execute=True):
            make_release(actor=world.head_roads, agency=world.roads, status="published")
        delivery = Delivery.objects.get()
        assert delivery.status == "failed" and "نشانی پیام‌رسان پذیرفته نیست" in delivery.error
        assert bot.calls == []

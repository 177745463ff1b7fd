"""Channel pages and the delivery panel: who may see and manage what; the `channel` command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ravabet.core.models import AuditEntry
from ravabet.distribution import crypto
from ravabet.distribution.models import Channel, Delivery
from ravabet.distribution.services import channels as services
from tests.distribution.botserver import BotServer
from tests.factories import make_release

pytestmark = pytest.mark.django_db

TOKEN = "987654:SECRET-token-xyz"


def _channel(world: Any, agency: Any = None, **extra: Any) -> Channel:
    return services.channel_create(
        actor=world.admin,
        agency=agency or world.roads,
        data=services.ChannelInput(
            kind="bale",
            name=extra.get("name", "کانال بله راه"),
            base_url="http://127.0.0.1:9/",
            token=TOKEN,
            chat_id="@roads",
        ),
    )


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_head_adds_a_channel_and_the_token_is_never_shown_again(world: Any) -> None:
    client = _login(world.head_roads)
    response = client.post(
        "/backoffice/distribution/channels/add/",
        {
            "agency": world.roads.pk,
            "kind": "telegram",
            "name": "کانال تلگرام راه",
            "base_url": "",
            "token": TOKEN,
            "chat_id": "@roads_news",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.base_url == "https://api.telegram.org"
    assert crypto.decrypt(channel.token_encrypted) == TOKEN
    assert AuditEntry.objects.filter(action="channel.create").exists()
    for url in [
        "/backoffice/distribution/channels/",
        f"/backoffice/distribution/channels/{channel.pk}/",
    ]:
        page = client.get(url).content.decode()
        assert TOKEN not in page and "SECRET" not in page
        assert "…-xyz" in page
    # Editing without a token keeps it; with one, replaces it.
    data = {
        "kind": "telegram",
        "name": "کانال نو",
        "base_url": "https://api.telegram.org",
        "token": "",
        "chat_id": "@roads_news",
        "is_active": "on",
    }
    assert client.post(f"/backoffice/distribution/channels/{channel.pk}/", data).status_code == 302
    channel.refresh_from_db()
    assert channel.name == "کانال نو" and crypto.decrypt(channel.token_encrypted) == TOKEN
    data["token"] = "111:NEW-token-abcd"
    client.post(f"/backoffice/distribution/channels/{channel.pk}/", data)
    channel.refresh_from_db()
    assert crypto.decrypt(channel.token_encrypted) == "111:NEW-token-abcd"


def test_a_form_without_token_or_chat_id_says_so_in_persian(world: Any) -> None:
    client = _login(world.head_roads)
    response = client.post(
        "/backoffice/distribution/channels/add/",
        {"agency": world.roads.pk, "kind": "bale", "name": "کانال", "token": "", "chat_id": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "توکن ربات را وارد کنید" in page and "شناسهٔ کانال را بنویسید" in page
    assert not Channel.objects.exists()


def test_role_rules_on_channel_pages(world: Any) -> None:
    roads = _channel(world)
    health = _channel(world, world.health, name="کانال دانشگاه")
    # An officer sees the agency's channels but may not add or change them.
    officer = _login(world.officer_roads)
    page = officer.get("/backoffice/distribution/channels/").content.decode()
    assert "کانال بله راه" in page and "کانال دانشگاه" not in page
    assert "افزودن کانال" not in page
    assert officer.get("/backoffice/distribution/channels/add/").status_code == 403
    assert officer.get(f"/backoffice/distribution/channels/{roads.pk}/").status_code == 403
    assert (
        officer.post(f"/backoffice/distribution/channels/{roads.pk}/deactivate/").status_code == 403
    )
    # Another agency's channel: not found, for its head too.
    head = _login(world.head_roads)
    assert head.get(f"/backoffice/distribution/channels/{health.pk}/").status_code == 404
    assert (
        head.post(f"/backoffice/distribution/channels/{health.pk}/deactivate/").status_code == 404
    )
    assert head.post(f"/backoffice/distribution/channels/{health.pk}/test/").status_code == 404
    # The directorate manages every agency's channels.
    directorate = _login(world.directorate_staff)
    assert (
        directorate.post(f"/backoffice/distribution/channels/{health.pk}/deactivate/").status_code
        == 302
    )
    health.refresh_from_db()
    assert health.is_active is False
    # A citizen is refused.
    assert _login(world.outsider).get("/backoffice/distribution/channels/").status_code == 403


def test_the_test_message_reaches_the_channel_or_shows_the_reason(world: Any) -> None:
    with BotServer(token=TOKEN) as bot:
        channel = _channel(world)
        Channel.objects.filter(pk=channel.pk).update(base_url=bot.base_url)
        client = _login(world.head_roads)
        response = client.post(f"/backoffice/distribution/channels/{channel.pk}/test/", follow=True)
        assert "پیام آزمایشی فرستاده شد" in response.content.decode()
        assert bot.posts[0][1]["text"].startswith("ارسال آزمایشی")
        bot.script((403, {"ok": False, "error_code": 403, "description": "Forbidden"}))
        response = client.post(f"/backoffice/distribution/channels/{channel.pk}/test/", follow=True)
        assert "ربات اجازهٔ فرستادن در این کانال را ندارد" in response.content.decode()


def test_the_delivery_panel_is_shown_only_to_the_agencys_people(world: Any) -> None:
    channel = _channel(world)
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    Delivery.objects.create(
        channel=channel,
        content_id=release.pk,
        event="published",
        status="sent",
        remote_url="https://ble.ir/roads/5",
    )
    url = reverse("newsroom:bo_detail", kwargs={"pk": release.pk})
    page = _login(world.officer_roads).get(url).content.decode()
    assert "ارسال به کانال‌های پیام‌رسان" in page and "https://ble.ir/roads/5" in page
    page = _login(world.directorate_staff).get(url).content.decode()
    assert "https://ble.ir/roads/5" in page
    response = _login(world.officer_health).get(url)
    assert "https://ble.ir/roads/5" not in response.content.decode()
    # Another agency's officer cannot retry it either.
    Delivery.objects.update(status="failed", error="x")
    delivery = Delivery.objects.get()
    assert (
        _login(world.officer_health)
        .post(f"/backoffice/distribution/deliveries/{delivery.pk}/retry/")
        .status_code
        == 404
    )


def test_the_channel_command_adds_lists_and_removes_without_printing_the_token(
    world: Any,
) -> None:
    out = StringIO()
    call_command(
        "channel",
        "add",
        "--agency",
        "roads",
        "--kind",
        "eitaa",
        "--token",
        TOKEN,
        "--chat-id",
        "roads_eitaa",
        stdout=out,
    )
    channel = Channel.objects.get()
    assert channel.kind == "eitaa" and channel.base_url == "https://eitaayar.ir/api"
    assert crypto.decrypt(channel.token_encrypted) == TOKEN
    out = StringIO()
    call_command("channel", "list", stdout=out)
    listing = out.getvalue()
    assert "roads_eitaa" in listing and TOKEN not in listing and "SECRET" not in listing
    call_command("channel", "remove", str(channel.pk), stdout=StringIO())
    assert not Channel.objects.exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="دستگاهی"):
        call_command("channel", "add", "--agency", "nope", "--kind", "bale", "--token", TOKEN)

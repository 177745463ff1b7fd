"""`ravabet channel add|list|remove`: an agency's messenger channels from the command line.

    ravabet channel add --agency roads --kind telegram --token 123:ABC --chat-id @roads_news \
        [--base-url https://api.telegram.org] [--name «کانال اداره»]
    ravabet channel list [--agency roads]
    ravabet channel remove ID

The token is stored encrypted and never printed (only its last characters).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ravabet.core.organisation.models import Agency
from ravabet.distribution.models import Channel
from ravabet.distribution.services import channels as services


class Command(BaseCommand):
    help = "کانال‌های پیام‌رسان دستگاه‌ها: افزودن، فهرست، حذف."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="افزودن کانال")
        add.add_argument("--agency", required=True, help="شناسهٔ نشانی (slug) دستگاه")
        add.add_argument("--kind", required=True, choices=Channel.Kind.values)
        add.add_argument("--base-url", default="")
        add.add_argument("--token", required=True)
        add.add_argument("--chat-id", default="")
        add.add_argument("--name", default="")
        listing = sub.add_parser("list", help="فهرست کانال‌ها")
        listing.add_argument("--agency", default="")
        remove = sub.add_parser("remove", help="حذف کانال")
        remove.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _add(self, options: dict[str, Any]) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"دستگاهی با شناسهٔ «{options['agency']}» نیست.")
        kind = options["kind"]
        name = options["name"] or f"{Channel.Kind(kind).label} {options['chat_id'] or agency.slug}"
        try:
            channel = services.channel_create(
                actor=None,
                agency=agency,
                data=services.ChannelInput(
                    kind=kind,
                    name=name,
                    base_url=options["base_url"],
                    token=options["token"],
                    chat_id=options["chat_id"],
                ),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"کانال {channel.pk} افزوده شد: {channel.name} (توکن {channel.token_hint})"
        )

    def _list(self, options: dict[str, Any]) -> None:
        channels = Channel.objects.select_related("agency")
        if options["agency"]:
            channels = channels.filter(agency__slug=options["agency"])
        for c in channels:
            state = "فعال" if c.is_active else "غیرفعال"
            self.stdout.write(
                f"{c.pk}\t{c.agency.slug}\t{c.kind}\t{c.name}\t{c.chat_id}\t{c.token_hint}\t{state}"
            )

    def _remove(self, options: dict[str, Any]) -> None:
        channel = Channel.objects.select_related("agency").filter(pk=options["id"]).first()
        if channel is None:
            raise CommandError(f"کانالی با شمارهٔ {options['id']} نیست.")
        services.channel_remove(actor=None, channel=channel)
        self.stdout.write(f"کانال {options['id']} حذف شد.")

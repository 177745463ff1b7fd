"""Import a release from a text file pasted out of a PDF: kicker, headline, lead, body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency
from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from ravabet.persian import reflow

MAX_BYTES = 2 * 2**20


@dataclass(frozen=True)
class ParsedRelease:
    kicker: str
    headline: str
    lead: str
    paragraphs: list[str]


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ValidationError("پرونده بزرگ‌تر از ۲ مگابایت است.")
    for encoding in ("utf-8-sig", "utf-16", "cp1256"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("نویسه‌های پرونده خوانده نشد؛ آن را با کدگذاری UTF-8 ذخیره کنید.")


def parse(text: str) -> ParsedRelease:
    """First line: kicker (روتیتر); second: headline (تیتر); the rest reflowed into paragraphs,
    the first of which is the lead. The «به گزارش …» attribution stays in the body."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    nonempty = [i for i, line in enumerate(lines) if line]
    if len(nonempty) < 3:
        raise ValidationError("پرونده باید دست‌کم روتیتر، تیتر و یک پاراگراف متن داشته باشد.")
    kicker, headline = lines[nonempty[0]], lines[nonempty[1]]
    rest = "\n".join(lines[nonempty[1] + 1 :])
    paragraphs = [p.strip() for p in reflow(rest).split("\n\n") if p.strip()]
    return ParsedRelease(kicker, headline, paragraphs[0], paragraphs[1:])


def import_release(*, actor: Any, agency: Agency, text: str, publish: bool = False) -> Release:
    """A draft from the text (kept as the release's source text), or a published release.

    Parsing, checking and normalizing run before any transaction (services.release_create);
    with `publish`, the right to publish is checked first, so a refusal leaves no draft.
    """
    parsed = parse(text)
    if publish:
        permissions.require(
            permissions.can_approve_for(actor, agency),
            "تأیید و انتشار با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
        )
    result = services.release_create(
        actor=actor,
        agency=agency,
        data=services.ReleaseInput(
            kind=Release.Kind.NEWS,
            kicker=parsed.kicker,
            headline=parsed.headline,
            lead=parsed.lead,
            body="\n\n".join(parsed.paragraphs),
            source_text=text,
        ),
    )
    release = result.release
    if publish:
        services.release_submit(actor=actor, release=release)
        services.release_approve(actor=actor, release=release)
        release.refresh_from_db()
    return release

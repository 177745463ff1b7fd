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


# What a file that is not text is, by its first bytes, for a message that says so.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "یک تصویر PNG"),
    (b"\xff\xd8\xff", "یک تصویر JPEG"),
    (b"GIF87a", "یک تصویر GIF"),
    (b"GIF89a", "یک تصویر GIF"),
    (b"RIFF", "یک تصویر یا صدا (RIFF/WEBP)"),
    (b"%PDF-", "یک PDF"),
    (b"PK\x03\x04", "یک پروندهٔ فشرده یا Word/Excel (docx، xlsx)"),
    (b"\xd0\xcf\x11\xe0", "یک پروندهٔ Word یا Excel قدیمی (doc، xls)"),
)
_NOT_TEXT = (
    "این پرونده {what} است، نه متن خبر. متن خبر را (روتیتر در سطر اول، تیتر در سطر دوم، سپس"
    " متن) در پرونده‌ای .txt با کدگذاری UTF-8 ذخیره کنید و آن را وارد کنید؛"
    "{hint}"
)
_PDF_HINT = " از PDF، متن را رونوشت کنید و در پرونده‌ای متنی بچسبانید."
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _not_text(what: str) -> ValidationError:
    hint = _PDF_HINT if "PDF" in what else " تصویر و پیوست را پس از آن در صفحهٔ خبر بیفزایید."
    return ValidationError(_NOT_TEXT.format(what=what, hint=hint), code="not_text")


def decode(raw: bytes) -> str:
    """The text of an imported file; a picture, a PDF or any other binary file is refused with
    a message that says what it is (not a complaint about a missing headline)."""
    if len(raw) > MAX_BYTES:
        raise ValidationError("پرونده بزرگ‌تر از ۲ مگابایت است.")
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise _not_text(what)
    encodings = ("utf-16",) if raw.startswith(_UTF16_BOMS) else ("utf-8-sig", "cp1256")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text has no control characters but line ends and tabs; a binary file of a kind not
        # named above decodes as cp1256 (every byte is a character there) but has them.
        controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t\f")
        if controls:
            raise _not_text("پرونده‌ای غیرمتنی")
        return text
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


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["agency"],
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
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

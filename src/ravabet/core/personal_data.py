"""Citizens' personal data: what each capability holds about a person, found and exported on
request, and anonymized once the retention period after a case's closing has passed.

Each capability that keeps names, mobiles or e-mail addresses registers a provider from its
`AppConfig.ready()`: `find(contact)` returns its records about that person (dicts with Persian
labels, ready for the export), `anonymize(before)` blanks the personal fields of the records
closed before that moment (never an open case), keeps the records and their figures, and is
idempotent (it returns how many records it changed). The daily task calls every provider.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, jalali, permissions
from ravabet.persian.normalizer import to_persian_digits
from ravabet.persian.phones import masked, phone_number

# What an anonymized record shows where the person's name was.
ANONYMIZED = "ناشناس‌شده"
DEFAULT_RETENTION_DAYS = 730
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactError(ValueError):
    """A contact that is neither a phone number nor an e-mail address (Persian message)."""


@dataclass(frozen=True)
class Contact:
    """One person as the desk and the other capabilities store them: a phone as «09…» (eleven
    digits, from any spelling: «۰۹۱۲ ۱۲۳ ۴۵۶۷», «+98 912…»), an e-mail in lower case."""

    mobile: str = ""
    email: str = ""

    @classmethod
    def of(cls, *, mobile: str = "", email: str = "") -> Contact:
        if bool(mobile) == bool(email):
            raise ContactError("یکی از این دو را بدهید: شمارهٔ همراه یا نشانی رایانامه.")
        if mobile:
            number = phone_number(mobile)
            if number is None:
                raise ContactError("شمارهٔ تلفن درست نیست؛ مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.")
            return cls(mobile=number)
        address = email.strip().lower()
        if not _EMAIL.match(address) or len(address) > 254:
            raise ContactError("نشانی رایانامه درست نیست.")
        return cls(email=address)

    @property
    def shown(self) -> str:
        """Enough to know whose data it was, in the audit log, without keeping it there."""
        if self.mobile:
            return masked(self.mobile)
        name, _, domain = self.email.partition("@")
        return f"{name[:2]}***@{domain}"


@dataclass(frozen=True)
class Provider:
    key: str
    label: str  # Persian: the section of the export
    find: Callable[[Contact], list[dict[str, Any]]]
    anonymize: Callable[[dt.datetime], int]


_providers: dict[str, Provider] = {}


def register_provider(
    key: str,
    label: str,
    *,
    find: Callable[[Contact], list[dict[str, Any]]],
    anonymize: Callable[[dt.datetime], int],
) -> None:
    """A capability's part of the personal data; keyed, so a second ready() changes nothing."""
    _providers[key] = Provider(key, label, find, anonymize)


def providers() -> list[Provider]:
    return [_providers[key] for key in sorted(_providers)]


def retention_days() -> int:
    return int(getattr(settings, "RAVABET_PERSONAL_DATA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Records closed before this moment have outlived the retention period."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def when(value: dt.datetime | None) -> str:
    """A moment as the export shows it: the Jalali date and time in Tehran."""
    return jalali.format_datetime(value) if value else ""


def find(contact: Contact) -> dict[str, Any]:
    """Everything every provider holds about the person, by provider (no audit: see export)."""
    sections = {}
    for provider in providers():
        records = provider.find(contact)
        if records:
            sections[provider.key] = {"عنوان": provider.label, "سوابق": records}
    return sections


@permissions.guarded(permissions.sees_all_agencies, unattended=True)
def export(contact: Contact, *, actor: Any = None, via: str = "") -> dict[str, Any]:
    """The person's data for a request to see it, audited (it reveals personal data): the
    entry names who asked, through what, the masked contact and how much was found."""
    sections = find(contact)
    document = {
        "درخواست": {"تلفن همراه": contact.mobile, "رایانامه": contact.email},
        "زمان تهیه": when(timezone.now()),
        "مدت نگه‌داری (روز)": retention_days(),
        "بخش‌ها": sections,
    }
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="personal_data.export",
            data={
                "contact": contact.shown,
                "via": via,
                "found": {key: len(section["سوابق"]) for key, section in sections.items()},
            },
        )
    return document


def anonymize_expired(now: dt.datetime | None = None) -> dict[str, int]:
    """Every provider's records closed before the cutoff, anonymized; audited when any were."""
    before = retention_cutoff(now)
    done = {provider.key: provider.anonymize(before) for provider in providers()}
    changed = {key: count for key, count in done.items() if count}
    if changed:
        with transaction.atomic():
            audit.record(
                actor=None,
                action="personal_data.anonymize",
                data={"before": before.isoformat(), "records": changed},
            )
    return done


@task()
def anonymize_expired_task() -> dict[str, int]:
    """The daily run (registered in CoreConfig.ready)."""
    return anonymize_expired()


def replace_in(text: str, needles: list[str]) -> str:
    """`text` with every occurrence of the person's name, number or address replaced by the
    marker: what an officer's note or the citizen's own text says of them."""
    for needle in needles:
        if needle and len(needle) >= 3:
            text = text.replace(needle, ANONYMIZED)
    return text


def spellings(mobile: str = "", email: str = "", name: str = "") -> list[str]:
    """The forms a person's details take in free text: the number with Persian digits and
    without its leading zero too, the address as stored and in lower case."""
    found = [name.strip()]
    if mobile:
        found += [mobile, to_persian_digits(mobile), mobile[1:], to_persian_digits(mobile[1:])]
    if email:
        found += [email, email.lower()]
    # Longest first, so a number is not half-replaced through its shorter form.
    return sorted({f for f in found if f}, key=len, reverse=True)

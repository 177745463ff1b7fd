"""Every write to releases: permission-checked, normalized, audited, atomic.

The workflow: draft → submitted (writer) → published now or scheduled (agency head or directorate)
| returned with a reason → edited → submitted again; published → withdrawn with a public reason
(the page stays, marked) | corrected with a visible note. The directorate features releases.

The write path (docs/architecture.md): each service first checks and prepares its input —
limits, normalizing, sanitizing, the change report, the search keys — and only then opens a
short transaction that locks, checks the state and writes. On SQLite a transaction holds the
one write lock of the whole site from its first statement, so nothing slow runs inside one.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import (
    audit,
    jalali,
    notifications,
    pagecache,
    permissions,
    signals,
    uploads,
    validation,
    workflow,
)
from ravabet.core.organisation.models import Agency, County, Membership
from ravabet.core.richtext import (
    body_text,
    clean_body,
    normalization_changes,
    normalize_html,
    sanitize,
)
from ravabet.newsroom import media
from ravabet.newsroom import search as release_search
from ravabet.newsroom.models import (
    Category,
    Correction,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    Tag,
)
from ravabet.persian import normalize, reflow

S = Release.Status
# The page-cache topic of what the public sees of releases (portal, feeds, agency pages).
PUBLIC_TOPIC = "releases"


class ReleaseStateError(Exception):
    """The release is not in a state that allows this step; the message is Persian."""


class StaleReleaseError(ReleaseStateError):
    """Someone saved the release after this editor's form was opened: nothing was written.
    `current` is the release as saved now, for the editor to show beside what was typed."""

    def __init__(self, message: str, current: Release) -> None:
        super().__init__(message)
        self.current = current


def release_version(release: Release) -> str:
    """What the editor carries to detect a stale form: the moment of the last save, in µs."""
    if release.updated_at is None:
        return ""
    return str(int(release.updated_at.timestamp() * 1_000_000))


# --- the one check of what people send ---------------------------------------------------

# The longest texts accepted, in characters as sent. The body's limit is the setting
# RAVABET_MAX_BODY_CHARS (markup included). The form, the API and the importer all reach these
# through check_texts(), so they refuse the same input with the same Persian message.
MAX_CHARS = {
    "kicker": 300,
    "headline": 300,
    "lead": 3_000,
    "tag": 80,
    "responds_to_title": 300,
    "responds_to_url": 200,
    "reason": 2_000,
    "note": 2_000,
    "title": 300,
    "alt_text": 300,
    "caption": 300,
}
MAX_TAGS = 30
LABELS = {
    "kind": "نوع",
    "kicker": "روتیتر",
    "headline": "تیتر",
    "lead": "لید",
    "body": "متن",
    "tags": "برچسب‌ها",
    "responds_to_url": "نشانی گزارش پاسخ‌داده‌شده",
    "responds_to_title": "عنوان گزارش پاسخ‌داده‌شده",
    "source_text": "متن اصلی واردشده",
    "reason": "دلیل",
    "note": "یادداشت اصلاح",
    "title": "عنوان پیوست",
    "alt_text": "متن جایگزین",
    "caption": "زیرنویس",
}
_INVALID_CHARS = validation.INVALID_CHARS
_WEB_LINK = URLValidator(schemes=["http", "https"])


def max_chars(name: str) -> int:
    """The limit of a text field (MAX_CHARS; the body's is a setting)."""
    if name == "body":
        return int(settings.RAVABET_MAX_BODY_CHARS)
    if name == "source_text":  # an imported file: the body and the lines around it
        return 2 * int(settings.RAVABET_MAX_BODY_CHARS)
    return MAX_CHARS[name]


def text_error(name: str, value: str, *, label: str | None = None) -> str | None:
    """Why a text is refused, in Persian, or None (core/validation.py)."""
    return validation.text_error(value, label=label or LABELS[name], limit=max_chars(name))


def check_texts(texts: Iterable[tuple[str, str | None]]) -> None:
    """Raise one ValidationError keyed by field for every (field, text) refused."""
    validation.check_texts(
        (name, value, LABELS[name], max_chars(name)) for name, value in texts if value is not None
    )


def check_publish_at(publish_at: dt.datetime | None) -> dt.datetime | None:
    """An aware moment in the years people schedule in; a naive one is Tehran wall-clock time."""
    return validation.check_moment("publish_at", publish_at)


@dataclass
class ReleaseInput:
    """What a writer gives: raw text, checked by check() and normalized by the service."""

    headline: str
    kind: str = Release.Kind.NEWS
    kicker: str = ""
    lead: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    category: Category | None = None
    county: County | None = None
    supporting_agencies: list[Agency] = field(default_factory=list)
    responds_to: Release | None = None
    responds_to_url: str = ""
    responds_to_title: str = ""
    from_pdf: bool = False
    # The text as it came from outside (an imported file), kept beside the release.
    source_text: str = ""

    def check(self) -> None:
        """The one validation of a release's text: limits and characters, keyed by field."""
        errors: dict[str, list[str]] = {}
        try:
            check_texts(
                [
                    ("kicker", self.kicker),
                    ("headline", self.headline),
                    ("lead", self.lead),
                    ("body", self.body),
                    ("responds_to_url", self.responds_to_url),
                    ("responds_to_title", self.responds_to_title),
                    ("source_text", self.source_text),
                ]
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.kind not in Release.Kind.values:
            errors.setdefault("kind", []).append("نوع خبر شناخته نیست.")
        if self.responds_to_url and "responds_to_url" not in errors:
            # The public page links to it: a javascript: or data: link would run when clicked.
            try:
                _WEB_LINK(self.responds_to_url)
            except ValidationError:
                errors.setdefault("responds_to_url", []).append(
                    "نشانی گزارش باید نشانی وب کامل باشد و با http:// یا https:// آغاز شود."
                )
        if len(self.tags) > MAX_TAGS:
            errors.setdefault("tags", []).append(
                f"بیش از {jalali.format_number(MAX_TAGS)} برچسب پذیرفته نمی‌شود."
            )
        for tag in self.tags[: MAX_TAGS + 1]:
            shown = _INVALID_CHARS.sub("", tag[:40])  # the message must be printable itself
            message = text_error("tag", tag, label=f"برچسب «{shown}»")
            if message:
                errors.setdefault("tags", []).append(message)
                break
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class PreparedRelease:
    """A ReleaseInput checked and normalized, ready for a short write; made outside any
    transaction (normalizing and sanitizing a long body and the change report take time)."""

    data: ReleaseInput
    kicker: str
    headline: str
    lead: str
    body: str
    responds_to_title: str
    tags: list[str]
    changes: list[tuple[str, str]]

    def apply_to(self, release: Release) -> None:
        release.kicker = self.kicker
        release.headline = self.headline
        release.lead = self.lead
        release.body = self.body
        release.kind = self.data.kind
        release.category = self.data.category
        release.county = self.data.county
        release.responds_to = self.data.responds_to
        release.responds_to_url = self.data.responds_to_url
        release.responds_to_title = self.responds_to_title
        if self.data.source_text:
            release.source_text = self.data.source_text


@dataclass
class SaveResult:
    release: Release
    changes: list[tuple[str, str]]  # what normalizing changed, for the editor to show


# The editor is shown at most this many (before, after) pairs.
MAX_CHANGES = 50


def split_tags(text: str) -> list[str]:
    """Tags typed in one box, separated by commas; the service checks and normalizes them."""
    return [t for t in (p.strip() for p in re.split(r"[,،؛;\n]", text)) if t]


# A line that ends one of these ends a sentence (or a list item, a heading's colon).
_SENTENCE_END = tuple(".!?؟…:؛;»)\"'")
# A hard-wrapped text: at least this many lines broken inside a paragraph, …
MIN_WRAPPED_LINES = 3
# … most of them (this share) in mid-sentence, and most (this share) within ±20% of the
# median width of those lines, which is at least MIN_WRAP_WIDTH characters (a poem's or an
# address's short lines are not wraps); see looks_hard_wrapped.
WRAPPED_SHARE = 0.6
MIN_WRAP_WIDTH = 45


def looks_hard_wrapped(text: str) -> bool:
    """Was this plain text cut into lines at a fixed width (pasted from a PDF or an e-mail)?

    The rule, on the lines followed by another line of the same paragraph (a single line
    break): there are at least three; most of them (60%) stop in mid-sentence (no . ! ؟ : at
    the end); and most of those are full lines of a wrap: within 20% of their median width
    (itself 45 characters or more), and too long to have taken the next line's first word
    within the paragraph's widest line (what a wrap at a fixed width does). One line per
    paragraph, a few deliberate line breaks, a poem, a table or a list of results are not
    hard wraps (tested on the corpus's news); HTML is never taken for wrapped text.
    """
    if not text or re.search(r"<[a-zA-Z/][^>]*>", text):
        return False
    inner: list[tuple[str, str]] = []  # (line, the next line's first word)
    widest: list[int] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in paragraph.split("\n") if line.strip()]
        width = max((len(line) for line in lines), default=0)
        for line, following in itertools.pairwise(lines):
            inner.append((line, following.split(" ", 1)[0]))
            widest.append(width)
    if len(inner) < MIN_WRAPPED_LINES:
        return False
    mid = [(i, line) for i, (line, _) in enumerate(inner) if not line.endswith(_SENTENCE_END)]
    if len(mid) < WRAPPED_SHARE * len(inner):
        return False
    widths = sorted(len(line) for _, line in mid)
    median = widths[len(widths) // 2]
    if median < MIN_WRAP_WIDTH:
        return False
    full = [
        i
        for i, line in mid
        if abs(len(line) - median) <= 0.2 * median and len(line) + 1 + len(inner[i][1]) > widest[i]
    ]
    return len(full) >= WRAPPED_SHARE * len(mid)


def reflow_preview(text: str) -> list[str]:
    """The paragraphs the body would have if reflowed (the editor's preview), normalized."""
    return [p.strip() for p in normalize(reflow(text)).split("\n\n") if p.strip()]


def release_prepare(data: ReleaseInput) -> PreparedRelease:
    """Check and normalize a writer's input: everything slow, before any transaction."""
    data.check()
    raw = {
        "kicker": data.kicker,
        "headline": data.headline,
        "lead": reflow(data.lead) if data.from_pdf else data.lead,
    }
    fields = {name: normalize(value).strip() for name, value in raw.items()}
    changes: list[tuple[str, str]] = []
    for name, value in fields.items():
        changes += normalization_changes(getattr(data, name), value, MAX_CHANGES - len(changes))
    safe_body = sanitize(reflow(data.body) if data.from_pdf else data.body)
    body = normalize_html(safe_body)
    if len(changes) < MAX_CHANGES:
        changes += normalization_changes(
            body_text(safe_body), body_text(body), MAX_CHANGES - len(changes)
        )
    if not fields["headline"]:
        raise ValidationError({"headline": "تیتر را بنویسید."})
    if data.kind == Release.Kind.REBUTTAL and not (data.responds_to or data.responds_to_url):
        raise ValidationError(
            {"responds_to_url": "جوابیه باید به گزارشی که پاسخ می‌دهد پیوند داشته باشد."}
        )
    tags = list(dict.fromkeys(t for t in (normalize(name).strip() for name in data.tags) if t))
    return PreparedRelease(
        data=data,
        kicker=fields["kicker"],
        headline=fields["headline"],
        lead=fields["lead"],
        body=body,
        responds_to_title=normalize(data.responds_to_title).strip(),
        tags=tags,
        changes=changes,
    )


def tags_named(names: list[str]) -> list[Tag]:
    """The tags of these (normalized) names, created when new."""
    return [Tag.objects.get_or_create(name=normalize(name).strip()[:80])[0] for name in names]


def _set_relations(release: Release, prepared: PreparedRelease) -> None:
    release.tags.set(tags_named(prepared.tags))
    release.supporting_agencies.set(
        [a for a in prepared.data.supporting_agencies if a != release.agency]
    )


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["agency"],
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
def release_create(
    *, actor: Any, agency: Agency, data: ReleaseInput, request: HttpRequest | None = None
) -> SaveResult:
    permissions.require(
        permissions.can_write_for(actor, agency), "شما برای این دستگاه خبر نمی‌نویسید."
    )
    prepared = release_prepare(data)
    with transaction.atomic():
        release = Release(agency=agency, created_by=actor, status=S.DRAFT)
        prepared.apply_to(release)
        release.save()
        _set_relations(release, prepared)
        audit.record(
            actor=actor,
            action="release.create",
            obj=release,
            agency=agency,
            to_state=S.DRAFT,
            request=request,
        )
    return SaveResult(release, prepared.changes)


def _can_edit(actor: Any, release: Release) -> bool:
    if release.is_editable:
        return permissions.can_write_for(actor, release.agency)
    if release.status == S.SUBMITTED:
        return permissions.can_approve_for(actor, release.agency)
    return False


@permissions.question(reason="may this person edit the release now")
def can_edit(actor: Any, release: Release) -> bool:
    """May this person edit the release's text now (the editor asks before showing a form)."""
    return permissions.can_write_for(actor, release.agency) and _can_edit(actor, release)


@permissions.question(reason="why this person may not edit the release now")
def why_not_editable(actor: Any, release: Release) -> str:
    """In Persian: why this person cannot edit the release now, and what to do instead."""
    status = release.get_status_display()
    if release.status == S.SUBMITTED:
        what = (
            "برای ویرایش، آن را «بازخوانی» کنید تا به پیش‌نویس برگردد."
            if _is_writer(actor, release)
            else "برای ویرایش، از مدیر روابط عمومی دستگاه بخواهید آن را برگرداند."
        )
        return f"این خبر برای تأیید فرستاده شده و در انتظار تأیید است. {what}"
    if release.status == S.SCHEDULED:
        what = (
            "برای ویرایش، آن را در صفحهٔ خبر «برگشت به نویسنده» کنید."
            if permissions.can_approve_for(actor, release.agency)
            else "برای ویرایش، از مدیر روابط عمومی دستگاه بخواهید آن را «برگشت به نویسنده» کند."
        )
        return f"این خبر تأیید و زمان‌بندی شده است و دیگر ویرایش نمی‌شود. {what}"
    if release.status == S.PUBLISHED:
        return (
            "این خبر منتشر شده است و ویرایش نمی‌شود؛ متن آن را با «اصلاحیه» در صفحهٔ خبر"
            " درست کنید (کار مدیر روابط عمومی دستگاه یا اداره‌کل)."
        )
    if release.status == S.WITHDRAWN:
        return "این خبر پس گرفته شده است و ویرایش نمی‌شود."
    return f"این خبر در وضعیت «{status}» است و شما نمی‌توانید آن را ویرایش کنید."


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["release"].agency,
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
def release_update(
    *,
    actor: Any,
    release: Release,
    data: ReleaseInput,
    request: HttpRequest | None = None,
    version: str | None = None,
) -> SaveResult:
    """Save the editor's text. With `version` (release_version() of the release the form was
    opened on), a release saved by someone else since is refused with StaleReleaseError."""
    permissions.require(
        permissions.can_write_for(actor, release.agency), "شما برای این دستگاه خبر نمی‌نویسید."
    )
    prepared = release_prepare(data)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        permissions.require(
            permissions.can_write_for(actor, release.agency),
            "شما برای این دستگاه خبر نمی‌نویسید.",
        )
        if not _can_edit(actor, release):
            raise ReleaseStateError(why_not_editable(actor, release))
        if version is not None and version != release_version(release):
            raise StaleReleaseError(
                "این خبر پس از باز شدن این فرم، جای دیگری ذخیره شده است و تغییرات شما ذخیره"
                " نشد. نسخهٔ ذخیره‌شده و متن شما کنار هم آمده‌اند: آن‌ها را یکی کنید و دوباره"
                " ذخیره کنید.",
                release,
            )
        prepared.apply_to(release)
        release.save()
        _set_relations(release, prepared)
        audit.record(
            actor=actor,
            action="release.edit",
            obj=release,
            agency=release.agency,
            from_state=release.status,
            to_state=release.status,
            request=request,
        )
    return SaveResult(release, prepared.changes)


def _transition(
    *,
    actor: Any,
    release: Release,
    allowed_from: set[str],
    to: str,
    action: str,
    refused: str,
    request: HttpRequest | None,
    data: dict[str, Any] | None = None,
) -> Release:
    """Lock the row, check who and from where, and record the step (the kernel's workflow)."""
    return workflow.transition(
        actor=actor,
        obj=release,
        allowed_from=allowed_from,
        to=to,
        action=action,
        allowed=lambda who, locked: _allowed(who, locked, action),
        refused=refused,
        request=request,
        data=data,
        error=ReleaseStateError,
    )


def _required_text(value: str, field: str, message: str) -> str:
    check_texts([(field, value)])
    text = normalize(value).strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _allowed(actor: Any, release: Release, action: str) -> bool:
    if actor is None:  # the scheduler
        return action == "publish"
    if action == "submit":
        return permissions.can_write_for(actor, release.agency)
    return permissions.can_approve_for(actor, release.agency)


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["release"].agency,
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
@transaction.atomic
def release_submit(*, actor: Any, release: Release, request: HttpRequest | None = None) -> Release:
    release = _transition(
        actor=actor,
        release=release,
        allowed_from={S.DRAFT, S.RETURNED},
        to=S.SUBMITTED,
        action="submit",
        refused="شما برای این دستگاه خبر نمی‌نویسید.",
        request=request,
    )
    release.return_reason = ""
    release.save(update_fields=["status", "return_reason", "updated_at"])
    notifications.notify(
        [u for u in approvers_to_notify(release) if u.pk != actor.pk],
        kind="release.submitted",
        text=f"خبر «{release.headline}» از {release.agency.display_name} در انتظار تأیید شماست.",
        link=release.get_backoffice_url(),
        email=True,
    )
    return release


def approvers_to_notify(release: Release) -> list[Any]:
    """Who is told a release waits for approval: the agency's heads; for the directorate's
    own releases, its staff (who approve for every agency, but are not told of each one)."""
    roles = [Membership.Role.HEAD]
    if release.agency.kind == Agency.Kind.DIRECTORATE:
        roles.append(Membership.Role.OFFICER)
    memberships = Membership.objects.filter(agency=release.agency, role__in=roles)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def _is_writer(actor: Any, release: Release) -> bool:
    return (
        actor is not None
        and release.created_by_id is not None
        and (release.created_by_id == getattr(actor, "pk", None))
    )


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["release"].agency,
    message="فقط نویسندهٔ خبر آن را بازخوانی می‌کند.",
)
def release_recall(*, actor: Any, release: Release, request: HttpRequest | None = None) -> Release:
    """The writer takes a submitted release back to draft, before it is approved or scheduled."""
    with transaction.atomic():
        release = Release.objects.select_for_update().select_related("agency").get(pk=release.pk)
        permissions.require(
            _is_writer(actor, release) and permissions.can_write_for(actor, release.agency),
            "فقط نویسندهٔ خبر آن را بازخوانی می‌کند.",
        )
        if release.status != S.SUBMITTED:
            raise ReleaseStateError(
                "فقط خبری که در انتظار تأیید است بازخوانی می‌شود؛ این خبر در وضعیت"
                f" «{release.get_status_display()}» است."
            )
        release.status = S.DRAFT
        release.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="release.recall",
            obj=release,
            agency=release.agency,
            from_state=S.SUBMITTED,
            to_state=S.DRAFT,
            request=request,
        )
    return release


@permissions.guarded(
    permissions.can_approve_for,
    agency=lambda kw: kw["release"].agency,
    message="برگشت خبر با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
)
def release_return(
    *, actor: Any, release: Release, reason: str, request: HttpRequest | None = None
) -> Release:
    reason = _required_text(
        reason, "reason", "دلیل برگشت را بنویسید تا نویسنده بداند چه را اصلاح کند."
    )
    with transaction.atomic():
        release = _transition(
            actor=actor,
            release=release,
            allowed_from={S.SUBMITTED, S.SCHEDULED},
            to=S.RETURNED,
            action="return",
            refused="برگشت خبر با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            request=request,
            data={"reason": reason},
        )
        was_scheduled = release.scheduled_for is not None
        release.return_reason = reason
        release.scheduled_for = None
        release.save(update_fields=["status", "return_reason", "scheduled_for", "updated_at"])
        if was_scheduled:
            # Those told of the coming publication (the press under embargo) hear it is off.
            signals.announce(
                "release", pk=release.pk, event="unscheduled", agency_id=release.agency_id
            )
        notifications.notify(
            [release.created_by],
            kind="release.returned",
            text=f"خبر «{release.headline}» برای اصلاح برگشت: {reason}",
            link=release.get_backoffice_url(),
            email=True,
        )
    return release


def _prepare_entry(
    actor: Any, release: Release, action: str
) -> release_search.PreparedEntry | None:
    """The search entry of a release about to be published, keyed before the transaction;
    none when the step will be refused anyway (the transaction checks again, under lock)."""
    if release.pk is None or not _allowed(actor, release, action):
        return None
    return release_search.prepare_entry(release)


@permissions.guarded(
    permissions.can_approve_for,
    agency=lambda kw: kw["release"].agency,
    message="تأیید و انتشار با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
)
def release_approve(
    *,
    actor: Any,
    release: Release,
    publish_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Release:
    """Publish now, or schedule for a moment in the future (naive: Tehran wall-clock time)."""
    publish_at = check_publish_at(publish_at)
    now = timezone.now()
    scheduled = publish_at is not None and publish_at > now
    prepared = None if scheduled else _prepare_entry(actor, release, "publish")
    with transaction.atomic():
        release = _transition(
            actor=actor,
            release=release,
            allowed_from={S.SUBMITTED},
            to=S.SCHEDULED if scheduled else S.PUBLISHED,
            action="schedule" if scheduled else "publish",
            refused="تأیید و انتشار با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            request=request,
            data={"publish_at": publish_at.isoformat()} if scheduled and publish_at else None,
        )
        if scheduled and publish_at is not None:
            release.scheduled_for = publish_at
            release.save(update_fields=["status", "scheduled_for", "updated_at"])
            from ravabet.newsroom import tasks

            release_id = release.pk
            transaction.on_commit(
                lambda: tasks.publish_scheduled_release.using(run_after=publish_at).enqueue(
                    release_id
                )
            )
            return release
        return _publish(release, at=now, prepared=prepared, actor=actor)


def _publish(
    release: Release,
    *,
    at: dt.datetime,
    prepared: release_search.PreparedEntry | None = None,
    actor: Any = None,
) -> Release:
    """Inside the transaction, on the locked row: keys prepared from what the row no longer
    says (edited meanwhile) are dropped, and computed here instead."""
    if prepared is not None and not prepared.fits(release):
        prepared = None
    release.status = S.PUBLISHED
    release.published_at = at
    release.save(update_fields=["status", "published_at", "updated_at"])
    release_search.index_release(release, prepared)
    pagecache.bump(PUBLIC_TOPIC)
    notifications.notify(
        [u for u in [release.created_by] if actor is None or u is None or u.pk != actor.pk],
        kind="release.published",
        text=f"خبر «{release.headline}» منتشر شد.",
        link=release.get_backoffice_url(),
        email=True,
    )
    from ravabet.newsroom import tasks

    release_id = release.pk
    transaction.on_commit(lambda: tasks.notify_subscribers.enqueue(release_id))
    signals.announce("release", pk=release_id, event="published", agency_id=release.agency_id)
    return release


@permissions.system_only(reason="the scheduler publishes the releases whose time has come")
def release_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled release whose minute has come; the scheduler and tasks call this.

    Each release is keyed for search first, then published in its own short transaction
    that locks its row and checks it is still scheduled and due: several workers running
    this at once publish each release exactly once.
    """
    now = now or timezone.now()
    published = []
    due = Release.objects.filter(status=S.SCHEDULED, scheduled_for__lte=now).order_by("pk")
    for candidate in list(due.prefetch_related("tags")):
        prepared = release_search.prepare_entry(candidate)
        with transaction.atomic():
            locked = (
                Release.objects.select_for_update()
                .filter(pk=candidate.pk, status=S.SCHEDULED, scheduled_for__lte=now)
                .first()
            )
            if locked is None:  # published, returned or moved meanwhile
                continue
            when = locked.scheduled_for or now
            release = _transition(
                actor=None,
                release=locked,
                allowed_from={S.SCHEDULED},
                to=S.PUBLISHED,
                action="publish",
                refused="",
                request=None,
                data={"scheduled": True},
            )
            _publish(release, at=when, prepared=prepared)
        published.append(release.pk)
    return published


@permissions.guarded(
    permissions.can_approve_for,
    agency=lambda kw: kw["release"].agency,
    message="پس‌گرفتن خبر با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
)
def release_withdraw(
    *, actor: Any, release: Release, reason: str, request: HttpRequest | None = None
) -> Release:
    reason = _required_text(
        reason, "reason", "دلیل پس‌گرفتن را بنویسید؛ این دلیل عمومی نمایش داده می‌شود."
    )
    with transaction.atomic():
        release = _transition(
            actor=actor,
            release=release,
            allowed_from={S.PUBLISHED},
            to=S.WITHDRAWN,
            action="withdraw",
            refused="پس‌گرفتن خبر با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            request=request,
            data={"reason": reason},
        )
        release.withdrawal_reason = reason
        release.withdrawn_at = timezone.now()
        release.featured_at = None
        release.save(
            update_fields=[
                "status",
                "withdrawal_reason",
                "withdrawn_at",
                "featured_at",
                "updated_at",
            ]
        )
        release_search.index_release(release)
        pagecache.bump(PUBLIC_TOPIC)
        signals.announce("release", pk=release.pk, event="withdrawn", agency_id=release.agency_id)
    return release


@permissions.guarded(
    permissions.can_approve_for,
    agency=lambda kw: kw["release"].agency,
    message="اصلاح خبر منتشرشده با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
)
def release_correct(
    *,
    actor: Any,
    release: Release,
    note: str,
    headline: str | None = None,
    lead: str | None = None,
    body: str | None = None,
    request: HttpRequest | None = None,
) -> Correction:
    check_texts([("note", note), ("headline", headline), ("lead", lead), ("body", body)])
    note = _required_text(note, "note", "بنویسید چه چیزی اصلاح شد؛ این یادداشت زیر خبر دیده می‌شود.")
    new_headline = normalize(headline).strip() if headline is not None else ""
    new_lead = normalize(lead).strip() if lead is not None else None
    new_body = clean_body(body) if body is not None and body.strip() else None

    def corrected(target: Release) -> None:
        if new_headline:
            target.headline = new_headline
        if new_lead is not None:
            target.lead = new_lead
        if new_body is not None:
            target.body = new_body

    # The search entry of the corrected release, keyed before the transaction.
    preview = copy.copy(release)
    corrected(preview)
    prepared = _prepare_entry(actor, preview, "correct")
    with transaction.atomic():
        release = _transition(
            actor=actor,
            release=release,
            allowed_from={S.PUBLISHED},
            to=S.PUBLISHED,
            action="correct",
            refused="اصلاح خبر منتشرشده با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
            request=request,
            data={"note": note},
        )
        corrected(release)
        if prepared is not None and not prepared.fits(release):
            prepared = None
        release.save()
        correction = Correction.objects.create(release=release, note=note, created_by=actor)
        release_search.index_release(release, prepared)
        pagecache.bump(PUBLIC_TOPIC)
        signals.announce("release", pk=release.pk, event="corrected", agency_id=release.agency_id)
    return correction


@permissions.guarded(
    permissions.sees_all_agencies,
    message="انتخاب خبر ویژهٔ صفحهٔ اول استان با اداره‌کل روابط عمومی استانداری است.",
)
@transaction.atomic
def release_feature(
    *, actor: Any, release: Release, featured: bool, request: HttpRequest | None = None
) -> Release:
    permissions.require(
        permissions.sees_all_agencies(actor),
        "انتخاب خبر ویژهٔ صفحهٔ اول استان با اداره‌کل روابط عمومی استانداری است.",
    )
    release = Release.objects.select_for_update().get(pk=release.pk)
    if featured and release.status != S.PUBLISHED:
        raise ReleaseStateError("فقط خبر منتشرشده ویژه می‌شود.")
    release.featured_at = timezone.now() if featured else None
    release.save(update_fields=["featured_at", "updated_at"])
    if release.is_public:
        pagecache.bump(PUBLIC_TOPIC)
    audit.record(
        actor=actor,
        action="release.feature" if featured else "release.unfeature",
        obj=release,
        agency=release.agency,
        request=request,
    )
    return release


# --- media -------------------------------------------------------------------------------


def _require_editable_media(actor: Any, release: Release) -> None:
    permissions.require(
        permissions.can_write_for(actor, release.agency), "شما برای این دستگاه خبر نمی‌نویسید."
    )
    if not _can_edit(actor, release):
        raise ReleaseStateError("پیوست و تصویر را پیش از انتشار اضافه کنید.")


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["release"].agency,
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
def release_add_attachment(
    *,
    actor: Any,
    release: Release,
    upload: Any,
    title: str,
    request: HttpRequest | None = None,
) -> ReleaseAttachment:
    """A document (PDF, office formats) or picture beside the release, checked by content."""
    _require_editable_media(actor, release)
    check_texts([("title", title)])
    # Reading, checking and re-encoding happen before the transaction: no lock held meanwhile.
    accepted = uploads.accept(upload, policy=media.RELEASE_ATTACHMENT, field="file")
    try:
        with transaction.atomic():
            release = Release.objects.select_for_update().get(pk=release.pk)
            _require_editable_media(actor, release)
            attachment = ReleaseAttachment(
                release=release,
                title=normalize(title).strip() or _name_stem(accepted.original_name),
                size=accepted.size,
                original_name=accepted.original_name,
                content_type=accepted.content_type,
            )
            uploads.save_with_file(attachment, "file", accepted)
            audit.record(
                actor=actor,
                action="release.attach",
                obj=release,
                agency=release.agency,
                data={"file": attachment.title, "type": accepted.content_type},
                request=request,
            )
            return attachment
    finally:
        accepted.close()


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["release"].agency,
    message="شما برای این دستگاه خبر نمی‌نویسید.",
)
def release_add_image(
    *,
    actor: Any,
    release: Release,
    upload: Any,
    alt_text: str,
    caption: str = "",
    request: HttpRequest | None = None,
) -> ReleaseImage:
    """A picture shown with the release: decoded and written again, under a name of ours."""
    _require_editable_media(actor, release)
    check_texts([("alt_text", alt_text), ("caption", caption)])
    alt_text = normalize(alt_text).strip()
    if not alt_text:
        raise ValidationError({"alt_text": "متن جایگزین تصویر را برای نابینایان بنویسید."})
    accepted = uploads.accept(upload, policy=media.RELEASE_IMAGE, field="image")
    try:
        with transaction.atomic():
            release = Release.objects.select_for_update().get(pk=release.pk)
            _require_editable_media(actor, release)
            image = ReleaseImage(
                release=release,
                alt_text=alt_text,
                caption=normalize(caption).strip(),
                position=release.images.count(),
                original_name=accepted.original_name,
                content_type=accepted.content_type,
                size=accepted.size,
                width=accepted.width,
                height=accepted.height,
            )
            uploads.save_with_file(image, "image", accepted)
            audit.record(
                actor=actor,
                action="release.image",
                obj=release,
                agency=release.agency,
                data={"alt": alt_text},
                request=request,
            )
            return image
    finally:
        accepted.close()


def _name_stem(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return (stem if dot and stem and len(ext) <= 5 else name).strip() or "پیوست"


# The newsroom's apps.py names the other steps; these are named here, with their service.
audit.register_labels(actions={"release.recall": "بازخوانی خبر"}, states={})

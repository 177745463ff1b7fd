"""Every write to releases: permission-checked, normalized, audited, atomic.

The workflow: draft → submitted (writer) → published now or scheduled (agency head or directorate)
| returned with a reason → edited → submitted again; published → withdrawn with a public reason
(the page stays, marked) | corrected with a visible note. The directorate features releases.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, permissions, uploads
from ravabet.core.organisation.models import Agency, County
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
from ravabet.newsroom.richtext import (
    body_text,
    clean_body,
    normalization_changes,
    normalize_html,
    sanitize,
)
from ravabet.persian import normalize, reflow

S = Release.Status


class ReleaseStateError(Exception):
    """The release is not in a state that allows this step; the message is Persian."""


@dataclass
class ReleaseInput:
    """What a writer gives: raw text, normalized by the service."""

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


@dataclass
class SaveResult:
    release: Release
    changes: list[tuple[str, str]]  # what normalizing changed, for the editor to show


def split_tags(text: str) -> list[str]:
    return [t for t in (normalize(p).strip() for p in re.split(r"[,،؛;\n]", text)) if t]


def _apply(release: Release, data: ReleaseInput) -> list[tuple[str, str]]:
    raw_body = reflow(data.body) if data.from_pdf else data.body
    fields = {
        "kicker": normalize(data.kicker).strip(),
        "headline": normalize(data.headline).strip(),
        "lead": normalize(reflow(data.lead) if data.from_pdf else data.lead).strip(),
    }
    changes: list[tuple[str, str]] = []
    for name, value in fields.items():
        changes += normalization_changes(getattr(data, name), value)
        setattr(release, name, value)
    safe_body = sanitize(raw_body)
    release.body = normalize_html(safe_body)
    changes += normalization_changes(body_text(safe_body), body_text(release.body))
    release.kind = data.kind
    release.category = data.category
    release.county = data.county
    release.responds_to = data.responds_to
    release.responds_to_url = data.responds_to_url
    release.responds_to_title = normalize(data.responds_to_title).strip()
    if not release.headline:
        raise ValidationError({"headline": "تیتر را بنویسید."})
    if release.kind == Release.Kind.REBUTTAL and not (
        release.responds_to_id or release.responds_to_url
    ):
        raise ValidationError(
            {"responds_to_url": "جوابیه باید به گزارشی که پاسخ می‌دهد پیوند داشته باشد."}
        )
    return changes


def tags_named(names: list[str]) -> list[Tag]:
    """The tags of these (normalized) names, created when new."""
    return [Tag.objects.get_or_create(name=normalize(name).strip()[:80])[0] for name in names]


def _set_relations(release: Release, data: ReleaseInput) -> None:
    release.tags.set(tags_named(data.tags))
    release.supporting_agencies.set([a for a in data.supporting_agencies if a != release.agency])


@transaction.atomic
def release_create(
    *, actor: Any, agency: Agency, data: ReleaseInput, request: HttpRequest | None = None
) -> SaveResult:
    permissions.require(
        permissions.can_write_for(actor, agency), "شما برای این دستگاه خبر نمی‌نویسید."
    )
    release = Release(agency=agency, created_by=actor, status=S.DRAFT)
    changes = _apply(release, data)
    release.save()
    _set_relations(release, data)
    audit.record(
        actor=actor,
        action="release.create",
        obj=release,
        agency=agency,
        to_state=S.DRAFT,
        request=request,
    )
    return SaveResult(release, changes)


def _can_edit(actor: Any, release: Release) -> bool:
    if release.is_editable:
        return permissions.can_write_for(actor, release.agency)
    if release.status == S.SUBMITTED:
        return permissions.can_approve_for(actor, release.agency)
    return False


@transaction.atomic
def release_update(
    *, actor: Any, release: Release, data: ReleaseInput, request: HttpRequest | None = None
) -> SaveResult:
    release = Release.objects.select_for_update().get(pk=release.pk)
    permissions.require(
        permissions.can_write_for(actor, release.agency), "شما برای این دستگاه خبر نمی‌نویسید."
    )
    if not _can_edit(actor, release):
        raise ReleaseStateError(
            f"این خبر در وضعیت «{release.get_status_display()}» است و ویرایش نمی‌شود؛"
            " برای خبر منتشرشده «اصلاحیه» بنویسید."
        )
    changes = _apply(release, data)
    release.save()
    _set_relations(release, data)
    audit.record(
        actor=actor,
        action="release.edit",
        obj=release,
        agency=release.agency,
        from_state=release.status,
        to_state=release.status,
        request=request,
    )
    return SaveResult(release, changes)


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
    """Lock the row, check who and from where, and record the step."""
    release = Release.objects.select_for_update().select_related("agency").get(pk=release.pk)
    permissions.require(_allowed(actor, release, action), refused)
    if release.status not in allowed_from:
        raise ReleaseStateError(f"این کار در وضعیت «{release.get_status_display()}» ممکن نیست.")
    previous = release.status
    release.status = to
    audit.record(
        actor=actor,
        action=f"release.{action}",
        obj=release,
        agency=release.agency,
        from_state=previous,
        to_state=to,
        data=data,
        request=request,
    )
    return release


def _required_text(value: str, field: str, message: str) -> str:
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
    return release


@transaction.atomic
def release_return(
    *, actor: Any, release: Release, reason: str, request: HttpRequest | None = None
) -> Release:
    reason = _required_text(
        reason, "reason", "دلیل برگشت را بنویسید تا نویسنده بداند چه را اصلاح کند."
    )
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
    release.return_reason = reason
    release.scheduled_for = None
    release.save(update_fields=["status", "return_reason", "scheduled_for", "updated_at"])
    return release


@transaction.atomic
def release_approve(
    *,
    actor: Any,
    release: Release,
    publish_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Release:
    """Publish now, or schedule for an aware moment in the future."""
    now = timezone.now()
    scheduled = publish_at is not None and publish_at > now
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
            lambda: tasks.publish_scheduled_release.using(run_after=publish_at).enqueue(release_id)
        )
        return release
    return _publish(release, at=now)


def _publish(release: Release, *, at: dt.datetime) -> Release:
    release.status = S.PUBLISHED
    release.published_at = at
    release.save(update_fields=["status", "published_at", "updated_at"])
    release_search.index_release(release)
    from ravabet.newsroom import tasks

    release_id = release.pk
    transaction.on_commit(lambda: tasks.notify_subscribers.enqueue(release_id))
    return release


@transaction.atomic
def release_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled release whose minute has come; the scheduler and tasks call this."""
    now = now or timezone.now()
    published = []
    due = Release.objects.select_for_update().filter(status=S.SCHEDULED, scheduled_for__lte=now)
    for release in due:
        when = release.scheduled_for or now
        release = _transition(
            actor=None,
            release=release,
            allowed_from={S.SCHEDULED},
            to=S.PUBLISHED,
            action="publish",
            refused="",
            request=None,
            data={"scheduled": True},
        )
        _publish(release, at=when)
        published.append(release.pk)
    return published


@transaction.atomic
def release_withdraw(
    *, actor: Any, release: Release, reason: str, request: HttpRequest | None = None
) -> Release:
    reason = _required_text(
        reason, "reason", "دلیل پس‌گرفتن را بنویسید؛ این دلیل عمومی نمایش داده می‌شود."
    )
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
        update_fields=["status", "withdrawal_reason", "withdrawn_at", "featured_at", "updated_at"]
    )
    release_search.index_release(release)
    return release


@transaction.atomic
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
    note = _required_text(note, "note", "بنویسید چه چیزی اصلاح شد؛ این یادداشت زیر خبر دیده می‌شود.")
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
    if headline is not None and normalize(headline).strip():
        release.headline = normalize(headline).strip()
    if lead is not None:
        release.lead = normalize(lead).strip()
    if body is not None and body.strip():
        release.body = clean_body(body)
    release.save()
    correction = Correction.objects.create(release=release, note=note, created_by=actor)
    release_search.index_release(release)
    return correction


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
            _save_with_file(attachment, "file", accepted)
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
            _save_with_file(image, "image", accepted)
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


def _save_with_file(record: Any, field: str, accepted: uploads.AcceptedFile) -> None:
    """Store the file under its random name, then the row; a failed row leaves no file."""
    stored = getattr(record, field)
    stored.save(accepted.name, accepted.file, save=False)
    try:
        record.save()
    except BaseException:
        stored.delete(save=False)
        raise


def _name_stem(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return (stem if dot and stem and len(ext) <= 5 else name).strip() or "پیوست"

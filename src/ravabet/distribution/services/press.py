"""Writes of the press list: journalists (proposed by the agency's officers, approved by its
head or the directorate), the embargoed mailing of a scheduled release with a private preview
link, the public link on publication, and the follow-ups: a correction's note to those sent
the public link, the withdrawal to everyone sent anything, and the cancellation of an announced
publication (a scheduled release returned) to those sent it under embargo.

Mailings are rows written first (PressMailing, unique per journalist, release, kind and
revision) and e-mailed by tasks after the commit (tasks_press.py); a mailing is claimed by
setting `sent_at` where it is still empty, so a task run twice sends each e-mail once. A
preview token is made when its e-mail is sent and only its SHA-256 hash is stored
(PreviewLink).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ravabet.core import audit, jalali, permissions
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.core.validation import check_texts
from ravabet.distribution.models import Journalist, PressMailing, PreviewLink
from ravabet.persian import normalize

__all__ = [
    "MAX_BEATS",
    "PREVIEW_GRACE",
    "JournalistInput",
    "PressStateError",
    "hash_token",
    "journalist_approve",
    "journalist_create",
    "journalist_set_active",
    "journalist_update",
    "mailing_deliver",
    "parse_beats",
    "press_queue_followup",
    "press_queue_public",
    "press_send_embargo",
]

# A preview link stays open this long after the embargo time (then 404); once the release is
# published, the link leads to its public page until then.
logger = logging.getLogger(__name__)

PREVIEW_GRACE = dt.timedelta(days=1)
MAX_BEATS = 20
MAX_BEAT_CHARS = 60
# At most this many journalists mailed for one release: a bound, not a business rule.
MAX_RECIPIENTS = 1000
LIMITS = {"name": 200, "outlet": 200, "email": 254, "beats": 300}
LABELS = {"name": "نام", "outlet": "رسانه", "email": "رایانامه", "beats": "حوزه‌ها"}
_BEAT_SPLIT = re.compile(r"[,،]")


class PressStateError(ValidationError):
    """The release cannot go to the press list in its present state."""


def parse_beats(text: str) -> list[str]:
    """«اقتصاد، راه, مسکن» -> ["اقتصاد", "راه", "مسکن"]: split on the Latin and Persian comma,
    trimmed, normalized, without repeats."""
    beats: list[str] = []
    for part in _BEAT_SPLIT.split(normalize(text or "")):
        beat = " ".join(part.split())
        if beat and beat not in beats:
            beats.append(beat)
    return beats


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class JournalistInput:
    name: str
    outlet: str
    email: str
    beats: str = ""

    def prepared(self) -> JournalistInput:
        """Normalized and checked (outside any transaction); ValidationError keyed by field."""
        name = " ".join(normalize(self.name or "").split())
        outlet = " ".join(normalize(self.outlet or "").split())
        email = (self.email or "").strip().lower()
        beats_text = self.beats or ""
        errors: dict[str, str] = {}
        try:
            check_texts(
                [
                    ("name", name, LABELS["name"], LIMITS["name"]),
                    ("outlet", outlet, LABELS["outlet"], LIMITS["outlet"]),
                    ("email", email, LABELS["email"], LIMITS["email"]),
                    ("beats", beats_text, LABELS["beats"], LIMITS["beats"]),
                ]
            )
        except ValidationError as exc:
            errors = {field: messages[0] for field, messages in exc.message_dict.items()}
        if not name and "name" not in errors:
            errors["name"] = "نام خبرنگار را بنویسید."
        if not outlet and "outlet" not in errors:
            errors["outlet"] = "نام رسانه را بنویسید."
        if "email" in errors:
            pass
        elif not email:
            errors["email"] = "رایانامهٔ خبرنگار را بنویسید."
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = "رایانامه درست نیست؛ مانند name@example.ir بنویسید."
        beats = parse_beats(beats_text)
        if "beats" in errors:
            pass
        elif len(beats) > MAX_BEATS:
            errors["beats"] = f"بیش از {jalali.format_number(MAX_BEATS)} حوزه پذیرفته نمی‌شود."
        elif any(len(b) > MAX_BEAT_CHARS for b in beats):
            errors["beats"] = (
                f"هر حوزه حداکثر {jalali.format_number(MAX_BEAT_CHARS)} نویسه است؛ "
                "حوزه‌ها را با «،» جدا کنید."
            )
        if errors:
            raise ValidationError(errors)
        return JournalistInput(name=name, outlet=outlet, email=email, beats="، ".join(beats))


def _duplicate() -> ValidationError:
    return ValidationError({"email": "این رایانامه در فهرست خبرنگاران این دستگاه هست."})


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["agency"],
    message="فهرست خبرنگاران این دستگاه با شما نیست.",
)
def journalist_create(
    *, actor: Any, agency: Agency, data: JournalistInput, request: HttpRequest | None = None
) -> Journalist:
    """An officer proposes (not approved yet); the head or the directorate adds approved."""
    permissions.require(
        permissions.can_write_for(actor, agency), "فهرست خبرنگاران این دستگاه با شما نیست."
    )
    clean = data.prepared()
    approver = permissions.can_approve_for(actor, agency)
    try:
        with transaction.atomic():
            journalist = Journalist.objects.create(
                agency=agency,
                name=clean.name,
                outlet=clean.outlet,
                email=clean.email,
                beats=clean.beats,
                approved_at=timezone.now() if approver else None,
                approved_by=actor if approver else None,
            )
            audit.record(
                actor=actor,
                action="journalist.create",
                obj=journalist,
                agency=agency,
                to_state="approved" if approver else "proposed",
                request=request,
            )
    except IntegrityError as exc:
        raise _duplicate() from exc
    return journalist


def _locked(journalist: Journalist) -> Journalist:
    return Journalist.objects.select_for_update().select_related("agency").get(pk=journalist.pk)


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["journalist"].agency,
    message="فهرست خبرنگاران این دستگاه با شما نیست.",
)
def journalist_update(
    *,
    actor: Any,
    journalist: Journalist,
    data: JournalistInput,
    request: HttpRequest | None = None,
) -> Journalist:
    """An officer's change of the address sends the journalist back for approval: embargoed
    releases never go to an address the head did not approve."""
    clean = data.prepared()
    try:
        with transaction.atomic():
            journalist = _locked(journalist)
            agency = journalist.agency
            permissions.require(
                permissions.can_write_for(actor, agency), "فهرست خبرنگاران این دستگاه با شما نیست."
            )
            unapprove = (
                clean.email != journalist.email
                and journalist.approved_at is not None
                and not permissions.can_approve_for(actor, agency)
            )
            journalist.name, journalist.outlet = clean.name, clean.outlet
            journalist.email, journalist.beats = clean.email, clean.beats
            if unapprove:
                journalist.approved_at, journalist.approved_by = None, None
            journalist.save()
            audit.record(
                actor=actor,
                action="journalist.update",
                obj=journalist,
                agency=agency,
                to_state="proposed" if unapprove else "",
                request=request,
            )
    except IntegrityError as exc:
        raise _duplicate() from exc
    return journalist


@permissions.guarded(
    permissions.can_approve_for,
    agency=lambda kw: kw["journalist"].agency,
    message="تأیید خبرنگار با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
)
def journalist_approve(
    *, actor: Any, journalist: Journalist, request: HttpRequest | None = None
) -> Journalist:
    with transaction.atomic():
        journalist = _locked(journalist)
        permissions.require(
            permissions.can_approve_for(actor, journalist.agency),
            "تأیید خبرنگار با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
        )
        if journalist.approved_at is None:
            journalist.approved_at, journalist.approved_by = timezone.now(), actor
            journalist.save(update_fields=["approved_at", "approved_by"])
            audit.record(
                actor=actor,
                action="journalist.approve",
                obj=journalist,
                agency=journalist.agency,
                from_state="proposed",
                to_state="approved",
                request=request,
            )
    return journalist


@permissions.guarded(
    permissions.can_write_for,
    agency=lambda kw: kw["journalist"].agency,
    message="فهرست خبرنگاران این دستگاه با شما نیست.",
)
def journalist_set_active(
    *, actor: Any, journalist: Journalist, active: bool, request: HttpRequest | None = None
) -> Journalist:
    """Anyone who keeps the list may take a journalist off it; only an approver puts one back."""
    with transaction.atomic():
        journalist = _locked(journalist)
        agency = journalist.agency
        allowed = (
            permissions.can_approve_for(actor, agency)
            if active
            else permissions.can_write_for(actor, agency)
        )
        permissions.require(
            allowed, "فعال‌کردن دوبارهٔ خبرنگار با مدیر روابط عمومی دستگاه یا اداره‌کل است."
        )
        if journalist.is_active != active:
            journalist.is_active = active
            journalist.save(update_fields=["is_active"])
            audit.record(
                actor=actor,
                action="journalist.activate" if active else "journalist.deactivate",
                obj=journalist,
                agency=agency,
                from_state="inactive" if active else "active",
                to_state="active" if active else "inactive",
                request=request,
            )
    return journalist


def _recipients(agency_id: int, beat: str = "") -> list[Journalist]:
    qs = Journalist.objects.filter(
        agency_id=agency_id, is_active=True, approved_at__isnull=False
    ).order_by("pk")
    journalists = list(qs[:MAX_RECIPIENTS])
    if beat:
        journalists = [j for j in journalists if beat in parse_beats(j.beats)]
    return journalists


@permissions.guarded(permissions.can_approve_for, agency=lambda kw: kw["release"].agency)
def press_send_embargo(
    *, actor: Any, release: Any, beat: str = "", request: HttpRequest | None = None
) -> int:
    """Mail a scheduled release, under embargo until its publication time, to the agency's
    approved active journalists (of one beat when given). The number of new mailings; a
    journalist already mailed this release is not mailed again."""
    agency = release.agency
    permissions.require(
        permissions.can_approve_for(actor, agency),
        "فرستادن به خبرنگاران با مدیر روابط عمومی دستگاه یا اداره‌کل است.",
    )
    if release.status != "scheduled" or release.scheduled_for is None:
        raise PressStateError(
            "فقط خبرِ تأییدشده‌ای که زمان انتشارش در آینده است با ممنوعیت انتشار فرستاده می‌شود."
        )
    if release.scheduled_for <= timezone.now():
        raise PressStateError("زمان انتشار این خبر گذشته است.")
    beat = " ".join(normalize(beat or "").split())[:MAX_BEAT_CHARS]
    journalists = _recipients(agency.pk, beat)
    if not journalists:
        raise PressStateError(
            "خبرنگار تأییدشدهٔ فعالی"
            + (f" در حوزهٔ «{beat}»" if beat else "")
            + " در فهرست این دستگاه نیست."
        )
    with transaction.atomic():
        already = set(
            PressMailing.objects.filter(
                release_id=release.pk, kind=PressMailing.Kind.EMBARGO
            ).values_list("journalist_id", flat=True)
        )
        PressMailing.objects.bulk_create(
            [
                PressMailing(journalist=j, release_id=release.pk, kind=PressMailing.Kind.EMBARGO)
                for j in journalists
                if j.pk not in already
            ],
            ignore_conflicts=True,
        )
        ids = list(
            PressMailing.objects.filter(
                release_id=release.pk,
                kind=PressMailing.Kind.EMBARGO,
                journalist__in=journalists,
                sent_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        new = len([j for j in journalists if j.pk not in already])
        audit.record(
            actor=actor,
            action="press.embargo",
            agency=agency,
            data={"release": release.pk, "mailings": new, "beat": beat},
            request=request,
        )
        if ids:
            from ravabet.distribution import tasks_press

            sender_id = actor.pk
            transaction.on_commit(lambda: tasks_press.send_press_mailings.enqueue(ids, sender_id))
    return new


@permissions.system_only(reason="heard after a release is published: queues its mailing")
def press_queue_public(*, release_id: int, agency_id: int) -> list[int]:
    """On publication: the public link to those mailed under embargo, or, for a release never
    sent under embargo, to every approved active journalist of the agency. Rows first (each
    journalist once); the ids still to send."""
    embargoed = PressMailing.objects.filter(release_id=release_id, kind=PressMailing.Kind.EMBARGO)
    if embargoed.exists():
        journalists = [
            m.journalist
            for m in embargoed.select_related("journalist").order_by("pk")[:MAX_RECIPIENTS]
            if m.journalist.is_active
            and m.journalist.approved_at is not None
            and m.journalist.agency_id == agency_id
        ]
    else:
        journalists = _recipients(agency_id)
    with transaction.atomic():
        PressMailing.objects.bulk_create(
            [
                PressMailing(journalist=j, release_id=release_id, kind=PressMailing.Kind.PUBLIC)
                for j in journalists
            ],
            ignore_conflicts=True,
        )
    return list(
        PressMailing.objects.filter(
            release_id=release_id,
            kind=PressMailing.Kind.PUBLIC,
            journalist__in=journalists,
            sent_at__isnull=True,
        ).values_list("pk", flat=True)
    )


K = PressMailing.Kind
# A follow-up, by the newsroom's event: its kind, and the kinds whose recipients (those SENT a
# mailing of that kind) get it.
FOLLOW_UPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "corrected": (K.CORRECTED, (K.PUBLIC,)),
    "withdrawn": (K.WITHDRAWN, tuple(K.values)),
    "unscheduled": (K.CANCELLED, (K.EMBARGO,)),
}


def _latest_correction_id(release: Any) -> int:
    corrections = sorted(release.corrections.all(), key=lambda c: (c.created_at, c.pk))
    return corrections[-1].pk if corrections else 0


@permissions.system_only(
    reason="heard after a release is corrected or withdrawn: queues the follow-up"
)
def press_queue_followup(*, release: Any, event: str, agency_id: int) -> list[int]:
    """After a correction, a withdrawal or a scheduled release's return (the newsroom's event,
    heard after its commit): a mailing per journalist of the agency who was SENT the release
    before (see FOLLOW_UPS) and is still approved and active. Rows first, each once (a
    correction once per correction: its id is the revision); the ids still to send. A return
    also revokes the release's live preview links at once."""
    if event not in FOLLOW_UPS:
        return []
    kind, after = FOLLOW_UPS[event]
    revision = _latest_correction_id(release) if event == "corrected" else 0
    if event == "corrected" and not revision:
        return []
    journalist_ids = (
        PressMailing.objects.filter(release_id=release.pk, kind__in=after, sent_at__isnull=False)
        .values_list("journalist_id", flat=True)
        .distinct()
    )
    journalists = list(
        Journalist.objects.filter(
            pk__in=journalist_ids, agency_id=agency_id, is_active=True, approved_at__isnull=False
        ).order_by("pk")[:MAX_RECIPIENTS]
    )
    with transaction.atomic():
        if event == "unscheduled":
            now = timezone.now()
            PreviewLink.objects.filter(
                release_id=release.pk, revoked_at__isnull=True, expires_at__gt=now
            ).update(revoked_at=now)
        PressMailing.objects.bulk_create(
            [
                PressMailing(journalist=j, release_id=release.pk, kind=kind, revision=revision)
                for j in journalists
            ],
            ignore_conflicts=True,
        )
    return list(
        PressMailing.objects.filter(
            release_id=release.pk,
            kind=kind,
            revision=revision,
            journalist__in=journalists,
            sent_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _make_preview(release: Any, sender: Any) -> str:
    """A new private link to the release; the token is returned once and only its hash kept."""
    token = secrets.token_urlsafe(32)
    PreviewLink.objects.create(
        release_id=release.pk,
        token_hash=hash_token(token),
        embargo_until=release.scheduled_for,
        expires_at=release.scheduled_for + PREVIEW_GRACE,
        created_by=sender,
    )
    return absolute_url(reverse("distribution:press_preview", kwargs={"token": token}))


def _message(mailing: PressMailing, release: Any, sender: Any) -> EmailMultiAlternatives:
    journalist = mailing.journalist
    context: dict[str, Any] = {"journalist": journalist, "release": release}
    if mailing.kind == K.EMBARGO:
        context["embargo"] = jalali.format_datetime(release.scheduled_for)
        context["link"] = _make_preview(release, sender)
        subject = f"ممنوع‌الانتشار تا {context['embargo']}: {release.headline}"
        template = "distribution/press_mail_embargo.html"
    elif mailing.kind == K.CORRECTED:
        notes = {c.pk: c.note for c in release.corrections.all()}
        context["note"] = notes.get(mailing.revision, "")
        context["link"] = absolute_url(release.get_absolute_url())
        subject = f"اصلاحیه: {release.headline}"
        template = "distribution/press_mail_corrected.html"
    elif mailing.kind == K.WITHDRAWN:
        context["reason"] = release.withdrawal_reason
        context["link"] = absolute_url(release.get_absolute_url())
        subject = f"پس گرفته شد: {release.headline}"
        template = "distribution/press_mail_withdrawn.html"
    elif mailing.kind == K.CANCELLED:
        subject = f"لغو انتشار: {release.headline}"
        template = "distribution/press_mail_cancelled.html"
    else:
        context["link"] = absolute_url(release.get_absolute_url())
        subject = f"منتشر شد: {release.headline}"
        template = "distribution/press_mail_public.html"
    body = render_to_string(template, context)
    return EmailMultiAlternatives(
        subject[:200],
        body,
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        to=[journalist.email],
    )


@permissions.system_only(reason="the mailing task sends a queued press mailing")
def mailing_deliver(*, mailing_id: int, release: Any, sender: Any = None) -> bool:
    """Send one mailing not sent yet (never inside a transaction). Claimed first by setting
    `sent_at` where empty, so a second run sends nothing; a failure gives the claim back with
    the error recorded. True when this call sent it."""
    claimed = PressMailing.objects.filter(pk=mailing_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), error=""
    )
    if not claimed:
        return False
    mailing = PressMailing.objects.select_related("journalist").get(pk=mailing_id)
    try:
        if not mailing.journalist.is_active or mailing.journalist.approved_at is None:
            raise PressStateError("خبرنگار دیگر در فهرست تأییدشدهٔ فعال نیست.")
        if mailing.kind == K.EMBARGO and (
            release.status != "scheduled"
            or release.scheduled_for is None
            or release.scheduled_for <= timezone.now()
        ):
            raise PressStateError("خبر دیگر در انتظار انتشار نیست؛ با ممنوعیت فرستاده نشد.")
        if mailing.kind == K.PUBLIC and release.status != "published":
            raise PressStateError("خبر دیگر منتشرشده نیست؛ پیوند عمومی فرستاده نشد.")
        _message(mailing, release, sender).send()
    except Exception as exc:
        if not isinstance(exc, ValidationError):  # the mail server, a bug: logged as well
            logger.exception("press mailing %s not sent", mailing_id)
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        PressMailing.objects.filter(pk=mailing_id).update(
            sent_at=None, error=(message or exc.__class__.__name__)[:1000]
        )
        return False
    return True

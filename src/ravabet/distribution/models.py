"""Every release out: messenger channels, deliveries to them, and the press list.

A `Channel` is where an agency's releases are posted: a Bale or Telegram channel (the Telegram
Bot API shape, which Bale speaks too: POST {base}/bot{token}/sendMessage or sendPhoto), an
Eitaa channel (its bot API), or a `webhook` (a signed JSON POST to any other system). Its
token is kept encrypted (`token_encrypted`, see crypto.py) and never shown again.

A `Delivery` is one post of one release to one channel for one event (published, corrected,
withdrawn): written BEFORE the platform is called (its unique key makes the post happen once
per channel even when a worker dies and the task runs again), then marked sent with the
platform's message id and link, or failed with the platform's error after its retries.

A `Journalist` is on an agency's press list (approved by the agency); a `PressMailing` is one
e-mail of a release to the list: before publication, under embargo with a private preview link
(`PreviewLink`, a token that expires), the public link on publication, and the follow-ups
(a correction, the withdrawal, a publication called off).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency


class Channel(models.Model):
    class Kind(models.TextChoices):
        BALE = "bale", _("بله")
        TELEGRAM = "telegram", _("تلگرام")
        EITAA = "eitaa", _("ایتا")
        WEBHOOK = "webhook", _("وب‌هوک")

    class Health(models.TextChoices):
        NEW = "new", _("هنوز چیزی نفرستاده")
        OK = "ok", _("سالم")
        FAILING = "failing", _("خطا")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="channels", verbose_name=_("دستگاه")
    )
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("نام"), max_length=200)
    # The API's base, e.g. https://tapi.bale.ai or https://api.telegram.org; a webhook's URL.
    base_url = models.URLField(_("نشانی پایهٔ API"), max_length=500)
    # The bot token (or a webhook's signing secret), encrypted; never shown again.
    token_encrypted = models.BinaryField(default=b"", blank=True, editable=False)
    # The last characters of the token, to tell channels apart on screen («…a1b2»).
    token_hint = models.CharField(max_length=8, blank=True)
    chat_id = models.CharField(_("شناسهٔ کانال"), max_length=200, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.NEW)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "name", "id"]
        verbose_name = _("کانال")
        verbose_name_plural = _("کانال‌ها")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    class Event(models.TextChoices):
        PUBLISHED = "published", _("انتشار")
        CORRECTED = "corrected", _("اصلاحیه")
        WITHDRAWN = "withdrawn", _("پس‌گرفتن")

    class Status(models.TextChoices):
        PENDING = "pending", _("در صف")
        SENDING = "sending", _("در حال ارسال")
        SENT = "sent", _("فرستاده شد")
        FAILED = "failed", _("ناموفق")
        # The call began but its outcome was never recorded (the worker died): the post may or
        # may not be in the channel. Never posted again by itself; the officer checks and resends.
        UNKNOWN = "unknown", _("نامعلوم")
        # The release was withdrawn before this post went out: never sent (nor its withdrawal).
        CANCELLED = "cancelled", _("لغو شد")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    # The content delivered: a release of the newsroom («release», its id). No foreign key
    # across capabilities; read through ravabet.newsroom.selectors.
    content_kind = models.CharField(max_length=32, default="release")
    content_id = models.PositiveIntegerField(db_index=True)
    event = models.CharField(max_length=16, choices=Event.choices)
    # A correction may be posted more than once (each correction its own); 0 for the others.
    revision = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set just before the platform is called: a delivery found SENDING by a later run may have
    # reached the platform (the worker died between the call and this record).
    sending_since = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ارسال")
        verbose_name_plural = _("ارسال‌ها")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "content_kind", "content_id", "event", "revision"],
                name="distribution_once_a_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.content_kind}:{self.content_id}:{self.event}"


class Journalist(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="journalists", verbose_name=_("دستگاه")
    )
    name = models.CharField(_("نام"), max_length=200)
    outlet = models.CharField(_("رسانه"), max_length=200)
    email = models.EmailField(_("رایانامه"))
    # Comma-separated subjects the journalist covers («اقتصاد، راه»).
    beats = models.CharField(_("حوزه‌ها"), max_length=300, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "name", "id"]
        verbose_name = _("خبرنگار")
        verbose_name_plural = _("فهرست خبرنگاران")
        constraints = [
            models.UniqueConstraint(fields=["agency", "email"], name="distribution_one_address")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.outlet})"


class PressMailing(models.Model):
    """One e-mail of a release to one journalist: under embargo before publication, the
    public link on publication, and the follow-ups: a correction's note, the withdrawal, the
    cancellation of an announced publication. Unique per (journalist, release, kind, revision):
    sent once."""

    class Kind(models.TextChoices):
        EMBARGO = "embargo", _("پیش از انتشار، با ممنوعیت انتشار")
        PUBLIC = "public", _("پس از انتشار")
        CORRECTED = "corrected", _("اصلاحیه")
        WITHDRAWN = "withdrawn", _("پس‌گرفتن خبر")
        CANCELLED = "cancelled", _("لغو انتشار")

    journalist = models.ForeignKey(Journalist, on_delete=models.CASCADE, related_name="mailings")
    release_id = models.PositiveIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A correction is mailed once per correction (the newsroom's Correction id); 0 for the rest.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journalist", "release_id", "kind", "revision"],
                name="distribution_mail_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.journalist_id}:{self.release_id}:{self.kind}:{self.revision}"


class PreviewLink(models.Model):
    """A private, expiring link to a release not yet public, for the press under embargo:
    only the token's hash is kept."""

    release_id = models.PositiveIntegerField(db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    embargo_until = models.DateTimeField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["release_id", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="preview_expires_later"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release_id}:{self.pk}"

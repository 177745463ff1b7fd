"""The audit log: who did what to which object, when, from which state to which."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("انجام‌دهنده"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept even if the person is later removed, so the record stays readable.
    actor_name = models.CharField(_("نام انجام‌دهنده"), max_length=150, blank=True)
    action = models.CharField(_("کار"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("موضوع"), max_length=300, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("از وضعیت"), max_length=64, blank=True)
    to_state = models.CharField(_("به وضعیت"), max_length=64, blank=True)
    data = models.JSONField(_("جزئیات"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("رویداد ممیزی")
        verbose_name_plural = _("گزارش ممیزی")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_name or '—'}: {self.action} {self.object_repr}"


from ravabet.core.search.models import SearchEntry  # noqa: E402,F401


class PeriodicRun(models.Model):
    """When the scheduler last enqueued a periodic task; a locked row, so two schedulers agree."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("کار دوره‌ای")
        verbose_name_plural = _("کارهای دوره‌ای")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Something a person should know about, in the back office (the bell and its list) and,
    when asked, by e-mail: «خبر شما برای تأیید فرستاده شد», «خبر شما بازگردانده شد: …».
    Written by `core.notifications.notify`; capabilities never write the table themselves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What happened, as «<entity>.<event>» (release.submitted): for filtering and the e-mail's
    # subject line; the text says it in Persian.
    kind = models.CharField(max_length=64)
    text = models.CharField(_("متن"), max_length=300)
    # A path on this site (never another site's address): where the person acts on it.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail left (or null when none was asked for or it has not left yet).
    emailed_at = models.DateTimeField(null=True, blank=True)
    email = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.text

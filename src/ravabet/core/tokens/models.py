"""API tokens: only a hash of the key is stored; the key is shown once, when made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("نام"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # After this moment the key authenticates nobody; empty: until revoked.
    expires_at = models.DateTimeField(_("معتبر تا"), null=True, blank=True)
    # A read-only key is refused (403) on every non-safe method, in TokenAuth.
    read_only = models.BooleanField(_("فقط خواندن"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("کلید API")
        verbose_name_plural = _("کلیدهای API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

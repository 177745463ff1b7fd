"""Making, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit
from ravabet.core.tokens.models import ApiToken
from ravabet.persian import normalize

PREFIX = "rvb_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Any, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=normalize(name).strip()[:100] or "کلید API",
        prefix=key[:12],
        key_hash=_hash(key),
    )
    audit.record(actor=actor, action="token.create", obj=token, request=request)
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token_id: str, request: HttpRequest | None = None) -> None:
    # Only one's own tokens: another person's id simply matches nothing.
    token = ApiToken.objects.filter(
        user=actor, pk=int(token_id) if str(token_id).isdigit() else 0, revoked_at__isnull=True
    ).first()
    if token is None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="token.revoke", obj=token, request=request)


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def token_authenticate(key: str) -> Any | None:
    """The active person behind a key, or None."""
    if not key.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

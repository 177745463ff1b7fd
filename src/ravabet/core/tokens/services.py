"""Making, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, permissions
from ravabet.core.pagination import parse_int
from ravabet.core.tokens.models import ApiToken
from ravabet.persian import normalize

PREFIX = "rvb_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@permissions.own_account(reason="one's own API tokens")
@transaction.atomic
def token_create(
    *,
    actor: Any,
    name: str,
    read_only: bool = False,
    expires_at: dt.datetime | None = None,
    via: str = "",
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again.

    `via` notes in the audit entry where the token was made when it was not the profile page
    (the `apitoken` command).
    """
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=normalize(name).strip()[:100] or "کلید API",
        prefix=key[:12],
        key_hash=_hash(key),
        read_only=read_only,
        expires_at=expires_at,
    )
    data: dict[str, Any] = {
        "read_only": read_only,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }
    if via:
        data["via"] = via
    audit.record(actor=actor, action="token.create", obj=token, data=data, request=request)
    return token, key


@permissions.own_account(reason="one's own API tokens (another's id matches nothing)")
@transaction.atomic
def token_revoke(*, actor: Any, token_id: str, request: HttpRequest | None = None) -> None:
    # Only one's own tokens: another person's id simply matches nothing.
    token = ApiToken.objects.filter(
        user=actor,
        pk=parse_int(token_id, default=0, minimum=0, maximum=2**63 - 1),
        revoked_at__isnull=True,
    ).first()
    if token is None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="token.revoke", obj=token, request=request)


@permissions.own_account(reason="one's own API tokens", actor="user")
def token_list(*, user: Any) -> QuerySet[ApiToken]:
    """One's tokens not revoked, expired ones included (marked on the page, revocable)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def token_active(key: str) -> ApiToken | None:
    """The token behind a key if it is neither revoked nor expired and its person is active."""
    if not key.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    # Write at most once a minute per token, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_authenticate(key: str) -> Any | None:
    """The active person behind a key, or None."""
    token = token_active(key)
    return token.user if token is not None else None

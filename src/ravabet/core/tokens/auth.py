"""Bearer-token authentication for the API; a read-only token's scope is enforced here, once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from ravabet.core.tokens.services import token_active

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_REFUSAL = (
    "این کلید فقط برای خواندن است؛ برای نوشتن، در «حساب من» کلیدی با اجازهٔ نوشتن بسازید."
)


class TokenAuth(HttpBearer):
    openapi_description = (
        "کلید API از صفحهٔ «حساب من» ساخته می‌شود: Authorization: Bearer rvb_… — "
        "کلید «فقط خواندن» در هر درخواست نوشتنی پاسخ ۴۰۳ می‌گیرد."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        api_token = token_active(token)
        if api_token is None:
            return None  # unknown, revoked or expired: 401
        if api_token.read_only and request.method not in SAFE_METHODS:
            # Every write endpoint authenticates here, so the scope is checked in one place;
            # the API maps PermissionDenied to 403 with this detail.
            raise PermissionDenied(READ_ONLY_REFUSAL)
        request.user = api_token.user
        return api_token.user

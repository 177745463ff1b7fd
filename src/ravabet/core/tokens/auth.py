"""Bearer-token authentication for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from ravabet.core.tokens.services import token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = "کلید API از صفحهٔ «حساب من» ساخته می‌شود: Authorization: Bearer rvb_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user

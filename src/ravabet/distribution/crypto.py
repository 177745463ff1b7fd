"""Channel tokens kept encrypted at rest (Fernet: AES-128-CBC with an HMAC), under a key
derived from RAVABET_CHANNEL_KEY, or from SECRET_KEY when that is not set (HKDF-SHA256 with a
purpose label, so the key is never SECRET_KEY itself). A token is decrypted only to call its
platform, never shown: the pages show `hint()` («…a1b2»)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class TokenUnreadable(Exception):
    """The stored token cannot be decrypted (the key changed): enter the token again."""


def _fernet() -> Fernet:
    secret = getattr(settings, "RAVABET_CHANNEL_KEY", "") or settings.SECRET_KEY
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ravabet.distribution.channel"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(token: str) -> bytes:
    return _fernet().encrypt(token.encode())


def decrypt(stored: bytes | memoryview) -> str:
    try:
        return _fernet().decrypt(bytes(stored)).decode()
    except InvalidToken as exc:
        raise TokenUnreadable("توکن کانال خوانده نمی‌شود؛ دوباره واردش کنید.") from exc


def hint(token: str) -> str:
    return f"…{token[-4:]}" if len(token) >= 8 else "…"

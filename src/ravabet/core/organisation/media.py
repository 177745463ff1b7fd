"""The organisation's use of uploads: an agency's logo, public, re-encoded and renamed."""

from __future__ import annotations

from ravabet.core import uploads

AGENCY_LOGO = uploads.policy(
    "organisation.logo",
    (uploads.PNG, uploads.JPEG, uploads.WEBP),
    max_bytes=2 * 2**20,
    max_side=512,
)

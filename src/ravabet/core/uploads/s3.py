"""Private files on S3-compatible storage (settings: RAVABET_MEDIA_S3_BUCKET; the `s3` extra).

Imported only through settings.STORAGES["private"], so django-storages stays optional.
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects with a private ACL and, as on the file system (storage.py), no URL: the
    permission-checked /files/ view streams them (`uploads.file_url`), so no signed link can
    outlive a withdrawn permission or be passed on."""

    def url(
        self, name: Any, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        raise ValueError(
            "Private files have no public URL; link to them with ravabet.core.uploads.file_url()."
        )

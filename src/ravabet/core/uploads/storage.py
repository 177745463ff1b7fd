"""Where files of unpublished or personal records live: outside MEDIA_ROOT, with no URL."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages

PRIVATE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under RAVABET_PRIVATE_ROOT (read at each use, so tests may move it).

    They have no URL: they are served only by the permission-checked view
    (`uploads.file_url`), so `url()` raises instead of pointing under MEDIA_URL.
    """

    @property
    def base_location(self) -> str:
        return str(getattr(self, "_location", None) or settings.RAVABET_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: Any) -> str:
        raise ValueError(
            "Private files have no public URL; link to them with ravabet.core.uploads.file_url()."
        )


def private_storage() -> Any:
    """The storage of private files: settings.STORAGES["private"], else the file system one.

    A callable, so FileFields name it (`storage=private_storage`) without freezing a path
    into migrations, and scale-out may swap it for shared storage in STORAGES.
    """
    try:
        return storages[PRIVATE_ALIAS]
    except InvalidStorageError:
        return _fallback


_fallback = PrivateFileSystemStorage()

"""System checks: private files must not sit where the public media folder is served from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def private_root_outside_public_folders(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    private = Path(settings.RAVABET_PRIVATE_ROOT).resolve()
    errors: list[checks.CheckMessage] = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if not public:
            continue
        public_path = Path(public).resolve()
        if private.is_relative_to(public_path) or public_path.is_relative_to(private):
            errors.append(
                checks.Error(
                    f"RAVABET_PRIVATE_ROOT ({private}) overlaps {name} ({public_path}).",
                    hint="Keep private files in their own folder, e.g. var/private.",
                    id="ravabet.E001",
                )
            )
    handler = "ravabet.core.uploads.handlers.CappedUploadHandler"
    if list(settings.FILE_UPLOAD_HANDLERS)[:1] != [handler]:
        errors.append(
            checks.Warning(
                f"{handler} should be first in FILE_UPLOAD_HANDLERS.",
                hint="Without it an oversized upload is written to disk before it is refused.",
                id="ravabet.W001",
            )
        )
    return errors

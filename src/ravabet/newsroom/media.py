"""The newsroom's uses of uploads, and who may fetch a release's files.

A release's images and attachments live in private storage from the first draft: its writers
and approvers see them in the back office; everyone sees them once the release is public
(published, or withdrawn: the page stays, and so do its files).
"""

from __future__ import annotations

from typing import Any

from ravabet.core import permissions, uploads
from ravabet.newsroom.models import (
    ATTACHMENT_FILES,
    IMAGE_FILES,
    Release,
    ReleaseAttachment,
    ReleaseImage,
)

RELEASE_IMAGE = uploads.policy(IMAGE_FILES, uploads.IMAGES, max_bytes="RAVABET_MAX_IMAGE_BYTES")
RELEASE_ATTACHMENT = uploads.policy(
    ATTACHMENT_FILES,
    (*uploads.DOCUMENTS, *uploads.IMAGES),
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    max_side=4096,
    label="PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر JPEG، PNG، WEBP، GIF",
)


def may_see_release_files(user: Any, release: Release) -> bool:
    return release.is_public or permissions.can_view_agency(user, release.agency)


def register() -> None:
    """Called from NewsroomConfig.ready()."""
    uploads.register_file_access(
        IMAGE_FILES,
        model=ReleaseImage,
        field="image",
        may_see=lambda user, image: may_see_release_files(user, image.release),
        title=lambda image: image.original_name,
        select_related=("release__agency",),
    )
    uploads.register_file_access(
        ATTACHMENT_FILES,
        model=ReleaseAttachment,
        field="file",
        may_see=lambda user, attachment: may_see_release_files(user, attachment.release),
        title=lambda attachment: attachment.title,
        select_related=("release__agency",),
    )

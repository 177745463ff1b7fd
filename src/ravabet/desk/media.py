"""The desk's use of uploads: a citizen's photos and PDFs, private, seen by who handles them."""

from __future__ import annotations

from typing import Any

from ravabet.core import permissions, uploads
from ravabet.desk.models import ATTACHMENT_FILES, Attachment

ATTACHMENT = uploads.policy(
    ATTACHMENT_FILES,
    (*uploads.IMAGES, uploads.PDF),
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    max_side=4096,
    label="تصویر JPEG، PNG، WEBP، GIF یا PDF",
)


def may_see_attachment(user: Any, attachment: Attachment) -> bool:
    """A citizen's file is personal data: the handling agency's staff and the directorate."""
    message = attachment.message
    if message.agency is None:
        return permissions.can_route_messages(user)
    return permissions.can_handle_messages_for(user, message.agency)


def register() -> None:
    """Called from DeskConfig.ready()."""
    uploads.register_file_access(
        ATTACHMENT_FILES,
        model=Attachment,
        field="file",
        may_see=may_see_attachment,
        title=lambda attachment: attachment.original_name or "پیوست",
        select_related=("message__agency",),
    )

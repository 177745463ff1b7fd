"""The desk's use of uploads: a citizen's photos and PDFs, private, seen by who handles them."""

from __future__ import annotations

from typing import Any

from ravabet.core import audit, permissions, uploads
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


def audit_attachment_view(user: Any, attachment: Attachment, request: Any) -> None:
    """Every look at a citizen's file is in the audit log, as every look at their contact."""
    audit.record(
        actor=user,
        action="message.attachment_view",
        obj=attachment.message,
        agency=attachment.message.agency,
        data={"attachment": attachment.pk},
        request=request,
    )


def register() -> None:
    """Called from DeskConfig.ready()."""
    uploads.register_file_access(
        ATTACHMENT_FILES,
        model=Attachment,
        field="file",
        may_see=may_see_attachment,
        title=lambda attachment: attachment.original_name or "پیوست",
        select_related=("message__agency",),
        on_serve=audit_attachment_view,
    )

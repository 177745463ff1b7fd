"""Coordination's uses of uploads, and who may fetch a directive's attachments.

A directive's attachments (the circular's scanned letter, a guideline in PDF or Word, a
spreadsheet to fill) live in private storage: the directorate sees them always; once the
directive is issued, the staff (heads and officers) of its audience agencies see them too.
Attachments change only while the directive is a draft: what was issued stays what was sent.
"""

from __future__ import annotations

from typing import Any

from ravabet.coordination.models import ATTACHMENT_FILES, Directive, DirectiveAttachment
from ravabet.core import permissions, uploads

# The most files one directive carries (a circular, not a file store).
MAX_ATTACHMENTS = 10

DIRECTIVE_ATTACHMENT = uploads.policy(
    ATTACHMENT_FILES,
    uploads.DOCUMENTS + uploads.IMAGES,
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    label="PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر",
)


def accept_attachment(upload: Any) -> uploads.AcceptedFile:
    """Read and check an attachment before any transaction (a refusal keyed «file»)."""
    return uploads.accept(upload, policy=DIRECTIVE_ATTACHMENT, field="file")


def may_see_directive(user: Any, directive: Directive) -> bool:
    """The directorate always; an audience agency's staff once the directive is issued."""
    if permissions.sees_all_agencies(user):
        return True
    if directive.status == Directive.Status.DRAFT:
        return False
    mine = permissions.visible_agencies(user).values_list("pk", flat=True)
    return directive.receipts.filter(agency_id__in=list(mine)).exists()


def register() -> None:
    """Called from directives_reg.register() (AppConfig.ready())."""
    uploads.register_file_access(
        ATTACHMENT_FILES,
        model=DirectiveAttachment,
        field="file",
        may_see=lambda user, attachment: may_see_directive(user, attachment.directive),
        title=lambda attachment: attachment.title,
        select_related=("directive",),
    )

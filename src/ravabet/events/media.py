"""The events' uses of uploads, and who may fetch their files.

An event's documents are seen by whoever may see the event: everyone for a public event, the
network's staff of invited agencies (and the directorate) for an internal one. The evidence of a
resolution is the network's: the responsible agency, the organizer, the directorate.
"""

from __future__ import annotations

from typing import Any

from ravabet.core import permissions, uploads
from ravabet.events import selectors
from ravabet.events.models import DOCUMENT_FILES, EVIDENCE_FILES, EventDocument, Resolution

EVENT_DOCUMENT = uploads.policy(
    DOCUMENT_FILES,
    (*uploads.DOCUMENTS, *uploads.IMAGES),
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    max_side=4096,
    label="PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر JPEG، PNG، WEBP، GIF",
)
RESOLUTION_EVIDENCE = uploads.policy(
    EVIDENCE_FILES,
    (*uploads.DOCUMENTS, *uploads.IMAGES),
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    max_side=4096,
    label="PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر JPEG، PNG، WEBP، GIF",
)


def may_see_evidence(user: Any, resolution: Resolution) -> bool:
    return permissions.can_act_for(user, resolution.responsible) or permissions.can_organize_for(
        user, resolution.event.organizer
    )


def register() -> None:
    """Called from EventsConfig.ready()."""
    uploads.register_file_access(
        DOCUMENT_FILES,
        model=EventDocument,
        field="file",
        may_see=lambda user, document: selectors.may_see(user, document.event),
        title=lambda document: document.title,
        select_related=("event__organizer",),
    )
    uploads.register_file_access(
        EVIDENCE_FILES,
        model=Resolution,
        field="evidence_file",
        may_see=may_see_evidence,
        title=lambda resolution: f"مستندات مصوبهٔ {resolution.number}",
        select_related=("event__organizer", "responsible"),
    )

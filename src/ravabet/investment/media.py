"""Investment's uses of uploads, and who may fetch an opportunity's files.

An opportunity's documents and images live in private storage from the first draft: the
people who may see its agency in the back office see them there; everyone sees them once the
opportunity is published (the catalogue links to them). An archived opportunity's files go
back to the agency's people only.

The feasibility study is a PDF (what an investor downloads and prints); a permit, a map or
another document may also be an Office file.
"""

from __future__ import annotations

from typing import Any

from ravabet.core import permissions, uploads
from ravabet.investment.models import (
    DOCUMENT_FILES,
    IMAGE_FILES,
    Opportunity,
    OpportunityDocument,
    OpportunityImage,
)

# The most files one opportunity holds (a catalogue page, not a file store).
MAX_DOCUMENTS = 10
MAX_IMAGES = 12

FEASIBILITY_DOCUMENT = uploads.policy(
    "investment.feasibility",
    (uploads.PDF,),
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    label="PDF",
)
OPPORTUNITY_DOCUMENT = uploads.policy(
    DOCUMENT_FILES,
    uploads.DOCUMENTS,
    max_bytes="RAVABET_MAX_ATTACHMENT_BYTES",
    label="PDF، Word، Excel، PowerPoint یا OpenDocument",
)
OPPORTUNITY_IMAGE = uploads.policy(IMAGE_FILES, uploads.IMAGES, max_bytes="RAVABET_MAX_IMAGE_BYTES")


def document_policy(kind: str) -> uploads.UploadPolicy:
    """The feasibility study must be a PDF; other documents may be Office files too."""
    if kind == OpportunityDocument.Kind.FEASIBILITY:
        return FEASIBILITY_DOCUMENT
    return OPPORTUNITY_DOCUMENT


def accept_document(upload: Any, kind: str) -> uploads.AcceptedFile:
    """Read and check a document before any transaction (a refusal keyed «file»)."""
    return uploads.accept(upload, policy=document_policy(kind), field="file")


def accept_image(upload: Any) -> uploads.AcceptedFile:
    return uploads.accept(upload, policy=OPPORTUNITY_IMAGE, field="image")


def may_see_opportunity_files(user: Any, opportunity: Opportunity) -> bool:
    return opportunity.is_public or permissions.can_view_agency(user, opportunity.agency)


def register() -> None:
    """Called from investment's registrations (AppConfig.ready())."""
    uploads.register_file_access(
        DOCUMENT_FILES,
        model=OpportunityDocument,
        field="file",
        may_see=lambda user, document: may_see_opportunity_files(user, document.opportunity),
        title=lambda document: document.title,
        select_related=("opportunity__agency",),
    )
    uploads.register_file_access(
        IMAGE_FILES,
        model=OpportunityImage,
        field="image",
        may_see=lambda user, image: may_see_opportunity_files(user, image.opportunity),
        title=lambda image: image.original_name or image.alt_text,
        select_related=("opportunity__agency",),
    )

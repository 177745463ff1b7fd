"""The one way files come in and go out: checked by content, renamed, stored, served safely.

A capability declares a policy per use and passes each upload through `accept`:

    RELEASE_IMAGE = uploads.policy("newsroom.image", uploads.IMAGES, max_bytes=5 * 2**20)
    accepted = uploads.accept(upload, policy=RELEASE_IMAGE, field="image")
    ReleaseImage.objects.create(image=accepted.file, content_type=accepted.content_type, ...)

Files of records that are not public for everyone live in `private_storage` and are linked
with `file_url(key, record)`; the capability says who may see them once, from ready():

    uploads.register_file_access("newsroom.image", model=ReleaseImage, field="image",
                                 may_see=lambda user, image: ...)

docs/architecture.md ("Uploads and media") describes the whole mechanism.
"""

from ravabet.core.uploads.accept import (
    AcceptedFile,
    UploadPolicy,
    accept,
    display_name,
    download_name,
    largest_limit,
    policies,
    policy,
    save_with_file,
)
from ravabet.core.uploads.access import FileAccess, file_url, register_file_access
from ravabet.core.uploads.storage import PrivateFileSystemStorage, private_storage
from ravabet.core.uploads.types import (
    ALL,
    DOCUMENTS,
    DOCX,
    GIF,
    IMAGES,
    JPEG,
    ODP,
    ODS,
    ODT,
    OFFICE,
    PDF,
    PNG,
    PPTX,
    TEXT,
    WEBP,
    XLSX,
    FileType,
    detect,
    label_for,
)

__all__ = [
    "ALL",
    "DOCUMENTS",
    "DOCX",
    "GIF",
    "IMAGES",
    "JPEG",
    "ODP",
    "ODS",
    "ODT",
    "OFFICE",
    "PDF",
    "PNG",
    "PPTX",
    "TEXT",
    "WEBP",
    "XLSX",
    "AcceptedFile",
    "FileAccess",
    "FileType",
    "PrivateFileSystemStorage",
    "UploadPolicy",
    "accept",
    "detect",
    "display_name",
    "download_name",
    "file_url",
    "label_for",
    "largest_limit",
    "policies",
    "policy",
    "private_storage",
    "register_file_access",
    "save_with_file",
]

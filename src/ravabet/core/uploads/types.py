"""The kinds of file we accept, each recognised by what its bytes are, never by its name."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

# How much of the start of a file the magic-number checks look at.
HEAD_BYTES = 64
# An office document's [Content_Types].xml or ODF mimetype entry is small; a larger one is a trap.
_MAX_MANIFEST_BYTES = 1 << 20
_MAX_ZIP_ENTRIES = 20_000


@dataclass(frozen=True)
class FileType:
    """One kind of content: how it is recognised, served and named."""

    key: str
    label: str  # Persian, for messages ("PDF", "تصویر PNG")
    content_type: str  # what it is served as
    extension: str  # the stored file's extension, from the detected content
    matches: Callable[[bytes, IO[bytes]], bool]
    # Images are decoded and written again by Pillow in this format (None: stored as received).
    image_format: str | None = None
    # The type an image is stored as after re-encoding (a GIF becomes a PNG); None: itself.
    stored_as: FileType | None = None

    @property
    def is_image(self) -> bool:
        return self.image_format is not None

    @property
    def stored_type(self) -> FileType:
        return self.stored_as or self

    def __str__(self) -> str:
        return self.key


def _starts(*prefixes: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, _file: head.startswith(prefixes)


def _is_webp(head: bytes, _file: IO[bytes]) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_entry(file: IO[bytes], name: str) -> tuple[set[str], bytes | None] | None:
    """(the names in a zip file, the bounded content of entry `name` or None), or None if
    the file is not a sound zip."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ZIP_ENTRIES:
                return None
            names = {e.filename for e in entries}
            info = next((e for e in entries if e.filename == name), None)
            if info is None or info.file_size > _MAX_MANIFEST_BYTES:
                return names, None
            with archive.open(info) as entry:
                return names, entry.read(_MAX_MANIFEST_BYTES + 1)[:_MAX_MANIFEST_BYTES]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        file.seek(0)


def _ooxml(main_part: str, main_content_type: str) -> Callable[[bytes, IO[bytes]], bool]:
    """Word, Excel, PowerPoint: a zip whose [Content_Types].xml declares the main part's type.

    Macro-enabled files (docm, xlsm, pptm) declare another main type, so they are not accepted.
    """

    def matches(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        found = _zip_entry(file, "[Content_Types].xml")
        if found is None:
            return False
        names, manifest = found
        return (
            manifest is not None and main_content_type.encode() in manifest and main_part in names
        )

    return matches


def _odf(mimetype: str) -> Callable[[bytes, IO[bytes]], bool]:
    """OpenDocument: a zip whose first entry, `mimetype`, names the document's type."""

    def matches(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        found = _zip_entry(file, "mimetype")
        return found is not None and found[1] == mimetype.encode()

    return matches


def _is_utf8_text(head: bytes, file: IO[bytes]) -> bool:
    """UTF-8 text without control characters other than tab, newlines and form feed."""
    file.seek(0)
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    allowed = {"\t", "\n", "\r", "\f"}
    return not any(ord(c) < 32 and c not in allowed for c in text) and "\x7f" not in text


PNG = FileType("png", "PNG", "image/png", ".png", _starts(b"\x89PNG\r\n\x1a\n"), "PNG")
JPEG = FileType("jpeg", "JPEG", "image/jpeg", ".jpg", _starts(b"\xff\xd8\xff"), "JPEG")
WEBP = FileType("webp", "WEBP", "image/webp", ".webp", _is_webp, "WEBP")
# A GIF's first frame is kept, as a PNG: simpler than writing GIFs again, and no GIF comment
# or trailing payload survives.
GIF = FileType("gif", "GIF", "image/gif", ".gif", _starts(b"GIF87a", b"GIF89a"), "GIF", PNG)
PDF = FileType("pdf", "PDF", "application/pdf", ".pdf", _starts(b"%PDF-"))
DOCX = FileType(
    "docx",
    "Word (docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    _ooxml(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
)
XLSX = FileType(
    "xlsx",
    "Excel (xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    _ooxml(
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
)
PPTX = FileType(
    "pptx",
    "PowerPoint (pptx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    _ooxml(
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
)
ODT = FileType(
    "odt",
    "OpenDocument (odt)",
    "application/vnd.oasis.opendocument.text",
    ".odt",
    _odf("application/vnd.oasis.opendocument.text"),
)
ODS = FileType(
    "ods",
    "OpenDocument (ods)",
    "application/vnd.oasis.opendocument.spreadsheet",
    ".ods",
    _odf("application/vnd.oasis.opendocument.spreadsheet"),
)
ODP = FileType(
    "odp",
    "OpenDocument (odp)",
    "application/vnd.oasis.opendocument.presentation",
    ".odp",
    _odf("application/vnd.oasis.opendocument.presentation"),
)
# Served as text/plain (and as a download), so markup in it is never rendered.
TEXT = FileType("text", "متن ساده (txt)", "text/plain; charset=utf-8", ".txt", _is_utf8_text)

IMAGES: tuple[FileType, ...] = (JPEG, PNG, WEBP, GIF)
OFFICE: tuple[FileType, ...] = (DOCX, XLSX, PPTX, ODT, ODS, ODP)
DOCUMENTS: tuple[FileType, ...] = (PDF, *OFFICE)
ALL: tuple[FileType, ...] = (*IMAGES, *DOCUMENTS, TEXT)

# The stored file's extension was chosen by us from its content, so serving by it is safe.
BY_EXTENSION: dict[str, FileType] = {t.extension: t for t in ALL if t.stored_as is None}


def label_for(content_type: str) -> str:
    """The Persian label of a stored content type ("PDF"), or the type itself."""
    found = next((t for t in ALL if t.content_type == content_type), None)
    return found.label if found else content_type


def detect(file: IO[bytes], types: tuple[FileType, ...]) -> FileType | None:
    """The first of `types` the content is, or None. The file is left at its start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    for file_type in types:
        try:
            if file_type.matches(head, file):
                return file_type
        finally:
            file.seek(0)
    return None

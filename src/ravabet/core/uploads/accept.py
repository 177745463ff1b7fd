"""Taking a file from outside: size checked while reading, type from content, a name of ours.

`accept(upload, policy=...)` is the one door. It reads the upload chunk by chunk and stops as
soon as the policy's size is passed; it recognises the content among the policy's types; an
image is decoded and written again by Pillow (metadata, comments and anything appended are
gone); the result carries a random name with the extension of what the content is.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File

from ravabet.core.uploads.types import FileType, detect
from ravabet.persian import normalize_characters, to_persian_digits

_CHUNK = 64 * 1024
# Characters that reorder text (a name like "exe\u202efdp.pdf" reads as something else).
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


@dataclass(frozen=True)
class UploadPolicy:
    """What one use of uploads allows: the types, the size, how large an image may be."""

    key: str
    types: tuple[FileType, ...]
    # Bytes, or the name of the setting that holds them (read at each upload).
    max_bytes: int | str
    # Images larger than this on their longer side are scaled down to it.
    max_side: int = 2560
    # Images with more pixels than this are refused before they are decoded.
    max_pixels: int = 50_000_000
    # What the person should send, for messages; built from the types when empty.
    label: str = ""

    def limit(self) -> int:
        if isinstance(self.max_bytes, str):
            return int(getattr(settings, self.max_bytes))
        return self.max_bytes

    @property
    def types_label(self) -> str:
        return self.label or _or_list([t.label for t in self.types])


_policies: dict[str, UploadPolicy] = {}


def policy(
    key: str,
    types: tuple[FileType, ...],
    *,
    max_bytes: int | str,
    max_side: int = 2560,
    max_pixels: int = 50_000_000,
    label: str = "",
) -> UploadPolicy:
    """Declare (and register) one use of uploads; adding a use is this one call."""
    made = UploadPolicy(key, types, max_bytes, max_side, max_pixels, label)
    _policies[key] = made
    return made


def policies() -> list[UploadPolicy]:
    return [_policies[key] for key in sorted(_policies)]


def largest_limit() -> int:
    """The most any registered use allows: the upload handler drops anything larger."""
    limits = [p.limit() for p in _policies.values()]
    return max(limits) if limits else int(settings.FILE_UPLOAD_MAX_MEMORY_SIZE)


@dataclass
class AcceptedFile:
    """A file that passed its policy, ready to be assigned to a FileField and saved."""

    file: File  # named "<random>.<extension of the content>"
    file_type: FileType  # what is stored (a GIF's first frame is stored as a PNG)
    size: int
    original_name: str  # the uploader's name, cleaned, for display only: never a path
    width: int | None = None
    height: int | None = None
    _spool: IO[bytes] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return str(self.file.name)

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def download_name(self, title: str = "") -> str:
        """A name to offer on download: the title (or the original name) with our extension."""
        return download_name(title or self.original_name, self.file_type)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


def accept(upload: Any, *, policy: UploadPolicy, field: str | None = None) -> AcceptedFile:
    """Check `upload` (a Django UploadedFile or any binary file-like) against `policy`.

    Raises ValidationError with a Persian message (under `field`, if given) when the file is
    too large, is not one of the policy's types, or is an image that cannot be decoded or is
    too large in pixels. Never trusts the upload's name or declared content type.
    """
    original = display_name(str(getattr(upload, "name", "") or ""))
    spool = _spool(upload, policy, field)
    try:
        file_type = detect(spool, policy.types)
        if file_type is None:
            raise _error(_refusal(policy), field)
        if file_type.is_image:
            data, width, height = _reencode(spool, file_type, policy, field)
            spool.close()
            stored = file_type.stored_type
            return AcceptedFile(
                ContentFile(data, name=_random_name(stored)),
                stored,
                len(data),
                original,
                width,
                height,
            )
        size = spool.seek(0, io.SEEK_END)
        spool.seek(0)
        return AcceptedFile(
            File(spool, name=_random_name(file_type)),
            file_type,
            size,
            original,
            _spool=spool,
        )
    except BaseException:
        spool.close()
        raise


def _random_name(file_type: FileType) -> str:
    return secrets.token_urlsafe(18) + file_type.extension


def _chunks(upload: Any) -> Iterator[bytes]:
    if hasattr(upload, "seek"):
        try:
            upload.seek(0)
        except (OSError, ValueError):
            pass  # a stream that cannot seek is read from where it is
    if hasattr(upload, "chunks"):
        yield from upload.chunks(_CHUNK)
        return
    while chunk := upload.read(_CHUNK):
        yield chunk


def _spool(upload: Any, policy: UploadPolicy, field: str | None) -> IO[bytes]:
    """Copy the upload aside, counting; past the limit stop reading at once."""
    limit = policy.limit()
    declared = getattr(upload, "size", None)
    if getattr(upload, "oversized", False) or (isinstance(declared, int) and declared > limit):
        raise _error(_too_large(limit), field)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    received = 0
    try:
        for chunk in _chunks(upload):
            received += len(chunk)
            if received > limit:
                raise _error(_too_large(limit), field)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    if received == 0:
        spool.close()
        raise _error("پرونده خالی است؛ دوباره انتخابش کنید.", field)
    spool.seek(0)
    return spool


def _reencode(
    spool: IO[bytes], file_type: FileType, policy: UploadPolicy, field: str | None
) -> tuple[bytes, int, int]:
    """Decode the image and write its pixels again: nothing but the picture survives."""
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    # A library may have made Pillow accept truncated images for the whole process (WeasyPrint
    # does so on import): an upload is never allowed that leniency.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    megapixels = to_persian_digits(str(policy.max_pixels // 1_000_000))
    too_many_pixels = _error(
        f"ابعاد تصویر بیش از حد بزرگ است (بیش از {megapixels} مگاپیکسل)؛ آن را کوچک‌تر کنید.",
        field,
    )
    try:
        # Only the detected format's decoder may read it. Pillow refuses outright beyond
        # 2 × Image.MAX_IMAGE_PIXELS; max_pixels (kept below that) refuses before decoding.
        with Image.open(spool, formats=[file_type.image_format or ""]) as img:
            width, height = img.size
            if width * height > policy.max_pixels:
                raise too_many_pixels
            if img.format == "JPEG":
                # Let the decoder scale down while reading: less memory for large photos.
                img.draft("RGB", (policy.max_side, policy.max_side))
            img.seek(0)  # the first frame of an animation
            img.load()
            picture = ImageOps.exif_transpose(img)
            mode = _target_mode(picture, file_type.stored_type)
            picture = picture.convert(mode)
            picture.thumbnail((policy.max_side, policy.max_side), Image.Resampling.LANCZOS)
            # A new image carries no info from the old one: no EXIF, XMP, ICC, comment.
            clean = Image.new(mode, picture.size)
            clean.paste(picture)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _error("تصویر خراب است یا کامل نرسیده؛ دوباره بفرستید.", field) from exc
    out = io.BytesIO()
    stored = file_type.stored_type
    options: dict[str, dict[str, Any]] = {
        "JPEG": {"quality": 88, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 88},
    }
    clean.save(out, stored.image_format, **options[stored.image_format or ""])
    return out.getvalue(), clean.width, clean.height


def _target_mode(img: Any, stored: FileType) -> str:
    has_alpha = img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info)
    if stored.image_format == "JPEG":
        return "L" if img.mode == "L" else "RGB"
    if img.mode in {"L", "LA"}:
        return img.mode
    return "RGBA" if has_alpha else "RGB"


def display_name(name: str, *, max_length: int = 200) -> str:
    """The uploader's file name as display text: no folders, no control or reordering marks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = normalize_characters(name)
    name = "".join(
        c
        for c in name
        if c not in _BIDI_CONTROLS
        and (unicodedata.category(c) != "Cc")
        and c not in {'"', "<", ">", "|", "*", "?", ":"}
    )
    name = " ".join(name.split()).lstrip(".").strip()
    return name[:max_length]


def download_name(title: str, file_type: FileType) -> str:
    """`title` made safe as a file name, ending in the extension of the stored content."""
    stem = display_name(title)
    base, dot, ext = stem.rpartition(".")
    if dot and base and len(ext) <= 5 and ext.isascii() and ext.isalnum() and not ext.isdigit():
        stem = base  # the uploader's extension says nothing about the content
    stem = stem.strip(" .") or "file"
    return stem[:150] + file_type.extension


def _or_list(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return "، ".join(labels[:-1]) + " یا " + labels[-1]


def _refusal(policy: UploadPolicy) -> str:
    if all(t.is_image for t in policy.types):
        return f"این پرونده تصویر نیست؛ فقط تصویر {policy.types_label} پذیرفته می‌شود."
    return f"نوع این پرونده پذیرفته نیست؛ فقط {policy.types_label} پذیرفته می‌شود."


def _too_large(limit: int) -> str:
    if limit >= 2**20:
        amount = f"{to_persian_digits(f'{limit / 2**20:g}')} مگابایت"
    else:
        amount = f"{to_persian_digits(str(max(1, limit // 1024)))} کیلوبایت"
    return f"پرونده بزرگ‌تر از {amount} است؛ آن را کوچک‌تر کنید."


def _error(message: str, field: str | None) -> ValidationError:
    return ValidationError({field: message}) if field else ValidationError(message)


def save_with_file(record: Any, field: str, accepted: AcceptedFile) -> None:
    """Store the file under its random name, then the row; a failed row leaves no file.
    Call it inside the service's short transaction, after `accept` ran outside it."""
    stored = getattr(record, field)
    stored.save(accepted.name, accepted.file, save=False)
    try:
        record.save()
    except BaseException:
        stored.delete(save=False)
        raise

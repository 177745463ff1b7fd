"""Serving stored files: checked access for private ones, safe headers on every one.

A file response never lets the browser decide what the bytes are: the type comes from the
extension we chose from the content at upload (unknown: a download of octet-stream), with
`nosniff`, a sandboxing policy, and `attachment` for anything that is not an image.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from ravabet.core.uploads.accept import download_name
from ravabet.core.uploads.access import file_access
from ravabet.core.uploads.types import BY_EXTENSION, FileType

FILE_CSP = "default-src 'none'; sandbox"
# A picture opened on its own is shown by the browser's image document, which styles itself
# inline; still no script, no plugin, a sandboxed origin.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(
    handle: IO[bytes], *, stored_name: str, title: str = "", public: bool = True
) -> FileResponse:
    """A response for a stored file whose name (and so extension) the server chose."""
    file_type = BY_EXTENSION.get(PurePosixPath(stored_name).suffix.lower())
    inline = file_type is not None and file_type.is_image
    name = _offered_name(title, stored_name, file_type)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_CSP if inline else FILE_CSP
    if public:
        response["Cache-Control"] = "public, max-age=3600"
    else:
        response["Cache-Control"] = "private, no-store"
        # Other sites may not embed a private file with the visitor's cookies.
        response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _offered_name(title: str, stored_name: str, file_type: FileType | None) -> str:
    basename = PurePosixPath(stored_name).name
    if file_type is None:
        return basename
    return download_name(title or basename, file_type)


@require_safe
def serve_file(request: HttpRequest, key: str, pk: int, name: str) -> FileResponse:
    """/files/<key>/<id>/<name>: the owning capability decides; strangers get a plain 404."""
    access = file_access(key)
    if access is None:
        raise Http404
    record = (
        access.model._default_manager.select_related(*access.select_related).filter(pk=pk).first()
    )
    if record is None:
        raise Http404
    stored = access.stored_name(record)
    if not stored or PurePosixPath(stored).name != name:
        raise Http404
    if not access.may_see(request.user, record):
        raise Http404
    field_file: Any = getattr(record, access.field)
    try:
        handle = field_file.storage.open(stored, "rb")
    except OSError as exc:
        raise Http404 from exc
    if access.on_serve is not None:
        access.on_serve(request.user, record, request)
    return file_response(
        handle,
        stored_name=stored,
        title=access.title(record),
        public=access.may_see(AnonymousUser(), record),
    )


@require_safe
def serve_media(request: HttpRequest, path: str) -> FileResponse:
    """/media/<path>: public files only (agency logos), regular files under MEDIA_ROOT."""
    parts = PurePosixPath(path).parts
    if not parts or any(p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / Path(*parts)).resolve()
    if not full.is_relative_to(root) or not full.is_file():
        raise Http404
    try:
        handle = full.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return file_response(handle, stored_name=full.name, public=True)

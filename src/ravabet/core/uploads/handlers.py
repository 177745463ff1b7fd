"""An upload handler that stops keeping a file once it is larger than any use allows.

First in FILE_UPLOAD_HANDLERS: it counts each file's bytes as they arrive. Past the largest
registered policy's limit it drops what the later handlers kept (the temporary file is
removed) and swallows the rest, so a 300 MB body never reaches memory or disk; the field then
holds an `OversizedUpload` that `accept()` refuses with the size message. The bytes still
cross the network: the reverse proxy's body limit should match (docs/configuration.md).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from ravabet.core.uploads.accept import largest_limit


class OversizedUpload(UploadedFile):
    """What is left of a file that was too large: its name and size, no content."""

    oversized = True

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(), name, content_type, size)


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.cap = largest_limit()
        self.received = 0
        self.oversized = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > self.cap:
            self.oversized = True
            for handler in self._later_handlers():
                handler.upload_interrupted()
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversized:
            return OversizedUpload(self.file_name or "", self.content_type or "", self.received)
        return None  # the next handler (memory or temporary file) hands over the file

    def _later_handlers(self) -> list[Any]:
        handlers = list(getattr(self.request, "upload_handlers", []) or [])
        return [h for h in handlers if h is not self]

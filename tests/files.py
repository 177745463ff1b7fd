"""Real files built in the test: images with Pillow, PDFs, office documents, hostile variants."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

SCRIPT = b"<script>alert(document.domain)</script>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8), **options: object) -> bytes:
    buffer = io.BytesIO()
    mode = "P" if fmt == "GIF" else "RGB"
    Image.new(mode, size, 3 if mode == "P" else "teal").save(buffer, fmt, **options)
    return buffer.getvalue()


def gif_with_script_comment() -> bytes:
    """A valid GIF whose comment block is an HTML page: the finding's `map.html`."""
    data = image_bytes("GIF", comment=b"<html><body>" + SCRIPT + b"</body></html>")
    assert SCRIPT in data
    with Image.open(io.BytesIO(data)) as img:
        img.verify()
    return data


def jpeg_polyglot() -> bytes:
    """A JPEG with an HTML page appended after its end marker (and a comment and EXIF)."""
    exif = Image.Exif()
    exif[0x010F] = "Evil Camera"  # Make
    exif[0x8825] = {2: (35.0, 41.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(
        buffer, "JPEG", exif=exif.tobytes(), comment=b"<!--" + SCRIPT + b"-->"
    )
    return buffer.getvalue() + b"<html>" + SCRIPT + b"</html>"


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` × `height` pixels (a decompression bomb)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = 8 + 8  # signature, then length and type of the IHDR chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>"
)
XHTML = (
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    + SCRIPT
    + b"</body></html>"
)
HTML = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(main_content_type: str = _DOCX_MAIN) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" '
            f'ContentType="{main_content_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docm_bytes() -> bytes:
    return docx_bytes(_DOCM_MAIN)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", HTML)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


class CountingStream:
    """A file-like of `total` bytes made on demand, counting how many were read."""

    def __init__(self, total: int, head: bytes = PDF[:8], name: str = "big.pdf") -> None:
        self.total = total
        self.head = head
        self.name = name
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        left = self.total - self.read_bytes
        n = left if size is None or size < 0 else min(size, left)
        start = self.read_bytes
        self.read_bytes += n
        chunk = bytearray(n)
        if start < len(self.head):
            part = self.head[start : start + n]
            chunk[: len(part)] = part
        return bytes(chunk)

"""PDFs with WeasyPrint, shared by the capabilities that print (monitoring's bulletin, the
surveys' published results): right to left, in the Vazirmatn fonts shipped with the kernel's
static files. A template puts `font_faces()` in its @font-face rules, the Jalali date in its
running header and «صفحهٔ ۱ از ۳» in its footer (Persian digits: WeasyPrint's predefined
`persian` counter style).

Nothing is fetched from the network: the fonts are file:// URLs inside our static folder,
charts are inline SVG, and the URL fetcher refuses every other address (a link is only a link,
never loaded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Importing WeasyPrint makes Pillow accept truncated images in the whole process; our PDFs hold
# no raster image, and uploads must stay strict (core/uploads checks it again).
ImageFile.LOAD_TRUNCATED_IMAGES = False

FONT_DIR = (Path(__file__).resolve().parent / "static" / "ravabet" / "fonts").resolve()
FONTS = {400: "Vazirmatn-Regular.woff2", 500: "Vazirmatn-Medium.woff2", 700: "Vazirmatn-Bold.woff2"}


class RefusedFetch(ValueError):
    """An address the PDF may not load (anything but our own font files)."""


class LocalFetcher(URLFetcher):
    """Loads only file:// URLs of files inside FONT_DIR; refuses the rest (WeasyPrint then
    leaves the resource out and goes on)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=5)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve()
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedFetch(f"refused: {url[:100]}")
        if not path.is_relative_to(FONT_DIR) or not path.is_file():
            raise RefusedFetch(f"refused: {url[:100]}")
        return super().fetch(path.as_uri(), headers)


def font_faces() -> list[dict[str, Any]]:
    """The Vazirmatn weights present, as {"weight", "url"} for a template's @font-face rules."""
    return [
        {"weight": weight, "url": (FONT_DIR / name).as_uri()}
        for weight, name in FONTS.items()
        if (FONT_DIR / name).is_file()
    ]


def write_pdf(html: str) -> bytes:
    """The PDF of a page's HTML, loading nothing but our fonts."""
    document: bytes = HTML(string=html, url_fetcher=LocalFetcher()).write_pdf()
    return document

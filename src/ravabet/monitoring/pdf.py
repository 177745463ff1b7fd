"""The bulletin as a PDF: WeasyPrint from templates/monitoring/pdf/bulletin.html, right to
left, in the Vazirmatn fonts shipped with the kernel's static files, the Jalali date in the
running header and «صفحهٔ ۱ از ۳» (Persian digits: WeasyPrint's predefined `persian` counter
style) in the footer.

Nothing is fetched from the network: the fonts are file:// URLs inside our static folder, the
chart is inline SVG, and the URL fetcher refuses every other address (an article's link is
only a link, never loaded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.core.cache import cache
from django.template.loader import render_to_string
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ravabet.monitoring import bulletins
from ravabet.monitoring.models import Bulletin

# Importing WeasyPrint makes Pillow accept truncated images in the whole process; our PDFs hold
# no raster image, and uploads must stay strict (core/uploads checks it again).
ImageFile.LOAD_TRUNCATED_IMAGES = False

FONT_DIR = (
    Path(__file__).resolve().parent.parent / "core" / "static" / "ravabet" / "fonts"
).resolve()
CACHE_SECONDS = 2 * 24 * 3600
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
    return [
        {"weight": weight, "url": (FONT_DIR / name).as_uri()}
        for weight, name in FONTS.items()
        if (FONT_DIR / name).is_file()
    ]


def html(bulletin: Bulletin) -> str:
    """The PDF's HTML: the included clippings only."""
    context = bulletins.view_data(bulletin, included_only=True)
    context["fonts"] = font_faces()
    return render_to_string("monitoring/pdf/bulletin.html", context)


def render(bulletin: Bulletin) -> bytes:
    """The bulletin's PDF (at most MAX_ITEMS clippings)."""
    document: bytes = HTML(string=html(bulletin), url_fetcher=LocalFetcher()).write_pdf()
    return document


def cache_key(bulletin: Bulletin) -> str:
    """Every change of a bulletin (a build, a clipping picked or dropped, the summary, the
    sending) moves its `updated_at`, so a key with it is never stale."""
    stamp = bulletin.updated_at.isoformat() if bulletin.updated_at else "new"
    return f"monitoring:bulletin-pdf:{bulletin.pk}:{stamp}"


# A bulletin with more clippings kept than this is rendered by a worker, not in the request
# (about 2 s at 40 clippings, 8–30 s at 300 on a busy machine: a web worker's timeout).
SYNC_MAX_ITEMS = 60
RENDERING_SECONDS = 300


def cached(bulletin: Bulletin) -> bytes | None:
    """The PDF of this version of the bulletin, if it was rendered already."""
    document = cache.get(cache_key(bulletin))
    return document if isinstance(document, bytes) else None


def render_later(bulletin: Bulletin) -> None:
    """Ask a worker to render this version, once (a second ask while it renders does nothing)."""
    from ravabet.monitoring.tasks import render_bulletin_pdf

    if cache.add(cache_key(bulletin) + ":rendering", True, RENDERING_SECONDS):
        render_bulletin_pdf.enqueue(bulletin.pk)


def render_cached(bulletin: Bulletin) -> bytes:
    """The PDF, rendered once per version of the bulletin (a full one takes seconds: a second
    download, or the e-mail after a download, reuses it)."""
    key = cache_key(bulletin)
    document = cache.get(key)
    if not isinstance(document, bytes):
        document = render(bulletin)
        cache.set(key, document, CACHE_SECONDS)
    return document

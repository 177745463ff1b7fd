"""The bulletin as a PDF: WeasyPrint from templates/monitoring/pdf/bulletin.html, right to
left, in the Vazirmatn fonts shipped with the kernel's static files, the Jalali date in the
running header and «صفحهٔ ۱ از ۳» (Persian digits: WeasyPrint's predefined `persian` counter
style) in the footer.

Nothing is fetched from the network: the fonts are file:// URLs inside our static folder, the
chart is inline SVG, and the URL fetcher refuses every other address (an article's link is
only a link, never loaded). The WeasyPrint setup is the kernel's (core/pdf.py)."""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string

# Re-exported: the bulletin's tests and callers name them here.
from ravabet.core.pdf import FONT_DIR as FONT_DIR
from ravabet.core.pdf import FONTS as FONTS
from ravabet.core.pdf import LocalFetcher as LocalFetcher
from ravabet.core.pdf import RefusedFetch as RefusedFetch
from ravabet.core.pdf import font_faces, write_pdf
from ravabet.monitoring import bulletins
from ravabet.monitoring.models import Bulletin

CACHE_SECONDS = 2 * 24 * 3600


def html(bulletin: Bulletin) -> str:
    """The PDF's HTML: the included clippings only."""
    context = bulletins.view_data(bulletin, included_only=True)
    context["fonts"] = font_faces()
    return render_to_string("monitoring/pdf/bulletin.html", context)


def render(bulletin: Bulletin) -> bytes:
    """The bulletin's PDF (at most MAX_ITEMS clippings)."""
    return write_pdf(html(bulletin))


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

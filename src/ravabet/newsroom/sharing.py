"""Link previews of a release: the Open Graph / Twitter-card data and a generated share image.

A link to a release pasted in a messenger (Bale, Eitaa, Telegram, WhatsApp) or a social site is
shown as a card made from the page's `og:` and `twitter:` tags. The card's picture is the
release's first image when it has one; otherwise `/news/<id>/share.png`, drawn here: the headline
in Vazirmatn, right to left and shaped by libraqm, on the agency's colour, with the agency's and
the site's names.

Agencies have no colour of their own (core/organisation/models.py has none): each one gets a
stable colour from a small palette of dark colours on which white text passes WCAG AA, chosen by
a hash of its slug, so an agency's cards always look alike; the directorate keeps the site's
teal.

A messenger's crawlers may ask for one image many times at once: the PNG is kept in the default
cache (shared by every process) under a version made of what is drawn, so it is drawn once per
headline; the URL carries that version, so a changed headline is a new URL for the crawlers, and
the response may be kept for a year.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.core.richtext import body_text
from ravabet.newsroom import selectors
from ravabet.newsroom.models import Release
from ravabet.persian import to_persian_digits

# --- the image's geometry ----------------------------------------------------------------------
WIDTH, HEIGHT = 1200, 630  # the size every platform's large card expects (1.91:1)
MARGIN = 72  # left and right, and above the agency's name
MAX_LINES = 4
HEADLINE_SIZES = (64, 56, 50)  # tried in order: the largest that fits in MAX_LINES lines
LINE_HEIGHT = 1.5  # Persian needs room above and below for its dots and descenders
ELLIPSIS = "…"
# Where the kicker and headline go: between the agency's name and the rule above the site's.
BODY_TOP, BODY_BOTTOM = MARGIN + 70, HEIGHT - 120
KICKER_HEIGHT = 56
HEADLINE_HEIGHT = BODY_BOTTOM - BODY_TOP - KICKER_HEIGHT
# Drawn text is cut to these lengths first, so the work per image is bounded whatever the rows
# hold (the model's max_length is the same for the headline).
MAX_HEADLINE_CHARS = Release._meta.get_field("headline").max_length or 300
MAX_NAME_CHARS = 120
# Bump when the drawing changes, so cached images and the crawlers' copies are replaced.
RENDERER_VERSION = "1"
CACHE_SECONDS = 30 * 24 * 3600
DRAW_LOCK_SECONDS = 2.0  # a drawing takes about a tenth of a second
DRAW_POLL_SECONDS = 0.05

FONTS = Path(__file__).resolve().parent.parent / "core" / "static" / "ravabet" / "fonts"

SITE_COLOUR = "#0b5c55"  # --c-brand in ravabet.css
ACCENT = "#f2b84b"  # --c-accent
# Dark colours with white text at a contrast of at least 7:1 (checked in the tests).
PALETTE = (
    "#0b5c55",  # teal
    "#1f3a68",  # navy
    "#5b2a86",  # purple
    "#7a2e2e",  # maroon
    "#2f5d1e",  # green
    "#6b3e14",  # brown
    "#134e6f",  # petrol
    "#3f4650",  # slate
)

# --- the meta tags -------------------------------------------------------------------------------
DESCRIPTION_CHARS = 200  # Twitter's limit; messengers show about two lines of it anyway


def agency_colour(agency: Agency) -> str:
    """The agency's card colour: stable across processes and restarts (not Python's hash())."""
    if agency.is_directorate:
        return SITE_COLOUR
    digest = hashlib.sha256(agency.slug.encode()).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def describe(release: Release) -> str:
    """The lead (or the body's opening) on one line, cut at a word before DESCRIPTION_CHARS."""
    text = release.lead or body_text(release.body) or release.headline
    text = " ".join(text.split())
    if release.status == Release.Status.WITHDRAWN:
        text = f"این خبر پس گرفته شده است. {text}"
    return _cut(text, DESCRIPTION_CHARS)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ،,.؛:") + ELLIPSIS


def share_version(release: Release) -> str:
    """Changes whenever anything drawn on the share image changes."""
    drawn = "\x1f".join(
        [
            RENDERER_VERSION,
            release.headline[:MAX_HEADLINE_CHARS],
            release.kicker[:MAX_NAME_CHARS],
            release.agency.display_name[:MAX_NAME_CHARS],
            agency_colour(release.agency),
            settings.RAVABET_SITE_NAME,
            release.status,
        ]
    )
    return hashlib.sha256(drawn.encode()).hexdigest()[:16]


def share_image_url(release: Release) -> str:
    """The generated image's path, versioned (the query changes with the headline)."""
    path = reverse("newsroom:release_share_image", kwargs={"pk": release.pk})
    return f"{path}?v={share_version(release)}"


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int | None
    height: int | None
    alt: str
    content_type: str


@dataclass(frozen=True)
class ShareMeta:
    """What the page's <head> says about a release to link previews."""

    title: str
    description: str
    url: str
    site_name: str
    locale: str
    published_time: str
    modified_time: str
    image: ShareImage


def lead_image_of(release: Release) -> Any:
    """The release's first picture (the one its page shows first), or None."""
    return release.images.all().first()


def share_meta(release: Release) -> ShareMeta:
    image = lead_image_of(release)
    if image is not None and image.url:
        card = ShareImage(
            url=absolute_url(image.url),
            width=image.width,
            height=image.height,
            alt=image.alt_text,
            content_type=image.content_type,
        )
    else:
        card = ShareImage(
            url=absolute_url(share_image_url(release)),
            width=WIDTH,
            height=HEIGHT,
            alt=release.headline,
            content_type="image/png",
        )
    return ShareMeta(
        title=release.headline,
        description=describe(release),
        url=absolute_url(release.get_absolute_url()),
        site_name=settings.RAVABET_SITE_NAME,
        locale="fa_IR",
        published_time=release.published_at.isoformat() if release.published_at else "",
        modified_time=release.updated_at.isoformat() if release.updated_at else "",
        image=card,
    )


# --- drawing -------------------------------------------------------------------------------------


@cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    """Vazirmatn from the site's own static files (FreeType reads the WOFF2 directly)."""
    return ImageFont.truetype(
        str(FONTS / f"Vazirmatn-{weight}.woff2"), size, layout_engine=ImageFont.Layout.RAQM
    )


def text_width(text: str, face: ImageFont.FreeTypeFont) -> float:
    """The width of `text` shaped as Persian, right to left (joined letters, bidi runs)."""
    return face.getlength(text, direction="rtl", language="fa")


@dataclass(frozen=True)
class HeadlineLayout:
    lines: list[str]
    size: int


def _wrap(words: list[str], face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy wrapping; a word wider than a line is broken between letters."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, face) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and text_width(word, face) > width:
            # The longest start of the word that fits, by bisection: a headline of one long
            # "word" costs a few dozen measurements per line, not one per letter.
            low, high = 1, len(word) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if text_width(word[:middle], face) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(word[:low])
            word = word[low:]
        line = word
    if line:
        lines.append(line)
    return lines


def _with_ellipsis(line: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    words = line.split(" ")
    while len(words) > 1:
        candidate = " ".join(words).rstrip(" ،,.؛:") + ELLIPSIS
        if text_width(candidate, face) <= width:
            return candidate
        words.pop()
    # One word left: keep as many of its letters as fit before the ellipsis.
    word = words[0] if words else ""
    low, high = 0, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle] + ELLIPSIS, face) <= width:
            low = middle
        else:
            high = middle - 1
    return word[:low] + ELLIPSIS


def line_height(size: int) -> int:
    return round(size * LINE_HEIGHT)


def layout_headline(
    headline: str, width: float = WIDTH - 2 * MARGIN, height: float = HEADLINE_HEIGHT
) -> HeadlineLayout:
    """The headline in at most MAX_LINES lines and `height` pixels, in the largest size that
    holds it whole; at the smallest size a longer headline ends its last line with an ellipsis."""
    words = " ".join(to_persian_digits(headline[:MAX_HEADLINE_CHARS]).split()).split(" ")
    words = [w for w in words if w]
    lines: list[str] = []
    for size in HEADLINE_SIZES:
        face = font("Bold", size)
        lines = _wrap(words, face, width)
        if len(lines) <= MAX_LINES and len(lines) * line_height(size) <= height:
            return HeadlineLayout(lines=lines, size=size)
    size = HEADLINE_SIZES[-1]
    face = font("Bold", size)
    fit = min(MAX_LINES, max(1, int(height // line_height(size))))
    kept = lines[:fit]
    kept[-1] = _with_ellipsis(kept[-1], face, width)
    return HeadlineLayout(lines=kept, size=size)


def _one_line(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    text = " ".join(to_persian_digits(text[:MAX_NAME_CHARS]).split())
    if text_width(text, face) <= width:
        return text
    return _with_ellipsis(text, face, width)


def render_share_image(release: Release) -> bytes:
    """The 1200×630 PNG card of a release: kicker, headline, agency and site, right to left."""
    background = agency_colour(release.agency)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    right = WIDTH - MARGIN
    width = WIDTH - 2 * MARGIN
    rtl: dict[str, Any] = {"direction": "rtl", "language": "fa", "anchor": "rs"}

    # The top: a band of the site's accent and the agency's name.
    draw.rectangle((0, 0, WIDTH, 12), fill=ACCENT)
    agency_face = font("Medium", 34)
    draw.text(
        (right, MARGIN + 34),
        _one_line(release.agency.display_name, agency_face, width),
        font=agency_face,
        fill="#ffffff",
        **rtl,
    )

    # The headline, centred in the space between the names, its kicker above it.
    kicker = release.kicker.strip()
    if release.status == Release.Status.WITHDRAWN:
        kicker = "پس‌گرفته"
    room = BODY_BOTTOM - BODY_TOP - (KICKER_HEIGHT if kicker else 0)
    layout = layout_headline(release.headline, width, room)
    face = font("Bold", layout.size)
    step = line_height(layout.size)
    block = len(layout.lines) * step + (KICKER_HEIGHT if kicker else 0)
    y = BODY_TOP + max(0, (BODY_BOTTOM - BODY_TOP - block) // 2)
    if kicker:
        kicker_face = font("Medium", 32)
        y += 40
        kicker_line = _one_line(kicker, kicker_face, width)
        draw.text((right, y), kicker_line, font=kicker_face, fill=ACCENT, **rtl)
        y += KICKER_HEIGHT - 40
    for line in layout.lines:
        # Baselines sit at two thirds of each line's box.
        draw.text((right, y + round(step * 0.68)), line, font=face, fill="#ffffff", **rtl)
        y += step

    # The foot: a rule and the site's name.
    draw.rectangle((MARGIN, HEIGHT - 104, right, HEIGHT - 102), fill=ACCENT)
    site_face = font("Regular", 28)
    draw.text(
        (right, HEIGHT - 50),
        _one_line(settings.RAVABET_SITE_NAME, site_face, width),
        font=site_face,
        fill="#e8eeee",
        **rtl,
    )

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def share_image_bytes(release: Release) -> tuple[bytes, str]:
    """The PNG and its version, drawn once per version and kept in the shared default cache."""
    version = share_version(release)
    key = f"newsroom:share:{release.pk}:{version}"
    png = default_cache.get(key)
    if png is not None:
        return png, version
    # A link just posted in a channel brings many crawlers at once: one request draws, the
    # others wait a little for its result (and draw themselves only if it never comes).
    if not default_cache.add(f"{key}:drawing", 1, DRAW_LOCK_SECONDS):
        for _ in range(int(DRAW_LOCK_SECONDS / DRAW_POLL_SECONDS)):
            time.sleep(DRAW_POLL_SECONDS)
            png = default_cache.get(key)
            if png is not None:
                return png, version
    png = render_share_image(release)
    default_cache.set(key, png, CACHE_SECONDS)
    default_cache.delete(f"{key}:drawing")
    return png, version


@require_safe
def share_image(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /news/<id>/share.png: the card of a public release; 404 for anything else."""
    try:
        release = selectors.release_list_public().get(pk=pk)
    except Release.DoesNotExist as exc:
        raise Http404 from exc
    version = share_version(release)
    etag = quote_etag(version)
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response: HttpResponse = HttpResponseNotModified()
    else:
        png, version = share_image_bytes(release)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    if request.GET.get("v") == version:
        # The URL names this very picture: keep it as long as anyone likes.
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    else:
        # An old or bare URL gets today's picture, checked again within the hour.
        patch_cache_control(response, public=True, max_age=3600)
    return response

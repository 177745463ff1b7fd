"""Link previews: a release's page carries Open Graph and Twitter-card tags with absolute links,
and a release without a picture gets a generated 1200×630 card, Persian shaped right to left,
drawn once per headline."""

from __future__ import annotations

import io
import os
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageChops, ImageColor

from ravabet.core.organisation.models import Agency
from ravabet.newsroom import services, sharing
from ravabet.newsroom.models import Release
from tests.factories import make_release

pytestmark = pytest.mark.django_db

BASE = "https://ravabet.tehran.example"
SCREENSHOT = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "newsroom-share-image.png"
)


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.RAVABET_BASE_URL = BASE


def meta_tags(html: str) -> dict[str, str]:
    """The page's <meta property|name=… content=…> tags, by key."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {key: unescape(value) for key, value in found}


def png(colour: str = "teal", size: tuple[int, int] = (640, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def published_with_image(world: Any) -> Release:
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="بازگشایی پل عابر پیاده"
    )
    services.release_add_image(
        actor=world.head_roads,
        release=release,
        upload=SimpleUploadedFile("pol.png", png()),
        alt_text="پل عابر پیاده در بزرگراه",
    )
    services.release_submit(actor=world.head_roads, release=release)
    services.release_approve(actor=world.head_roads, release=release)
    release.refresh_from_db()
    return release


# --- the tags ------------------------------------------------------------------------------------


def test_published_release_page_has_link_preview_tags_with_absolute_urls(world: Any) -> None:
    lead = "مدیرکل راه و شهرسازی استان تهران از بهره‌برداری دوازده پل عابر پیاده خبر داد. " * 6
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="بهره‌برداری از ۱۲ پل عابر پیاده در محور تهران–کرج",
        lead=lead,
        status="published",
    )
    tags = meta_tags(Client().get(release.get_absolute_url()).content.decode())

    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == release.headline
    assert tags["og:url"] == f"{BASE}/news/{release.pk}/"
    assert tags["og:locale"] == "fa_IR"
    assert tags["og:site_name"]
    assert tags["article:published_time"] == release.published_at.isoformat()
    assert tags["twitter:card"] == "summary_large_image"
    # The lead, cut at a word with an ellipsis, the same for every reader of the card.
    description = tags["og:description"]
    assert description == tags["twitter:description"] == tags["description"]
    assert len(description) <= sharing.DESCRIPTION_CHARS and description.endswith("…")
    assert lead.startswith(description.removesuffix("…"))
    # No lead image: the generated card, absolute and versioned.
    assert tags["og:image"] == tags["twitter:image"]
    assert tags["og:image"].startswith(f"{BASE}/news/{release.pk}/share.png?v=")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:type"] == "image/png"
    assert tags["og:image:alt"] == release.headline
    # The advertised picture is there, at the path the tag names.
    response = Client().get(tags["og:image"].removeprefix(BASE))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_link_preview_shows_the_release_own_picture_when_it_has_one(world: Any) -> None:
    release = published_with_image(world)
    image = release.images.get()
    tags = meta_tags(Client().get(release.get_absolute_url()).content.decode())

    assert tags["og:image"] == tags["twitter:image"] == f"{BASE}{image.url}"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("640", "360")
    assert tags["og:image:alt"] == "پل عابر پیاده در بزرگراه"
    assert "share.png" not in Client().get(release.get_absolute_url()).content.decode()
    # The picture is public with its release: a messenger's crawler can fetch it.
    assert Client().get(image.url).status_code == 200


def test_draft_has_no_public_page_and_no_share_image(world: Any) -> None:
    draft = make_release(actor=world.officer_roads, agency=world.roads, headline="پیش‌نویس محرمانه")
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert Client().get(f"/news/{draft.pk}/share.png").status_code == 404
    submitted = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    assert Client().get(f"/news/{submitted.pk}/share.png").status_code == 404
    assert Client().get("/news/999999/share.png").status_code == 404


def test_withdrawn_release_card_says_it_was_withdrawn(world: Any) -> None:
    release = make_release(
        actor=world.head_roads, agency=world.roads, lead="آمار تصادف‌ها", status="withdrawn"
    )
    tags = meta_tags(Client().get(release.get_absolute_url()).content.decode())
    assert tags["og:description"].startswith("این خبر پس گرفته شده است.")
    assert Client().get(f"/news/{release.pk}/share.png").status_code == 200


# --- the generated image -------------------------------------------------------------------------


def test_share_image_is_a_1200_by_630_png_in_the_agency_colour(world: Any) -> None:
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="خبر", status="published"
    )
    response = Client().get(f"/news/{release.pk}/share.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.size == (1200, 630)
    colour = ImageColor.getrgb(sharing.agency_colour(world.roads))
    assert image.convert("RGB").getpixel((600, 300)) == colour
    # A short headline sits on the right, as Persian is read: no ink on the left half.
    ink = ink_box(image, colour, top=sharing.BODY_TOP + 40, bottom=sharing.BODY_BOTTOM)
    assert ink is not None and ink[0] > 600


def ink_box(
    image: Image.Image, background: tuple[int, ...], *, top: int, bottom: int
) -> tuple[int, int, int, int] | None:
    """The box of what is drawn over the background between two heights."""
    band = image.convert("RGB").crop((0, top, image.width, bottom))
    plain = Image.new("RGB", band.size, background)
    mask = ImageChops.difference(band, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    return mask.getbbox()


def test_persian_letters_are_joined_when_drawn() -> None:
    face = sharing.font("Bold", 64)
    for word in ("مهندسی", "استانداری", "شهرستان"):
        joined = sharing.text_width(word, face)
        isolated = sum(sharing.text_width(letter, face) for letter in word)
        # Shaped: the joined forms are narrower than the same letters standing alone.
        assert joined < 0.9 * isolated, word
    # «لا» is one ligature glyph: shaped Persian, not two letters side by side.
    assert sharing.text_width("لا", face) < sharing.text_width("ل", face) + sharing.text_width(
        "ا", face
    )


def test_long_headline_wraps_within_margins_in_at_most_four_lines(world: Any) -> None:
    sentence = (
        "افتتاح طرح‌های عمرانی راهداری استان تهران در هفتهٔ دولت با اعتبار ۱۲۰ میلیارد تومان و "
    )
    headline = (sentence * 4)[:300].strip()
    width = sharing.WIDTH - 2 * sharing.MARGIN
    layout = sharing.layout_headline(headline, width)
    face = sharing.font("Bold", layout.size)
    assert 1 < len(layout.lines) <= sharing.MAX_LINES
    assert layout.lines[-1].endswith("…")
    assert all(sharing.text_width(line, face) <= width for line in layout.lines)
    # The lines are the headline's words, in order, up to the ellipsis.
    shown = " ".join(layout.lines).removesuffix("…")
    assert headline.startswith(shown)

    # And on the picture itself: nothing drawn in the side margins.
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline=headline, status="published"
    )
    image = Image.open(io.BytesIO(sharing.render_share_image(release)))
    colour = ImageColor.getrgb(sharing.agency_colour(world.roads))
    ink = ink_box(image, colour, top=sharing.BODY_TOP, bottom=sharing.BODY_BOTTOM - 10)
    assert ink is not None
    assert ink[0] >= sharing.MARGIN - 2 and ink[2] <= sharing.WIDTH - sharing.MARGIN + 2
    # Four lines of text fill the middle of the card (not one line cut short).
    assert ink[3] - ink[1] > 250


def test_a_headline_that_fits_is_not_cut() -> None:
    layout = sharing.layout_headline("بازگشایی پل عابر پیاده در بزرگراه امام علی")
    assert layout.lines == ["بازگشایی پل عابر پیاده در بزرگراه امام علی"]
    assert layout.size == sharing.HEADLINE_SIZES[0]


def test_agency_colours_are_stable_and_dark_enough_for_white_text() -> None:
    def luminance(hex_colour: str) -> float:
        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = ImageColor.getrgb(hex_colour)[:3]
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    for colour in sharing.PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 7, colour
    roads = Agency(slug="roads", kind=Agency.Kind.GENERAL_DIRECTORATE)
    assert sharing.agency_colour(roads) == sharing.agency_colour(
        Agency(slug="roads", kind=Agency.Kind.GENERAL_DIRECTORATE)
    )
    colours = {
        sharing.agency_colour(Agency(slug=f"agency-{i}", kind=Agency.Kind.ORGANIZATION))
        for i in range(40)
    }
    assert len(colours) > 3  # agencies are told apart, not all one colour


# --- caching -------------------------------------------------------------------------------------


def test_share_image_is_drawn_once_and_again_only_when_the_headline_changes(
    world: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # This process's own default cache: other test runs on this machine share var/cache and
    # empty it at their every test, which would look like a redraw here.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"},
    }
    drawn: list[str] = []
    real = sharing.render_share_image

    def counting(release: Release) -> bytes:
        drawn.append(release.headline)
        return real(release)

    monkeypatch.setattr(sharing, "render_share_image", counting)
    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="تیتر نخست", status="published"
    )
    url = f"/news/{release.pk}/share.png"
    first = Client().get(url)
    second = Client().get(url)
    assert first.content == second.content and drawn == ["تیتر نخست"]
    etag = first["ETag"]
    assert Client().get(url, headers={"If-None-Match": etag}).status_code == 304
    assert drawn == ["تیتر نخست"]

    # The versioned URL of the page's tag may be kept for a year; a bare one for an hour.
    versioned = sharing.share_image_url(release)
    long = Client().get(versioned)
    assert "immutable" in long["Cache-Control"] and "max-age=31536000" in long["Cache-Control"]
    assert "max-age=3600" in first["Cache-Control"] and "public" in first["Cache-Control"]

    services.release_correct(
        actor=world.head_roads, release=release, note="تیتر دقیق‌تر شد", headline="تیتر اصلاح‌شده"
    )
    release.refresh_from_db()
    changed = Client().get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert drawn == ["تیتر نخست", "تیتر اصلاح‌شده"]
    assert sharing.share_image_url(release) != versioned
    page = Client().get(release.get_absolute_url()).content.decode()
    assert f'content="{BASE}{sharing.share_image_url(release)}"' in page


def test_share_image_accepts_only_reading(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    assert Client().post(f"/news/{release.pk}/share.png").status_code == 405
    assert Client().head(f"/news/{release.pk}/share.png").status_code == 200


def test_a_request_that_finds_the_card_being_drawn_waits_for_it_instead_of_drawing(
    world: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "w"},
    }
    from django.core.cache import cache

    release = make_release(
        actor=world.head_roads, agency=world.roads, headline="تیتر پرخواننده", status="published"
    )
    key = f"newsroom:share:{release.pk}:{sharing.share_version(release)}"
    cache.set(f"{key}:drawing", 1)  # another request is drawing it
    drawn: list[int] = []
    monkeypatch.setattr(sharing, "render_share_image", lambda r: drawn.append(1) or b"")

    def other_request_finishes(seconds: float) -> None:
        cache.set(key, b"\x89PNG drawn elsewhere")

    monkeypatch.setattr(sharing.time, "sleep", other_request_finishes)
    response = Client().get(f"/news/{release.pk}/share.png")
    assert response.content == b"\x89PNG drawn elsewhere" and drawn == []

    # A drawer that never finishes holds no one up for ever: after the wait, draw.
    cache.delete(key)
    cache.set(f"{key}:drawing", 1)
    monkeypatch.setattr(sharing.time, "sleep", lambda seconds: None)
    assert Client().get(f"/news/{release.pk}/share.png").status_code == 200
    assert drawn == [1]


def test_the_directorate_card_is_in_the_site_colour(world: Any) -> None:
    """Also draws docs/screenshots/newsroom-share-image.png with RAVABET_SCREENSHOTS=1."""
    release = make_release(
        actor=world.directorate_staff,
        agency=world.directorate,
        kicker="همزمان با هفته ارتباطات و روابط عمومی",
        headline="نخستین نشست روابط عمومیهای استان تهران در سال ۱۴۰۴ برگزار میشود",
        status="draft",
    )
    release.status = Release.Status.PUBLISHED  # drawn as the public sees it
    picture = sharing.render_share_image(release)
    image = Image.open(io.BytesIO(picture))
    assert image.size == (1200, 630)
    assert image.convert("RGB").getpixel((20, 300)) == ImageColor.getrgb(sharing.SITE_COLOUR)
    if os.environ.get("RAVABET_SCREENSHOTS"):
        SCREENSHOT.write_bytes(picture)


def test_a_headline_without_spaces_is_broken_between_letters_within_the_margins() -> None:
    headline = "ب" * 300  # the model's longest, with nowhere to wrap
    width = sharing.WIDTH - 2 * sharing.MARGIN
    layout = sharing.layout_headline(headline, width)
    face = sharing.font("Bold", layout.size)
    assert len(layout.lines) == sharing.MAX_LINES and layout.lines[-1].endswith("…")
    assert all(sharing.text_width(line, face) <= width for line in layout.lines)
    # Each full line is filled: the break is at the last letter that fits, not early.
    assert all(sharing.text_width(line + "ب", face) > width for line in layout.lines[:-1])
    assert len(layout.lines[-1]) > 20  # the letters that fit, then «…»

"""Public pages: Persian, right-to-left, self-hosted font, accessible structure, error pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_home_is_persian_rtl_with_landmarks(world: Any) -> None:
    body = Client().get("/").content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in body
    assert 'class="skip-link" href="#main"' in body
    assert 'name="viewport"' in body
    assert world.roads.name in Client().get("/agencies/").content.decode()


@pytest.mark.django_db
def test_font_is_served_by_the_app_not_a_cdn(world: Any) -> None:
    client = Client()
    body = client.get("/").content.decode()
    assert "fonts.googleapis" not in body and "cdn" not in body.lower()
    css_url = re.search(r'href="(/static/ravabet/css/ravabet\.css)"', body)
    assert css_url
    css = client.get(css_url.group(1))
    assert css.status_code == 200
    css_text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    assert 'font-family: "Vazirmatn"' in css_text
    font_path = finders.find("ravabet/fonts/Vazirmatn-Regular.woff2")
    assert font_path
    with open(font_path, "rb") as font:
        assert font.read(4) == b"wOF2"


@pytest.mark.django_db
def test_unknown_url_gives_persian_404() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "صفحه‌ای که خواستید پیدا نشد" in body
    assert 'dir="rtl"' in body


@pytest.mark.django_db
def test_server_error_gives_persian_500_that_leaks_nothing(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.core.urls_boom"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "خطایی در سامانه رخ داد" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.django_db
def test_agency_list_filters_by_kind_and_name_spelling(world: Any) -> None:
    client = Client()
    body = client.get("/agencies/", {"kind": "university"}).content.decode()
    assert world.health.name in body and world.roads.name not in body
    # Arabic yeh and kaf typed by the user still find the agency.
    body = client.get("/agencies/", {"q": "راه و شهرسازي"}).content.decode()
    assert world.roads.name in body and world.health.name not in body


@pytest.mark.django_db
def test_agency_list_htmx_returns_partial(world: Any) -> None:
    response = Client().get("/agencies/", {"kind": "university"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and world.health.name in body


@pytest.mark.django_db
def test_agency_page_shows_contacts_with_persian_digits(world: Any) -> None:
    body = Client().get("/agencies/roads/").content.decode()
    assert "۰۲۱-۶۶۷۰۰۰۰۰" in body
    assert 'href="mailto:pr@roads.example"' in body


@pytest.mark.django_db
def test_inactive_or_unknown_agency_is_404(world: Any) -> None:
    world.health.is_active = False
    world.health.save()
    assert Client().get("/agencies/tums/").status_code == 404
    assert Client().get("/agencies/nothing/").status_code == 404

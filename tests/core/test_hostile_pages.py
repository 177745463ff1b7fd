"""Hostile page numbers and limits on every paginated read: an answer, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import make_release

pytestmark = pytest.mark.django_db

# A superscript two (str.isdigit() says yes, int() says no), more digits than int() takes
# from a string, a negative number, letters, nothing.
HOSTILE = ["²", "9" * 4301, "-1", "abc", "", "1e3", "۲", " 2 ", "0x10", "2\x00"]

PUBLIC_PAGES = [
    "/search/?q=روابط&page={}",
    "/news/?page={}",
    "/news/?kind=news&page={}",
    "/tags/ایمنی راه/?page={}",
    "/agencies/?page={}",
    "/agencies/roads/?page={}",
]
BACKOFFICE_PAGES = [
    "/backoffice/?page={}",
    "/backoffice/newsroom/?page={}",
    "/backoffice/audit/?page={}",
    "/backoffice/agencies/roads/?page={}",
]
API = [
    "/api/v1/releases?limit={}",
    "/api/v1/releases?offset={}",
    "/api/v1/releases?limit={0}&offset={0}",
    "/api/v1/agencies?limit={}",
    "/api/v1/agencies?offset={}",
    "/api/v1/releases/search?q=روابط&page={}",
]


@pytest.fixture
def releases(world: Any) -> None:
    for n in range(3):
        make_release(
            actor=world.head_roads,
            agency=world.roads,
            headline=f"روابط عمومی راه خبر {n}",
            status="published",
            tags=["ایمنی راه"],
        )


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_lists_answer_hostile_page_numbers(releases: Any, url: str, value: str) -> None:
    response = Client().get(url.format(value))
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("url", BACKOFFICE_PAGES)
def test_backoffice_lists_answer_hostile_page_numbers(
    releases: Any, world: Any, url: str, value: str
) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    response = client.get(url.format(value))
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("url", API)
def test_api_lists_answer_hostile_limits_and_pages(releases: Any, url: str, value: str) -> None:
    response = Client().get(url.format(value))
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert isinstance(data["items"], list)


def test_api_limit_is_clamped_and_offset_past_the_end_is_empty(releases: Any) -> None:
    data = Client().get("/api/v1/releases", {"limit": "1000000"}).json()
    assert data["count"] == 3 and len(data["items"]) == 3
    assert len(Client().get("/api/v1/releases", {"limit": "2"}).json()["items"]) == 2
    assert Client().get("/api/v1/releases", {"offset": "9" * 30}).json()["items"] == []


def test_search_page_far_past_the_end_shows_the_last_page(releases: Any) -> None:
    body = Client().get("/search/", {"q": "روابط", "page": "9" * 4301}).content.decode()
    assert "روابط عمومی راه خبر" in body


def test_parse_page_clamps_and_never_raises() -> None:
    from ravabet.core.pagination import parse_int, parse_page

    assert parse_page("3") == 3
    assert parse_page("۳") == 3  # Persian digits are what a Persian keyboard types
    assert parse_page("²") == 1
    assert parse_page("-1") == 1
    assert parse_page(None) == 1
    assert parse_page("9" * 4301) == parse_page("9" * 20) > 1
    assert parse_int("-7", default=0, minimum=-5, maximum=5) == -5
    assert parse_int(True, default=4, minimum=0, maximum=9) == 4

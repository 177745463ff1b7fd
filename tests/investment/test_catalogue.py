"""The public catalogue at /investment/: filters, sort, the county map, an opportunity's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties(db: Any) -> dict[str, Any]:
    return {
        slug: CountyFactory(slug=slug, name=name)
        for slug, name in (("tehran", "تهران"), ("rey", "ری"), ("damavand", "دماوند"))
    }


@pytest.fixture
def three(
    world: Any, counties: dict[str, Any], make_opportunity: Callable[..., Any]
) -> dict[str, Any]:
    """A tourism project in Damavand (250 billion rials), an industry one in Rey (2,000
    billion), an agriculture one in Rey (30 billion) of the health agency; and a draft."""
    return {
        "tourism": make_opportunity(
            world,
            status="published",
            title="اقامتگاه بوم‌گردی دماوند",
            county=counties["damavand"],
            capital="۲۵۰ میلیارد ریال",
            participation=["direct"],
        ),
        "industry": make_opportunity(
            world,
            status="published",
            title="شهرک صنعتی ری",
            sector="industry",
            county=counties["rey"],
            capital="۲۰۰۰ میلیارد ریال",
            participation=["bot"],
        ),
        "farm": make_opportunity(
            world,
            status="published",
            agency=world.health,
            title="گلخانهٔ هیدروپونیک ری",
            sector="agriculture",
            county=counties["rey"],
            capital="۳ میلیارد تومان",
            participation=["lease"],
        ),
        "draft": make_opportunity(
            world, title="پیش‌نویس پنهان", county=counties["rey"], capital="۱ میلیارد ریال"
        ),
    }


def _titles(response: Any) -> list[str]:
    body = response.content.decode()
    return re.findall(r'class="opportunity-card__title"><a href="[^"]+">([^<]+)</a>', body)


def test_catalogue_lists_published_opportunities_only(client: Client, three: dict) -> None:
    response = client.get(reverse("investment:catalogue"))
    assert response.status_code == 200
    titles = _titles(response)
    assert set(titles) == {"اقامتگاه بوم‌گردی دماوند", "شهرک صنعتی ری", "گلخانهٔ هیدروپونیک ری"}
    assert "پیش‌نویس پنهان" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "industry"}, {"شهرک صنعتی ری"}),
        ({"county": "rey"}, {"شهرک صنعتی ری", "گلخانهٔ هیدروپونیک ری"}),
        ({"agency": "tums"}, {"گلخانهٔ هیدروپونیک ری"}),
        ({"participation": "bot"}, {"شهرک صنعتی ری"}),
        # tomans unless it says ریال: 20 billion tomans = 200 billion rials
        ({"min": "۲۰ میلیارد"}, {"اقامتگاه بوم‌گردی دماوند", "شهرک صنعتی ری"}),
        ({"max": "300,000,000,000 ریال"}, {"اقامتگاه بوم‌گردی دماوند", "گلخانهٔ هیدروپونیک ری"}),
        (
            {"min": "۱۰ میلیارد", "max": "۱۰۰ میلیارد", "county": "damavand"},
            {"اقامتگاه بوم‌گردی دماوند"},
        ),
        ({"q": "گلخانه"}, {"گلخانهٔ هیدروپونیک ری"}),
    ],
)
def test_filters_narrow_the_catalogue(
    client: Client, three: dict, params: dict[str, str], expected: set[str]
) -> None:
    response = client.get(reverse("investment:catalogue"), params)
    assert response.status_code == 200
    assert set(_titles(response)) == expected


def test_sort_by_capital_both_ways(client: Client, three: dict) -> None:
    url = reverse("investment:catalogue")
    ascending = _titles(client.get(url, {"sort": "capital_asc"}))
    assert ascending == ["گلخانهٔ هیدروپونیک ری", "اقامتگاه بوم‌گردی دماوند", "شهرک صنعتی ری"]
    assert _titles(client.get(url, {"sort": "capital_desc"})) == ascending[::-1]


@pytest.mark.parametrize("bad", ["بسیار زیاد", "-5", "۱۲abc", "x" * 5000])
def test_a_capital_that_is_not_an_amount_is_told_in_persian(
    client: Client, three: dict, bad: str
) -> None:
    response = client.get(reverse("investment:catalogue"), {"min": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "کمترین سرمایه:" in body
    assert len(_titles(response)) == 3  # the bound is not applied


def test_hostile_query_strings_never_fail(client: Client, three: dict) -> None:
    url = reverse("investment:catalogue")
    for params in (
        {"sector": "<script>"},
        {"county": "x" * 3000},
        {"sort": "id; drop"},
        {"page": "۹۹۹۹۹۹۹۹۹۹۹۹"},
        {"participation": "\x00"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


def _map_counts(body: str) -> dict[str, str]:
    return dict(re.findall(r'aria-label="([^":]+): ([۰-۹]+) فرصت"', body))


def test_the_map_counts_each_county_with_the_other_filters(client: Client, three: dict) -> None:
    body = client.get(reverse("investment:catalogue")).content.decode()
    counts = _map_counts(body)
    assert counts["ری"] == "۲"
    assert counts["دماوند"] == "۱"
    assert counts["فیروزکوه"] == "۰"
    assert len(counts) == 16
    assert 'href="/investment/?county=rey"' in body
    # Another filter is kept in the tiles' links and counted; the chosen county does not
    # hide the others.
    body = client.get(reverse("investment:catalogue"), {"sector": "industry", "county": "rey"})
    counts = _map_counts(body.content.decode())
    assert counts["ری"] == "۱" and counts["دماوند"] == "۰"
    assert "sector=industry&amp;county=damavand" in body.content.decode()
    # The table beside it for screen readers.
    assert "<caption>شمار فرصت‌ها در هر شهرستان" in body.content.decode()


def test_unpublished_opportunity_is_not_found(client: Client, three: dict) -> None:
    assert client.get(reverse("investment:detail", args=[three["draft"].pk])).status_code == 404
    assert client.get("/investment/999999/").status_code == 404


def test_opportunity_page_shows_capital_english_block_and_print_css(
    client: Client, world: Any, make_opportunity: Callable[..., Any]
) -> None:
    opportunity = make_opportunity(
        world,
        status="published",
        title_en="Chitgar Lake tourism complex",
        summary_en="A 120-room resort west of Tehran.",
        irr_percent="18.5",
        payback_years="6",
        returns_assumptions="با نرخ اشغال ۶۰ درصد",
    )
    body = client.get(opportunity.get_absolute_url()).content.decode()
    assert "۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال" in body
    assert "۲۵٬۰۰۰٬۰۰۰٬۰۰۰ تومان" in body
    assert "بیست و پنج میلیارد تومان" in body
    assert re.search(r'<section[^>]*lang="en" dir="ltr"[^>]*>\s*<h2>Chitgar Lake', body)
    assert "investment/investment.css" in body
    assert "۱۸٫۵٪" in body and "با نرخ اشغال" in body
    assert "آخرین به‌روزرسانی" in body
    assert f'action="/investment/{opportunity.pk}/inquire/"' in body


def test_print_stylesheet_hides_the_form_and_navigation() -> None:
    from django.contrib.staticfiles import finders

    with open(finders.find("investment/investment.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "@media print" in css
    assert ".inquiry" in css.split("@media print", 1)[1]


def test_programmes_pages(
    client: Client, world: Any, published_opportunity: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(world, status="published")
    draft = make_programme(world, title="حمایت پیش‌نویس")
    listing = client.get(reverse("investment:programmes")).content.decode()
    assert programme.title in listing and "حمایت پیش‌نویس" not in listing
    page = client.get(reverse("investment:programme", args=[programme.pk]))
    assert page.status_code == 200 and "ماده ۱۳۲" in page.content.decode()
    assert client.get(reverse("investment:programme", args=[draft.pk])).status_code == 404
    # A tourism programme applies to every tourism opportunity.
    detail = client.get(published_opportunity.get_absolute_url()).content.decode()
    assert programme.title in detail


def test_cached_catalogue_shows_a_newly_published_opportunity_at_once(
    client: Client,
    world: Any,
    make_opportunity: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    approved = make_opportunity(world, status="approved", title="پالایشگاه کوچک گاز")
    url = reverse("investment:catalogue")
    assert "پالایشگاه کوچک گاز" not in client.get(url).content.decode()
    assert "پالایشگاه کوچک گاز" not in client.get(url).content.decode()  # from the cache
    from ravabet.investment.services.opportunities import opportunity_step

    with django_capture_on_commit_callbacks(execute=True):
        opportunity_step(actor=world.directorate_staff, opportunity=approved, action="publish")
    assert "پالایشگاه کوچک گاز" in client.get(url).content.decode()
    assert client.get(approved.get_absolute_url()).status_code == 200

"""Counties and agencies are listed in Persian alphabetical order: پ after ب, before و."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ravabet.core.organisation.models import Agency, County
from ravabet.core.organisation.ordering import persian_sort_key

# Code-point order would put پ, چ, ک, گ and ی after و.
NAMES = ["ورامین", "بهارستان", "پاکدشت", "تفرش", "چهاردانگه", "کرج", "گرمسار", "هشتگرد", "یافت‌آباد"]
PERSIAN = [
    "بهارستان",
    "پاکدشت",
    "تفرش",
    "چهاردانگه",
    "کرج",
    "گرمسار",
    "ورامین",
    "هشتگرد",
    "یافت‌آباد",
]


def test_the_key_follows_the_persian_alphabet() -> None:
    assert sorted(NAMES, key=persian_sort_key) == PERSIAN
    assert sorted(["آباده", "آب", "ابهر"], key=persian_sort_key) == ["ابهر", "آب", "آباده"]
    # An Arabic kaf or yeh sorts with the Persian letter.
    assert persian_sort_key("كرج") == persian_sort_key("کرج")


@pytest.fixture
def counties(db: Any) -> None:
    for i, name in enumerate(NAMES):
        County.objects.create(slug=f"c{i}", name=name)


def _order(html: str, names: list[str]) -> list[str]:
    found = sorted(names, key=lambda n: html.index(f">{n}<") if f">{n}<" in html else 10**9)
    assert all(f">{n}<" in html for n in names), "every county is listed"
    return found


def test_county_lists_in_persian_order(counties: None, world: Any, client: Any) -> None:
    ours = County.objects.filter(name__in=NAMES)
    assert [c.name for c in ours] == PERSIAN
    assert [c.name for c in ours.order_by("name")] == PERSIAN
    # The public agency list's county filter and the news search's.
    for url in ("/agencies/", "/search/?q=x"):
        html = client.get(url).content.decode()
        assert _order(html, NAMES) == PERSIAN, url
    # The officer's release form.
    client.force_login(world.officer_roads)
    html = client.get("/backoffice/newsroom/new/").content.decode()
    select = re.search(r'<select name="county".*?</select>', html, re.S)
    assert select is not None
    assert _order(select.group(0), NAMES) == PERSIAN
    # The desk inbox's county filter.
    html = client.get("/backoffice/desk/").content.decode()
    assert _order(html, NAMES) == PERSIAN


def test_agencies_in_persian_order(world: Any) -> None:
    Agency.objects.create(slug="a-vav", name="اداره‌کل ورزش و جوانان", kind="general_directorate")
    Agency.objects.create(slug="a-pe", name="اداره‌کل پست", kind="general_directorate")
    names = [a.name for a in Agency.objects.filter(slug__in=["a-vav", "a-pe"])]
    assert names == ["اداره‌کل پست", "اداره‌کل ورزش و جوانان"]


def test_a_slice_holds_the_database_rows_in_persian_order(counties: None) -> None:
    # The desk's filters read counties as County.objects.order_by("name")[:500].
    ours = County.objects.filter(name__in=NAMES).order_by("name")
    assert [c.name for c in ours[:500]] == PERSIAN
    # A page holds the rows the database gives for it (pages never overlap), sorted.
    first, rest = list(ours[:3]), list(ours[3:])
    assert {c.name for c in first} == set(sorted(NAMES)[:3])
    assert not {c.pk for c in first} & {c.pk for c in rest}
    # values() is the database's order, untouched.
    assert list(ours.values_list("name", flat=True)) == sorted(NAMES)

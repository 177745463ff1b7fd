"""Tag pages work for any tag name a writer can type, a slash included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.factories import make_release

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["خبر/گزارش", "/آغاز", "پایان/", "۵۰٪ پیشرفت?#"])
def test_release_with_a_slash_in_a_tag_links_to_a_working_tag_page(world: Any, name: str) -> None:
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="خبر با برچسب دوبخشی",
        status="published",
        tags=[name],
    )
    client = Client()
    page = client.get(release.get_absolute_url())
    assert page.status_code == 200
    links = re.findall(r'<a class="tag" href="([^"]+)">([^<]+)</a>', page.content.decode())
    assert len(links) == 1
    href, _text = links[0]
    tag_page = client.get(href.replace("&amp;", "&"))
    assert tag_page.status_code == 200
    body = tag_page.content.decode()
    assert "خبر با برچسب دوبخشی" in body
    assert release.get_absolute_url() in body

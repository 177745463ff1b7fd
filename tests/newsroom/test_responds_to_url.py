"""A rebuttal's link to the report it answers is a web address: the public page links to it,
so the service refuses any other scheme whoever calls it (the form's URLField is not the only
way in). Found by the XSS corpus (tests/e2e/test_xss.py): a javascript: link was stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from tests.factories import make_release

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.domain)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//xss.invalid/report",
        "ftp://example.org/report",
    ],
)
def test_a_rebuttal_linking_anything_but_a_web_address_is_refused(world: Any, link: str) -> None:
    data = services.ReleaseInput(
        headline="جوابیهٔ اداره‌کل راه و شهرسازی",
        kind=Release.Kind.REBUTTAL,
        responds_to_url=link,
        responds_to_title="گزارش روزنامه دربارهٔ محور هراز",
    )
    with pytest.raises(ValidationError) as refused:
        services.release_create(actor=world.officer_roads, agency=world.roads, data=data)
    assert "http://" in refused.value.message_dict["responds_to_url"][0]
    assert not Release.objects.exists()


def test_a_rebuttal_links_the_report_it_answers_on_the_public_page(world: Any) -> None:
    link = "https://news.example.org/report/1404?q=%22%3E%3Csvg%3E"
    release = make_release(
        actor=world.head_roads,
        agency=world.roads,
        headline="جوابیهٔ اداره‌کل راه و شهرسازی",
        kind=Release.Kind.REBUTTAL,
        responds_to_url=link,
        responds_to_title="گزارش روزنامه دربارهٔ محور هراز",
        status="published",
    )
    page = Client().get(release.get_absolute_url()).content.decode()
    assert f'href="{link}"' in page

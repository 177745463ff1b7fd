"""The menus mark one current page: the public «نظرسنجی‌ها» on public survey pages, the back
office's own links on back-office survey pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/surveys/", "نظرسنجی‌ها"),
        ("/backoffice/surveys/", "نظرسنجی‌ها"),
        ("/backoffice/surveys/needs/", "گزارش نیازسنجی"),
    ],
)
def test_one_current_link_a_page(world: Any, path: str, current: str) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    html = client.get(path).content.decode()
    marked = html.split('aria-current="page"')[1:]
    assert len(marked) == 1, path
    assert marked[0].lstrip(">").startswith(current)

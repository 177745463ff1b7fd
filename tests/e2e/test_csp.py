"""Pages that bring their own scripts still work under the Content-Security-Policy.

The `page` fixture fails any test during which the browser reported a blocked script or style.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ravabet.core.organisation import demo
from tests.e2e.test_newsroom import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db: Any) -> None:
    demo.load()


def test_api_docs_render_their_operations(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 3


def test_admin_agency_form_works(live_server: Any, page: Any, people: None) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(live_server.url + "/admin/agencies/agency/add/")
    # The admin's own script fills the slug from the name.
    page.locator("#id_name").press_sequentially("Roads and Urban Development")
    assert page.locator("#id_slug").input_value() == "roads-and-urban-development"


def test_htmx_filter_works_under_the_policy(live_server: Any, page: Any, people: None) -> None:
    login(page, live_server.url, "directorate")
    page.goto(live_server.url + "/backoffice/audit/")
    page.locator("select").first.select_option(index=1)
    page.wait_for_load_state("networkidle")


def test_the_admin_selection_counter_stays_in_persian_digits(
    live_server: Any, page: Any, people: None
) -> None:
    """Django's actions.js rewrites «0 of 16 selected» on every tick; it reads in Persian."""
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(live_server.url + "/admin/agencies/county/")
    page.locator("input.action-select").nth(0).check()
    page.locator("input.action-select").nth(1).check()
    counter = page.locator(".action-counter")
    expect(counter).to_contain_text("۲")
    assert not re.search(r"[0-9]", counter.inner_text())

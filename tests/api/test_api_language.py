"""The API speaks Persian: validation errors (422) in Persian with their field's location, and
a docs page that declares Persian, reads right to left and passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core.schemas import persian_message
from ravabet.core.tokens import services as tokens
from tests.browser_child import in_browser

pytestmark = pytest.mark.django_db


def _post_release(key: str, body: dict[str, Any]) -> Any:
    return Client().post(
        "/api/v1/releases",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def _by_field(response: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
    assert response.status_code == 422
    return {tuple(error["loc"]): error for error in response.json()["detail"]}


def _is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text) and "Input should" not in text


def test_a_missing_field_and_wrong_types_are_named_in_persian(world: Any) -> None:
    _, key = tokens.token_create(actor=world.head_roads, name="نوشتنی")
    errors = _by_field(
        _post_release(key, {"agency": "roads", "tags": "نه فهرست", "from_pdf": "شاید"})
    )
    # The location is ninja's, unchanged: where in the request, then the field.
    assert errors[("body", "payload", "headline")]["msg"] == "این مقدار لازم است."
    assert errors[("body", "payload", "headline")]["type"] == "missing"
    assert errors[("body", "payload", "tags")]["msg"] == "این مقدار باید فهرست باشد."
    assert "درست یا نادرست" in errors[("body", "payload", "from_pdf")]["msg"]
    for error in errors.values():
        assert _is_persian(error["msg"]), error


def test_a_wrong_number_in_the_path_or_a_wrong_time_is_refused_in_persian(world: Any) -> None:
    errors = _by_field(Client().get("/api/v1/releases/abc"))
    assert errors[("path", "release_id")]["msg"] == "این مقدار باید عدد صحیح باشد."
    _, key = tokens.token_create(actor=world.head_roads, name="نوشتنی")
    response = Client().post(
        "/api/v1/releases/1/approve",
        {"publish_at": "فردا ساعت ده"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    error = _by_field(response)[("body", "payload", "publish_at")]
    assert error["type"].startswith("datetime")
    assert error["msg"].startswith("زمان درست نیست")


def test_limits_are_given_in_persian_digits() -> None:
    message = persian_message({"type": "string_too_long", "ctx": {"max_length": 300}})
    assert message == "این متن باید حداکثر ۳۰۰ نویسه باشد."
    # A type we have no message for, or a ctx without the number, still answers in Persian.
    assert _is_persian(persian_message({"type": "something_new", "msg": "Input should be x"}))
    assert _is_persian(persian_message({"type": "string_too_long"}))


def test_the_docs_page_is_persian_and_right_to_left() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "<h1>راهنمای API سامانهٔ روابط</h1>" in html
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    css = Client().get("/api/v1/docs.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    # Code and paths stay left to right inside the right-to-left page.
    assert "direction: ltr" in css.content.decode()
    assert Client().get("/api/v1/docs.js").status_code == 200
    # Neither the stylesheet nor the script is an operation of the API.
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert not any("docs" in p for p in paths)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_passes_axe_with_operations_open(live_server: Any) -> None:
    out = in_browser(
        """
        page.goto(args["url"])
        out["lang"] = page.locator("html").get_attribute("lang")
        out["h1"] = page.locator("h1").first.inner_text()
        page.wait_for_selector(".opblock", timeout=20000)
        out["description"] = page.locator(".swagger-ui .info .description").first.evaluate(
            "e => getComputedStyle(e).direction"
        )
        out["path"] = page.locator(".opblock-summary-path").first.evaluate(
            "e => getComputedStyle(e).direction"
        )
        page.locator(".opblock-summary-control").first.click()
        page.locator(".opblock-post .opblock-summary-control").first.click()
        page.get_by_text("Try it out").first.click()
        page.locator(".execute").first.click()
        page.wait_for_selector(".copy-to-clipboard button[aria-label]")
        out["axe"] = axe()
        """,
        url=live_server.url + "/api/v1/docs",
    )
    assert out["lang"] == "fa" and out["h1"] == "راهنمای API سامانهٔ روابط"
    # Persian descriptions read right to left even when they begin with «API»; paths LTR.
    assert (out["description"], out["path"]) == ("rtl", "ltr")
    assert out["axe"] == []

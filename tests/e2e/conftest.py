"""A real browser: Playwright driving Debian's chromium, headless, against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).with_name("axe.min.js")
# Set RAVABET_SCREENSHOTS=1 (make screenshots) to refresh the pictures in docs/screenshots/.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Django refuses synchronous ORM calls from an event loop; Playwright's sync API runs one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, settings: Any) -> Iterator[Any]:
    # The live server speaks plain http; Secure cookies are for production.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Whatever the site's Content-Security-Policy blocks is a broken page: none is allowed.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert blocked == [], blocked


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern; an added
    # <script> tag would be inline script, refused like any other.
    page.evaluate(AXE.read_text())
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags
    )
    return [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def screenshot(page: Any, name: str) -> None:
    if os.environ.get("RAVABET_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def see(page: Any, text: str) -> None:
    """Wait until the page shows ``text``: a click's navigation may not have begun yet when the
    next line runs, so reading ``page.content()`` at once races it (it can even read empty)."""
    from playwright.sync_api import expect

    expect(page.locator("body")).to_contain_text(text)

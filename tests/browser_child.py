"""A browser in a child process, for tests outside tests/e2e that need one look in a real
browser: Playwright's sync API refuses to start a second time in a process where tests/e2e's
session browser may already run (the suite runs both in one xdist worker)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

BROWSER_SCRIPT = """
import json, sys
from playwright.sync_api import sync_playwright
from tests.e2e.conftest import AXE, CHROMIUM

args = json.loads(sys.argv[1])
out = {}
blocked = []
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
    )
    page = browser.new_page(locale="fa-IR", viewport=args["viewport"])
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def axe():
        page.evaluate(AXE.read_text())
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        result = page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags
        )
        return [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]

%s
    browser.close()
out["blocked"] = blocked
print(json.dumps(out))
"""


def in_browser(body: str, **args: Any) -> dict[str, Any]:
    """Run `body` (indented Python using page, args, out, axe()) in a child browser process."""
    args.setdefault("viewport", {"width": 1280, "height": 900})
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            BROWSER_SCRIPT % textwrap.indent(textwrap.dedent(body), "    "),
            json.dumps(args),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["blocked"] == [], result["blocked"]
    return result

"""Browser tests: Playwright for Python driving Debian's chromium, with axe-core checks.

Run with the rest of the suite (``make test``); they are skipped with a clear reason only if
chromium is missing, which `.ci/run` installs.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: The longest any wait may take, in milliseconds: only a ceiling for a page that never does
#: what is awaited. Every wait is tied to an event of the page (its navigation and load, a
#: response to its own request, or a change of its DOM that ``expect`` polls for), so a busy
#: machine makes the tests slower, not red.
CEILING = 30_000
expect.set_options(timeout=CEILING)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed at {CHROMIUM}: apt-get install chromium")
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


#: Run in every page before its own scripts (by the debugging protocol, which the page's
#: Content-Security-Policy does not govern): keeps each violation of the policy the page reports.
WATCH_SECURITY_POLICY = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page for each test."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


def new_context(browser: Any) -> Any:
    """A browser context in British English whose waits end only at the :data:`CEILING` and
    whose pages record Content-Security-Policy violations."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(CEILING)
    context.add_init_script(WATCH_SECURITY_POLICY)
    return context


def follow(control: Any) -> None:
    """Click a link, or a button that posts a form, and wait until the page it leads to has
    loaded: the page then reads as the new page, in full, not the one left or half of the
    new one (the click itself returns once the browser has committed the new page)."""
    with control.page.expect_navigation():
        control.click()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.2 AA violations axe-core finds on the current page.

    axe-core is evaluated by the browser's debugging protocol rather than added as a script
    tag: the page's Content-Security-Policy rightly refuses inline scripts.
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def assert_accessible(page: Any) -> None:
    """Fail with the list of violations if axe-core finds any on the current page, or if the
    page broke its Content-Security-Policy (an inline script, a style or file from elsewhere)."""
    refused = page.evaluate("window.__cspViolations || []")
    assert refused == [], f"{page.url}: Content-Security-Policy refused {refused}"
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: " + json.dumps(violations, indent=1)

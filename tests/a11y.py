"""Accessibility check for the HTML pages finsam writes: axe-core (shipped inside the PyPI
package axe-playwright-python, never fetched from a CDN) run in the system Chromium through
playwright, with the WCAG 2.1 A and AA rules.

    from a11y import axe_violations, screenshot
    assert axe_violations(path) == []
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextmanager
def browser_page(width: int = 1280, height: int = 900):
    """A playwright page in the system Chromium (finsam's own browser lookup and launch
    arguments); skips the test when no Chromium-family browser is installed."""
    from playwright.sync_api import sync_playwright

    from finsam_lib.publish.pdf import BROWSER_ARGS, find_browser

    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium-family browser on this machine")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def axe_violations(path: str | Path, tags=WCAG_TAGS) -> list[str]:
    """The WCAG violations axe-core finds in an HTML file, one line each: rule id, impact,
    help text and the first offending element (empty list = none)."""
    from axe_playwright_python.sync_playwright import Axe

    with browser_page() as page:
        page.goto(Path(path).resolve().as_uri())
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(tags)},
                                           "resultTypes": ["violations"]})
    return [f"{v['id']} ({v.get('impact')}): {v['help']} — {v['nodes'][0]['html'][:200] if v['nodes'] else ''}"
            for v in results.response["violations"]]


def screenshot(path: str | Path, png: str | Path, width: int = 1280) -> Path:
    """The whole page as a PNG, to look at."""
    with browser_page(width=width) as page:
        page.goto(Path(path).resolve().as_uri())
        page.screenshot(path=str(png), full_page=True)
    return Path(png)

"""PDF through a Chromium-family browser: finding one, printing an exported report to tagged A4
with an outline, a page footer and the contents' page numbers — in one full print per report
(issue 15): a measuring layout that paints only the headings gives each heading's page, the
contents' page boxes are filled in, then the report is printed once.
"""
from __future__ import annotations

import html
import os
import shutil
import sys
from pathlib import Path

from finsam_lib.base.errors import FinsamError


class PublishError(FinsamError, RuntimeError):
    """Publishing failed (message in Swedish)."""


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
PDF_MARGIN = {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"}


def browser_candidates() -> list[str]:
    names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
             "microsoft-edge", "microsoft-edge-stable", "msedge"]
    found = [shutil.which(n) for n in names]
    paths = []
    if sys.platform == "win32":
        for base in filter(None, [os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"),
                                  os.environ.get("LOCALAPPDATA")]):
            paths += [Path(base) / "Google/Chrome/Application/chrome.exe",
                      Path(base) / "Microsoft/Edge/Application/msedge.exe",
                      Path(base) / "Chromium/Application/chrome.exe"]
    elif sys.platform == "darwin":
        for app in ("Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium",
                    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"):
            paths += [Path("/Applications") / app, Path.home() / "Applications" / app]
    else:
        paths += [Path(p) for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium",
                                    "/usr/bin/google-chrome", "/opt/google/chrome/chrome",
                                    "/usr/bin/microsoft-edge", "/opt/microsoft/msedge/msedge")]
    return list(dict.fromkeys([p for p in found if p] + [str(p) for p in paths if p.is_file()]))


def find_browser(explicit: str | None = None) -> str | None:
    """A Chromium-family browser: ``explicit``, $FINSAM_BROWSER, then PATH and standard places."""
    for candidate in (explicit, os.environ.get("FINSAM_BROWSER")):
        if candidate:
            return candidate if Path(candidate).is_file() or shutil.which(candidate) else None
    found = browser_candidates()
    return found[0] if found else None


def footer_template(title: str) -> str:
    style = ("font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 8.5pt; color: #555; "
             "width: 100%; margin: 0 18mm; display: flex; justify-content: space-between;")
    return (f'<div style="{style}"><span>{html.escape(title)}</span>'
            '<span>Sida <span class="pageNumber"></span> av <span class="totalPages"></span></span></div>')


class PdfPrinter:
    """One browser kept open to print many HTML files (use as a context manager)."""

    def __init__(self, browser: str | None = None):
        self.executable = find_browser(browser)
        if not self.executable:
            raise PublishError("Ingen Chromium-baserad webbläsare hittades (Chromium, Chrome eller Edge). "
                               "Installera en, eller ange sökvägen med FINSAM_BROWSER.")
        self._pw = self._browser = None

    def __enter__(self) -> "PdfPrinter":
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=BROWSER_ARGS)
        except Exception as e:
            self._pw.stop()
            raise PublishError(f"Webbläsaren {self.executable} kunde inte startas: {e}") from e
        return self

    def __exit__(self, *exc):
        if self._browser:
            self._browser.close()
        if self._pw:
            self._pw.stop()

    def print(self, html_path: str | Path, pdf_path: str | Path, footer: str = "",
              page_numbers_in_toc: bool = True) -> Path:
        """Print an HTML file to an A4 PDF with "Sida X av Y" footers: tagged, with an outline.

        With ``page_numbers_in_toc`` the table of contents gets the page on which each heading
        falls. The contents' lines get their page-number boxes first, holding placeholder digits
        as wide as the numbers to come (tabular digits), so filling them in cannot move a line or
        a page break; a measuring layout (:meth:`_heading_pages`: nothing painted but the headings)
        reads the pages, and the report is printed once."""
        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
        page = self._browser.new_page()
        try:
            page.goto(html_path.as_uri(), wait_until="load")
            if page_numbers_in_toc and page.locator("nav.toc").count():
                digits = 2
                while True:  # again only if a number is wider than its placeholder (100 pages or more)
                    page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {}, "placeholder": "0" * digits, "final": False})
                    numbers = self._heading_pages(page, footer)
                    widest = len(str(max(numbers.values(), default=0)))
                    if widest <= digits:
                        break
                    digits = widest
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": numbers, "placeholder": "0" * digits, "final": True})
            page.pdf(path=str(pdf_path), **pdf_options(footer))
        finally:
            page.close()
        return pdf_path

    def _heading_pages(self, page, footer: str) -> dict[str, int]:
        """Page number per heading id, read from the outline of a measuring print: the same layout
        with nothing painted but the headings (``visibility`` does not move anything; the headings
        make the outline), which costs a third of a full print."""
        page.evaluate(_MEASURING_JS, True)
        try:
            data = page.pdf(**pdf_options(footer))
        finally:
            page.evaluate(_MEASURING_JS, False)
        ids = page.evaluate("() => Array.from(document.querySelectorAll('main h1[id], main h2[id]'))"
                            ".filter(h => !h.closest('nav')).map(h => [h.id, h.textContent.trim()])")
        return heading_pages_from_pdf(data, ids)


def pdf_options(footer: str) -> dict:
    """Playwright's page.pdf options of every report: A4, margins, "Sida X av Y" footer, tagged, outline."""
    return dict(format="A4", print_background=True, display_header_footer=True, header_template="<span></span>",
                footer_template=footer_template(footer), margin=PDF_MARGIN, outline=True, tagged=True)


# Every contents line gets its dotted leader and page box; a number not (yet) known shows the
# placeholder, whose digits are as wide as any number of as many digits (hidden in the final print).
_SET_TOC_PAGES_JS = """({numbers, placeholder, final}) => {
  for (const a of document.querySelectorAll('nav.toc a')) {
    const id = a.getAttribute('href').slice(1);
    let page = a.querySelector('.toc-page');
    if (!page) {
      const dots = document.createElement('span'); dots.className = 'toc-dots'; a.appendChild(dots);
      page = document.createElement('span'); page.className = 'toc-page'; a.appendChild(page);
    }
    page.textContent = id in numbers ? String(numbers[id]) : placeholder;
    page.style.visibility = id in numbers || !final ? '' : 'hidden';
  }
}"""

# The measuring print's style: nothing painted but the headings (layout unchanged).
_MEASURING_JS = """(on) => {
  const old = document.getElementById('finsam-measuring');
  if (old) old.remove();
  if (!on) return;
  const s = document.createElement('style');
  s.id = 'finsam-measuring';
  s.textContent = 'body * { visibility: hidden !important; } '
    + 'main h1, main h1 *, main h2, main h2 * { visibility: visible !important; }';
  document.head.appendChild(s);
}"""


def heading_pages_from_pdf(data: bytes, ids: list[list[str]]) -> dict[str, int]:
    """Match the PDF outline (bookmarks, in document order) to heading ids."""
    def key(text):  # Chromium drops spaces at line breaks and may repeat a title
        return "".join(text.split()).casefold()

    outline = pdf_outline(data)
    out, i = {}, 0
    for anchor, text in ids:
        norm = key(text)
        for j in range(i, len(outline)):
            if norm and key(outline[j][0]).startswith(norm):
                out[anchor] = outline[j][1]
                i = j + 1
                break
    return out


def pdf_outline(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of a PDF's bookmarks, in order; [] without pypdf."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return []
    import io

    reader = PdfReader(io.BytesIO(data))
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                try:
                    out.append((str(item.title), reader.get_destination_page_number(item) + 1))
                except Exception:
                    continue

    walk(reader.outline)
    return out


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, footer: str = "", browser: str | None = None) -> Path:
    with PdfPrinter(browser) as printer:
        return printer.print(html_path, pdf_path, footer)

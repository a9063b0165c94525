"""PDF through a Chromium-family browser: finding one, printing an exported report to tagged A4
with an outline, a page footer and the contents' page numbers — in one print per report (issue
15): the contents' page boxes hold placeholders while the report is printed, and the pages its
headings landed on are then written into the PDF (:mod:`finsam_lib.publish.pdf_contents`); only
where that cannot be done is it printed again with the numbers in the page.
"""
from __future__ import annotations

import contextlib
import html
import math
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

from finsam_lib.base.errors import FinsamError
from finsam_lib.publish.pdf_contents import PLACEHOLDER_DIGITS, destination_pages, with_contents_pages

T = TypeVar("T")


class PublishError(FinsamError, RuntimeError):
    """Publishing failed (message in Swedish)."""


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
PDF_MARGIN = {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"}
MM = 96 / 25.4  # CSS pixels (96 per inch) per mm
# The page Chromium lays a report out on is the report's @page size, A4 (210 × 297 mm, report.css;
# playwright's format="A4" paper, 8.27 × 11.7 in, only holds it), inside PDF_MARGIN.
PAGE_MM = (210, 297)


def _chromium_margin_px(margin: str) -> float:
    """A PDF_MARGIN value ("18mm") in CSS px as Chromium's print uses it: playwright turns it into
    inches at 3.78 CSS px per mm (crPdf.ts) and Chromium floors that to whole points, 72 per inch
    (print_to_pdf's GetPrintPagesParams): 18 mm → 51 pt = 68 px, 20 mm → 56 pt ≈ 74.67 px."""
    return int(float(margin.removesuffix("mm")) * 3.78 / 96 * 72) * 96 / 72


# PDF_MARGIN as Chromium's print gets it, in CSS px: top, right, bottom, left.
MARGINS_PX = tuple(_chromium_margin_px(PDF_MARGIN[side]) for side in ("top", "right", "bottom", "left"))
# The page area Chromium lays a page out on (page less margins, about 657.70 × 979.85 px), rounded
# UP to whole pixels as Blink does (PageBorderBoxLayoutAlgorithm): 658 × 980. Its width is the
# tab's viewport, the width of the print's first layout.
PAGE_AREA_PX = (math.ceil(PAGE_MM[0] * MM - MARGINS_PX[1] - MARGINS_PX[3]),
                math.ceil(PAGE_MM[1] * MM - MARGINS_PX[0] - MARGINS_PX[2]))
PRINTS_AT_MOST = 4  # a safety net: the second print always agrees with itself (see PdfPrinter.print)


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
    """One browser, and one tab in it, kept open to print many HTML files (use as a context
    manager): opening a tab costs about as much as loading a report."""

    def __init__(self, browser: str | None = None):
        self.executable = find_browser(browser)
        if not self.executable:
            raise PublishError("Ingen Chromium-baserad webbläsare hittades (Chromium, Chrome eller Edge). "
                               "Installera en, eller ange sökvägen med FINSAM_BROWSER.")
        self._pw = self._browser = self._page = None
        self.prints = 0  # full prints made (a report whose contents were filled in takes one)
        self.warmed = False  # warm_up done (or tried)

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

    def _tab(self):
        """The printer's tab, opened once; a report loads into it laid out as for print: print media,
        and a viewport of the page's printable area (the width of the print's first layout)."""
        if self._page is None or self._page.is_closed():
            self._page = self._browser.new_page(
                viewport={"width": PAGE_AREA_PX[0], "height": PAGE_AREA_PX[1]})
            self._page.emulate_media(media="print")
        return self._page

    def print(self, html_path: str | Path, pdf_path: str | Path, footer: str = "",
              page_numbers_in_toc: bool = True) -> Path:
        """Print an HTML file to an A4 PDF with "Sida X av Y" footers: tagged, with an outline.

        With ``page_numbers_in_toc`` the table of contents gets the page on which each heading
        falls, in one print: every contents line gets a page box holding a placeholder as wide as
        the numbers to come (tabular digits), so that they cannot move a line or a page break; the
        report is printed and the pages its headings landed on are written into the PDF
        (pdf_contents.with_contents_pages). Where that cannot be done, the numbers are put into the
        page and it is printed again (the layout is the same, so that print agrees with itself)."""
        data, made = self._printed(Path(html_path), footer, page_numbers_in_toc)
        Path(pdf_path).write_bytes(data)
        self.prints += made
        return Path(pdf_path)

    def _printed(self, html_path: Path, footer: str, page_numbers_in_toc: bool = True) -> tuple[bytes, int]:
        """:meth:`print`'s PDF, and how many prints it took (1, or more where the PDF could not
        be filled in)."""
        page = self._tab()
        try:
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            digits = PLACEHOLDER_DIGITS
            lines = page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {}, "digits": digits, "final": False}
                                  ) if page_numbers_in_toc else []
            data = page.pdf(**pdf_options(footer))
            if not lines:  # no contents on the page, or no page numbers asked for
                return data, 1
            filled = with_contents_pages(data, lines, digits)
            if filled is not None:
                return filled, 1
            made, numbers = 1, _pages_of(data, lines)
            while made < PRINTS_AT_MOST:
                digits = max(digits, _widest(numbers))
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": numbers, "digits": digits, "final": True})
                data, made = page.pdf(**pdf_options(footer)), made + 1
                printed = _pages_of(data, lines)
                if printed == numbers:
                    break
                numbers = printed  # wider numbers than their boxes moved the layout: again
            return data, made
        except Exception:
            page.close()  # a fresh tab for the next report
            raise

    def warm_up(self, page_html: str) -> None:
        """Print a small page once, the way a report is printed, and throw the PDF away: a new
        browser's first print pays for loading fonts and code paths, some 0.2–0.4 s of a cold
        `finsam report`, which this moves to where the caller has time to spare (publish_report:
        while the kernel runs the notebook). Once per printer; it is not counted in ``prints``,
        and a failure is left for the report's own print to meet."""
        import tempfile

        if self.warmed:
            return
        self.warmed = True
        with tempfile.TemporaryDirectory(prefix="finsam-warm-") as tmp:
            page = Path(tmp) / "warm-up.html"
            page.write_text(page_html, encoding="utf-8")
            with contextlib.suppress(Exception):
                self._printed(page, "")


class BackgroundPrinter:
    """A PdfPrinter started in a thread of its own, so that the browser launches while the caller
    goes on (the notebook runs meanwhile); :meth:`print` waits for it. Every call to the printer
    runs in that one thread, as playwright's synchronous API asks. No browser found raises
    PublishError at once."""

    def __init__(self, browser: str | None = None):
        from concurrent.futures import ThreadPoolExecutor

        self._printer = PdfPrinter(browser)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="finsam-pdf")
        self._started = self._thread.submit(self._printer.__enter__)

    def ready(self) -> "BackgroundPrinter":
        """Wait until the browser has started; its failure raises here (PublishError)."""
        self._started.result()
        return self

    def print(self, html_path: str | Path, pdf_path: str | Path, footer: str = "", **kw) -> Path:
        self.ready()
        return self._thread.submit(self._printer.print, html_path, pdf_path, footer, **kw).result()

    @property
    def warmed(self) -> bool:
        return self._printer.warmed

    def warm_up(self, page_html: str) -> None:
        """PdfPrinter.warm_up in the printer's thread, after the browser's start (a browser that did
        not start fails it quietly); returns at once, the next print waits for it."""
        if not self._printer.warmed:
            self._thread.submit(self._printer.warm_up, page_html)

    def close(self) -> None:
        try:
            if self._started.exception() is None:
                self._thread.submit(self._printer.__exit__, None, None, None).result()
        finally:
            self._thread.shutdown()

    def __enter__(self) -> "BackgroundPrinter":
        return self

    def __exit__(self, *exc):
        self.close()


def _widest(numbers: dict[str, int]) -> int:
    return len(str(max(numbers.values(), default=0)))


def pdf_options(footer: str) -> dict:
    """Playwright's page.pdf options of every report: A4, margins, "Sida X av Y" footer, tagged, outline."""
    return dict(format="A4", print_background=True, display_header_footer=True, header_template="<span></span>",
                footer_template=footer_template(footer), margin=PDF_MARGIN, outline=True, tagged=True)


# Every contents line gets its dotted leader and page box; a number not (yet) known shows a
# placeholder of ``digits`` digits, as wide as any number of as many digits (hidden in the final
# print). The placeholders run through the digits in each font the boxes are set in (two digits:
# "01", "23", ... "89", "01"), so that the printed PDF embeds every digit's glyph in that font
# once there are five lines of it (pdf_contents.with_contents_pages writes the pages in them).
# Returns the lines as [heading id, what its box shows], in order.
_SET_TOC_PAGES_JS = """({numbers, digits, final}) => {
  const lines = [], runs = {};
  for (const a of document.querySelectorAll('nav.toc a')) {
    const id = a.getAttribute('href').slice(1);
    let page = a.querySelector('.toc-page');
    if (!page) {
      const dots = document.createElement('span'); dots.className = 'toc-dots'; a.appendChild(dots);
      page = document.createElement('span'); page.className = 'toc-page'; a.appendChild(page);
    }
    const style = getComputedStyle(page), font = style.fontWeight + ' ' + style.fontStyle + ' ' + style.fontFamily;
    const k = runs[font] = (runs[font] ?? -1) + 1;
    const placeholder = Array.from({length: digits}, (_, i) => String((k * digits + i) % 10)).join('');
    page.textContent = id in numbers ? String(numbers[id]) : placeholder;
    page.style.visibility = id in numbers || !final ? '' : 'hidden';
    lines.push([id, page.textContent]);
  }
  return lines;
}"""


def _pages_of(data: bytes, lines: list[list[str]]) -> dict[str, int]:
    """The pages a print put the contents' headings on (by their ids), from its named destinations."""
    pages = destination_pages(data)
    return {i: pages[i] for i, _ in lines if i in pages}


def pdf_outline(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of a PDF's bookmarks, in order; [] without pypdf."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return []
    return read_pdf(data, _outline)


def _outline(reader) -> list[tuple[str, int]]:
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


def read_pdf(data: bytes, use: Callable[[Any], T]) -> T:
    """``use`` applied to a pypdf reader of a PDF in memory: first to a strict reader, which skips
    pypdf's repair pass (the lenient reader checks every object's header against the
    cross-reference table: for a 40-page report's 3 000 objects 9 ms of its 11), which the
    well-formed PDFs Chromium writes don't need; where the strict reader raises
    pypdf.errors.PdfReadError, to a lenient one."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return use(PdfReader(io.BytesIO(data), strict=True))
    except PdfReadError:
        return use(PdfReader(io.BytesIO(data)))


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, footer: str = "", browser: str | None = None) -> Path:
    with PdfPrinter(browser) as printer:
        return printer.print(html_path, pdf_path, footer)

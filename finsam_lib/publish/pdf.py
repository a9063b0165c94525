"""PDF through a Chromium-family browser: finding one, printing an exported report to tagged A4
with an outline, a page footer and the contents' page numbers — in one print per report (issue
15): the pages are first estimated without printing (the same layout cut into columns of the
page area Chromium prints on, :data:`_ESTIMATE_PAGES_JS`), the contents' page boxes filled in, the
report printed, and the print's own outline checked against the estimate; only where they differ
is it printed again with the pages the print gave (none of the demo sets' reports, seeds 0 and 7).
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
# Chromium's maximum shrink when something is wider than the page (kPrintingMaximumShrinkFactor).
MAXIMUM_SHRINK = 1.5
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
        self.prints = 0  # full prints made (a report whose estimate was right takes one)
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
        """The printer's tab, opened once; its viewport is the page's printable area, so that what is
        wider than a page shows as overflow to the estimate."""
        if self._page is None or self._page.is_closed():
            self._page = self._browser.new_page(
                viewport={"width": PAGE_AREA_PX[0], "height": PAGE_AREA_PX[1]})
            self._page.emulate_media(media="print")  # pages load as printed: the estimate's layout
        return self._page

    def print(self, html_path: str | Path, pdf_path: str | Path, footer: str = "",
              page_numbers_in_toc: bool = True) -> Path:
        """Print an HTML file to an A4 PDF with "Sida X av Y" footers: tagged, with an outline.

        With ``page_numbers_in_toc`` the table of contents gets the page on which each heading
        falls. Every contents line gets its page-number box first, holding digits as wide as the
        numbers to come (tabular digits), so that filling in numbers cannot move a line or a page
        break. The numbers are estimated (:meth:`_estimated_pages`), filled in and the report
        printed; the print's outline gives the pages the headings really fell on, and where any
        differs the report is printed again with those (the layout is the same, so that print
        agrees with itself)."""
        data, made = self._printed(Path(html_path), footer, page_numbers_in_toc)
        Path(pdf_path).write_bytes(data)
        self.prints += made
        return Path(pdf_path)

    def _printed(self, html_path: Path, footer: str, page_numbers_in_toc: bool = True) -> tuple[bytes, int]:
        """:meth:`print`'s PDF, and how many prints it took (1, or more where the estimate was off)."""
        page = self._tab()
        made = 0
        try:
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            contents = self._estimated_pages(page) if page_numbers_in_toc else None
            if contents is None:  # no contents on the page, or no page numbers asked for
                return page.pdf(**pdf_options(footer)), 1
            ids, numbers, digits = contents
            for _ in range(PRINTS_AT_MOST):
                data, made = page.pdf(**pdf_options(footer)), made + 1
                printed = heading_pages_from_pdf(data, ids)
                if printed == numbers:
                    break
                # Wider numbers than their boxes move the layout: print again and check again.
                numbers, digits = printed, max(digits, _widest(printed))
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": numbers, "placeholder": "0" * digits, "final": True})
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

    @staticmethod
    def _estimated_pages(page) -> tuple[list[list[str]], dict[str, int], int] | None:
        """The contents filled in with estimated page numbers, in one call into the page (each call
        waits for the page's next frame): ``(ids, numbers, digits)`` — the headings' [id, text] in
        order (for heading_pages_from_pdf), the estimated page per heading id, and the digits of the
        contents' page boxes — or None when the page has no contents (nav.toc).

        The estimate: the report laid out as for print (print media, the page area's width: the
        tab's viewport) and cut into columns of exactly the page area Chromium prints on, which it
        breaks by the same rules as pages (a heading with what follows, figures whole). Like
        Chromium's print, a layout with something wider than the page is laid out again wider by
        the shrink (the widest right edge over the page area's width, at most MAXIMUM_SHRINK), on
        the page and margins scaled by as much (Blink's LocalFrameView::ForceLayoutForPagination,
        CalculateOverflowShrinkForPrinting, PageContainerLayoutAlgorithm,
        PageBorderBoxLayoutAlgorithm), in Blink's arithmetic. The boxes hold two-digit
        placeholders while it is laid out. Agrees with the print for every report of the demo
        sets (seeds 0 and 7); the print still checks it."""
        return page.evaluate(_CONTENTS_JS, {"page": [PAGE_MM[0] * MM, PAGE_MM[1] * MM], "margins": MARGINS_PX,
                                            "shrink": MAXIMUM_SHRINK})


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

_HEADING_IDS_JS = ("() => Array.from(document.querySelectorAll('main h1[id], main h2[id]'))"
                   ".filter(h => !h.closest('nav')).map(h => [h.id, h.textContent.trim()])")

# Headings' pages estimated from a column layout of the printed page area (see
# PdfPrinter._estimated_pages); the title page's forced page break becomes a column break.
# Blink's arithmetic: the page size rounded to its layout unit (1/64 px), the scale and the scaled
# sizes in single precision (Math.fround), each truncated to a layout unit, the page area rounded
# up to whole pixels (without it 8 of 600 widths tried got a page area 1 px off). What is wider than
# the page is a table or a figure (Chromium measures every page's overflow).
_ESTIMATE_PAGES_JS = """({page, margins, shrink}) => {
  const f = Math.fround, unit = x => Math.floor(x * 64) / 64;
  const [pageWidth, pageHeight] = page.map(x => Math.round(x * 64) / 64);
  const [top, right, bottom, left] = margins.map(f);
  const area = (size, start, end, scale) =>
    Math.ceil(unit(f(size * scale)) - unit(f(start * scale)) - unit(f(end * scale)));
  const layout = area(pageWidth, left, right, 1);
  let edge = layout;
  for (const e of document.querySelectorAll('table, figure, svg, img, pre'))
    edge = Math.max(edge, e.getBoundingClientRect().right);
  const scale = Math.min(f(edge / layout), shrink);
  const w = area(pageWidth, left, right, scale), h = area(pageHeight, top, bottom, scale);
  const style = document.createElement('style');
  document.head.appendChild(style);
  style.textContent = `html { width: ${w}px; }
    body { margin: 0; width: ${w}px; height: ${h}px; columns: ${w}px 1; column-gap: 0; column-fill: auto; }
    .title-page { break-after: column !important; }`;
  const origin = document.body.getBoundingClientRect().left;
  const pages = {};
  for (const heading of document.querySelectorAll('main h1[id], main h2[id]')) {
    const box = heading.closest('nav') ? null : heading.getClientRects()[0];
    if (box) pages[heading.id] = Math.floor((box.left - origin + 1) / w) + 1;
  }
  style.remove();
  return pages;
}"""


# PdfPrinter._estimated_pages: the three above in one call (null without contents).
_CONTENTS_JS = f"""(args) => {{
  if (!document.querySelector('nav.toc')) return null;
  const ids = ({_HEADING_IDS_JS})();
  const setPages = {_SET_TOC_PAGES_JS};
  setPages({{numbers: {{}}, placeholder: '00', final: false}});
  const numbers = ({_ESTIMATE_PAGES_JS})(args);
  const digits = Math.max(2, ...Object.values(numbers).map(n => String(n).length));
  setPages({{numbers, placeholder: '0'.repeat(digits), final: true}});
  return [ids, numbers, digits];
}}"""


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

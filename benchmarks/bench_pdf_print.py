"""What a förbund report's PDF costs in a warm browser, print by print (issue 15, point 3).

pdf.PdfPrinter estimates on which page each heading falls without printing (the report laid
out in columns of a page's size), fills the contents' page numbers in, prints once and checks
the print's outline (printing again only where the estimate was wrong). This prints one
already rendered report (HTML) several ways in one warm Chromium, one tab, and gives the
median of each:

  - PdfPrinter.print: as the batch does it (estimate, one print, check)
  - the earlier way: a measuring print (nothing painted but the headings; its outline gives
    the pages), then the print (what PdfPrinter did before)
  - the estimate alone (PdfPrinter._estimated_pages: one call into the page: the headings,
    the column layout, the numbers filled in)
  - one print: page.pdf once with the same options (A4, footer, tagged, outline)
  - one print, untagged: the same without tagged=True (then Chromium writes no outline)
  - page load only: goto (what every way pays before printing)

Run:  .venv/bin/python benchmarks/bench_pdf_print.py REPORT.html [REPORT.html ...] [--repeat N]
      (REPORT.html: e.g. a förbund report from `finsam report forbund NAME --formats html`)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finsam_lib.publish.pdf import (_HEADING_IDS_JS, _SET_TOC_PAGES_JS, PdfPrinter,  # noqa: E402
                                    heading_pages_from_pdf, pdf_options, pdf_outline)

# The earlier way's measuring print: nothing painted but the headings (the layout unchanged).
MEASURING_CSS = ("body * { visibility: hidden !important; } "
                 "main h1, main h1 *, main h2, main h2 * { visibility: visible !important; }")


def median_seconds(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("html", nargs="+", help="already rendered reports")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with PdfPrinter() as printer, tempfile.TemporaryDirectory() as tmp:
        for html in (Path(h).resolve() for h in args.html):
            page = printer._tab()
            footer = html.stem

            def load():
                page.goto(html.as_uri(), wait_until="load")

            def one_print(**changes):
                load()
                return page.pdf(**(pdf_options(footer) | changes))

            def earlier_way():
                load()
                ids = page.evaluate(_HEADING_IDS_JS)
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {}, "placeholder": "00", "final": False})
                page.add_style_tag(content=MEASURING_CSS)
                numbers = heading_pages_from_pdf(page.pdf(**pdf_options(footer)), ids)
                load()
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": numbers, "placeholder": "00", "final": True})
                return page.pdf(**pdf_options(footer))

            def estimate():
                load()
                start = time.perf_counter()
                printer._estimated_pages(page)
                return time.perf_counter() - start

            before = printer.prints
            ours, _ = median_seconds(lambda: printer.print(html, Path(tmp) / "ours.pdf", footer=footer), args.repeat)
            prints = (printer.prints - before) / args.repeat
            earlier, _ = median_seconds(earlier_way, args.repeat)
            alone = statistics.median(estimate() for _ in range(args.repeat))
            one, data = median_seconds(one_print, args.repeat)
            untagged, data_untagged = median_seconds(lambda: one_print(tagged=False), args.repeat)
            loading, _ = median_seconds(load, args.repeat)
            print(f"{html.name}, median of {args.repeat}:")
            print(f"  PdfPrinter.print (estimate, print, check): {ours:5.2f} s  ({prints:.0f} print(s) a report)")
            print(f"  the earlier way (measuring print, print):  {earlier:5.2f} s")
            print(f"  the estimate alone (one call):             {alone:5.2f} s")
            print(f"  one print:                                 {one:5.2f} s  ({len(pdf_outline(data))} bookmarks)")
            print(f"  one print, untagged:                       {untagged:5.2f} s  "
                  f"({len(pdf_outline(data_untagged))} bookmarks)")
            print(f"  page load only:                            {loading:5.2f} s")
            print(f"  ratio the earlier way / PdfPrinter.print:  {earlier / ours:4.1f}×; "
                  f"PdfPrinter.print / one print: {ours / one:4.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

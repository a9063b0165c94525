"""What a förbund report's PDF costs in a warm browser, print by print (issue 15, point 3).

pdf.PdfPrinter prints a report once with placeholders in the contents' page boxes and writes the
pages its headings landed on into the printed PDF (pdf_contents.with_contents_pages; printing
again only where that cannot be done). This prints one already rendered report (HTML) several
ways in one warm Chromium, one tab, and gives the median of each:

  - PdfPrinter.print: as the batch does it (placeholders, one print, the pages written in)
  - two prints, the plain way: a print with the placeholders, its named destinations read, the
    numbers put into the page and printed again (what PdfPrinter falls back to)
  - writing the pages into a printed PDF alone (with_contents_pages)
  - one print: page.pdf once with the same options (A4, footer, tagged, outline): the floor
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

from finsam_lib.publish.pdf import _SET_TOC_PAGES_JS, PdfPrinter, pdf_options, pdf_outline  # noqa: E402
from finsam_lib.publish.pdf_contents import destination_pages, with_contents_pages  # noqa: E402


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

            def placeholders():
                load()
                return page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {}, "digits": 2, "final": False})

            def two_prints():
                lines = placeholders()
                pages = destination_pages(page.pdf(**pdf_options(footer)))
                page.evaluate(_SET_TOC_PAGES_JS, {"numbers": {i: pages[i] for i, _ in lines if i in pages},
                                                  "digits": 2, "final": True})
                return page.pdf(**pdf_options(footer))

            before = printer.prints
            ours, _ = median_seconds(lambda: printer.print(html, Path(tmp) / "ours.pdf", footer=footer), args.repeat)
            prints = (printer.prints - before) / args.repeat
            plain, _ = median_seconds(two_prints, args.repeat)
            lines = placeholders()
            printed = page.pdf(**pdf_options(footer))
            writing, filled = median_seconds(lambda: with_contents_pages(printed, lines), args.repeat)
            one, data = median_seconds(one_print, args.repeat)
            untagged, data_untagged = median_seconds(lambda: one_print(tagged=False), args.repeat)
            loading, _ = median_seconds(load, args.repeat)
            print(f"{html.name}, median of {args.repeat}:")
            print(f"  PdfPrinter.print (one print, pages written in): {ours:5.2f} s  ({prints:.0f} print(s) a report)")
            print(f"  two prints, the plain way:                      {plain:5.2f} s")
            print(f"  writing the pages into the PDF alone:           {writing:5.3f} s  "
                  f"({'filled in' if filled else 'could not: printed again'})")
            print(f"  one print:                                      {one:5.2f} s  ({len(pdf_outline(data))} bookmarks)")
            print(f"  one print, untagged:                            {untagged:5.2f} s  "
                  f"({len(pdf_outline(data_untagged))} bookmarks)")
            print(f"  page load only:                                 {loading:5.2f} s")
            print(f"  ratio two prints / PdfPrinter.print: {plain / ours:4.1f}×; "
                  f"PdfPrinter.print / one print: {ours / one:4.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a förbund report's PDF costs in a warm browser, print by print (issue 15, point 3).

pdf.PdfPrinter lays a report out once to read on which page each heading falls (a
measuring print that paints only the headings; the PDF outline gives the pages), then prints
it once with those page numbers in the table of contents. This prints one already rendered
report (HTML) several ways in one warm Chromium and gives the median of each:

  - PdfPrinter.print: the measuring layout and the print, as the batch does them
  - one print: page.pdf once with the same options (A4, footer, tagged, outline)
  - one print, untagged: the same without tagged=True (then Chromium writes no outline)
  - page load only: new page, goto, close (what every way pays before printing)

Run:  .venv/bin/python benchmarks/bench_pdf_print.py REPORT.html [--repeat N]
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

from finsam_lib.publish.pdf import PDF_MARGIN, PdfPrinter, footer_template, pdf_outline  # noqa: E402


def median_seconds(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("html", help="an already rendered report")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    html = Path(args.html).resolve()
    with PdfPrinter() as printer, tempfile.TemporaryDirectory() as tmp:
        browser = printer._browser

        def one_print(**changes):
            page = browser.new_page()
            page.goto(html.as_uri(), wait_until="load")
            options = dict(format="A4", print_background=True, display_header_footer=True,
                           header_template="<span></span>", footer_template=footer_template(html.stem),
                           margin=PDF_MARGIN, outline=True, tagged=True)
            data = page.pdf(**(options | changes))
            page.close()
            return data

        def load_only():
            page = browser.new_page()
            page.goto(html.as_uri(), wait_until="load")
            page.close()

        ours, _ = median_seconds(lambda: printer.print(html, Path(tmp) / "ours.pdf", footer=html.stem), args.repeat)
        one, data = median_seconds(one_print, args.repeat)
        untagged, data_untagged = median_seconds(lambda: one_print(tagged=False), args.repeat)
        load, _ = median_seconds(load_only, args.repeat)
    print(f"{html.name}, median of {args.repeat}:")
    print(f"  PdfPrinter.print (measure, print): {ours:5.2f} s")
    print(f"  one print:                        {one:5.2f} s  ({len(pdf_outline(data))} bookmarks)")
    print(f"  one print, untagged:              {untagged:5.2f} s  ({len(pdf_outline(data_untagged))} bookmarks)")
    print(f"  page load only:                   {load:5.2f} s")
    print(f"  ratio PdfPrinter.print / one print: {ours / one:4.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

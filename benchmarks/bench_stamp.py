"""What a provenance stamp costs: hashing a year's registration files next to reading them,
and one förbund report published with and without its stamp (same warm kernel and browser).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_stamp.py [--keep DIR] [--forbund NAME] [--repeat 3]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from finsam_lib.apps.demo import write_demo
from finsam_lib.publish import provenance as pv
from finsam_lib.publish.pdf import PdfPrinter, find_browser
from finsam_lib.publish.publish import notebook_path, publish_report, start_kernel
from finsam_lib.registration.reader import read_paths


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", help="use (or write) the demo data here")
    p.add_argument("--forbund", default="Gotland")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp())
    if not any(folder.rglob("*.xlsx")):
        write_demo(folder, years=(2021, 2022))
    data = read_paths([folder])
    n = len(list(folder.rglob("*.xlsx")))
    read = best(lambda: read_paths([folder]), args.repeat)
    stamp_data = best(lambda: pv.data_stamp(data, folder), args.repeat)
    print(f"{n} workbooks: read {read:.3f} s, data stamp (SHA-256 + counts) {stamp_data:.3f} s, "
          f"ratio {stamp_data / read:.2f}")
    formats = ("html", "pdf", "xlsx") if find_browser() else ("html", "xlsx")
    params = {"forbund": args.forbund, "year": 2022, "data": str(folder.resolve()), "min_n": 5, "years_shown": 5,
              "commentary": None}
    stamp = pv.for_output(pv.data_stamp(data, folder), "finsam bench", params)
    out = Path(tempfile.mkdtemp())
    km = start_kernel()
    printer = PdfPrinter().__enter__() if "pdf" in formats else None
    try:
        rows = {}
        for label, s in (("warm-up", None), ("without", None), ("with", stamp), ("without ", None), ("with ", stamp)):
            timings: dict = {}
            start = time.perf_counter()
            publish_report(notebook_path("forbund_report.ipynb"), params, out, f"r-{label.strip()}", "Bench",
                           formats, printer=printer, km=km, timings=timings, stamp=s)
            rows.setdefault(label.strip(), []).append((time.perf_counter() - start, timings))
        for label in ("without", "with"):
            total = min(t for t, _ in rows[label])
            steps = min(rows[label])[1]
            print(f"report {label:7} stamp: {total:.2f} s ({', '.join(f'{k} {v:.3f} s' for k, v in steps.items())})")
        html = (out / "r-with.html").read_text(encoding="utf-8")
        add = best(lambda: pv.add_to_html(html, stamp), args.repeat)
        print(f"colophon into the HTML {add * 1000:.1f} ms; stamp in the PDF: the 'stamp' step above")
        for kind in formats:
            path = out / f"r-with.{kind}"
            print(f"read the stamp back from .{kind}: {best(lambda: pv.read_stamp(path), args.repeat) * 1000:.1f} ms")
    finally:
        if printer:
            printer.__exit__(None, None, None)
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()

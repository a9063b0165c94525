"""What `finsam status` costs for the whole country, next to reading the same files.

On the demo set (2018–2022, ~200 workbooks; written to a temporary folder first, not timed):

  (a) read:    reader.read_paths over the folder (what `finsam validate` does before printing)
  (b) status:  status.collect for 2022: the same reading plus answers against 2021, response
               rates and every data-quality flag
  (c) pages:   status.html and status.xlsx from (b)

Prints the best of --repeat runs of each and the ratios (b)/(a) and ((b)+(c))/(a).

Run:  .venv/bin/python benchmarks/bench_status.py [--data DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finsam_lib.apps.demo import write_demo  # noqa: E402
from finsam_lib.publish.status import collect, write_html, write_xlsx  # noqa: E402
from finsam_lib.registration.reader import read_paths  # noqa: E402

YEAR = 2022


def best(repeat: int, step) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", help="a folder of registration files (default: the demo set)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(args.data) if args.data else Path(tmp) / "demo"
        if not args.data:
            write_demo(data, seed=0)
        read, _ = best(args.repeat, lambda: read_paths([data]))
        status_s, status = best(args.repeat, lambda: collect([data], YEAR))
        pages, _ = best(args.repeat, lambda: (write_html(status, Path(tmp) / "status.html"),
                                              write_xlsx(status, Path(tmp) / "status.xlsx")))
    print(f"förbund in the status: {len(status.forbund)}; flags: {status.flag_counts}")
    print(f"(a) read     {read:6.2f} s")
    print(f"(b) status   {status_s:6.2f} s   (b)/(a) = {status_s / read:.2f}")
    print(f"(c) pages    {pages:6.2f} s   ((b)+(c))/(a) = {(status_s + pages) / read:.2f}")


if __name__ == "__main__":
    main()

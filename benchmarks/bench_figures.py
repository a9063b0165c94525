"""What the one cache of figures.year buys a process that asks every face for a year's figures.

On the demo set (written to a temporary folder, not timed), one process does what a batch worker
and an analyst's session do: the national report, every förbund's report, three decks and the
explorer's national view, each from the data folder — first with the cache (as shipped), then
with it switched off (``MAX_ENTRIES = 0``: every face reads the files and computes its figures
itself). Prints the time, the files read and the distributions computed, side by side.

Run:  .venv/bin/python benchmarks/bench_figures.py [--data DIR] [--year 2022]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finsam_lib.apps.demo import write_demo
from finsam_lib.apps.explore import Explorer
from finsam_lib.figures import method
from finsam_lib.figures import year as yf
from finsam_lib.present import slides
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.report import NationalReport


def every_face(folder: Path, year: int, calls: Counter) -> tuple[float, int, dict]:
    """Seconds, files read and distributions computed for every face's figures of ``year``."""
    calls.clear()
    reads = yf.cache_info()["reads"]
    start = time.perf_counter()
    national = NationalReport.from_paths(folder, year)
    assert len(national.f.dist)
    names = sorted(set(national.f.respondents.query("year == @year").forbund), key=str.casefold)
    for name in names:
        report = ForbundReport.from_paths(folder, name, year)
        assert len(report.dist) and len(report.national)
    for name in names[:3]:
        slides.deck_from_data([folder], year, name)
    Explorer([folder]).distribution(None)
    return time.perf_counter() - start, yf.cache_info()["reads"] - reads, dict(calls)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="registration files (default: the demo set, written to a temp folder)")
    p.add_argument("--year", type=int, default=2022)
    args = p.parse_args(argv)
    folder = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="finsam_bench_figures_"))
    if not args.data:
        write_demo(folder, seed=0)
    calls: Counter = Counter()
    real = method.distribution

    def counting(tidy, level="national", min_n=method.MIN_N):
        calls[level] += 1
        return real(tidy, level, min_n)

    method.distribution = counting
    cached = every_face(folder, args.year, calls)
    shipped, yf.MAX_ENTRIES = yf.MAX_ENTRIES, 0
    yf._CACHE.clear()
    plain = every_face(folder, args.year, calls)
    yf.MAX_ENTRIES = shipped
    rows = [("", "one cache", "no cache"), ("seconds", f"{cached[0]:.2f}", f"{plain[0]:.2f}"),
            ("files read (times)", cached[1], plain[1]), ("distributions computed", cached[2], plain[2])]
    for label, a, b in rows:
        print(f"{label:24}{a!s:>34}{b!s:>34}")
    print(f"no cache / one cache: {plain[0] / cached[0]:.1f}× the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

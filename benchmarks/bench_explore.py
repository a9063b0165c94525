"""How long one update of the explorer takes, next to the plain way.

Writes the demo set (2018–2022, about 197 workbooks; not timed) unless --data is
given, reads it, and then drives the explorer's widgets in-process (no browser)
through many control combinations — förbund, indicator, survey, split, figure and
year set — timing each update: filter, chart, PNG, table HTML and the widget
values set, i.e. everything but the trip to the browser.

  (a) finsam: the distribution of each level computed once and cached
              (explore.Explorer), so an update is a filter and a plot.
  (b) plain:  figures.distribution recomputed from the tidy answers on every
              update (Explorer(cache=False)), then the same filter and plot.

Both ways run the same selections in the same order; the first update of (a)
pays for nothing extra because the levels are computed before (shown apart).
Time spent in the garbage collector inside (a)'s updates is shown too, so a slow
update can be told apart from a stall of a busy machine.

Run:  .venv/bin/python benchmarks/bench_explore.py [--data DIR] [--updates 300] [--seed 1]
Target: every update of (a) under 300 ms on a 2-core machine.
"""
from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finsam_lib.apps.demo import write_demo  # noqa: E402
from finsam_lib.apps.explore import FIGURES, NATIONAL, Explorer  # noqa: E402
from finsam_lib.apps.explore_app import ExplorerApp, settle  # noqa: E402
from finsam_lib.registration.reader import read_paths  # noqa: E402

TARGET = 0.300


def combinations(explorer: Explorer, count: int, seed: int) -> list[dict]:
    """``count`` control settings drawn from every area × indicator × survey × split ×
    figure × year set (national and förbund alike), in a shuffled order."""
    years = explorer.years
    year_sets = [tuple(years), (years[-1],), tuple(years[-2:]), (years[0], years[-1])]
    rng = random.Random(seed)
    areas = explorer.areas()
    out = []
    while len(out) < count:
        area = NATIONAL if rng.random() < 0.25 else rng.choice(areas[1:])
        forbund = None if area == NATIONAL else area
        indicator = rng.choice(explorer.indicators())
        surveys = explorer.surveys(indicator, forbund)
        if not surveys:
            continue
        survey = rng.choice(surveys)
        split = rng.choice([k for k, ok in Explorer.splits(survey).items() if ok])
        out.append({"area": area, "indicator": indicator, "survey": survey, "split": split,
                    "figure": rng.choice(list(FIGURES)), "years": rng.choice(year_sets)})
    return out


class GcClock:
    """Time spent in the garbage collector (all generations), to tell a slow update
    from one that a collection or the machine's other work happened to stall."""

    def __init__(self):
        self.total = 0.0
        self._start = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start


GC = GcClock()


def run(app: ExplorerApp, settings: list[dict], gc_times: list | None = None) -> list[float]:
    times = []
    for values in settings:
        before = GC.total
        app.set(**values)
        times.append(app.seconds)
        if gc_times is not None:
            gc_times.append(GC.total - before)
    return times


def summary(times: list[float]) -> str:
    q = statistics.quantiles(times, n=10)
    return (f"median {1000 * statistics.median(times):6.0f} ms   p90 {1000 * q[-1]:6.0f} ms   "
            f"max {1000 * max(times):6.0f} ms   total {sum(times):6.1f} s")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="registration files (default: the demo set, written to a temp folder)")
    p.add_argument("--updates", type=int, default=300, help="control combinations to time (default 300)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-freeze", action="store_true", help="leave out gc.freeze() after loading")
    args = p.parse_args(argv)

    folder = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="finsam_bench_explore_"))
    out = Path(tempfile.mkdtemp(prefix="finsam_bench_explore_out_"))
    try:
        if not args.data:
            start = time.perf_counter()
            paths = write_demo(folder, seed=0)
            print(f"Demo set: {len(paths)} workbooks in {folder} ({time.perf_counter() - start:.1f} s, not timed).")
        data = read_paths([folder])
        assert not data.errors, data.errors[:5]
        tidy = data.tidy
        years = sorted(int(y) for y in tidy.year.unique())
        print(f"{len(tidy)} answers, {tidy.forbund.nunique()} förbund, years {years}.")

        start = time.perf_counter()
        cached = Explorer(data)
        cached.warm()
        warm = time.perf_counter() - start
        if not args.no_freeze:
            settle()  # as explore_app.start does
        app = ExplorerApp(cached, out)
        plain_app = ExplorerApp(Explorer(data, cache=False), out)
        settings = combinations(cached, args.updates, args.seed)
        run(app, settings[:5])  # fonts, caches of matplotlib: not what an update costs
        run(plain_app, settings[:5])

        gc_cached: list[float] = []
        t_cached = run(app, settings, gc_cached)
        t_plain = run(plain_app, settings)
        slow = [(t, g, s) for t, g, s in zip(t_cached, gc_cached, settings) if t >= TARGET]

        print(f"\n{len(settings)} updates (förbund, indicator, survey, split, figure, years), same order both ways:")
        print(f"(a) finsam, cached levels:          {summary(t_cached)}")
        print(f"(b) plain, distribution each time:  {summary(t_plain)}")
        print(f"ratio (b)/(a): median {statistics.median(t_plain) / statistics.median(t_cached):.2f}, "
              f"total {sum(t_plain) / sum(t_cached):.2f}")
        print(f"(a) computes both levels once at start: {1000 * warm:.0f} ms")
        by_figure = {f: [t for t, s in zip(t_cached, settings) if s["figure"] == f] for f in FIGURES}
        for figure, times in by_figure.items():
            print(f"    (a) {figure:10} {summary(times)}")
        print(f"target: every update of (a) < {1000 * TARGET:.0f} ms: "
              f"{'met' if not slow else f'NOT met ({len(slow)} slower)'}")
        print(f"    garbage collection inside (a)'s updates: {sum(gc_cached):.2f} s in all, "
              f"at most {1000 * max(gc_cached):.0f} ms in one")
        for t, g, s in sorted(slow, key=lambda x: -x[0])[:5]:
            print(f"    {1000 * t:.0f} ms (garbage collection {1000 * g:.0f} ms)  {s}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if not args.data:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

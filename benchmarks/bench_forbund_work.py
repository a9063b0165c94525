"""A förbund report's own work in one process on warm data (what a batch worker's kernel does
per report): per report the median of ``ForbundReport.from_paths`` (the förbund's year figures),
the model build, ``report.html()`` and the Excel resultatfil with its provenance stamp, over
every förbund of the year. ``--against COMMIT`` runs the same in the same sitting with that
commit's ``finsam_lib`` (extracted with ``git archive`` into a temporary folder), side by side.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_forbund_work.py [--data DIR] [--against ebf3a2b] [--rounds 3]

Without ``--data`` it writes the demo set (2018–2022) into a temporary folder first (not timed).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

PARTS = ("from_paths", "model", "html", "excel", "sum")


def measure(data: str, year: int) -> dict[str, float]:
    """Median seconds per förbund report of each part (imports here: the tree on sys.path)."""
    import datetime as dt

    from finsam_lib.figures.year import dataset, prepare
    from finsam_lib.present.forbund_report import ForbundReport
    from finsam_lib.publish import excel, provenance
    from finsam_lib.publish.batch import forbund_of_year

    names = forbund_of_year(dataset(data), year)
    # The country's figures, and every förbund's at once, as a warm batch worker has them (a tree
    # from before EveryForbund prepares the country's only).
    if "every_forbund" in inspect.signature(prepare).parameters:
        prepare(data, year, every_forbund=True)
    else:
        prepare(data, year)
    part = provenance.data_stamp(dataset(data), data)
    day = dt.date(2026, 11, 30)
    times: dict[str, list[float]] = {k: [] for k in PARTS}
    with tempfile.TemporaryDirectory() as tmp:
        for i, name in enumerate([names[0], *names]):  # the first one warms templates and imports
            stamp = provenance.for_output(part, "bench", {"forbund": name, "year": year})
            t0 = time.perf_counter()
            report = ForbundReport.from_paths(data, name, year, published=day)
            t1 = time.perf_counter()
            report.model
            t2 = time.perf_counter()
            report.html()
            t3 = time.perf_counter()
            excel.write_report(report, Path(tmp) / "r.xlsx", stamp)
            t4 = time.perf_counter()
            if i:
                for key, value in zip(PARTS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
                    times[key].append(value)
    return {key: statistics.median(v) for key, v in times.items()} | {"reports": len(names)}


def other_tree(commit: str, folder: Path) -> Path:
    """``finsam_lib`` of ``commit`` extracted into ``folder`` (for PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "tree.tar"
    subprocess.run(["git", "archive", "-o", str(archive), commit, "finsam_lib"], check=True,
                   cwd=Path(__file__).resolve().parents[1])
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data", help="registration files (default: the demo set, written to a temporary folder)")
    p.add_argument("--year", type=int, default=2022)
    p.add_argument("--against", help="a commit to measure side by side (e.g. the base of a change)")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure each tree this many times, alternating (these machines are noisy; "
                        "the table gives the median of the rounds)")
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one tree's figures, for --against
    args = p.parse_args()
    if args.json:
        print(json.dumps(measure(args.data, args.year)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if not data:
            from finsam_lib.apps.demo import write_demo

            data = str(Path(tmp) / "demo")
            write_demo(data)
        trees = {"this tree": str(Path(__file__).resolve().parents[1])}
        if args.against:
            trees[args.against] = str(other_tree(args.against, Path(tmp) / "other"))
        rounds: dict[str, list[dict]] = {label: [] for label in trees}
        for _ in range(max(1, args.rounds)):
            for label, root in trees.items():  # each in a process of its own, one after the other
                env = dict(os.environ, PYTHONPATH=root)
                run = subprocess.run([sys.executable, __file__, "--json", "--data", data, "--year", str(args.year)],
                                     env=env, check=True, capture_output=True, text=True)
                rounds[label].append(json.loads(run.stdout.strip().splitlines()[-1]))
        results = {label: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for label, rs in rounds.items()}
    print(f"per förbund report, median of {int(next(iter(results.values()))['reports'])} (ms), "
          f"median of {max(1, args.rounds)} round(s):")
    print(f"{'':>12}" + "".join(f"{k:>12}" for k in PARTS))
    for label, r in results.items():
        print(f"{label[:12]:>12}" + "".join(f"{1000 * r[k]:12.1f}" for k in PARTS))
    if args.against:
        mine, theirs = results["this tree"], results[args.against]
        print(f"{'ratio':>12}" + "".join(f"{mine[k] / theirs[k]:12.2f}" for k in PARTS))


if __name__ == "__main__":
    main()

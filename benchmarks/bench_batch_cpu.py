"""Where `finsam batch` spends the machine's CPU, by kind of process (issue 15).

The batch keeps both cores busy (vmstat: about 95 % from the first report to the last), so its
time is the CPU work of every process it starts divided by the cores. This runs
`finsam batch --data DATA --year 2022` (HTML, PDF, Excel) and samples, every 0.3 s, the CPU time
(user + system) of the command and every process under it, then prints the seconds per kind:
the kernels (the notebooks' own work and IPython's per cell), the batch workers (papermill's
client, the HTML export, the contents' pages written into the PDF, its stamp), the main
process, and Chromium's processes (renderer: layout and the print; browser, GPU and utility:
the PDF's assembly and transfer) with playwright's driver. Compare the kernels' share with the sections' and Excel's
in-process times of bench_batch.py to see what running them as notebooks costs.

psutil is in the test extra (pyproject.toml), which `make` installs.

Run:  .venv/bin/python benchmarks/bench_batch_cpu.py [--data DIR] [--jobs N]
      (default: the demo set, written to a temporary folder first, not timed)
"""
from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_batch import YEAR, env, finsam_command  # noqa: E402

CHROMIUM_KINDS = ("renderer", "gpu-process", "utility", "zygote")


def kind_of(proc: psutil.Process) -> str:
    """What a process of the batch is, from its name and command line."""
    name, line = proc.name(), " ".join(proc.cmdline())
    if "chrom" in name or "chrom" in line:
        return "chromium " + next((k for k in CHROMIUM_KINDS if f"--type={k}" in line), "browser")
    if "ipykernel" in line:
        return "kernel"
    if "node" in name:
        return "playwright driver"
    if "multiprocessing" in line:
        return "batch worker"
    return "main process"


def cpu_by_kind(command: list[str], interval: float = 0.3) -> tuple[float, dict[str, float]]:
    """Wall seconds of ``command`` and the CPU seconds (user + system) of its processes by kind,
    each process's last sample (a process that ends between two samples loses its last moments)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(proc.pid)
    seen: dict[int, tuple[str, float]] = {}
    while proc.poll() is None:
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in family:
            try:
                t = p.cpu_times()  # the kind asked again each time: a kernel just forked by a
                seen[p.pid] = (kind_of(p), t.user + t.system)  # worker still has the worker's command line
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        time.sleep(interval)
    wall = time.perf_counter() - start
    totals: dict[str, float] = collections.Counter()
    for kind, seconds in seen.values():
        totals[kind] += seconds
    return wall, dict(totals)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="registration files (default: the demo set)")
    ap.add_argument("--jobs", type=int, help="finsam batch --jobs (default: all cores)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="finsam_bench_cpu_"))
    try:
        data = Path(args.data).resolve() if args.data else work / "demo"
        if not args.data:
            from finsam_lib.apps.demo import write_demo
            write_demo(data, seed=0)
        command = [*finsam_command(), "batch", "--data", str(data), "--year", str(YEAR), "--out", str(work / "out"),
                   "--quiet", *(["--jobs", str(args.jobs)] if args.jobs else [])]
        wall, totals = cpu_by_kind(command)
        cores = psutil.cpu_count() or 1
        print(f"finsam batch: {wall:.1f} s on {cores} cores; CPU seconds by process kind:")
        for kind, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
            print(f"  {kind:22} {seconds:6.1f} s")
        total = sum(totals.values())
        print(f"  {'all':22} {total:6.1f} s  ({total / wall:.2f} cores busy on average)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

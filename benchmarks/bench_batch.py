"""How long every report of a year takes with `finsam batch`, next to the plain way.

On the demo set (36 förbund in 2022, 2018–2022; written to a temporary folder
first, not timed) both make the same 37 reports — the national one and every
förbund's — as HTML and PDF from the same notebooks:

  (a) finsam batch:  `finsam batch --data DEMO --year 2022 --formats html,pdf`
                     (worker processes = cores, each with one long-lived kernel that
                     reads the data once, and one browser for every PDF)
  (b) plain way:     for each report, one after another:
                       papermill NOTEBOOK out.ipynb -p ...          (a new kernel each)
                       jupyter nbconvert --to html --no-input out.ipynb
                       chromium --headless --print-to-pdf=out.pdf out.html
                     (nbconvert's own webpdf cannot use the system browser)

It prints both times, the ratio (b)/(a) and whether (a) met the aim: at least 3× faster.
It also checks what (a) wrote, as the test suite does for the national report and three
förbund: every report as HTML and PDF, and index.html linking each; it exits 1 if not.

Run:  .venv/bin/python benchmarks/bench_batch.py [--data DIR] [--limit N] [--jobs N] [--keep DIR] [--no-plain]
      --limit N: only the national report and the first N förbund (a quick run)
      --no-plain: only (a) and its check (the whole country's batch with PDFs, without the slow plain way)
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finsam_lib.batch import forbund_of_year  # noqa: E402
from finsam_lib.forbund_report import report_stem  # noqa: E402
from finsam_lib.publish import BROWSER_ARGS, find_browser, notebook_path  # noqa: E402
from finsam_lib.reader import read_paths  # noqa: E402

YEAR = 2022
AIM = 3.0


def bin_of(name: str) -> str:
    """A tool of the interpreter's environment (.venv/bin/papermill), else from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def plain_way(data: Path, out: Path, forbund: list[str], browser: str) -> tuple[float, dict]:
    """papermill, then nbconvert, then a cold headless Chromium, report after report."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out.mkdir(parents=True, exist_ok=True)
    steps = {"papermill": 0.0, "nbconvert": 0.0, "chromium": 0.0}
    reports = [(notebook_path("national_report.ipynb"), f"nationell-indikatorrapport-{YEAR}", [])]
    for name in forbund:
        reports.append((notebook_path("forbund_report.ipynb"), report_stem(name, YEAR), ["-p", "forbund", name]))
    start = time.perf_counter()
    for notebook, stem, extra in reports:
        executed = out / f"{stem}.ipynb"
        t = time.perf_counter()
        subprocess.run([bin_of("papermill"), str(notebook), str(executed), "-p", "year", str(YEAR),
                        "-p", "data", str(data), *extra, "--cwd", str(notebook.parent), "--no-progress-bar"],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        steps["papermill"] += time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([bin_of("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        steps["nbconvert"] += time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([browser, "--headless", *BROWSER_ARGS, "--no-pdf-header-footer",
                        f"--print-to-pdf={out / (stem + '.pdf')}", (out / f"{stem}.html").as_uri()],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        steps["chromium"] += time.perf_counter() - t
    return time.perf_counter() - start, steps


def batch_way(data: Path, out: Path, forbund: list[str] | None, jobs: int | None) -> float:
    """`finsam batch` (a --limit run names its förbund with --forbund)."""
    cmd = [sys.executable, "-m", "finsam_lib.cli", "batch", "--data", str(data), "--year", str(YEAR),
           "--out", str(out), "--formats", "html,pdf", "--quiet"]
    for name in forbund or []:
        cmd += ["--forbund", name]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - start


def check_batch(out: Path, stems: list[str]) -> list[str]:
    """What is wrong with a batch's output: a report without its HTML or PDF, or not in the index."""
    wrong = []
    index = out / "index.html"
    links = set()
    if index.is_file():
        links = {urllib.parse.unquote(h) for h in re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8"))}
    else:
        wrong.append("no index.html")
    for stem in stems:
        html, pdf = out / f"{stem}.html", out / f"{stem}.pdf"
        if not html.is_file() or html.stat().st_size < 10_000:
            wrong.append(f"{html.name}: missing or nearly empty")
        if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
            wrong.append(f"{pdf.name}: missing or not a PDF")
        wrong += [f"index.html does not link {name}" for name in (html.name, pdf.name) if name not in links]
    return wrong


def count(out: Path, suffix: str) -> int:
    return len([p for p in out.glob(f"*{suffix}") if p.name != "index.html"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="registration files (default: the demo set, written to a temporary folder)")
    ap.add_argument("--limit", type=int, help="only the national report and the first N förbund")
    ap.add_argument("--jobs", type=int, help="finsam batch --jobs (default: all cores)")
    ap.add_argument("--keep", help="keep the demo data and both outputs in this folder")
    ap.add_argument("--no-plain", action="store_true", help="only finsam batch and the check of its output")
    args = ap.parse_args()
    browser = find_browser()
    if not browser:
        print("No Chromium-family browser found: the benchmark needs one for the PDFs.", file=sys.stderr)
        return 1
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="finsam_bench_batch_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.data:
            data = Path(args.data).resolve()
        else:
            from finsam_lib.demo import write_demo
            data = work / "demo"
            if not any(data.rglob("*.xlsx")):
                print(f"Writing the demo set to {data} (not timed) …", flush=True)
                write_demo(data, seed=0)
        forbund = forbund_of_year(read_paths([data]), YEAR)
        chosen = forbund[:args.limit] if args.limit is not None else None
        n = 1 + len(chosen if chosen is not None else forbund)
        print(f"{n} reports (the national one and {n - 1} förbund), HTML and PDF, on {os.cpu_count()} cores.",
              flush=True)
        a_out, b_out = work / "batch", work / "plain"
        for d in (a_out, b_out):
            shutil.rmtree(d, ignore_errors=True)
        a = batch_way(data, a_out, chosen, args.jobs)
        print(f"(a) finsam batch: {a:6.1f} s  ({count(a_out, '.html')} HTML, {count(a_out, '.pdf')} PDF)", flush=True)
        reported = chosen if chosen is not None else forbund
        stems = [f"nationell-indikatorrapport-{YEAR}"] + [report_stem(f, YEAR) for f in reported]
        wrong = check_batch(a_out, stems)
        print(f"check of (a): {len(stems)} reports, HTML and PDF, all in index.html: "
              f"{'ok' if not wrong else 'FAILED'}", flush=True)
        for line in wrong:
            print(f"  {line}", file=sys.stderr)
        if args.no_plain:
            return 1 if wrong else 0
        b, steps = plain_way(data, b_out, reported, browser)
        detail = ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
        print(f"(b) plain way:    {b:6.1f} s  ({count(b_out, '.html')} HTML, {count(b_out, '.pdf')} PDF; {detail})")
        ratio = b / a
        print(f"ratio (b)/(a): {ratio:.1f}× — aim at least {AIM:.0f}×: {'met' if ratio >= AIM else 'NOT met'}")
        return 1 if wrong else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

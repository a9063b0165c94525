"""How long every report of a year takes with `finsam batch`, next to the plain way.

On the demo set (36 förbund in 2022, 2018–2022; written to a temporary folder
first, not timed) both make the same 37 reports — the national one and every
förbund's — as HTML and PDF from the same notebooks:

  (a) finsam batch:  what `finsam batch --data DEMO --year 2022 --formats html,pdf` does on
                     valid data (batch.plan, batch.run, batch.write_index), called in this
                     process so that every report's step timings come back (worker processes
                     = cores, each with one long-lived kernel that reads the data once, and
                     one browser for every PDF)
  (b) plain way:     for each report, one after another:
                       papermill NOTEBOOK out.ipynb -p ...          (a new kernel each)
                       jupyter nbconvert --to html --no-input out.ipynb
                       chromium --headless --print-to-pdf=out.pdf out.html
                     (nbconvert's own webpdf cannot use the system browser)

It prints, per step, the median and the slowest report:
  - in (a), from the batch's own timings: execute (the notebook, including its Excel file),
    HTML (nbconvert) and PDF (the warm browser), and the batch total;
  - measured in this process, one report after another on warm data: read (the registration
    files, once per worker), figures (the national comparison figures, once per worker), the
    report's sections (figures and charts) and its Excel file;
  - the floor: a warm Chromium printing an already rendered report once (no contents pass);
then the plain way's steps, the ratio (b)/(a) and whether (a) met the aim: at least 3× faster.
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
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finsam_lib.present.forbund_report import report_stem  # noqa: E402
from finsam_lib.publish import excel  # noqa: E402
from finsam_lib.publish.batch import forbund_of_year  # noqa: E402
from finsam_lib.publish.publish import BROWSER_ARGS, find_browser, notebook_path  # noqa: E402
from finsam_lib.registration.reader import read_paths  # noqa: E402

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


def batch_way(data: Path, out: Path, forbund: list[str] | None, jobs: int | None) -> tuple[float, list]:
    """What `finsam batch --formats html,pdf` does (planning, workers, index), in this process so that
    each report's step timings come back; returns the wall time and the outcomes."""
    from finsam_lib.publish import batch

    start = time.perf_counter()
    dataset = read_paths([data])
    jobs_ = batch.plan(dataset, data, YEAR, only=forbund)
    outcomes = batch.run(jobs_, out, ("html", "pdf"), workers=jobs)
    batch.write_index(out, dataset, YEAR, outcomes)
    return time.perf_counter() - start, outcomes


def spread(values: list[float]) -> str:
    """'median 1.23 s, max 2.34 s (n)'."""
    if not values:
        return "—"
    return f"median {statistics.median(values):6.2f} s, max {max(values):6.2f} s  (n={len(values)})"


def in_process_steps(data: Path, forbund: list[str]) -> dict[str, list[float]]:
    """read, national figures, one förbund report's sections, its Excel file: one after another."""
    from finsam_lib.figures import year as yf
    from finsam_lib.present import forbund_report as fr

    steps: dict[str, list[float]] = {"read": [], "figures (national, once)": [], "sections (förbund)": [],
                                     "excel (förbund)": []}
    t = time.perf_counter()
    dataset = yf.valid_dataset([str(data)])
    steps["read"].append(time.perf_counter() - t)
    t = time.perf_counter()
    yf.year_figures(dataset, YEAR).samtliga
    steps["figures (national, once)"].append(time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as tmp:
        for name in forbund:
            t = time.perf_counter()
            report = fr.ForbundReport(dataset, name, YEAR)
            report.html()  # the model built and rendered through its templates
            steps["sections (förbund)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            excel.write_report(report, Path(tmp) / "r.xlsx")
            steps["excel (förbund)"].append(time.perf_counter() - t)
    return steps


def floor_pdf(out: Path, stems: list[str]) -> list[float]:
    """A warm Chromium printing each already rendered report once (A4, footer, tagged, outline)."""
    from finsam_lib.publish.publish import PDF_MARGIN, PdfPrinter, footer_template

    times = []
    with PdfPrinter() as printer, tempfile.TemporaryDirectory() as tmp:
        for stem in stems:
            html = out / f"{stem}.html"
            if not html.is_file():
                continue
            t = time.perf_counter()
            page = printer._browser.new_page()
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.pdf(path=str(Path(tmp) / "floor.pdf"), format="A4", print_background=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=footer_template(stem),
                     margin=PDF_MARGIN, outline=True, tagged=True)
            page.close()
            times.append(time.perf_counter() - t)
    return times


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
            from finsam_lib.apps.demo import write_demo
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
        a, outcomes = batch_way(data, a_out, chosen, args.jobs)
        print(f"(a) finsam batch: {a:6.1f} s  ({count(a_out, '.html')} HTML, {count(a_out, '.pdf')} PDF)", flush=True)
        for kind in ("national", "forbund"):
            done = [o for o in outcomes if o.job.kind == kind and o.ok]
            for step in ("execute", "html", "pdf"):
                print(f"    {kind:8} {step:8} {spread([o.timings[step] for o in done if step in o.timings])}")
            print(f"    {kind:8} {'report':8} {spread([o.seconds for o in done])}", flush=True)
        reported = chosen if chosen is not None else forbund
        stems = [f"nationell-indikatorrapport-{YEAR}"] + [report_stem(f, YEAR) for f in reported]
        print("in this process, warm, one after another:")
        for step, values in in_process_steps(data, reported).items():
            print(f"    {step:26} {spread(values)}", flush=True)
        print(f"floor: warm Chromium, one print of a rendered förbund report: {spread(floor_pdf(a_out, stems[1:]))}")
        print(f"floor: the same, the national report: {spread(floor_pdf(a_out, stems[:1]))}", flush=True)
        wrong = check_batch(a_out, stems)
        print(f"check of (a): {len(stems)} reports, HTML and PDF, all in index.html: "
              f"{'ok' if not wrong else 'FAILED'}", flush=True)
        for line in wrong:
            print(f"  {line}", file=sys.stderr)
        if args.no_plain:
            return 1 if wrong else 0
        b, steps = plain_way(data, b_out, reported, browser)
        detail = ", ".join(f"{k} {v:.1f} s ({v / len(stems):.2f} s a report)" for k, v in steps.items())
        print(f"(b) plain way:    {b:6.1f} s  ({count(b_out, '.html')} HTML, {count(b_out, '.pdf')} PDF; {detail})")
        ratio = b / a
        print(f"ratio (b)/(a): {ratio:.1f}× — aim at least {AIM:.0f}×: {'met' if ratio >= AIM else 'NOT met'}")
        return 1 if wrong else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

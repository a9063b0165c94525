"""Every report of a year at once: the national report and each förbund's, in parallel.

``finsam batch`` starts ``jobs`` worker processes (default: one per core). Each
worker keeps ONE kernel and ONE browser for all its reports: the kernel imports
finsam and reads the registration files once (:func:`figures.year.year_figures`
caches them, and the national figures, by path and modification time), the browser prints every PDF. A
report that fails is retried once on a fresh kernel when the failure was the
kernel's or the browser's (e.g. "Address already in use" when kernels start at the
same moment), not when the notebook itself stopped on an error; it never stops
the other reports. The batch ends with ``index.html`` linking every report with
its response counts, a summary of what failed and why, and exit code 1 if anything did.

Also here: the command functions behind ``finsam report forbund`` and ``finsam batch``.
"""
from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from finsam_lib.base.errors import InputError
from finsam_lib.figures import method as fig

NATIONAL = "national"
FORBUND = "forbund"
INDEX = "index.html"


@dataclass
class Job:
    kind: str  # NATIONAL or FORBUND
    name: str  # the förbund ("" for the national report)
    notebook: str
    parameters: dict
    stem: str
    title: str
    weight: int = 0  # bigger first (the national report is the longest)
    stamp: dict | None = None  # provenance stamp for its outputs (provenance.for_output)


@dataclass
class Outcome:
    job: Job
    ok: bool
    paths: dict = field(default_factory=dict)  # format -> file name (relative to the out folder)
    error: str = ""
    seconds: float = 0.0
    attempts: int = 1
    timings: dict = field(default_factory=dict)


# --- Planning -------------------------------------------------------------------------------------

def parse_formats(text: str) -> list[str]:
    """'html, PDF' -> ['html', 'pdf']; raises InputError (a ValueError; Swedish) on an unknown format."""
    from finsam_lib.publish.publish import FORMATS

    formats = [f.strip().lower() for f in str(text).split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"Okänt format: {', '.join(unknown) or '(inget)'}; välj bland {', '.join(FORMATS)}.",
                         2)
    return list(dict.fromkeys(formats))


def forbund_of_year(data, year: int) -> list[str]:
    """The förbund with responses in a year, in Swedish alphabetical order (case-insensitive)."""
    r = data.respondents
    return sorted(set(r.loc[r.year == year, "forbund"]), key=str.casefold)


def commentary_for(folder: str | Path | None, forbund: str | None) -> str | None:
    """An analyst's commentary file in a folder: ``<förbund file name>.md|.yaml|.yml``, or
    ``nationell.*`` for the national report."""
    if not folder:
        return None
    from finsam_lib.registration.names import safe_filename
    from finsam_lib.registration.reader import nfc

    stem = "nationell" if forbund is None else safe_filename(forbund)
    # File names compared after NFC: macOS may store an å of a file name decomposed.
    files = {nfc(p.name): p for p in Path(folder).iterdir() if p.is_file()}
    for suffix in (".md", ".yaml", ".yml"):
        path = files.get(f"{stem}{suffix}")
        if path is not None:
            return str(path.resolve())
    return None


def plan(data, data_path: str | Path, year: int, min_n: int = fig.MIN_N, years_shown: int = 5,
         commentary_dir: str | Path | None = None, national: bool = True,
         only: list[str] | None = None, exclude_invalid: bool = False,
         published: str | None = None) -> list[Job]:
    """The reports of a year: the national one first, then every förbund's, largest first.

    ``exclude_invalid``: the notebooks leave out the förbund whose files have errors (a year
    with some broken files; see :mod:`finsam_lib.registration.partial`). ``published``: the reports' date as YYYY-MM-DD (None: the
    day they are made)."""
    from finsam_lib.present.forbund_report import report_stem, report_title
    from finsam_lib.publish.publish import notebook_path

    data_path = str(Path(data_path).resolve())
    jobs = []
    if national:
        jobs.append(Job(NATIONAL, "", str(notebook_path("national_report.ipynb")),
                        {"year": year, "data": data_path, "min_n": min_n,
                         "commentary": commentary_for(commentary_dir, None), "published": published},
                        f"nationell-indikatorrapport-{year}", f"Nationell indikatorrapport {year}",
                        weight=10 ** 9))
        if exclude_invalid:
            jobs[-1].parameters["exclude_invalid"] = True
    sizes = data.respondents[data.respondents.year == year].groupby("forbund").size()
    notebook = str(notebook_path("forbund_report.ipynb"))
    for name in (only if only is not None else forbund_of_year(data, year)):
        jobs.append(Job(FORBUND, name, notebook,
                        {"forbund": name, "year": year, "data": data_path, "min_n": min_n,
                         "years_shown": years_shown, "commentary": commentary_for(commentary_dir, name),
                         "published": published},
                        report_stem(name, year), report_title(name, year), weight=int(sizes.get(name, 0))))
        if exclude_invalid:
            jobs[-1].parameters["exclude_invalid"] = True
    seen: dict[str, int] = {}
    for job in jobs:  # two names with the same safe file name (e.g. "A/B" and "A-B") keep both files
        k = seen.get(job.stem.casefold(), 0)
        seen[job.stem.casefold()] = k + 1
        if k:
            job.stem = f"{job.stem}-{k + 1}"
    return sorted(jobs, key=lambda j: -j.weight)


# --- Workers --------------------------------------------------------------------------------------

class Worker:
    """One kernel and (for PDFs) one browser, used for report after report: started together
    (publish.Started), the kernel reading the files and computing the year's national figures
    (``warm_up``) while the browser launches."""

    def __init__(self, out: str | Path, formats, browser: str | None = None, warm_up: str | None = None):
        self.out, self.formats, self.browser, self.warm_up = Path(out), tuple(formats), browser, warm_up
        self._started = self.km = self.printer = None
        self._reports = 0  # reports begun on this kernel (publish.freeze_kernel before the second)

    def __enter__(self) -> "Worker":
        self._start(self.warm_up)
        return self

    def _start(self, warm_up: str | None):
        from finsam_lib.publish.publish import Started

        self._started = Started(self.formats, warm_up, self.browser)
        self._reports = 0
        try:
            self.km, self.printer = self._started.kernel(), self._started.printer
            if self.printer is not None:
                self.printer.ready()  # a browser that cannot start stops the worker here, not each report
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc):
        if self._started is not None:
            try:
                self._started.__exit__(None, None, None)
            except Exception:
                pass

    def send(self, code: str) -> None:
        """Code for the kernel to run before the next report (publish.Started.send)."""
        self._started.send(code)

    def _restart(self):
        """A fresh kernel (and browser) after a failure that was theirs."""
        self.__exit__()
        self._start(None)

    def run(self, job: Job) -> Outcome:
        from finsam_lib.publish.pdf import PublishError
        from finsam_lib.publish.publish import freeze_kernel, publish_report

        start = time.perf_counter()
        for attempt in (1, 2):
            timings: dict = {}
            try:
                if not self.km.is_alive():
                    self._restart()
                if self._reports == 1:  # what the first report loaded, out of full collections
                    freeze_kernel(self.km)
                self._reports += 1
                paths = publish_report(job.notebook, job.parameters, self.out, job.stem, job.title,
                                       formats=self.formats, printer=self.printer, km=self.km, timings=timings,
                                       stamp=job.stamp)
                return Outcome(job, True, {k: p.name for k, p in paths.items()}, seconds=time.perf_counter() - start,
                               attempts=attempt, timings=timings)
            except PublishError as e:  # the notebook stopped on an error: running it again won't help
                return Outcome(job, False, error=str(e), seconds=time.perf_counter() - start, attempts=attempt,
                               timings=timings)
            except Exception as e:  # the kernel's or the browser's trouble: once more on fresh ones
                error = f"{type(e).__name__}: {e}".strip()
                if attempt == 2:
                    return Outcome(job, False, error=error, seconds=time.perf_counter() - start, attempts=attempt,
                                   timings=timings)
                try:
                    self._restart()
                except Exception as e2:
                    return Outcome(job, False, error=f"{error}; omstart misslyckades: {e2}",
                                   seconds=time.perf_counter() - start, attempts=attempt, timings=timings)
        raise AssertionError("unreachable")


def _terminate(*_):
    raise SystemExit(1)


def worker_main(wid: int, tasks, results, warm_ups, out: str, formats, browser: str | None) -> None:
    """A worker process (Pool): start a kernel (importing the report notebooks' modules) and a
    browser; take the year's warm-up from ``warm_ups`` (None: stop) and send it to the kernel; then
    take jobs until None, report ('start', wid, i), then ('done', wid, i, outcome)."""
    signal.signal(signal.SIGTERM, _terminate)  # so that the kernel and the browser are shut down
    try:
        with Worker(out, formats, browser, start_code()) as worker:
            warm = warm_ups.get()
            if warm is None:
                return
            if warm[0]:
                worker.send(warm[0])
            while True:
                item = tasks.get()
                if item is None:
                    break
                i, job = item
                results.put(("start", wid, i, None))
                results.put(("done", wid, i, worker.run(job)))
    except BaseException as e:  # cannot start: say why, the main process fails this worker's jobs
        results.put(("dead", wid, None, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"))
        if not isinstance(e, Exception):
            raise


def start_code() -> str:
    """What a worker's kernel runs as it starts, before the files are read: the imports of every
    report notebook (publish.notebook_imports)."""
    from finsam_lib.publish.publish import notebook_imports, notebook_path

    return "\n".join(dict.fromkeys(line for name in ("national_report.ipynb", "forbund_report.ipynb")
                                   for line in notebook_imports(notebook_path(name))))


# From how many förbund reports a batch's kernels make every förbund's figures at once
# (figures.year.EveryForbund): that costs each kernel about 0.5 s at its start, while the browser
# launches, and saves each förbund report about 0.1 s (the demo set).
EVERY_FORBUND_FROM = 10


def warm_up(jobs: list[Job], handoffs: str | Path | None = None) -> str | None:
    """What each worker's kernel runs as it starts (publish.warm_up_code of every notebook the jobs
    use: their imports, the files read and the year's national figures computed, and every
    förbund's own figures at once when the jobs hold EVERY_FORBUND_FROM förbund reports or more).
    ``handoffs``: a folder where the files this process has read are handed over
    (figures.year.hand_over), for the kernels to take instead of reading them again; it must
    outlive the workers' start."""
    from finsam_lib.figures.year import hand_over
    from finsam_lib.publish.publish import warm_up_code

    sources = dict.fromkeys(j.parameters["data"] for j in jobs)
    taken = {s: hand_over(s, Path(handoffs) / f"dataset-{i}.pickle") if handoffs else None
             for i, s in enumerate(sources)}
    many = sum(j.kind == FORBUND for j in jobs) >= EVERY_FORBUND_FROM
    return "\n".join(dict.fromkeys(
        warm_up_code(j.notebook, j.parameters["data"], j.parameters["year"], j.parameters["min_n"],
                     j.parameters.get("exclude_invalid", False), taken[j.parameters["data"]],
                     every_forbund=many and j.kind == FORBUND)
        for j in jobs)) or None


def run(jobs: list[Job], out: str | Path, formats, workers: int | None = None, browser: str | None = None,
        progress=None) -> list[Outcome]:
    """Run the jobs on ``workers`` processes (default: the number of cores, at most one a job):
    :class:`Pool` started and :meth:`Pool.run`. Returns the outcomes in the jobs' order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    with Pool(out, formats, workers, browser) as pool:
        return pool.run(jobs, progress)


class Pool:
    """The batch's worker processes (``workers``, default one per core), started before the jobs
    are known: each starts its kernel, importing the report notebooks' modules (:func:`start_code`), and
    its browser, while this process reads and checks the files (``finsam batch``: some 1.5 s of
    the demo set's start, issue 15). :meth:`run` then hands them the files as read here and the
    jobs. Use as a context manager: leaving stops the workers (their kernels and browsers), also
    when :meth:`run` was never called (the files had errors)."""

    def __init__(self, out: str | Path, formats, workers: int | None = None, browser: str | None = None):
        import multiprocessing as mp

        self.out, self.formats = Path(out), tuple(formats)
        self.workers = max(1, workers or os.cpu_count() or 1)
        ctx = mp.get_context("spawn")
        self._tasks, self._results = ctx.Queue(), ctx.Queue()
        self._warm_ups = {wid: ctx.Queue() for wid in range(self.workers)}
        self._handoffs = tempfile.TemporaryDirectory(prefix="finsam-batch-")
        self._procs = {wid: ctx.Process(target=worker_main, args=(wid, self._tasks, self._results, self._warm_ups[wid],
                                                                   str(self.out), self.formats, browser),
                                        name=f"finsam-batch-{wid}", daemon=False)
                       for wid in range(self.workers)}
        for p in self._procs.values():
            p.start()
        self._told: set[int] = set()  # workers sent their warm-up (or told to stop)

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc):
        for wid in self._procs:
            self._tell(wid, None)
        for p in self._procs.values():
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)
        self._handoffs.cleanup()

    def _tell(self, wid: int, warm) -> None:
        if wid not in self._told:
            self._told.add(wid)
            self._warm_ups[wid].put(warm)

    def run(self, jobs: list[Job], progress=None) -> list[Outcome]:
        """Run the jobs (once per pool); ``progress(outcome)`` is called as each report is done. The
        files this process has read (figures.year.dataset) are handed to the workers' kernels, which
        then do not read them again. Workers beyond the number of jobs stop. Returns the outcomes in
        the jobs' order."""
        self.out.mkdir(parents=True, exist_ok=True)
        code = warm_up(jobs, self._handoffs.name)
        procs = {wid: p for wid, p in self._procs.items() if wid < len(jobs)}
        for wid in self._procs:
            self._tell(wid, (code,) if wid in procs else None)
        for i, job in enumerate(jobs):
            self._tasks.put((i, job))
        for _ in procs:
            self._tasks.put(None)
        outcomes: dict[int, Outcome] = {}
        running: dict[int, int] = {}  # worker -> job index
        dead_reason: dict[int, str] = {}
        while len(outcomes) < len(jobs):
            try:
                kind, wid, i, payload = self._results.get(timeout=1.0)
            except queue.Empty:
                for wid, p in procs.items():
                    if not p.is_alive() and wid not in dead_reason:
                        dead_reason[wid] = f"arbetsprocessen avslutades oväntat (kod {p.exitcode})"
                        if wid in running:
                            j = running.pop(wid)
                            outcomes[j] = Outcome(jobs[j], False, error=dead_reason[wid])
                            if progress:
                                progress(outcomes[j])
                if all(not p.is_alive() for p in procs.values()):
                    break
                continue
            if kind == "start":
                running[wid] = i
            elif kind == "done":
                running.pop(wid, None)
                outcomes[i] = payload
                if progress:
                    progress(payload)
            elif kind == "dead":
                dead_reason[wid] = payload.splitlines()[0]
                if wid in running:
                    j = running.pop(wid)
                    outcomes[j] = Outcome(jobs[j], False, error=dead_reason[wid])
        # Jobs nobody could take (every worker dead).
        reason = "; ".join(sorted(set(dead_reason.values()))) or "ingen arbetsprocess kunde starta"
        for i, job in enumerate(jobs):
            if i not in outcomes:
                outcomes[i] = Outcome(job, False, error=reason)
                if progress:
                    progress(outcomes[i])
        return [outcomes[i] for i in range(len(jobs))]


# --- The index page -------------------------------------------------------------------------------

def index_rows(data, year: int, outcomes: list[Outcome], min_n: int = fig.MIN_N) -> tuple[list[str], list[dict]]:
    """Columns (surveys used that year) and one row per report: name, counts (exact, through
    privacy.count_cell as in the reports; figures.year.YearFigures.counts), links and status."""
    from finsam_lib.figures import privacy
    from finsam_lib.figures.year import DataError, year_figures

    national = year_figures(data, year, None, min_n)
    surveys = list(national.counts.index)
    rows = []
    for o in outcomes:
        if o.job.kind == NATIONAL:
            c = national.counts
            cells = {s: int(c[s]) for s in surveys}
            total = int(c.sum())
            label = o.job.title
        else:
            try:
                c = year_figures(data, year, o.job.name, min_n).counts.reindex(surveys)
            except (DataError, LookupError):  # no answers that year: every cell blank
                c = None
            cells = {s: (None if c is None else privacy.count_cell(c[s], min_n)) for s in surveys}
            total = privacy.total_cell([] if c is None else c.tolist(), min_n)
            label = o.job.name
        rows.append({"label": label, "kind": o.job.kind, "counts": cells, "total": total, "ok": o.ok,
                     "paths": o.paths, "error": o.error})
    return surveys, rows


def write_index(out: str | Path, data, year: int, outcomes: list[Outcome], min_n: int = fig.MIN_N,
                seconds: float | None = None, invalid: dict | None = None, national_note: str = "") -> Path:
    """``index.html``: every report with its response counts and links; failures with their reason;
    ``invalid`` ({förbund: errors}, '' = unknown förbund) the förbund that got no report because their
    files have errors, each error with its file, sheet and cell; ``national_note`` why the national
    report is missing or what it leaves out."""
    from finsam_lib.base import format as fmt
    from finsam_lib.present.model import swedish_date
    from finsam_lib.present.templating import render
    from finsam_lib.publish.publish import stylesheet

    surveys, rows = index_rows(data, year, outcomes, min_n)
    from finsam_lib.publish.provenance import report_checks
    checks = report_checks(out, [(o.paths, o.job.parameters.get("data")) if o.ok else ({}, None) for o in outcomes])
    for r, check in zip(rows, checks):  # is each report's data still what is in the data folder?
        r["current"] = check

    def cell(v):  # the template escapes
        if v is None:
            return fmt.DASH
        return v if isinstance(v, str) else fmt.number(v)

    national = [r for r in rows if r["kind"] == NATIONAL]
    forbund = sorted((r for r in rows if r["kind"] == FORBUND), key=lambda r: r["label"].casefold())
    failed = [r for r in rows if not r["ok"]]
    page = render(
        "batch_index.html.j2", year=year, surveys=surveys, national=national, forbund=forbund, failed=failed, cell=cell,
        invalid=[(name or "Okänt förbund (filen kunde inte läsas)", problems)
                 for name, problems in (invalid or {}).items()], national_note=national_note,
        css=stylesheet(), date=swedish_date(dt.date.today()), done=sum(r["ok"] for r in rows), total=len(rows),
        min_n=min_n, seconds=None if seconds is None else fmt.number(seconds, 0), labels={
            "html": "HTML", "pdf": "PDF", "xlsx": "Excel"})
    path = Path(out) / INDEX
    path.write_text(page, encoding="utf-8")
    return path

"""The batch's worker processes: each keeps ONE kernel and ONE browser for report after report.

A worker's kernel imports finsam as it starts, then takes the registration files as the batch's
main process read them, and the year's figures it made of them once (:func:`warm_up`,
figures.year.hand_over); its browser prints every PDF. A report that fails is retried once
on a fresh kernel when the failure was the kernel's or the browser's (e.g. "Address already in
use" when kernels start at the same moment), not when the notebook itself stopped on an error;
it never stops the other reports.

This module is what a worker process imports (it holds the jobs it is sent): nothing here imports
pandas or the figures at module level, so that a worker starts sooner. Planning the jobs and the
index page are in :mod:`finsam_lib.publish.batch`.
"""
from __future__ import annotations

import os
import queue
import signal
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

NATIONAL = "national"
FORBUND = "forbund"


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


class Worker:
    """One kernel and (for PDFs) one browser, used for report after report: started together
    (publish.Started), the kernel running ``warm_up`` (code: imports, or the files read and the
    year's figures made; more with :meth:`send`) while the browser launches."""

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


# How much a worker (with its kernel and browser, which inherit it) yields to the batch's main
# process: while the workers start, the main process reads the files and makes the year's figures,
# which every worker waits for (issue 15).
WORKER_NICENESS = 10


def worker_main(wid: int, tasks, results, warm_ups, out: str, formats, browser: str | None) -> None:
    """A worker process (Pool): start a kernel (importing the report notebooks' modules) and a
    browser; take the year's warm-up code from ``warm_ups`` (None: stop; "": nothing to run) and send
    it to the kernel; then take jobs until None, report ('start', wid, i), then ('done', wid, i,
    outcome)."""
    signal.signal(signal.SIGTERM, _terminate)  # so that the kernel and the browser are shut down
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    try:
        with Worker(out, formats, browser, start_code()) as worker:
            warm = warm_ups.get()
            if warm is None:
                return
            if warm:
                worker.send(warm)
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
    report notebook (publish.imports_code)."""
    from finsam_lib.publish.publish import imports_code, notebook_path

    return imports_code(notebook_path("national_report.ipynb"), notebook_path("forbund_report.ipynb"))


# From how many förbund reports a batch's kernels make every förbund's figures at once
# (figures.year.EveryForbund): that costs each kernel about 0.5 s at its start, while the browser
# launches, and saves each förbund report about 0.1 s (the demo set).
EVERY_FORBUND_FROM = 10


def warm_up(jobs: list[Job], handoffs: str | Path | None = None) -> str | None:
    """What each worker's kernel runs before its first report, once the files are read (Pool.run
    sends it, after :func:`start_code`; publish.warm_up_code of every notebook the jobs use: their
    imports, the files read and the year's national figures computed, and every
    förbund's own figures at once when the jobs hold EVERY_FORBUND_FROM förbund reports or more).
    ``handoffs``: a folder where the files this process has read, and those figures made here
    once (figures.year.prepare; not for a year whose invalid files the reports leave out), are
    handed over (figures.year.hand_over), for the kernels to take instead of reading and
    computing them again; it must outlive the workers' start."""
    from finsam_lib.figures.year import hand_over, prepare
    from finsam_lib.publish.publish import warm_up_code

    many = sum(j.kind == FORBUND for j in jobs) >= EVERY_FORBUND_FROM
    if handoffs:  # the figures made once here, for every kernel to take (else each makes them)
        for p in dict.fromkeys((j.parameters["data"], j.parameters["year"], j.parameters["min_n"]) for j in jobs
                               if not j.parameters.get("exclude_invalid", False)):
            prepare(*p, every_forbund=many)
    sources = dict.fromkeys(j.parameters["data"] for j in jobs)
    taken = {s: hand_over(s, Path(handoffs) / f"dataset-{i}.pickle") if handoffs else None
             for i, s in enumerate(sources)}
    return "\n".join(dict.fromkeys(
        warm_up_code(j.notebook, j.parameters["data"], j.parameters["year"], j.parameters["min_n"],
                     j.parameters.get("exclude_invalid", False), taken[j.parameters["data"]],
                     every_forbund=many and j.kind == FORBUND)
        for j in jobs)) or None


def run(jobs: list[Job], out: str | Path, formats, workers: int | None = None, browser: str | None = None,
        progress=None) -> list[Outcome]:
    """Run the jobs on ``workers`` processes (default: the number of cores, at most one a job):
    :class:`Pool` started and :meth:`Pool.run`. Returns the outcomes in the jobs' order."""
    with Pool(out, formats, worker_count(workers, len(jobs)), browser) as pool:
        return pool.run(jobs, progress)


def worker_count(asked: int | None = None, jobs: int | None = None) -> int:
    """How many worker processes: ``asked`` (``--jobs``) or one per core, at most one a job."""
    count = max(1, asked or os.cpu_count() or 1)
    return count if jobs is None else max(1, min(count, jobs))


class Pool:
    """The batch's worker processes (``workers``, default one per core), started before the jobs
    are known: each starts its kernel, importing the report notebooks' modules (:func:`start_code`), and
    its browser, while this process reads and checks the files (``finsam batch``: some 1.5 s of
    the demo set's start, issue 15). :meth:`run` then hands them the files as read here and the
    jobs. The workers, and the kernels and browsers they start, run at WORKER_NICENESS: they yield
    to this process, whose files and figures they wait for. Use as a context manager: leaving
    stops the workers (their kernels and browsers), also when :meth:`run` was never called (the
    files had errors)."""

    def __init__(self, out: str | Path, formats, workers: int | None = None, browser: str | None = None):
        import multiprocessing as mp

        self.out, self.formats = Path(out), tuple(formats)
        self.workers = worker_count(workers)
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

    def _tell(self, wid: int, warm: str | None) -> None:
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
        procs = {wid: p for wid, p in self._procs.items() if wid < worker_count(self.workers, len(jobs))}
        for wid in self._procs:
            self._tell(wid, (code or "") if wid in procs else None)
        for i, job in enumerate(jobs):
            self._tasks.put((i, job))
        for _ in procs:
            self._tasks.put(None)
        outcomes: dict[int, Outcome] = {}
        running: dict[int, int] = {}  # worker -> job index
        dead_reason: dict[int, str] = {}

        def settle(i: int, outcome: Outcome) -> None:
            outcomes[i] = outcome
            if progress:
                progress(outcome)

        def gone(wid: int, reason: str) -> None:  # a worker that stopped: its job fails with the reason
            dead_reason[wid] = reason
            if wid in running:
                j = running.pop(wid)
                settle(j, Outcome(jobs[j], False, error=reason))

        while len(outcomes) < len(jobs):
            try:
                kind, wid, i, payload = self._results.get(timeout=1.0)
            except queue.Empty:
                for wid, p in procs.items():
                    if not p.is_alive() and wid not in dead_reason:
                        gone(wid, f"arbetsprocessen avslutades oväntat (kod {p.exitcode})")
                if all(not p.is_alive() for p in procs.values()):
                    break
                continue
            if kind == "start":
                running[wid] = i
            elif kind == "done":
                running.pop(wid, None)
                settle(i, payload)
            elif kind == "dead":
                gone(wid, payload.splitlines()[0])
        # Jobs nobody could take (every worker dead).
        reason = "; ".join(sorted(set(dead_reason.values()))) or "ingen arbetsprocess kunde starta"
        for i, job in enumerate(jobs):
            if i not in outcomes:
                settle(i, Outcome(job, False, error=reason))
        return [outcomes[i] for i in range(len(jobs))]

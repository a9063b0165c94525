"""Every report of a year at once: the national report and each förbund's, in parallel.

``finsam batch`` plans the reports here (:func:`plan`), runs them on ``jobs`` worker processes
(default: one per core; :mod:`finsam_lib.publish.workers`, each with one kernel and one browser for
all its reports) and ends with ``index.html`` linking every report with its response counts, a
summary of what failed and why, and exit code 1 if anything did.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from finsam_lib.base.errors import InputError
from finsam_lib.figures import method as fig
from finsam_lib.publish.workers import (  # noqa: F401  (the batch's API: its jobs, workers and pool)
    EVERY_FORBUND_FROM, FORBUND, NATIONAL, Job, Outcome, Pool, Worker, run, warm_up)

INDEX = "index.html"


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
    from finsam_lib.publish.report_html import stylesheet

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

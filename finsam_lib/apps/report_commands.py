"""`finsam report national|forbund` and `finsam batch`: the commands that run report notebooks,
and what they share (the formats asked for, the note when PDFs cannot be made, the publication
date, the commentary file, a kernel and browser started while the files are read). Messages to the
user are in Swedish; a command stops with commands.UserError and its exit code."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from finsam_lib.apps.commands import (UserError, load_valid, load_year, print_problems, reading_progress,
                                       resolve_forbund, stamp_of, year_missing)
from finsam_lib.base import format as fmt


DEFAULT_FORMATS = "html,pdf,xlsx"
NO_PDF_NOTE = ("Inga PDF-filer: de kräver en Chromium-baserad webbläsare (Chromium, Chrome eller Edge) och ingen "
               "hittades. Installera en (Debian/Ubuntu: sudo apt-get install chromium) eller ange sökvägen i "
               "FINSAM_BROWSER, och kör igen.")


def report_formats(text: str | None) -> list[str]:
    """The export formats asked for. ``None`` (no --formats given): every format, less PDF when no
    Chromium-family browser is found (then :func:`note_missing_pdf` says so). PDF asked for by name
    without a browser is an error (UserError)."""
    from finsam_lib.publish.batch import parse_formats
    from finsam_lib.publish.pdf import find_browser
    if text is None:
        formats = parse_formats(DEFAULT_FORMATS)
        return formats if find_browser() else [f for f in formats if f != "pdf"]
    try:
        formats = parse_formats(text)
    except ValueError as e:
        raise UserError(str(e), 2) from None
    if "pdf" in formats and not find_browser():
        raise UserError("PDF kräver en Chromium-baserad webbläsare (Chromium, Chrome eller Edge), men ingen "
                        "hittades. Installera en, ange sökvägen i FINSAM_BROWSER eller välj --formats html,xlsx.")
    return formats


def note_missing_pdf(args, formats) -> None:
    """One line on stderr when the default formats went without PDF for want of a browser."""
    if args.formats is None and "pdf" not in formats:
        print(NO_PDF_NOTE, file=sys.stderr)


def published_parameter(args) -> str | None:
    """The notebooks' ``published`` parameter: YYYY-MM-DD, or None for the day the report is made."""
    return args.published.isoformat() if args.published else None


def commentary_file(path: str | None) -> str | None:
    """The commentary file's absolute path for the notebook, read once here so that a missing or
    unreadable file is an error before any report is made (commentary.load's InputError)."""
    if not path:
        return None
    from finsam_lib.present import commentary
    commentary.load(path)
    return str(Path(path).resolve())


def started_for(args, notebook: Path, formats):
    """publish.Started for one report command: its kernel imports the notebook's modules and its
    browser starts while the command line reads and checks the files (then :func:`hand_files_to_kernel`)."""
    from finsam_lib.publish.publish import Started, imports_code
    return Started(formats, imports_code(notebook))


def hand_files_to_kernel(started, args, notebook: Path, folder: str) -> None:
    """Give the kernel of :func:`started_for` the files as this process read them (figures.year.hand_over,
    a pickle in ``folder``, which must outlive the report's run) and have it make the year's national
    figures of them (publish.warm_up_code), instead of reading them a second time: that read was on a
    cold report's critical path, beside this process's own (issue 15). ``started`` None: nothing."""
    if started is None:
        return
    from finsam_lib.figures.year import hand_over
    from finsam_lib.publish.publish import warm_up_code
    source = str(Path(args.data).resolve())
    started.send(warm_up_code(notebook, source, args.year, args.min_n,
                              handoff=hand_over(source, Path(folder) / "dataset.pickle")))


def publish_one(notebook: Path, args, parameters: dict, stem: str, title: str, formats, start: float,
                stamp: dict | None = None, started=None) -> int:
    """Run one report notebook and export it (``started``: :func:`started_for`); prints what was written."""
    from finsam_lib.publish.publish import publish_report
    timings: dict = {}
    paths = publish_report(notebook, parameters, args.out, stem, title, formats, timings=timings,
                           keep_notebook=args.keep_notebook, stamp=stamp,
                           km=started.kernel() if started else None, printer=started.printer if started else None)
    for kind, path in paths.items():
        print(f"  {kind.upper():5} {path}")
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    print(f"Klart på {time.perf_counter() - start:.1f} s ({steps}).")
    return 0


def run_report(args, notebook_name: str, plan) -> int:
    """`finsam report national|forbund`: the notebook (``--notebook`` or finsam's) run and exported, its
    kernel and browser started (:func:`started_for`) while ``plan()`` reads and checks the files.
    ``plan()`` gives (data, the notebook's own parameters, file stem, title, what the progress line
    names), or None after printing why not (exit code 1)."""
    from finsam_lib.publish.publish import notebook_path
    start = time.perf_counter()
    formats = report_formats(args.formats)
    commentary = commentary_file(args.commentary)
    notebook = Path(args.notebook) if args.notebook else notebook_path(notebook_name)
    with started_for(args, notebook, formats) as started, tempfile.TemporaryDirectory(prefix="finsam-") as handoffs:
        if (planned := plan()) is None:
            return 1
        hand_files_to_kernel(started, args, notebook, handoffs)
        data, own, stem, title, what = planned
        parameters = {"year": args.year, "data": str(Path(args.data).resolve()), "min_n": args.min_n, **own,
                      "commentary": commentary, "published": published_parameter(args)}
        print(f"Skapar {what} ({', '.join(formats)}) …", file=sys.stderr)
        code = publish_one(notebook, args, parameters, stem, title, formats, start,
                           stamp_of(args, data, parameters), started)
    note_missing_pdf(args, formats)
    return code


def cmd_report_national(args) -> int:
    """Execute the national report notebook and export HTML, PDF and the Excel resultatfil."""
    def plan():
        data, _ = load_year(args.data, args.year)
        return (data, {}, f"nationell-indikatorrapport-{args.year}", f"Nationell indikatorrapport {args.year}",
                f"nationell indikatorrapport {args.year}")

    return run_report(args, "national_report.ipynb", plan)


def cmd_report_forbund(args) -> int:
    """`finsam report forbund NAME`: one förbund's report (HTML, PDF, Excel)."""
    from finsam_lib.present.forbund_report import report_stem, report_title

    def plan():
        data = load_valid([args.data])
        if data is None:
            return None
        name = resolve_forbund(data, args.name)
        have = sorted(set(data.respondents.loc[data.respondents.forbund == name, "year"]))
        if args.year not in have:
            raise UserError(f"{name} har inga svar mätår {args.year} (har svar: "
                            f"{', '.join(map(str, have)) or 'inga'}).")
        return (data, {"forbund": name, "years_shown": args.years}, report_stem(name, args.year),
                report_title(name, args.year), f"indikatorrapport {args.year} för {name}")

    return run_report(args, "forbund_report.ipynb", plan)


def batch_jobs(args, data) -> tuple[list, dict, str | None]:
    """The reports `finsam batch` makes of ``data`` (batch.plan, each with its provenance stamp), the
    förbund that get none because their files have errors (issue 11; name -> problems) and what is
    said of the national report then (registration.partial.national_report_plan)."""
    from finsam_lib.publish import provenance
    from finsam_lib.publish.batch import forbund_of_year, plan
    from finsam_lib.registration.partial import errors_by_forbund, national_report_plan

    invalid = errors_by_forbund(data)
    national, national_note = national_report_plan(invalid, not args.no_national, args.exclude_invalid)
    valid = [n for n in forbund_of_year(data, args.year) if n not in invalid]
    if args.forbund:  # only the förbund named (those with errors are still listed, without a report)
        named = list(dict.fromkeys(resolve_forbund(data, name) for name in args.forbund))
        without = [name for name in named if name not in forbund_of_year(data, args.year)]
        if without:
            raise UserError(f"{fmt.join_words(without)} har inga svar mätår {args.year}.")
        valid = [n for n in named if n not in invalid]
    jobs = plan(data, args.data, args.year, args.min_n, args.years, args.commentary_dir,
                national=national, only=valid, exclude_invalid=bool(invalid),
                published=published_parameter(args))
    data_part, command = provenance.data_stamp(data, args.data), provenance.command_line(args.argv)
    for job in jobs:
        job.stamp = provenance.for_output(data_part, command, job.parameters)
    return jobs, invalid, national_note


def cmd_batch(args) -> int:
    """`finsam batch`: the national report and every förbund's report of a year, in parallel."""
    from tqdm import tqdm

    from finsam_lib.figures.year import dataset
    from finsam_lib.publish.batch import Pool, write_index
    from finsam_lib.publish.workers import worker_count
    from finsam_lib.registration.partial import problems_text
    start = time.perf_counter()
    formats = report_formats(args.formats)
    if args.commentary_dir and not Path(args.commentary_dir).is_dir():
        raise UserError(f"Mappen med kommentarsfiler {args.commentary_dir} finns inte.")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs ska vara minst 1.", 2)
    # The workers start (their kernels import, their browsers launch) while the files are read here.
    with Pool(args.out, formats, args.jobs) as pool:
        data = dataset([args.data], progress=reading_progress("Läser"))  # cached: the pool hands it over
        if args.year not in data.years():
            print_problems(data, out=sys.stderr, limit=50)
            raise year_missing(data, args.year)
        jobs, invalid, national_note = batch_jobs(args, data)
        print(f"Skapar {len(jobs)} rapporter för mätår {args.year} ({', '.join(formats)}) med "
              f"{worker_count(args.jobs, len(jobs))} parallella processer …", file=sys.stderr)
        bar = tqdm(total=len(jobs), desc="Rapporter", unit="rapport", file=sys.stderr, disable=args.quiet or None)

        def progress(outcome):
            bar.set_postfix_str((outcome.job.name or "nationell")[:30], refresh=False)
            bar.update()
            if not outcome.ok:
                first = outcome.error.splitlines()[0] if outcome.error else ""
                bar.write(f"Misslyckades: {outcome.job.name or outcome.job.title}: {first}", file=sys.stderr)

        outcomes = pool.run(jobs, progress) if jobs else []
        bar.close()
        seconds = time.perf_counter() - start
        # Written while the workers shut their kernels and browsers down.
        index = write_index(args.out, data, args.year, outcomes, args.min_n, seconds, invalid=invalid,
                            national_note=national_note)
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} av {len(outcomes)} rapporter klara på {seconds:.1f} s. Översikt: {index}")
    note_missing_pdf(args, formats)
    if failed:
        print(f"{len(failed)} misslyckades:", file=sys.stderr)
        for o in failed:
            print(f"  {o.job.name or o.job.title}: {o.error}", file=sys.stderr)
    if invalid:
        print(f"{len(invalid)} förbund fick ingen rapport för att deras registreringsfiler har fel:", file=sys.stderr)
        for name, problems in invalid.items():
            print(f"  {name or 'Okänt förbund'} ({len(problems)} fel):", file=sys.stderr)
            for line in problems_text(problems):
                print(f"    {line}", file=sys.stderr)
    if national_note:
        print(national_note, file=sys.stderr)
    return 1 if failed or invalid else 0

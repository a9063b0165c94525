"""The `finsam` commands (``cmd_*``, one per subcommand of :mod:`cli`) and what they share:
reading with progress, printing problems, resolving a förbund, the report formats. Messages to
the user are in Swedish; a command stops with UserError (a FinsamError) and its exit code."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from finsam_lib.base import format as fmt
from finsam_lib.base.errors import FinsamError


def _progress(label: str):
    """A progress bar over an iterable, on stderr, only when it helps."""
    def wrap(items):
        items = list(items)
        if len(items) < 20:
            return items
        from tqdm import tqdm
        return tqdm(items, desc=label, unit="fil", file=sys.stderr, leave=False, disable=None)
    return wrap


def print_problems(data, out=None, limit: int | None = None) -> None:
    out = out or sys.stdout
    problems = sorted(data.problems, key=lambda p: (not p.is_error, p.file))
    for p in problems[:limit]:
        print(p, file=out)
    if limit is not None and len(problems) > limit:
        print(f"… och {len(problems) - limit} till.", file=out)


def print_totals(data, out=None) -> None:
    out = out or sys.stdout
    sheets = data.sheets
    if sheets.empty:
        print("Inga svar lästes.", file=out)
        return
    print("\nRader per fil och enkät (lästa = svar + tomma rader):", file=out)
    for r in sheets.itertuples():
        print(f"  {r.file} | {r.survey}: {r.rows_read} lästa = {r.responses} svar + "
              f"{r.empty_rows} tomma", file=out)
    tot = sheets.groupby(["year", "survey"], sort=False)[["rows_read", "responses", "empty_rows"]].sum()
    print("\nTotalt per år och enkät:", file=out)
    for (year, survey), r in tot.iterrows():
        print(f"  {year} {survey}: {r.rows_read} lästa = {r.responses} svar + {r.empty_rows} tomma", file=out)
    print(f"  Alla: {sheets.rows_read.sum()} lästa rader = {sheets.responses.sum()} svar + "
          f"{sheets.empty_rows.sum()} tomma rader, i {len(data.files)} filer.", file=out)


def summary_line(data) -> str:
    errors = len(data.errors)
    warnings = len(data.problems) - errors
    return f"{errors} fel, {warnings} varningar."


def cmd_validate(args) -> int:
    from finsam_lib.registration.history import check
    from finsam_lib.registration.reader import read_paths
    data = read_paths(args.paths, progress=_progress("Läser"))
    data.problems.extend(check(data, args.paths))
    print_problems(data)
    print_totals(data)
    print("\n" + summary_line(data))
    return 1 if data.errors else 0


def load_valid(paths):
    """Read (once while the files are unchanged: figures.year.dataset); on errors print them and
    return None."""
    from finsam_lib.figures.year import dataset
    data = dataset(paths, progress=_progress("Läser"))
    if data.errors:
        print_problems(data, out=sys.stderr, limit=50)
        print(f"\nInga resultat: {summary_line(data)} Rätta felen (se `finsam validate`).", file=sys.stderr)
        return None
    return data


class UserError(FinsamError):
    """Stops a command: the message (Swedish) goes to the user, the code is the exit code
    (an empty message: the problems were printed already)."""


def resolve_forbund(data, typed):
    """The förbund the user typed, as spelt in the data; UnknownForbund (exit code 2) for none."""
    from finsam_lib.registration.names import match_forbund
    return None if typed is None else match_forbund(typed, data.respondents.forbund.unique())


def year_missing(data, year) -> UserError:
    """The error for a measurement year the data do not hold, naming the years they do."""
    return UserError(f"Mätår {year} finns inte i data (finns: {', '.join(map(str, data.years())) or 'inga'}).")


def load_year(path, year: int, forbund: str | None = None):
    """Valid data that hold `year`, and the förbund the user meant (None = national)."""
    data = load_valid([path])
    if data is None:
        raise UserError()
    name = resolve_forbund(data, forbund)
    if year not in data.years():
        raise year_missing(data, year)
    return data, name


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


def stamp_of(args, data, parameters: dict | None = None) -> dict:
    """The provenance stamp of this command's outputs (provenance.for_output)."""
    from finsam_lib.publish import provenance
    return provenance.for_output(provenance.data_stamp(data, args.data), provenance.command_line(args.argv),
                                 parameters)


def started_for(args, notebook: Path, formats):
    """publish.Started for one report command: its kernel reads the files and computes the year's
    national figures, and its browser starts, while the command line reads and checks the files."""
    from finsam_lib.publish.publish import Started, warm_up_code
    return Started(formats, warm_up_code(notebook, str(Path(args.data).resolve()), args.year, args.min_n))


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


def cmd_results(args) -> int:
    from finsam_lib.figures.year import DataError, year_figures
    start = time.perf_counter()
    data, forbund = load_year(args.data, args.year, args.forbund)
    try:
        results = year_figures([args.data], args.year, forbund, args.min_n)
    except DataError as e:
        raise UserError(str(e)) from None
    paths = results.write(args.out)
    from finsam_lib.publish.provenance import write_json
    paths.append(write_json(args.out, stamp_of(args, data, {"year": args.year, "forbund": forbund,
                                                              "min_n": args.min_n})))
    who = forbund or "nationell nivå"
    print(f"Resultat {args.year}, {who}: {len(results.figures)} rader i figures.csv; "
          f"skrev {', '.join(str(p) for p in paths)} ({time.perf_counter() - start:.1f} s).")
    return 0


def cmd_demo(args) -> int:
    from finsam_lib.apps.demo import YEARS, write_demo
    out = Path(args.out)
    if any(out.rglob("*.xlsx")) and not args.force:
        print(f"{out} innehåller redan registreringsfiler; ange --force för att skriva över.", file=sys.stderr)
        return 1
    start = time.perf_counter()
    from tqdm import tqdm
    bar = tqdm(total=None, desc="Demodata", unit="fil", file=sys.stderr, leave=False, disable=None)

    def progress(items, year):
        bar.set_description(f"Demodata {year}")
        for item in items:
            yield item
            bar.update()

    paths = write_demo(out, seed=args.seed, progress=progress)
    bar.close()
    print(f"Skrev {len(paths)} registreringsfiler för {YEARS[0]}–{YEARS[-1]} till {out} "
          f"({time.perf_counter() - start:.1f} s). Fiktiva svar för övning och demonstration.")
    return 0


def cmd_template(args) -> int:
    from finsam_lib.registration.workbook import write_template
    path = write_template(args.out, args.forbund, args.year)
    print(f"Skrev en tom registreringsfil för {args.forbund} {args.year} till {path}.")
    return 0


def cmd_status(args) -> int:
    """`finsam status`: every förbund's files, problems, answers and data-quality flags for a year."""
    import datetime as dt

    from finsam_lib.publish.status import collect, print_status, write_html, write_xlsx
    today = args.today or dt.date.today()
    if args.reminder_days < 0:
        raise UserError("--reminder-days ska vara 0 eller mer.", 2)
    if not Path(args.data).exists():
        raise UserError(f"{args.data} finns inte.")
    status = collect([args.data], args.year, today, args.reminder_days, progress=_progress("Läser"))
    print_status(status)
    if args.out:
        out = Path(args.out)
        for path in (write_html(status, out / "status.html"), write_xlsx(status, out / "status.xlsx")):
            print(f"  {path}")
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
    with started_for(args, notebook, formats) as started:
        if (planned := plan()) is None:
            return 1
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
    import os

    from tqdm import tqdm

    from finsam_lib.figures.year import dataset
    from finsam_lib.publish.batch import Pool, write_index
    from finsam_lib.registration.partial import problems_text
    start = time.perf_counter()
    formats = report_formats(args.formats)
    if args.commentary_dir and not Path(args.commentary_dir).is_dir():
        raise UserError(f"Mappen med kommentarsfiler {args.commentary_dir} finns inte.")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs ska vara minst 1.", 2)
    # The workers start (their kernels import, their browsers launch) while the files are read here.
    with Pool(args.out, formats, args.jobs) as pool:
        data = dataset([args.data], progress=_progress("Läser"))  # in the cache: the pool hands it to the workers
        if args.year not in data.years():
            print_problems(data, out=sys.stderr, limit=50)
            raise year_missing(data, args.year)
        jobs, invalid, national_note = batch_jobs(args, data)
        workers = max(1, min(args.jobs or os.cpu_count() or 1, len(jobs) or 1))
        print(f"Skapar {len(jobs)} rapporter för mätår {args.year} ({', '.join(formats)}) med {workers} "
              f"parallella processer …", file=sys.stderr)
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


def cmd_explore(args) -> int:
    """Start the explorer notebook as a Voilà app on 127.0.0.1."""
    import signal
    import subprocess

    from finsam_lib.apps.explore import find_data
    from finsam_lib.apps.explore_app import explore_env, notebook_path, port_free, voila_command, wait_until_serving
    data = Path(args.data) if args.data else find_data(Path.cwd())
    if args.data and not data.exists():
        print(f"{args.data} finns inte.", file=sys.stderr)
        return 1
    if not port_free(args.port):
        print(f"Port {args.port} är upptagen. Välj en annan, t.ex. --port {args.port + 1}.", file=sys.stderr)
        return 1
    print(f"Data: {data.resolve()}" if data else
          "Inga registreringsfiler i data/: utforskaren visar demodata (fiktiva svar).", flush=True)
    process = subprocess.Popen(voila_command(notebook_path(), args.port),
                               env=explore_env(data, Path(args.out), args.min_n))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop Voilà too when we are stopped
    try:
        if not wait_until_serving(args.port, process):
            print("Utforskaren kunde inte starta; se meddelandena ovan.", file=sys.stderr)
            process.terminate()
            return 1
        print(f"Utforskaren är igång på http://127.0.0.1:{args.port}/ — öppna adressen i en webbläsare. "
              f"Sparade bilder och tabeller hamnar i {Path(args.out).resolve()}. Avsluta med Ctrl+C.",
              flush=True)
        return process.wait()
    except KeyboardInterrupt:
        print("\nUtforskaren är avslutad.")
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def cmd_notebooks(args) -> int:
    """`finsam notebooks`: copies of the report and explorer notebooks for an analyst to edit."""
    from finsam_lib.publish.notebooks import copy_to
    copied = copy_to(args.out, force=args.force)
    print(f"finsams notebooks i {Path(args.out).resolve()}:")
    for c in copied:
        print(f"  {c.path.name} ({c.status})")
    print(f"Öppna dem i JupyterLab: jupyter lab {args.out}")
    return 0


def cmd_slides(args) -> int:
    """The meeting deck, as PowerPoint and as one HTML file that works offline."""
    from finsam_lib.present.slides import deck_from_data
    from finsam_lib.publish.slides_html import write_html
    from finsam_lib.publish.slides_pptx import write_pptx

    start = time.perf_counter()
    data, forbund = load_year(args.data, args.year, args.forbund)
    deck = deck_from_data([args.data], args.year, forbund, args.min_n, made=args.published)
    out = Path(args.out)
    from finsam_lib.publish.provenance import add_to_html, stamp_pptx
    stamp = stamp_of(args, data, {"year": args.year, "forbund": forbund, "min_n": args.min_n})
    pptx = stamp_pptx(write_pptx(deck, out / f"{deck.file_stem}.pptx"), stamp)
    page = write_html(deck, out / f"{deck.file_stem}.html")
    page.write_text(add_to_html(page.read_text(encoding="utf-8"), stamp, colophon=False), encoding="utf-8")
    print(f"Bildspel {args.year}, {forbund or 'riket'}: {len(deck.slides)} bilder "
          f"({time.perf_counter() - start:.1f} s).")
    print(f"  PowerPoint  {pptx}")
    print(f"  HTML        {page}")
    return 0


def cmd_verify(args) -> int:
    """`finsam verify`: is each output's data (its provenance stamp) still what is in the data folder?"""
    from finsam_lib.publish.provenance import verify
    if not Path(args.data).exists():
        raise UserError(f"{args.data} finns inte.")
    for p in args.paths:
        if not Path(p).exists():
            raise UserError(f"{p} finns inte.")
    checks = verify(args.paths, args.data)
    if not checks:
        raise UserError("Inga rapporter eller resultatfiler med provenansstämpel hittades.")
    for c in checks:
        print(c.message())
    bad = [c for c in checks if not c.ok]
    print(f"\n{len(checks) - len(bad)} av {len(checks)} utdata bygger på oförändrade registreringsfiler.")
    return 1 if bad else 0


def cmd_export(args) -> int:
    """`finsam export`: the answers (one row per respondent) and the figures of `finsam results`
    as SPSS, Stata, Parquet or CSV files, with a provenance.json beside them."""
    from finsam_lib.figures.year import year_figures
    from finsam_lib.publish import export
    from finsam_lib.publish.provenance import write_json
    start = time.perf_counter()
    data = load_valid([args.data])
    if data is None:
        return 1
    years = data.years() if args.year == "all" else [_year(args.year)]
    missing = [y for y in years if y not in set(data.respondents.year)]
    if missing:
        found = ", ".join(map(str, data.years())) or "inga"
        raise UserError(f"Mätår {missing[0]} har inga svar i data (finns: {found}).")
    fmt_ = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt_ not in export.FORMATS:
        raise UserError(f"Okänt format '{fmt_}'; välj --format bland {', '.join(export.FORMATS)}.", 2)
    stamp = stamp_of(args, data, {"year": args.year, "format": fmt_, "with_ids": args.with_ids, "min_n": args.min_n})
    note = f"finsam {stamp['finsam']}, {stamp['created']}: {len(stamp['files'])} registreringsfiler"
    out = Path(args.out)
    answers = export.answers_wide(data, years, with_ids=args.with_ids)
    export.write(answers, out, fmt_, note)
    figures = export.figures_frame([year_figures([args.data], y, None, args.min_n) for y in years])
    second = export.write(figures, export.figures_path(out), fmt_, note)
    proof = write_json(out.parent, stamp, f"{out.name}.provenance.json")
    print(f"Svar: {len(answers.frame)} respondenter × {len(answers.frame.columns)} variabler i {out}; "
          f"resultat: {len(figures.frame)} rader i {second}; stämpel i {proof} "
          f"({time.perf_counter() - start:.1f} s).")
    return 0


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UserError(f"--year ska vara ett mätår (t.ex. 2022) eller all, inte '{text}'.", 2) from None

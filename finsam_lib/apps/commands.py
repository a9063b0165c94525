"""The `finsam` commands (``cmd_*``, one per subcommand of :mod:`cli`; those that run report
notebooks are in :mod:`report_commands`) and what they share: reading with progress, printing
problems, resolving a förbund, the provenance stamp. Messages to the user are in Swedish; a
command stops with UserError (a FinsamError) and its exit code."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from finsam_lib.base.errors import FinsamError


def reading_progress(label: str):
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
    data = read_paths(args.paths, progress=reading_progress("Läser"))
    data.problems.extend(check(data, args.paths))
    print_problems(data)
    print_totals(data)
    print("\n" + summary_line(data))
    return 1 if data.errors else 0


def load_valid(paths):
    """Read (once while the files are unchanged: figures.year.dataset); on errors print them and
    return None."""
    from finsam_lib.figures.year import dataset
    data = dataset(paths, progress=reading_progress("Läser"))
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


def stamp_of(args, data, parameters: dict | None = None) -> dict:
    """The provenance stamp of this command's outputs (provenance.for_output)."""
    from finsam_lib.publish import provenance
    return provenance.for_output(provenance.data_stamp(data, args.data), provenance.command_line(args.argv),
                                 parameters)


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
    status = collect([args.data], args.year, today, args.reminder_days, progress=reading_progress("Läser"))
    print_status(status)
    if args.out:
        out = Path(args.out)
        for path in (write_html(status, out / "status.html"), write_xlsx(status, out / "status.xlsx")):
            print(f"  {path}")
    return 0


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

"""The `finsam` command line. Messages to the user are in Swedish."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import figures as fig


def _progress(label: str):
    """A progress bar over an iterable, on stderr, only when it helps."""
    def wrap(items):
        items = list(items)
        if len(items) < 20:
            return items
        from tqdm import tqdm
        return tqdm(items, desc=label, unit="fil", file=sys.stderr, leave=False, disable=None)
    return wrap


def _read(paths):
    from .reader import read_paths
    return read_paths(paths, progress=_progress("Läser"))


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
    data = _read(args.paths)
    print_problems(data)
    print_totals(data)
    print("\n" + summary_line(data))
    return 1 if data.errors else 0


def load_valid(paths):
    """Read; on errors print them and return None."""
    data = _read(paths)
    if data.errors:
        print_problems(data, out=sys.stderr, limit=50)
        print(f"\nInga resultat: {summary_line(data)} Rätta felen (se `finsam validate`).", file=sys.stderr)
        return None
    return data


def resolve_forbund(data, typed):
    from .names import UnknownForbund, match_forbund
    if typed is None:
        return None
    try:
        return match_forbund(typed, data.respondents.forbund.unique())
    except UnknownForbund as e:
        print(e, file=sys.stderr)
        raise SystemExit(2)


def cmd_results(args) -> int:
    from .results import compute
    start = time.perf_counter()
    data = load_valid([args.data])
    if data is None:
        return 1
    forbund = resolve_forbund(data, args.forbund)
    if args.year not in data.years():
        print(f"Mätår {args.year} finns inte i data (finns: {', '.join(map(str, data.years()))}).",
              file=sys.stderr)
        return 1
    results = compute(data, args.year, forbund, args.min_n)
    paths = results.write(args.out)
    who = forbund or "nationell nivå"
    print(f"Resultat {args.year}, {who}: {len(results.figures)} rader i figures.csv; "
          f"skrev {', '.join(str(p) for p in paths)} ({time.perf_counter() - start:.1f} s).")
    return 0


def cmd_demo(args) -> int:
    from .demo import YEARS, write_demo
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
    from .workbook import write_template
    path = write_template(args.out, args.forbund, args.year)
    print(f"Skrev en tom registreringsfil för {args.forbund} {args.year} till {path}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="finsam", description="Indikatorer för finansiell samordning.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="Kontrollera registreringsfiler.")
    v.add_argument("paths", nargs="+", help="filer eller mappar")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("results", help="Skriv figures.csv, response.csv och trend.csv.")
    r.add_argument("--data", required=True)
    r.add_argument("--year", type=int, required=True)
    r.add_argument("--forbund")
    r.add_argument("--min-n", type=int, default=fig.MIN_N)
    r.add_argument("--out", required=True)
    r.set_defaults(func=cmd_results)

    d = sub.add_parser("demo", help="Skriv demodata (registreringsfiler 2018–2022).")
    d.add_argument("--out", default="data/demo")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--force", action="store_true", help="skriv även om mappen har filer")
    d.set_defaults(func=cmd_demo)

    t = sub.add_parser("template", help="Skriv en tom registreringsfil att fylla i.")
    t.add_argument("--forbund", required=True)
    t.add_argument("--year", type=int, required=True)
    t.add_argument("--out", required=True)
    t.set_defaults(func=cmd_template)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

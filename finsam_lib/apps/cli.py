"""The `finsam` command line: its options and the dispatch to :mod:`commands` and
:mod:`report_commands`. Messages to the user are in Swedish; an error finsam raises on purpose
(FinsamError) is printed, not traced."""
from __future__ import annotations

import argparse
import sys

from finsam_lib.apps import commands, report_commands
from finsam_lib.base.errors import FinsamError
from finsam_lib.figures import method as fig


def iso_date(text: str):
    """``--published 2026-11-30`` as a date; argparse shows the Swedish message on a bad one."""
    import datetime as dt
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ogiltigt datum {text!r}: skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-30") from None


# --- Options shared by several commands, each defined once (argparse parent parsers) ----------------

FORMATS_HELP = ("kommaseparerat: html, pdf, xlsx (standard: alla tre; PDF bara om en Chromium-baserad "
                "webbläsare finns)")
PUBLISHED_HELP = "rapportens datum, ÅÅÅÅ-MM-DD (standard: i dag); visas som ”30 november 2026”"
DATA_HELP = "mapp eller fil med registreringsfiler"


def _options(*arguments: tuple[str, dict]) -> argparse.ArgumentParser:
    """A parent parser holding ``arguments`` (flag, add_argument keywords), for ``parents=[…]``."""
    parent = argparse.ArgumentParser(add_help=False)
    for flag, keywords in arguments:
        parent.add_argument(flag, **keywords)
    return parent


DATA = _options(("--data", {"required": True, "help": DATA_HELP}))
YEAR = _options(("--year", {"type": int, "required": True, "help": "mätår, t.ex. 2022"}))
OUT = _options(("--out", {"required": True, "help": "utmapp"}))
MIN_N = _options(("--min-n", {"type": int, "default": fig.MIN_N, "help": "minsta antal svar som visas"}))
FORMATS = _options(("--formats", {"help": FORMATS_HELP}))
PUBLISHED = _options(("--published", {"type": iso_date, "help": PUBLISHED_HELP}))
# A data set's year, read from its files (results, reports, batch).
DATA_YEAR = [DATA, YEAR]
# One report notebook run (report national, report forbund).
REPORT = _options(
    ("--commentary", {"help": "analytikerns kommentarer (.md eller .yaml), per indikator"}),
    ("--notebook", {"help": argparse.SUPPRESS}),
    ("--keep-notebook", {"action": "store_true", "help": "spara även den körda notebooken"}))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="finsam", description="Indikatorer för finansiell samordning.")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str, parents=()) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help, parents=list(parents))
        parser.set_defaults(func=func)
        return parser

    v = command("validate", commands.cmd_validate, "Kontrollera registreringsfiler.")
    v.add_argument("paths", nargs="+", help="filer eller mappar")

    r = command("results", commands.cmd_results, "Skriv figures.csv, response.csv, trend.csv och changes.csv.",
                [*DATA_YEAR, MIN_N, OUT])
    r.add_argument("--forbund", help="ett förbunds namn (standard: nationell nivå)")

    d = command("demo", commands.cmd_demo, "Skriv demodata (registreringsfiler 2018–2022).")
    d.add_argument("--out", default="data/demo", help="utmapp (standard: data/demo)")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--force", action="store_true", help="skriv även om mappen har filer")

    t = command("template", commands.cmd_template, "Skriv en tom registreringsfil att fylla i.", [YEAR])
    t.add_argument("--forbund", required=True, help="förbundets namn")
    t.add_argument("--out", required=True, help="utfil (.xlsx)")

    st = command("status", commands.cmd_status, "Läget för ett mätår: varje förbunds filer, fel, svar mot "
                 "förra året och datakvalitet; under året även insamlingen hittills (bladet Utdelning).", [YEAR])
    st.add_argument("--data", required=True, help=f"{DATA_HELP} (gärna även förra årets)")
    st.add_argument("--out", help="utmapp för status.html och status.xlsx")
    st.add_argument("--reminder-days", type=int, default=14,
                    help="påminnelse när en enkät delades ut för mer än så många dagar sedan (standard 14)")
    st.add_argument("--today", type=iso_date,
                    help="dagens datum för påminnelserna, t.ex. 2022-05-01 (standard: i dag)")

    rep = sub.add_parser("report", help="Skapa rapporter (HTML, PDF, Excel).")
    rep_sub = rep.add_subparsers(dest="report_kind", required=True)
    report_options = [*DATA_YEAR, OUT, FORMATS, MIN_N, PUBLISHED, REPORT]
    nat = rep_sub.add_parser("national", help="Den nationella indikatorrapporten för ett mätår.",
                             parents=report_options)
    nat.set_defaults(func=report_commands.cmd_report_national)
    frb = rep_sub.add_parser("forbund", help="Ett samordningsförbunds indikatorrapport för ett mätår.",
                             parents=report_options)
    frb.add_argument("name", metavar="NAMN", help="förbundets namn (stavningen behöver inte vara exakt)")
    frb.add_argument("--years", type=int, default=5, help="antal mätår som visas (standard 5)")
    frb.set_defaults(func=report_commands.cmd_report_forbund)

    bat = command("batch", report_commands.cmd_batch,
                  "Alla rapporter för ett mätår: den nationella och varje förbunds, parallellt, med en "
                  "översiktssida (index.html).", [*DATA_YEAR, OUT, FORMATS, MIN_N, PUBLISHED])
    bat.add_argument("--jobs", type=int, help="antal parallella processer (standard: alla kärnor)")
    bat.add_argument("--years", type=int, default=5, help="antal mätår som visas i förbundens rapporter")
    bat.add_argument("--commentary-dir", help="mapp med kommentarsfiler: <förbund>.md/.yaml, nationell.md")
    bat.add_argument("--forbund", action="append", metavar="NAMN",
                     help="bara detta förbunds rapport, inte alla förbunds (kan upprepas; stavningen behöver "
                          "inte vara exakt)")
    bat.add_argument("--no-national", action="store_true", help="bara förbundens rapporter")
    bat.add_argument("--exclude-invalid", action="store_true",
                     help="gör den nationella rapporten utan förbunden vars filer har fel (de nämns i den)")
    bat.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")

    e = command("explore", commands.cmd_explore, "Utforska indikatorerna i webbläsaren (Voilà).", [MIN_N])
    e.add_argument("--data", help="mapp med registreringsfiler (standard: data/, annars demodata)")
    e.add_argument("--port", type=int, default=8866, help="port på 127.0.0.1 (standard 8866)")
    e.add_argument("--out", default="output/explore", help="mapp för sparade bilder och tabeller")

    nb = command("notebooks", commands.cmd_notebooks, "Kopiera rapporternas och utforskarens notebooks till en mapp, "
                 "för att ändra dem i JupyterLab.")
    nb.add_argument("--out", required=True, help="mappen kopiorna hamnar i")
    nb.add_argument("--force", action="store_true", help="skriv över kopior som ändrats")

    sl = command("slides", commands.cmd_slides, "Bildspel för möten (PowerPoint och HTML).",
                 [YEAR, OUT, MIN_N, PUBLISHED])
    who = sl.add_mutually_exclusive_group(required=True)
    who.add_argument("--national", action="store_true", help="riket: alla förbund")
    who.add_argument("--forbund", help="ett förbunds namn (stavningen behöver inte vara exakt)")
    sl.add_argument("--data", default="data", help=f"{DATA_HELP} (standard: data)")

    ex = command("export", commands.cmd_export, "Svaren (en rad per respondent) och resultaten till SPSS, Stata, "
                 "Parquet eller CSV.", [DATA])
    ex.add_argument("--year", required=True, help="mätår, t.ex. 2022, eller all")
    ex.add_argument("--format", choices=["sav", "dta", "parquet", "csv"],
                    help="sav (SPSS), dta (Stata), parquet eller csv (standard: utfilens ändelse)")
    ex.add_argument("--out", required=True, help="utfil för svaren; resultaten hamnar i <namn>-resultat.<ändelse>")
    ex.add_argument("--with-ids", action="store_true", help="ta med fil, blad och rad för varje respondent")
    ex.add_argument("--min-n", type=int, default=fig.MIN_N, help="minsta antal svar för att en andel ska visas")

    ver = command("verify", commands.cmd_verify, "Kontrollera om rapporternas underlag har ändrats sedan de gjordes.")
    ver.add_argument("paths", nargs="+", metavar="UTDATA", help="rapportfiler (html, pdf, xlsx, provenance.json) "
                     "eller mappar med sådana")
    ver.add_argument("--data", required=True, help="mappen med registreringsfilerna nu")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return args.func(args)
    except FinsamError as e:  # every error finsam raises on purpose: its Swedish message, its exit code
        if str(e):
            print(e, file=sys.stderr)
        return e.code


def command() -> int:
    """The `finsam` program (pyproject.toml's console script): :func:`main`, then what it leaves in
    memory kept out of the collector's last passes as the interpreter exits (gc.freeze). With
    pandas, the notebooks' machinery and the files read, those passes took 0.15–0.35 s of a cold
    `finsam report` (issue 15); the process ends right after, so nothing is kept longer. Tests call
    :func:`main`, whose objects must still be collected."""
    import gc
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(command())

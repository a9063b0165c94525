"""`finsam status`: the coordinator's inbox for one measurement year, and a förbund's view of
its own collection during the year.

One row per förbund: its workbooks (name, last modified), errors and warnings (counts and the
first ones, with file, sheet and cell), answers per survey against last year, the response rate,
and the data-quality flags of :mod:`finsam_lib.figures.quality`; worst first. From the Utdelning sheet:
the response rate so far per survey and insats, and the Löpnr due a reminder.

Shown in the terminal (:func:`print_status`), as ``status.html`` (:func:`write_html`, a Jinja2
template with autoescape) and as ``status.xlsx`` (:func:`write_xlsx`).
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base.problems import Problem
from finsam_lib.figures import method as fig
from finsam_lib.figures import quality as qa
from finsam_lib.instrument import definition as ins
from finsam_lib.registration import history

FIRST_PROBLEMS = 3  # problems shown per förbund; the Excel file has them all
# Rank of a förbund's state: lower is worse, and comes first.
STATES = {0: "Fel att rätta", 1: "Ingen fil i år", 2: "Kontrollera", 3: "Varningar", 4: "Klar"}


@dataclass
class WorkbookInfo:
    file: str  # the reader's label (the path as given)
    modified: dt.datetime | None
    name: str = ""  # as shown: the file name, or the path under the data folder when names repeat


@dataclass
class ForbundStatus:
    """One förbund's row: what it sent for the year and what to check."""
    forbund: str
    files: list[WorkbookInfo] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    flags: list[qa.Flag] = field(default_factory=list)
    answers: int = 0
    answers_last: int = 0
    rate_pct: float = float("nan")

    @property
    def rank(self) -> int:
        if self.errors:
            return 0
        if not self.files:
            return 1
        return 2 if self.flags else 3 if self.warnings else 4

    @property
    def state(self) -> str:
        return STATES[self.rank]

    @property
    def change_pct(self) -> float:
        return (self.answers - self.answers_last) / self.answers_last * 100 if self.answers_last else float("nan")

    @property
    def first_problems(self) -> list[Problem]:
        return (self.errors + self.warnings)[:FIRST_PROBLEMS]

    def sort_key(self):
        return (self.rank, -len(self.flags), -len(self.errors), -len(self.warnings), self.forbund.casefold())


@dataclass
class Status:
    """Everything `finsam status` shows for a year."""
    year: int
    today: dt.date
    reminder_days: int
    forbund: list[ForbundStatus]
    flags: list[qa.Flag]
    answers: pd.DataFrame  # quality.answers_by_year
    progress: pd.DataFrame  # quality.collection_progress
    reminders: pd.DataFrame  # quality.reminders_due
    other_problems: list[Problem]  # problems tied to no förbund (a folder, an unreadable file)
    seconds: float = 0.0

    @property
    def surveys(self) -> list[str]:
        used = set(self.answers.survey) - {fig.TOTAL}
        return ins.in_report_order(used)

    @property
    def flag_counts(self) -> dict[str, int]:
        return qa.flag_counts(self.flags)

    def count(self, what: str) -> int:
        return sum(len(getattr(f, what)) for f in self.forbund)


def collect(paths, year: int, today: dt.date | None = None, reminder_days: int = 14, progress=None) -> Status:
    """Read the workbooks under ``paths`` (every year found: last year is the comparison) and
    build the status of ``year``. Problems of other years' workbooks are not shown. Earlier years
    are seen through the förbund history of the data folder (history.relabel_all)."""
    from finsam_lib.registration.reader import combine, find_files, norm, read_workbook

    start = time.perf_counter()
    files, found = find_files(paths)
    books = [read_workbook(f) for f in (progress(files) if progress else files)]
    data = combine(books, found)
    spelling = {}
    for name in list(data.respondents.forbund) + [b.forbund for b in books if b.forbund]:
        spelling.setdefault(norm(name), name)
    rows: dict[str, ForbundStatus] = {}

    def row(name: str) -> ForbundStatus:
        key = norm(name)
        return rows.setdefault(key, ForbundStatus(spelling.get(key, name)))

    shown = display_names([b.file for b in books])
    owner = {}  # file -> förbund key, for this year's workbooks (and those whose year is unreadable)
    for path, book in zip(files, books):
        if book.year not in (year, None):
            continue
        label = book.forbund or f"Okänt förbund ({Path(book.file).name})"
        r = row(label)
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else None
        r.files.append(WorkbookInfo(book.file, modified, shown[book.file]))
        owner[book.file] = r
    other = []
    other_year = {b.file for b in books if b.year not in (year, None)}
    for p in data.problems:
        r = owner.get(p.file)
        if r is not None:
            (r.errors if p.is_error else r.warnings).append(p)
        elif p.file not in other_year:
            other.append(p)
    present = [b.forbund for b in books if b.year == year and b.forbund]
    # Last year's rows of a förbund that merged or was renamed count as its successor's
    # (forbund-historik.csv): no "no file this year" for it, and the successor's change is real.
    view = history.relabel_all(data, history.load(paths), year)
    flags = qa.all_flags(view.respondents, view.answers, view.population, year, present)
    for f in flags:
        row(f.forbund).flags.append(f)
    answers = qa.answers_by_year(view.respondents, year)
    for a in answers[answers.survey == fig.TOTAL].itertuples(index=False):
        r = rows.get(norm(a.forbund))
        if r is not None:
            r.answers, r.answers_last = int(a.i_ar), int(a.forra_aret)
    for a in qa.response_rates(view.respondents, view.population, year).itertuples(index=False):
        if norm(a.forbund) in rows:
            rows[norm(a.forbund)].rate_pct = a.svar_av_tillfragade_pct
    today = today or dt.date.today()
    return Status(year, today, reminder_days, sorted(rows.values(), key=ForbundStatus.sort_key), flags,
                  answers[answers.forbund.map(norm).isin(rows)].reset_index(drop=True),
                  qa.collection_progress(data.distribution, year),
                  qa.reminders_due(data.distribution, year, today, reminder_days), other,
                  time.perf_counter() - start)


def display_names(files: list[str]) -> dict[str, str]:
    """{file: name to show}: the file name, or the path below the files' common folder where
    two files share a name (``2022/a/Testby.xlsx``, ``2022/b/Testby.xlsx``)."""
    import os
    names = [Path(f).name for f in files]
    if len(set(names)) == len(names) or len(files) < 2:
        return dict(zip(files, names))
    root = os.path.commonpath([str(Path(f).resolve().parent) for f in files])
    return {f: Path(os.path.relpath(Path(f).resolve(), root)).as_posix() for f in files}


# --- Words and numbers shown -------------------------------------------------------------------

def change_text(pct) -> str:
    """``5.2`` -> ``+5 %``; NaN -> en dash."""
    return fmt.DASH if fmt.missing(pct) else f"{fmt.signed(pct)}{fmt.NBSP}%"


def files_text(r: ForbundStatus) -> str:
    return "; ".join(f"{w.name} (ändrad {w.modified:%Y-%m-%d %H:%M})" if w.modified else w.name
                     for w in r.files) or "ingen fil"


def summary(s: Status) -> str:
    with_files = sum(bool(r.files) for r in s.forbund)
    return (f"Mätår {s.year}: {with_files} förbund med registreringsfiler, "
            f"{s.flag_counts['saknas']} som svarade {s.year - 1} saknar fil i år. "
            f"{fmt.number(s.count('errors'))} fel och {fmt.number(s.count('warnings'))} varningar i årets filer.")


def flag_summary(s: Status) -> str:
    return "Flaggor: " + ", ".join(f"{qa.KINDS[k]} {n}" for k, n in s.flag_counts.items()) + "."


def survey_cell(answers: pd.DataFrame, forbund: str, survey: str) -> str:
    """'120 (+5 %)' for a förbund and survey; an en dash where neither year had answers."""
    hit = answers[(answers.forbund == forbund) & (answers.survey == survey)]
    if hit.empty or (hit.i_ar.iloc[0] == 0 and hit.forra_aret.iloc[0] == 0):
        return fmt.DASH
    a = hit.iloc[0]
    return f"{fmt.number(a.i_ar)} ({change_text(a.forandring_pct)})"


# --- Terminal -------------------------------------------------------------------------------------

def print_status(s: Status, out=None) -> None:
    out = out or sys.stdout
    print(summary(s), file=out)
    print(flag_summary(s), file=out)
    print("Värst först. Förändring = antal svar mot förra året.\n", file=out)
    for r in s.forbund:
        line = f"{r.forbund} — {r.state}"
        if r.files:
            line += (f": {files_text(r)}; {len(r.errors)} fel, {len(r.warnings)} varningar; "
                     f"{fmt.number(r.answers)} svar (förra året {fmt.number(r.answers_last)}, "
                     f"{change_text(r.change_pct)}); svarsfrekvens {fmt.percent(r.rate_pct)}")
        print(line, file=out)
        if r.files:
            per_survey = [f"{sv} {survey_cell(s.answers, r.forbund, sv)}" for sv in s.surveys
                          if survey_cell(s.answers, r.forbund, sv) != fmt.DASH]
            print(f"    Svar per enkät: {'; '.join(per_survey) or 'inga'}", file=out)
        for p in r.first_problems:
            print(f"    {p}", file=out)
        if len(r.errors) + len(r.warnings) > FIRST_PROBLEMS:
            print(f"    … och {len(r.errors) + len(r.warnings) - FIRST_PROBLEMS} till (finsam validate).", file=out)
        for f in r.flags:
            print(f"  ! {f.label}: {f.message}", file=out)
    for p in s.other_problems:
        print(p, file=out)
    if not s.progress.empty:
        print("\nInsamlingen hittills (bladet Utdelning):", file=out)
        for p in s.progress.itertuples(index=False):
            print(f"  {p.forbund} | {p.survey}{' | ' + p.insats if p.insats else ''}: {p.tillfragade} tillfrågade, "
                  f"{p.svarat} svarat, {p.tackat_nej} tackat nej, {p.ej_svarat} ej svarat ({p.ej_aktuell} ej aktuella)"
                  f" — svarsfrekvens hittills {fmt.percent(p.svar_pct)}", file=out)
        print(f"\n{reminder_heading(s)}:", file=out)
        for m in s.reminders.itertuples(index=False):
            print(f"  {m.forbund} | {m.survey}{' | ' + m.insats if m.insats else ''}: Löpnr {m.lopnr or '(saknas)'}, "
                  f"utdelad {m.utdelad:%Y-%m-%d} ({m.dagar} dagar sedan); {Path(m.file).name}, {m.sheet} rad {m.row}",
                  file=out)
        if s.reminders.empty:
            print("  Inga.", file=out)
    print(f"\n({fmt.number(s.seconds, 1)} s)", file=out)


def reminder_heading(s: Status) -> str:
    return (f"Dags för påminnelse {s.today:%Y-%m-%d}: utdelade för mer än {s.reminder_days} dagar sedan, "
            "inte besvarade och inte påminda")


# --- HTML and Excel --------------------------------------------------------------------------------

def write_html(s: Status, path: str | Path) -> Path:
    """``status.html``: one self-contained page (no scripts, no external links)."""
    from finsam_lib.present.model import swedish_date
    from finsam_lib.present.templating import render
    from finsam_lib.publish.report_html import stylesheet

    page = render(
        "status.html.j2", s=s, css=stylesheet(), date=swedish_date(s.today), summary=summary(s), kinds=qa.KINDS,
        counts=s.flag_counts, surveys=s.surveys, survey_cell=survey_cell, change=change_text, fmt=fmt,
        reminder_heading=reminder_heading(s),
        anchor=lambda i: f"forbund-{i}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _sheet(wb, title: str, header: list[str], rows, tables: set[str]) -> None:
    """A tidy sheet as an Excel table; "(%)" columns hold fractions with a percent format
    (publish's resultatfil conventions)."""
    from openpyxl.styles import Font

    from finsam_lib.publish.excel import PERCENT_FORMAT, add_excel_table, fraction, is_percent_column
    ws = wb.create_sheet(title)
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    percent = [is_percent_column(h) for h in header]
    for values in rows:
        ws.append([None if fmt.missing(v) else fraction(v) if p else v for v, p in zip(values, percent)])
        for c, p in zip(ws[ws.max_row], percent):
            if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@"):
                c.data_type = "s"  # text typed by a user is never a formula
            elif p:
                c.number_format = PERCENT_FORMAT
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(10, len(name) + 4))
    ws.freeze_panes = "A2"
    add_excel_table(ws, tables)


def write_xlsx(s: Status, path: str | Path) -> Path:
    """``status.xlsx``: the förbund rows, every flag, every problem, answers per survey,
    and the collection so far (Utdelning), one sheet each."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    tables: set[str] = set()
    _sheet(wb, "Förbund", ["Förbund", "Läge", "Filer", "Fel", "Varningar", "Flaggor", "Svar i år",
                           "Svar förra året", "Förändring (%)", "Svarsfrekvens (%)"],
           ([r.forbund, r.state, files_text(r), len(r.errors), len(r.warnings), len(r.flags), r.answers,
             r.answers_last, None if fmt.missing(r.change_pct) else round(r.change_pct), r.rate_pct]
            for r in s.forbund), tables)
    _sheet(wb, "Flaggor", ["Förbund", "Flagga", "Enkät", "Vad som ska kontrolleras", "Fil", "Blad"],
           ([f.forbund, f.label, f.survey, f.message, f.file, f.sheet] for r in s.forbund for f in r.flags), tables)
    _sheet(wb, "Fel och varningar", ["Förbund", "Nivå", "Fil", "Blad", "Cell", "Meddelande"],
           ([r.forbund, p.level, p.file, p.sheet, p.cell, p.message] for r in s.forbund
            for p in r.errors + r.warnings), tables)
    _sheet(wb, "Svar per enkät", ["Förbund", "Enkät", "Svar i år", "Svar förra året", "Förändring (%)"],
           ([a.forbund, a.survey, a.i_ar, a.forra_aret, None if fmt.missing(a.forandring_pct)
             else round(a.forandring_pct)] for a in s.answers.itertuples(index=False)), tables)
    _sheet(wb, "Insamling", ["Förbund", "Enkät", "Insats", "Tillfrågade", "Svarat", "Tackat nej", "Ej svarat",
                             "Ej aktuell", "Svarsfrekvens hittills (%)"],
           (list(p) for p in s.progress.itertuples(index=False)), tables)
    _sheet(wb, "Påminnelser", ["Förbund", "Enkät", "Insats", "Löpnr", "Utdelad", "Dagar sedan", "Fil", "Blad",
                               "Rad"],
           (list(m) for m in s.reminders.itertuples(index=False)), tables)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path

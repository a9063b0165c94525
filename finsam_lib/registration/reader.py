"""Reading and validating registration files (spec: registration-file.md).

``read_paths`` turns files and folders into a :class:`Dataset`: tidy answers
(one row per answer), respondents, population rows, row totals per file and
survey, and every problem found, each naming file, sheet and cell.

One workbook is read by :func:`parse.read_workbook`, one cell's value by :mod:`cells`; this
module finds the files, combines the workbooks and checks them against each other. It is the
registration layer's entry point: ``read_paths``, ``Dataset``, ``find_files``, ``combine``,
``read_workbook``, ``nfc`` and ``norm`` are imported from here.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from finsam_lib.base.problems import ERROR, WARNING, Problem
from finsam_lib.registration.cells import nfc, norm, whole_number  # noqa: F401 (nfc: the registration layer's API)
from finsam_lib.registration.parse import Workbook, read_workbook
from finsam_lib.registration.sheets import READ_SUFFIXES

OTHER_DATA_SUFFIXES = {".xlsb", ".numbers"}  # spreadsheets finsam does not read
HISTORY_FILE = "forbund-historik.csv"  # the förbund history (history.py), not a registration file

ANSWER_COLUMNS = ["respondent", "question", "code"]
RESPONDENT_COLUMNS = ["respondent", "year", "forbund", "insats", "survey", "version",
                      "background", "file", "sheet", "row"]
POPULATION_COLUMNS = ["year", "forbund", "insats", "survey", "malpopulation", "tillfragade",
                      "tackat_nej", "ej_nabara", "file", "sheet", "mal_cell", "tillfragade_cell"]
SHEET_COLUMNS = ["file", "year", "forbund", "survey", "rows_read", "responses", "empty_rows"]


@dataclass
class Dataset:
    """Everything read from a set of registration files."""
    answers: pd.DataFrame  # one row per answer
    respondents: pd.DataFrame  # one row per response
    population: pd.DataFrame
    sheets: pd.DataFrame  # rows read, responses and empty rows per file and survey
    problems: list[Problem]
    files: list[str]
    distribution: pd.DataFrame = field(default_factory=lambda: _empty_distribution())  # Utdelning rows
    forbund_of_file: dict = field(default_factory=dict)  # every file read -> its förbund ("" unknown)
    excluded: list = field(default_factory=list)  # förbund left out because their files have errors

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (not warnings); figures are made only without them."""
        return [p for p in self.problems if p.is_error]

    @cached_property
    def tidy(self) -> pd.DataFrame:
        """Answers joined with who answered: year, forbund, insats, survey, version,
        respondent, background, question, code. Computed once; treat it as read-only."""
        cols = ["respondent", "year", "forbund", "insats", "survey", "version", "background"]
        t = self.answers.merge(self.respondents[cols], on="respondent", how="left")
        return t[cols[1:6] + ["respondent", "background", "question", "code"]]

    def years(self) -> list[int]:
        """The measurement years (Mätår) with answers or population rows, ascending."""
        return sorted(set(self.respondents.year) | set(self.population.year))


def _empty_distribution() -> pd.DataFrame:
    from finsam_lib.registration.utdelning import empty_frame
    return empty_frame()


NOT_READ = ("Filen är inte en arbetsbok som finsam läser (.xlsx, .xlsm, .xls eller .ods) och lästes inte: "
            "öppna den i Excel och välj Spara som > Excel-arbetsbok (.xlsx).")


def find_files(paths) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into the workbooks to read (.xlsx, .xlsm, .xls, .ods), in a stable
    order. Another spreadsheet file (.xlsb, .numbers) is an error naming it: never skipped quietly."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            found = 0
            for f in sorted(p.rglob("*")):
                if f.name.startswith(("~$", ".")) or not f.is_file():
                    continue
                if f.suffix.lower() in READ_SUFFIXES:
                    files.append(f)
                    found += 1
                elif f.suffix.lower() == ".csv" and f.name.casefold() != HISTORY_FILE:
                    problems.append(Problem(WARNING, str(f), "Filen är inte en arbetsbok och läses inte; "
                                            "registreringsfiler ska vara Excel-arbetsböcker (.xlsx)."))
                elif f.suffix.lower() in OTHER_DATA_SUFFIXES:
                    problems.append(Problem(ERROR, str(f), NOT_READ))
            if not found:
                problems.append(Problem(WARNING, str(p), "Mappen innehåller inga registreringsfiler "
                                        "(.xlsx, .xlsm, .xls eller .ods)."))
        elif p.is_file():
            if p.suffix.lower() not in READ_SUFFIXES:
                problems.append(Problem(ERROR, str(p), NOT_READ))
            else:
                files.append(p)
        else:
            problems.append(Problem(ERROR, str(p), "Filen eller mappen finns inte."))
    return files, problems


def _answers_twice(wb: Workbook, other: Workbook, other_where, survey: str, insats: str) -> str:
    what = f"svar för insats '{insats}'" if insats else "svar utan insats"
    return (f"Både {other.file} ({'!'.join(other_where)}) och den här filen har {what} på bladet '{survey}' "
            f"för {wb.forbund}, mätår {wb.year}. Är svaren inmatade två gånger, eller ligger en gammal kopia "
            "kvar i mappen? Ta bort eller rätta den ena filen.")


def _population_twice(wb: Workbook, other: Workbook, other_where, survey: str, insats: str) -> str:
    what = f" och insats '{insats}'" if insats else " (utan insats)"
    return (f"Både {other.file} ({'!'.join(other_where)}) och den här filen har en Population-rad för "
            f"'{survey}'{what} för {wb.forbund}, mätår {wb.year}. Ta bort raden i den ena filen.")


def _overlaps(books: list[Workbook]) -> list[Problem]:
    """Workbooks of one förbund and year that hold the same part of a survey: its answers
    (``Workbook.cells``) or its Population row (``population_cells``), each an error naming both."""
    problems = []
    for cells_of, message in ((lambda wb: wb.cells, _answers_twice),
                              (lambda wb: wb.population_cells, _population_twice)):
        seen = {}
        for wb in books:
            unit = (norm(wb.forbund), wb.year)
            for (survey, insats), where in cells_of(wb).items():
                other, other_where = seen.setdefault((unit, survey, insats), (wb, where))
                if other is not wb:
                    problems.append(Problem(ERROR, wb.file, message(wb, other, other_where, survey, insats),
                                            *where))
    return problems


def combine(books: list[Workbook], problems: list[Problem] | None = None) -> Dataset:
    """Combine read workbooks into one :class:`Dataset`: skip exact duplicates (same digest:
    one warning), check overlaps between files (the same förbund, year, survey and insats twice)
    and the population rows, and build the frames (ANSWER_COLUMNS, RESPONDENT_COLUMNS,
    POPULATION_COLUMNS, SHEET_COLUMNS). ``problems``: those found before (e.g. by find_files)."""
    problems = list(problems or [])
    kept, digests = [], {}
    for wb in books:
        if wb.digest and wb.digest in digests:
            # Its own problems are those of the first copy, already listed.
            problems.append(Problem(WARNING, wb.file, f"Filen har samma innehåll som {digests[wb.digest]} "
                                    "och räknas bara en gång. Ta bort den ena kopian."))
            continue
        problems.extend(wb.problems)
        if wb.digest:
            digests[wb.digest] = wb.file
        if wb.year is not None and wb.forbund:
            kept.append(wb)
    problems.extend(_overlaps(kept))
    # Same förbund typed differently: use the first spelling.
    names = {}
    for wb in kept:
        names.setdefault(norm(wb.forbund), wb.forbund)
    respondents, answers, population, sheets = [], [], [], []
    offset = 0
    for wb in kept:
        name = names[norm(wb.forbund)]
        respondents.extend((offset + r[0], r[1], name, *r[3:]) for r in wb.respondents)
        answers.extend((offset + a[0], a[1], a[2]) for a in wb.answers)
        population.extend((p[0], name, *p[2:]) for p in wb.population)
        sheets.extend((wb.file, wb.year, name, *s) for s in wb.sheets)
        offset += len(wb.respondents)
    answers_df = pd.DataFrame(answers, columns=ANSWER_COLUMNS).astype(
        {"respondent": "int64", "question": "int64", "code": "int64"})
    resp_df = pd.DataFrame(respondents, columns=RESPONDENT_COLUMNS)
    resp_df["background"] = resp_df["background"].astype("Int64")
    for col in ("respondent", "year", "version", "row"):
        resp_df[col] = resp_df[col].astype("int64")
    pop_df = pd.DataFrame(population, columns=POPULATION_COLUMNS)
    for col in ("malpopulation", "tillfragade", "tackat_nej", "ej_nabara"):
        pop_df[col] = pop_df[col].astype("Int64")
    pop_df["year"] = pop_df["year"].astype("int64")
    sheets_df = pd.DataFrame(sheets, columns=SHEET_COLUMNS)
    from finsam_lib.registration import utdelning
    forbund_of_file = {wb.file: names.get(norm(wb.forbund), wb.forbund) if wb.forbund else "" for wb in books}
    dataset = Dataset(answers_df, resp_df, pop_df, sheets_df, problems, [wb.file for wb in kept],
                      distribution=utdelning.frame(kept, names), forbund_of_file=forbund_of_file)
    problems.extend(_population_checks(dataset))
    problems.extend(utdelning.check_answers(dataset.distribution, resp_df, kept))
    return dataset


def _population_checks(data: Dataset) -> list[Problem]:
    """Warnings where population figures and counted answers disagree."""
    problems = []
    resp = data.respondents
    keys = list(zip(resp.year.tolist(), resp.forbund.tolist(), resp.survey.tolist(), resp.insats.tolist()))
    counted = Counter(keys)
    first = {}
    for key, file in zip(keys, resp.file.tolist()):
        first.setdefault(key, file)
    by_unit = {}  # (year, forbund, survey) -> {insats: responses}
    for (year, forbund, survey, insats), n in counted.items():
        by_unit.setdefault((year, forbund, survey), {})[insats] = n
    pop = data.population
    rows = list(pop.itertuples(index=False))
    named = {}
    for r in rows:
        if r.insats:
            named.setdefault((r.year, r.forbund, r.survey), set()).add(r.insats)
    covered = {}
    for r in rows:
        unit = (r.year, r.forbund, r.survey)
        covered.setdefault(unit, set()).add(r.insats)
        here = by_unit.get(unit, {})
        if r.insats:
            n = here.get(r.insats, 0)
        else:  # a row without insats covers the responses no insats row covers
            skip = named.get(unit, set())
            n = sum(v for i, v in here.items() if i not in skip)
        what = f"'{r.survey}'" + (f" och insats '{r.insats}'" if r.insats else "")
        if pd.notna(r.tillfragade) and r.tillfragade < n:
            problems.append(Problem(
                WARNING, r.file, f"Tillfrågade ({r.tillfragade}) är färre än antalet svar ({n}) för {what}; "
                "svarsfrekvensen visas men bygger på motsägelsefulla populationsuppgifter.",
                r.sheet, r.tillfragade_cell))
        if pd.notna(r.malpopulation) and pd.notna(r.tillfragade) and r.malpopulation < r.tillfragade:
            problems.append(Problem(
                WARNING, r.file, f"Målpopulationen ({r.malpopulation}) är mindre än Tillfrågade "
                f"({r.tillfragade}) för {what}; andelarna visas men bygger på motsägelsefulla "
                "populationsuppgifter.", r.sheet, r.mal_cell))
    for (year, forbund, survey, insats), n in counted.items():
        units = covered.get((year, forbund, survey), set())
        if insats in units or "" in units:
            continue
        what = f"'{survey}'" + (f" och insats '{insats}'" if insats else " utan insats")
        problems.append(Problem(
            WARNING, first[(year, forbund, survey, insats)],
            f"Bladet Population saknar uppgifter för {what}, som har {n} svar ({forbund}, mätår {year}); "
            "svarsfrekvensen kan inte räknas för dem."))
    return problems


def read_paths(paths, progress=None) -> Dataset:
    """Read every registration workbook under the given files and folders (recursively) into
    one :class:`Dataset`; ``progress`` wraps the list of files (e.g. a progress bar). Problems
    (Swedish, naming file, sheet and cell) are in ``Dataset.problems``, never raised."""
    files, problems = find_files(paths)
    iterator = progress(files) if progress else files
    books = [read_workbook(f) for f in iterator]
    return combine(books, problems)


def latest_year(paths) -> int | None:
    """The latest Mätår (sheet Uppgifter) of the workbooks under ``paths`` (files or folders), read
    cell by cell without reading the answers; None when no workbook states one between 2000 and
    2100. A workbook that can't be read is passed over here (``finsam batch`` reports it). Used by
    ``make report`` when YEAR is not given."""
    from python_calamine import CalamineWorkbook

    years = set()
    for path in find_files(paths)[0]:
        try:
            book = CalamineWorkbook.from_path(str(path))
            sheet = next(n for n in book.sheet_names if norm(n) == "uppgifter")
            for row in book.get_sheet_by_name(sheet).to_python():
                if len(row) > 1 and norm(row[0]) == "matar":
                    years.add(whole_number(row[1]))
        except Exception:  # noqa: BLE001 - any unreadable workbook is the batch's to report
            continue
    years = [y for y in years if y and 2000 <= y <= 2100]
    return max(years) if years else None

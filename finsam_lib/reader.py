"""Reading and validating registration files (spec: registration-file.md).

``read_paths`` turns files and folders into a :class:`Dataset`: tidy answers
(one row per answer), respondents, population rows, row totals per file and
survey, and every problem found, each naming file, sheet and cell.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine

from . import instrument as ins
from .problems import ERROR, WARNING, Problem, cell_name

ANSWER_HEADER = re.compile(r"^(?:f|fråga|fraga)\s*\.?\s*(\d+)$")
OTHER_DATA_SUFFIXES = {".xls", ".xlsm", ".xlsb", ".ods", ".csv"}

ANSWER_COLUMNS = ["respondent", "question", "code"]
RESPONDENT_COLUMNS = ["respondent", "year", "forbund", "insats", "survey", "version",
                      "background", "file", "sheet", "row"]
POPULATION_COLUMNS = ["year", "forbund", "insats", "survey", "malpopulation", "tillfragade",
                      "tackat_nej", "ej_nabara", "file", "sheet", "mal_cell", "tillfragade_cell"]
SHEET_COLUMNS = ["file", "year", "forbund", "survey", "rows_read", "responses", "empty_rows"]


def norm(text) -> str:
    """Case-, space- and accent-insensitive key for headers and names."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


SURVEY_BY_KEY = {" ".join(s.casefold().split()): s for s in ins.SURVEYS}
SURVEY_BY_LOOSE_KEY = {norm(s): s for s in ins.SURVEYS}
POPULATION_HEADERS = {
    "enkat": "survey", "insats": "insats", "malpopulation": "malpopulation",
    "tillfragade": "tillfragade", "tackat nej": "tackat_nej", "ej nabara": "ej_nabara",
}


class CellError(ValueError):
    """A cell value that is not what was expected (message in Swedish)."""


def whole_number(value) -> int | None:
    """A typed number -> int; blank -> None. Accepts "5", 5.0, " 5 "."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(f"'{value}' är inte ett tal")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"{str(value).replace('.', ',')} är inte ett heltal")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if not text:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise CellError(f"'{text}' är inte ett tal") from None
        if number.is_integer():
            return int(number)
        raise CellError(f"'{text}' är inte ett heltal")
    raise CellError(f"'{value}' är inte ett tal")


def _scale_text(scale: str) -> str:
    labels = ins.SCALES[scale]
    return ", ".join(f"{c} {t}" for c, t in labels.items())


@dataclass
class Workbook:
    """What one registration workbook holds, before files are combined."""
    file: str
    forbund: str = ""
    year: int | None = None
    version: int | None = None
    digest: str = ""
    respondents: list = field(default_factory=list)  # tuples in RESPONDENT_COLUMNS order (id local)
    answers: list = field(default_factory=list)  # (local respondent, question, code)
    population: list = field(default_factory=list)
    sheets: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # (survey, insats) -> first cell, for overlap messages
    population_cells: dict = field(default_factory=dict)

    def problem(self, level, message, sheet="", cell=""):
        self.problems.append(Problem(level, self.file, message, sheet, cell))


def _rows(sheet) -> list[list]:
    return sheet.to_python(skip_empty_area=False)


def _read_uppgifter(wb: Workbook, rows: list[list], sheet: str) -> None:
    found = {}
    for r, row in enumerate(rows):
        if len(row) < 1 or row[0] in ("", None):
            continue
        found.setdefault(norm(row[0]), (r, row[1] if len(row) > 1 else ""))
    name = found.get("samordningsforbund")
    if not name or not str(name[1]).strip():
        cell = cell_name(name[0], 1) if name else ""
        wb.problem(ERROR, "Samordningsförbundets namn saknas (etikett 'Samordningsförbund' i kolumn A, "
                   "namnet i kolumn B).", sheet, cell)
    else:
        wb.forbund = " ".join(str(name[1]).split())
    year = found.get("matar")
    if not year:
        wb.problem(ERROR, "Mätår saknas (etikett 'Mätår' i kolumn A, året i kolumn B, t.ex. 2022).", sheet)
    else:
        try:
            value = whole_number(year[1])
        except CellError:
            value = None
        if value is None or not 2000 <= value <= 2100:
            wb.problem(ERROR, f"Mätår ska vara ett årtal, t.ex. 2022; fann '{year[1]}'.", sheet,
                       cell_name(year[0], 1))
        else:
            wb.year = value
    version = found.get("enkatversion")
    if version and str(version[1]).strip() != "":
        try:
            value = whole_number(version[1])
        except CellError:
            value = None
        if value not in ins.VERSIONS:
            wb.problem(ERROR, f"Enkätversion ska vara 2017, 2018 eller 2021; fann '{version[1]}'.",
                       sheet, cell_name(version[0], 1))
        else:
            wb.version = value
    if wb.version is None and wb.year is not None:
        wb.version = ins.default_version(wb.year)


def _header_map(header: list) -> tuple[dict, dict, list]:
    """Header row -> ({question: col}, {role: col}, duplicate question columns)."""
    questions, roles, duplicates = {}, {}, []
    for c, value in enumerate(header):
        key = norm(value)
        m = ANSWER_HEADER.match(key)
        if m:
            q = int(m.group(1))
            if q in questions:
                duplicates.append((q, c))
            else:
                questions[q] = c
        elif key in ("insats", "kon", "arbetsgivare") and key not in roles:
            roles[key] = c
    return questions, roles, duplicates


def _first_row(rows: list[list]) -> int:
    for r, row in enumerate(rows):
        if any(v not in ("", None) for v in row):
            return r
    return -1


def _text(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read_survey(wb: Workbook, rows: list[list], sheet: str, survey: str) -> None:
    head = _first_row(rows)
    if head < 0:
        return
    questions, roles, duplicates = _header_map(rows[head])
    if not questions:
        wb.sheets.append((survey, len(rows) - head - 1, 0, len(rows) - head - 1))
        if len(rows) - head > 1:
            wb.problem(WARNING, "Bladet har rader men inga frågekolumner (F1, F2 …); inget lästes.", sheet)
        return
    spec = ins.version_questions(wb.version, survey)
    if spec.empty:
        wb.problem(ERROR, f"Enkäten '{survey}' finns inte i enkätversion {wb.version}; "
                   "bladet har frågekolumner.", sheet)
        return
    scales = dict(zip(spec.question, spec.scale))
    bad = False
    for q, c in duplicates:
        wb.problem(ERROR, f"Kolumnen för fråga {q} finns två gånger.", sheet, cell_name(head, c))
        bad = True
    for q, c in sorted(questions.items()):
        if q not in scales:
            wb.problem(ERROR, f"Fråga {q} finns inte: {survey} har F1–F{len(scales)} i enkätversion "
                       f"{wb.version}.", sheet, cell_name(head, c))
            bad = True
    if bad:
        return
    missing = [q for q in scales if q not in questions]
    if missing:
        wb.problem(WARNING, "Kolumner saknas för fråga " + ", ".join(map(str, missing))
                   + "; de räknas som obesvarade.", sheet)
    bg_name = ins.BACKGROUND.get(survey)
    bg_col = roles.get(norm(bg_name)) if bg_name else None
    bg_codes = ins.BACKGROUND_CODES.get(bg_name, {})
    insats_col = roles.get("insats")
    qcols = sorted(questions.items())
    allowed = {q: ins.SCALES[scales[q]] for q in scales}
    read = responses = 0
    for r in range(head + 1, len(rows)):
        row = rows[r]
        read += 1
        codes = []
        for q, c in qcols:
            value = row[c] if c < len(row) else ""
            if value == "" or value is None:
                continue
            try:
                code = whole_number(value)
            except CellError as e:
                wb.problem(ERROR, f"{e}; fråga {q} ska ha en svarskod ({_scale_text(scales[q])}) "
                           "eller vara tom.", sheet, cell_name(r, c))
                continue
            if code is None:
                continue
            if code not in allowed[q]:
                wb.problem(ERROR, f"Koden {code} finns inte i frågans skala; fråga {q} tar "
                           f"{_scale_text(scales[q])}.", sheet, cell_name(r, c))
                continue
            codes.append((q, code))
        background = None
        if bg_col is not None:
            value = row[bg_col] if bg_col < len(row) else ""
            try:
                background = whole_number(value)
            except CellError as e:
                background = None
                wb.problem(ERROR, f"{e}; {bg_name} ska vara en kod "
                           f"({', '.join(f'{k} {v}' for k, v in bg_codes.items())}) eller tom.",
                           sheet, cell_name(r, bg_col))
            else:
                if background is not None and background not in bg_codes:
                    wb.problem(ERROR, f"Okänd kod {background} för {bg_name}; tillåtna koder: "
                               f"{', '.join(f'{k} {v}' for k, v in bg_codes.items())}, eller tom.",
                               sheet, cell_name(r, bg_col))
                    background = None
        if bg_name == "Kön" and background is None:
            background = 4
        if not codes:
            continue
        responses += 1
        insats = _text(row[insats_col]) if insats_col is not None and insats_col < len(row) else ""
        local = len(wb.respondents)
        wb.respondents.append((local, wb.year, wb.forbund, insats, survey, wb.version,
                               background, wb.file, sheet, r + 1))
        wb.answers.extend((local, q, code) for q, code in codes)
        wb.cells.setdefault((survey, insats), f"{sheet}!{cell_name(r, 0)}")
        if survey == "Deltagare avslut" and dict(codes).get(8) == 2:
            later = [q for q, _ in codes if q in (9, 10)]
            if later:
                wb.problem(WARNING, f"Svar på fråga {' och '.join(map(str, later))} trots Nej på "
                           "fråga 8; svaren räknas.", sheet, cell_name(r, questions[later[0]]))
    wb.sheets.append((survey, read, responses, read - responses))


def _read_population(wb: Workbook, rows: list[list], sheet: str) -> None:
    head = _first_row(rows)
    if head < 0:
        return
    cols = {}
    for c, value in enumerate(rows[head]):
        role = POPULATION_HEADERS.get(norm(value))
        if role and role not in cols:
            cols[role] = c
    for needed, label in (("survey", "Enkät"), ("tillfragade", "Tillfrågade")):
        if needed not in cols:
            wb.problem(ERROR, f"Kolumnen '{label}' saknas i rubrikraden.", sheet, cell_name(head, 0))
    if "survey" not in cols or "tillfragade" not in cols:
        return
    for r in range(head + 1, len(rows)):
        row = rows[r]

        def get(role):
            c = cols.get(role)
            return row[c] if c is not None and c < len(row) else ""

        if all(get(role) in ("", None) for role in cols):
            continue
        name = _text(get("survey"))
        survey = SURVEY_BY_KEY.get(name.casefold())
        if survey is None:
            close = SURVEY_BY_LOOSE_KEY.get(norm(name))
            hint = f" Menade du '{close}'?" if close else ""
            wb.problem(ERROR, f"Okänd enkät '{name}'; ska vara en av: {', '.join(ins.SURVEYS)}.{hint}",
                       sheet, cell_name(r, cols["survey"]))
            continue
        numbers = {}
        for role in ("malpopulation", "tillfragade", "tackat_nej", "ej_nabara"):
            try:
                numbers[role] = whole_number(get(role))
                if numbers[role] is not None and numbers[role] < 0:
                    raise CellError(f"{numbers[role]} är negativt")
            except CellError as e:
                wb.problem(ERROR, f"{e}; ska vara ett antal personer (heltal) eller tom.", sheet,
                           cell_name(r, cols[role]))
                numbers[role] = None
        insats = _text(get("insats"))
        key = (survey, insats)
        if key in wb.population_cells:
            wb.problem(ERROR, f"Enkät '{survey}'{f' och insats {insats!r}' if insats else ''} har två "
                       f"rader (även {wb.population_cells[key]}).", sheet, cell_name(r, cols["survey"]))
            continue
        wb.population_cells[key] = f"{sheet}!{cell_name(r, cols['survey'])}"
        if numbers["tillfragade"] is None:
            wb.problem(WARNING, f"Tillfrågade saknas för '{survey}'; svarsfrekvensen kan inte räknas.",
                       sheet, cell_name(r, cols["tillfragade"]))
        wb.population.append((wb.year, wb.forbund, insats, survey, numbers["malpopulation"],
                              numbers["tillfragade"], numbers["tackat_nej"], numbers["ej_nabara"],
                              wb.file, sheet, cell_name(r, cols.get("malpopulation", 0)),
                              cell_name(r, cols["tillfragade"])))


def _digest(sheets: dict[str, list[list]]) -> str:
    h = hashlib.sha1()
    for name in sorted(sheets):
        h.update(name.encode())
        for row in sheets[name]:
            h.update(repr([v for v in row]).encode())
    return h.hexdigest()


def read_workbook(path: Path | str, label: str | None = None) -> Workbook:
    """Read one registration workbook; problems are collected, never raised."""
    path = Path(path)
    wb = Workbook(file=label or str(path))
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {name: _rows(book.get_sheet_by_name(name)) for name in book.sheet_names}
    except Exception as e:  # any failure to open is the user's file, not our bug
        wb.problem(ERROR, f"Filen kan inte läsas som en Excel-arbetsbok (.xlsx): {e}")
        return wb
    wb.digest = _digest(sheets)
    by_key = {" ".join(name.casefold().split()): name for name in sheets}
    uppgifter = by_key.get("uppgifter")
    if uppgifter is None:
        wb.problem(ERROR, "Bladet 'Uppgifter' saknas; det ska ange Samordningsförbund och Mätår.")
    else:
        _read_uppgifter(wb, sheets[uppgifter], uppgifter)
    if wb.year is None or not wb.forbund:
        return wb
    used = {uppgifter}
    population = by_key.get("population")
    survey_sheets = []
    for key, name in by_key.items():
        if key in SURVEY_BY_KEY:
            survey_sheets.append((SURVEY_BY_KEY[key], name))
            used.add(name)
    for survey, name in sorted(survey_sheets, key=lambda s: ins.SURVEYS.index(s[0])):
        _read_survey(wb, sheets[name], name, survey)
    if population is not None:
        used.add(population)
        _read_population(wb, sheets[population], population)
    elif wb.respondents:
        wb.problem(ERROR, "Bladet 'Population' saknas; det krävs när det finns svar "
                   "(Enkät, Insats, Målpopulation, Tillfrågade).")
    for name in sheets:
        if name in used:
            continue
        head = _first_row(sheets[name])
        has_answers = head >= 0 and _header_map(sheets[name][head])[0]
        if has_answers:
            close = SURVEY_BY_LOOSE_KEY.get(norm(name))
            hint = f" Menade du '{close}'?" if close else ""
            wb.problem(ERROR, f"Bladet '{name}' har svarskolumner men namnet är inte någon av "
                       f"enkäterna ({', '.join(ins.surveys_of(wb.version))}).{hint} Inget lästes "
                       "från bladet.", name)
        else:
            wb.problem(WARNING, f"Bladet '{name}' är inte en del av registreringsfilen och läses inte.",
                       name)
    return wb


@dataclass
class Dataset:
    """Everything read from a set of registration files."""
    answers: pd.DataFrame  # one row per answer
    respondents: pd.DataFrame  # one row per response
    population: pd.DataFrame
    sheets: pd.DataFrame  # rows read, responses and empty rows per file and survey
    problems: list[Problem]
    files: list[str]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def tidy(self) -> pd.DataFrame:
        """Answers joined with who answered: year, forbund, insats, survey, version,
        respondent, background, question, code."""
        cols = ["respondent", "year", "forbund", "insats", "survey", "version", "background"]
        t = self.answers.merge(self.respondents[cols], on="respondent", how="left")
        return t[cols[1:6] + ["respondent", "background", "question", "code"]]

    def years(self) -> list[int]:
        return sorted(set(self.respondents.year) | set(self.population.year))


def find_files(paths) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into .xlsx files, in a stable order."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.name.startswith(("~$", ".")) or not f.is_file():
                    continue
                if f.suffix.lower() == ".xlsx":
                    files.append(f)
                elif f.suffix.lower() in OTHER_DATA_SUFFIXES:
                    problems.append(Problem(WARNING, str(f), "Filen är inte en .xlsx-arbetsbok och "
                                            "läses inte; spara den som .xlsx."))
        elif p.is_file():
            if p.suffix.lower() != ".xlsx":
                problems.append(Problem(ERROR, str(p), "Filen är inte en .xlsx-arbetsbok."))
            else:
                files.append(p)
        else:
            problems.append(Problem(ERROR, str(p), "Filen eller mappen finns inte."))
    return files, problems


def _overlaps(books: list[Workbook]) -> list[Problem]:
    problems = []
    seen, seen_pop = {}, {}
    for wb in books:
        unit = (norm(wb.forbund), wb.year)
        for (survey, insats), where in wb.cells.items():
            other = seen.setdefault((unit, survey, insats), (wb, where))
            if other[0] is not wb:
                what = f"insats '{insats}'" if insats else "svar utan insats"
                problems.append(Problem(
                    ERROR, wb.file, f"Både {other[0].file} ({other[1]}) och denna fil har {what} i "
                    f"'{survey}' för {wb.forbund} {wb.year}: en fil inmatad två gånger eller en gammal "
                    "kopia i mappen? Ta bort den ena.", *where.split("!")))
        for (survey, insats), where in wb.population_cells.items():
            other = seen_pop.setdefault((unit, survey, insats), (wb, where))
            if other[0] is not wb:
                what = f" och insats '{insats}'" if insats else ""
                problems.append(Problem(
                    ERROR, wb.file, f"Både {other[0].file} ({other[1]}) och denna fil har en "
                    f"Population-rad för '{survey}'{what} för {wb.forbund} {wb.year}.",
                    *where.split("!")))
    return problems


def combine(books: list[Workbook], problems: list[Problem] | None = None) -> Dataset:
    """Combine read workbooks: skip exact duplicates, check overlaps, build frames."""
    problems = list(problems or [])
    kept, digests = [], {}
    for wb in books:
        problems.extend(wb.problems)
        if wb.digest and wb.digest in digests:
            problems.append(Problem(WARNING, wb.file, f"Samma innehåll som {digests[wb.digest]}; "
                                    "arbetsboken räknas bara en gång."))
            continue
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
    dataset = Dataset(answers_df, resp_df, pop_df, sheets_df, problems, [wb.file for wb in kept])
    problems.extend(_population_checks(dataset))
    return dataset


def _population_checks(data: Dataset) -> list[Problem]:
    """Warnings where population figures and counted answers disagree."""
    problems = []
    resp = data.respondents
    counted = resp.groupby(["year", "forbund", "survey", "insats"]).size()
    pop = data.population
    for (year, forbund, survey), rows in pop.groupby(["year", "forbund", "survey"]):
        here = counted.get((year, forbund, survey), pd.Series(dtype="int64"))
        named = set(rows.insats) - {""}
        for r in rows.itertuples():
            n = int(here.get(r.insats, 0)) if r.insats else int(
                sum(v for i, v in here.items() if i not in named))
            if pd.notna(r.tillfragade) and r.tillfragade < n:
                problems.append(Problem(
                    WARNING, r.file, f"Tillfrågade ({r.tillfragade}) är färre än antalet svar ({n}) för "
                    f"'{survey}'; svarsfrekvensen bygger på motsägelsefulla populationsuppgifter.",
                    r.sheet, r.tillfragade_cell))
            if pd.notna(r.malpopulation) and pd.notna(r.tillfragade) and r.malpopulation < r.tillfragade:
                problems.append(Problem(
                    WARNING, r.file, f"Målpopulationen ({r.malpopulation}) är mindre än Tillfrågade "
                    f"({r.tillfragade}) för '{survey}'; andelarna bygger på motsägelsefulla "
                    "populationsuppgifter.", r.sheet, r.mal_cell))
    covered = {}
    for r in pop.itertuples():
        covered.setdefault((r.year, r.forbund, r.survey), set()).add(r.insats)
    for (year, forbund, survey, insats), n in counted.items():
        units = covered.get((year, forbund, survey), set())
        if insats in units or "" in units:
            continue
        first = resp[(resp.year == year) & (resp.forbund == forbund) & (resp.survey == survey)
                     & (resp.insats == insats)].iloc[0]
        what = f" och insats '{insats}'" if insats else ""
        problems.append(Problem(
            WARNING, first.file, f"Population saknar en rad för '{survey}'{what} ({n} svar); "
            "svarsfrekvensen kan inte räknas för dem.", "Population"))
    return problems


def read_paths(paths, progress=None) -> Dataset:
    """Read every registration workbook under the given files and folders."""
    files, problems = find_files(paths)
    iterator = progress(files) if progress else files
    books = [read_workbook(f) for f in iterator]
    return combine(books, problems)

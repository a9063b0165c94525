"""Reading one registration workbook: its sheets Uppgifter, one per survey, and Population,
into a :class:`Workbook` of tidy rows and every problem found, each naming file, sheet and cell
(spec: registration-file.md). :func:`reader.read_paths` reads many and combines them.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from finsam_lib.base.problems import ERROR, WARNING, Problem, cell_name
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.cells import (
    SURVEY_BY_KEY,
    SURVEY_BY_LOOSE_KEY,
    CellError,
    _blank,
    _text,
    name_key,
    norm,
    whole_number,
)
from finsam_lib.registration.scans import SheetTooLarge, error_value
from finsam_lib.registration.sheets import read_sheets

ANSWER_HEADER = re.compile(r"^(?:f|fraga)\s*\.?\s*(\d+)\s*[.:]?$")  # matched on norm(header)
# A row under the answers that sums them up (an Excel table's total row), matched on norm(label).
TOTALS_LABEL = re.compile(r"^(?:medel(?:varde|tal)?|summa|sum|total|totalt|totalsumma|antal(?: svar)?|average|"
                          r"mean|count|genomsnitt|snitt|median)\s*:?$")  # the whole cell
AGGREGATE_FORMULA = re.compile(r"[A-Z]{1,3}\$?[0-9]+:\$?[A-Z]{1,3}\$?[0-9]+|\b(?:SUM|AVERAGE|COUNT\w*|"
                               r"SUBTOTAL|AGGREGATE|MEDIAN|MIN|MAX|SUMMA|MEDEL|ANTAL\w*|DELSUMMA)\(", re.I)


POPULATION_HEADERS = {
    "enkat": "survey", "insats": "insats", "malpopulation": "malpopulation",
    "tillfragade": "tillfragade", "tackat nej": "tackat_nej", "ej nabara": "ej_nabara",
}


def _scale_text(scale: str) -> str:
    return _codes_text(ins.SCALES[scale])


def _codes_text(codes: dict) -> str:
    return ", ".join(f"{c} {t}" for c, t in codes.items())


@lru_cache(maxsize=None)
def _scales(version: int, survey: str) -> dict[int, str]:
    """{question: scale} of a survey in a questionnaire version; empty if the version lacks it."""
    spec = ins.version_questions(version, survey)
    return dict(zip(spec.question.tolist(), spec.scale.tolist()))


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
    cells: dict = field(default_factory=dict)  # (survey, insats) -> (sheet, cell) of its first response
    population_cells: dict = field(default_factory=dict)  # (survey, insats) -> (sheet, cell)
    distribution: list = field(default_factory=list)  # Utdelning rows (utdelning.COLUMNS order)
    distribution_cells: dict = field(default_factory=dict)  # (survey, insats) -> (sheet, cell)

    def problem(self, level, message, sheet="", cell=""):
        """Record a problem of this file: ``level`` ERROR or WARNING, ``message`` in Swedish,
        ``sheet`` and ``cell`` ('D7') where there is one."""
        self.problems.append(Problem(level, self.file, message, sheet, cell))


def _fault(wb: "Workbook", value, what: str, sheet: str, cell: str) -> bool:
    """An error value or uncalculated formula where text is expected: an error; True if so."""
    fault = error_value(value)
    if fault is not None:
        wb.problem(ERROR, f"{what}: {fault.message}.", sheet, cell)
    return fault is not None


def _read_uppgifter(wb: Workbook, rows: list[list], sheet: str) -> None:
    found = {}
    for r, row in enumerate(rows):
        if not row or _blank(row[0]):
            continue
        found.setdefault(norm(row[0]).rstrip(":").strip(), (r, row[1] if len(row) > 1 else ""))
    faulty = {label for label, (r, value) in found.items()
              if label in ("samordningsforbund", "matar", "enkatversion")
              and _fault(wb, value, _text(rows[r][0]), sheet, cell_name(r, 1))}
    def required(label: str, no_label: str, no_value: str):
        """(row, value) of a label that must be there with a value beside it; else None, the
        problem recorded (nothing more when the cell itself is faulty: _fault said so)."""
        got = found.get(label)
        if label in faulty:
            return None
        if got is None:
            wb.problem(ERROR, no_label, sheet)
            return None
        if not _text(got[1]):
            wb.problem(ERROR, no_value, sheet, cell_name(got[0], 1))
            return None
        return got

    name = required("samordningsforbund", "Etiketten 'Samordningsförbund' saknas i kolumn A; förbundets namn "
                    "ska stå bredvid, i kolumn B.", "Samordningsförbundets namn saknas: skriv det i kolumn B "
                    "bredvid etiketten 'Samordningsförbund'.")
    if name:
        wb.forbund = _text(name[1])
    year = required("matar", "Etiketten 'Mätår' saknas i kolumn A; mätåret ska stå bredvid, i kolumn B "
                    "(t.ex. 2022 för mätperioden november 2021 – oktober 2022).",
                    "Mätår saknas: skriv året i kolumn B bredvid etiketten 'Mätår', t.ex. 2022.")
    if year:
        try:
            value = whole_number(year[1])
        except CellError:
            value = None
        if value is None or not 2000 <= value <= 2100:
            wb.problem(ERROR, f"Mätår ska vara ett årtal, t.ex. 2022, men cellen innehåller "
                       f"'{_text(year[1])}'.", sheet, cell_name(year[0], 1))
        else:
            wb.year = value
    version = found.get("enkatversion")
    if "enkatversion" in faulty:
        return  # the version is unknown: the answers cannot be checked
    if version and _text(version[1]):
        try:
            value = whole_number(version[1])
        except CellError:
            value = None
        if value not in ins.VERSIONS:
            wb.problem(ERROR, f"Enkätversion ska vara 2017, 2018 eller 2021 (eller tom: då gäller "
                       f"mätårets version), men cellen innehåller '{_text(version[1])}'.",
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
        if not all(_blank(v) for v in row):
            return r
    return -1


def _last_row(rows: list[list]) -> int:
    for r in range(len(rows) - 1, -1, -1):
        if not all(_blank(v) for v in rows[r]):
            return r
    return -1


def _totals_row(row: list, r: int, answer_cols: set, formulas: dict) -> str:
    """Why a row is a summary of the answers rather than a respondent ('' if it is not one):
    a label such as Medel, Summa, Totalt, Antal in a column that is not an answer, or formulas
    over a range (or an aggregate such as SUMMA/AVERAGE) in the answer columns."""
    for c, value in enumerate(row):
        if type(value) is str and c not in answer_cols and _totals_label(value):
            return f"'{_text(value)}' i {cell_name(r, c)}"
    for c in sorted(answer_cols) if formulas else ():
        formula = formulas.get((r, c))
        if formula and AGGREGATE_FORMULA.search(formula):
            return f"formeln {formula} i {cell_name(r, c)}"
    return ""


@lru_cache(maxsize=4096)
def _totals_label(text: str) -> bool:
    return bool(TOTALS_LABEL.match(norm(text)))


def _read_survey(wb: Workbook, rows: list[list], sheet: str, survey: str, formulas: dict | None = None) -> None:
    head = _first_row(rows)
    if head < 0:
        return  # an empty sheet: the survey was not used
    end = _last_row(rows) + 1  # rows after the last filled one are not rows read
    header = rows[head]
    questions, roles, duplicates = _header_map(header)
    if not questions:
        if end > head + 1:
            wb.problem(ERROR, f"Bladet har {end - head - 1} rader under rubrikraden men inga frågekolumner: "
                       "rubrikerna ska vara F1, F2 … (även 'F 1' eller 'Fråga 1' går bra). Inget lästes "
                       "från bladet.", sheet, cell_name(head, 0))
        else:
            wb.sheets.append((survey, 0, 0, 0))
        return
    scales = _scales(wb.version, survey)
    if not scales:
        wb.problem(ERROR, f"Enkäten '{survey}' ingår inte i enkätversion {wb.version} (se Mätår och "
                   "Enkätversion på bladet Uppgifter), men bladet har frågekolumner. Inget lästes från "
                   "bladet.", sheet, cell_name(head, min(questions.values())))
        return
    bad = False
    for q, c in duplicates:
        wb.problem(ERROR, f"Kolumnen för fråga {q} finns två gånger (även {cell_name(head, questions[q])}). "
                   "Inget lästes från bladet.", sheet, cell_name(head, c))
        bad = True
    last = max(scales)
    for q, c in sorted(questions.items()):
        if q not in scales:
            wb.problem(ERROR, f"Kolumnen '{_text(header[c])}' är fråga {q}, men {survey} har bara "
                       f"F1–F{last} i enkätversion {wb.version}. Stämmer Mätår och Enkätversion på bladet "
                       "Uppgifter? Inget lästes från bladet.", sheet, cell_name(head, c))
            bad = True
    if bad:
        return
    missing = [q for q in scales if q not in questions]
    if missing:
        wb.problem(WARNING, "Kolumn saknas för " + ", ".join(f"F{q}" for q in missing)
                   + "; de frågorna räknas som obesvarade.", sheet, cell_name(head, 0))
    bg_name = ins.BACKGROUND.get(survey)
    bg_col = roles.get(norm(bg_name)) if bg_name else None
    bg_codes = ins.BACKGROUND_CODES.get(bg_name, {})
    if bg_name and bg_col is None and end > head + 1:
        meaning = ("alla svar räknas som kod 4 (Enkät utan variabeln kön)" if bg_name == "Kön"
                   else "arbetsgivaren räknas som ej angiven")
        wb.problem(WARNING, f"Kolumnen '{bg_name}' saknas; {meaning}.", sheet, cell_name(head, 0))
    insats_col = roles.get("insats")
    qcols = sorted(questions.items())
    allowed = {q: ins.SCALES[scales[q]] for q in scales}
    width = max(c for _, c in qcols)
    read = responses = 0
    answer_cols = {c for _, c in qcols}
    for r in range(head + 1, end):
        row = rows[r]
        if len(row) <= width:
            row = row + [""] * (width + 1 - len(row))
        why = _totals_row(row, r, answer_cols, formulas or {})
        if why:
            wb.problem(WARNING, f"Rad {r + 1} sammanfattar svaren ({why}) och är ingen svarande; den räknas "
                       "inte. Ta bort raden (eller tabellens summarad) ur registreringsfilen.",
                       sheet, cell_name(r, 0))
            continue
        read += 1
        codes = []
        for q, c in qcols:
            value = row[c]
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
                wb.problem(ERROR, f"Svarskoden {code} finns inte för fråga {q}; tillåtna koder är "
                           f"{_scale_text(scales[q])}, eller tom cell.", sheet, cell_name(r, c))
                continue
            codes.append((q, code))
        background, bad_background = None, False
        if bg_col is not None:
            value = row[bg_col] if bg_col < len(row) else ""
            try:
                background = whole_number(value)
            except CellError as e:
                wb.problem(ERROR, f"{e}; {bg_name} ska vara en kod ({_codes_text(bg_codes)}) eller tom.",
                           sheet, cell_name(r, bg_col))
                bad_background = True  # not blank: never read as 4 below
            else:
                if background is not None and background not in bg_codes:
                    wb.problem(ERROR, f"Okänd kod {background} i kolumnen {bg_name}; tillåtna koder är "
                               f"{_codes_text(bg_codes)}, eller tom cell.", sheet, cell_name(r, bg_col))
                    background = None
        if bg_name == "Kön" and background is None and not bad_background:
            background = 4  # blank Kön: Enkät utan variabeln kön
        if not codes:
            continue  # an empty row: counted, not a response
        responses += 1
        insats = _text(row[insats_col]) if insats_col is not None and insats_col < len(row) else ""
        if insats_col is not None and _fault(wb, row[insats_col], "Insats", sheet, cell_name(r, insats_col)):
            insats = ""
        local = len(wb.respondents)
        wb.respondents.append((local, wb.year, wb.forbund, insats, survey, wb.version,
                               background, wb.file, sheet, r + 1))
        wb.answers.extend((local, q, code) for q, code in codes)
        wb.cells.setdefault((survey, insats), (sheet, cell_name(r, 0)))
        if survey == "Deltagare avslut":
            given = dict(codes)
            later = [q for q in (9, 10) if q in given]
            if given.get(8) == 2 and later:
                wb.problem(WARNING, f"Svar på fråga {' och '.join(map(str, later))} trots Nej (2) på "
                           "fråga 8; svaren behålls och räknas.", sheet, cell_name(r, questions[later[0]]))
    wb.sheets.append((survey, read, responses, read - responses))


POPULATION_LABELS = {"survey": "Enkät", "insats": "Insats", "malpopulation": "Målpopulation",
                     "tillfragade": "Tillfrågade", "tackat_nej": "Tackat nej", "ej_nabara": "Ej nåbara"}


def header_columns(wb: Workbook, rows: list[list], sheet: str, roles: dict[str, str], labels: dict[str, str],
                   required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """The header row of a table sheet (its first non-blank row) and the column of each role found
    in it (``roles``: normalised header -> role; the first column wins). None when the sheet is
    empty, or when a ``required`` role is missing: then an error naming the header row is recorded
    (``labels``: role -> the header as the spec spells it)."""
    head = _first_row(rows)
    if head < 0:
        return None
    cols: dict[str, int] = {}
    for c, value in enumerate(rows[head]):
        role = roles.get(norm(value))
        if role and role not in cols:
            cols[role] = c
    lacking = [labels[role] for role in required if role not in cols]
    if lacking:
        wb.problem(ERROR, " och ".join(f"Kolumnen '{label}'" for label in lacking)
                   + f" saknas i rubrikraden (rad {head + 1}); rubrikerna ska vara "
                   + ", ".join(labels.values()) + ". Bladet lästes inte.", sheet, cell_name(head, 0))
        return None
    return head, cols


def table_rows(rows: list[list], head: int, cols: dict[str, int]):
    """The rows under a table sheet's header that hold anything in its known columns, as
    (0-based row index, get) pairs; ``get(role)`` is that row's cell in the role's column ("" when
    the column is missing or the row is short)."""
    for r in range(head + 1, len(rows)):
        row = rows[r]

        def get(role, row=row):
            c = cols.get(role)
            return row[c] if c is not None and c < len(row) else ""

        if not all(_blank(get(role)) for role in cols):
            yield r, get


def _read_population(wb: Workbook, rows: list[list], sheet: str) -> None:
    found = header_columns(wb, rows, sheet, POPULATION_HEADERS, POPULATION_LABELS, ("survey", "tillfragade"))
    if found is None:
        return
    head, cols = found
    for r, get in table_rows(rows, head, cols):
        if _fault(wb, get("survey"), "Enkät", sheet, cell_name(r, cols["survey"])):
            continue
        name = _text(get("survey"))
        survey = SURVEY_BY_KEY.get(name_key(name))
        if survey is None:
            if not name:
                message = "Enkätens namn saknas i kolumnen Enkät, men raden har andra uppgifter."
            else:
                message = f"Okänd enkät '{name}'; ska vara en av: {', '.join(ins.SURVEYS)}.{_hint(name)}"
            wb.problem(ERROR, message, sheet, cell_name(r, cols["survey"]))
            continue
        if not _text(get("insats")) and all(_blank(get(role)) for role in cols if role != "survey"):
            continue  # a survey named but nothing filled in, as in the blank template
        numbers, wrong = {}, set()
        for role in ("malpopulation", "tillfragade", "tackat_nej", "ej_nabara"):
            try:
                numbers[role] = whole_number(get(role))
                if numbers[role] is not None and numbers[role] < 0:
                    raise CellError(f"{numbers[role]} är negativt")
            except CellError as e:
                wb.problem(ERROR, f"{e}; {POPULATION_LABELS[role]} ska vara ett antal personer (heltal) "
                           "eller tom.", sheet, cell_name(r, cols[role]))
                numbers[role] = None
                wrong.add(role)
        insats = _text(get("insats"))
        if "insats" in cols and _fault(wb, get("insats"), "Insats", sheet, cell_name(r, cols["insats"])):
            continue
        key = (survey, insats)
        what = f"'{survey}'" + (f" och insats '{insats}'" if insats else " (utan insats)")
        if key in wb.population_cells:
            wb.problem(ERROR, f"{what} har redan en rad ({'!'.join(wb.population_cells[key])}); varje "
                       "enkät och insats ska ha en rad.", sheet, cell_name(r, cols["survey"]))
            continue
        wb.population_cells[key] = (sheet, cell_name(r, cols["survey"]))
        if numbers["tillfragade"] is None and "tillfragade" not in wrong:
            wb.problem(WARNING, f"Tillfrågade saknas för {what}; svarsfrekvensen kan inte räknas.",
                       sheet, cell_name(r, cols["tillfragade"]))
        wb.population.append((wb.year, wb.forbund, insats, survey, numbers["malpopulation"],
                              numbers["tillfragade"], numbers["tackat_nej"], numbers["ej_nabara"],
                              wb.file, sheet, cell_name(r, cols.get("malpopulation", 0)),
                              cell_name(r, cols["tillfragade"])))


def _hint(name: str) -> str:
    """' Menade du 'Deltagare pågående'?' for a name close to a survey's, else ''."""
    key = norm(name)
    close = SURVEY_BY_LOOSE_KEY.get(key)
    if close is None:
        match = difflib.get_close_matches(key, list(SURVEY_BY_LOOSE_KEY), n=1, cutoff=0.8)
        close = SURVEY_BY_LOOSE_KEY[match[0]] if match else None
    return f" Menade du '{close}'?" if close else ""


def _digest(sheets: dict[str, list[list]]) -> str:
    h = hashlib.sha1()
    for name in sorted(sheets):
        h.update(name.encode())
        h.update(repr(sheets[name]).encode())
    return h.hexdigest()


def read_workbook(path: Path | str, label: str | None = None) -> Workbook:
    """Read one registration workbook (.xlsx, .xlsm, .xls, .ods; spec: registration-file.md).

    Returns a :class:`Workbook`: its förbund, year and version from Uppgifter, the respondents
    and answers of every survey sheet, the population rows, and every problem (Swedish, naming
    ``label`` or the path, sheet and cell). Problems are collected, never raised: a damaged or
    unreadable file is one error, and the other files are read as usual."""
    path = Path(path)
    wb = Workbook(file=label or str(path))
    try:
        read = read_sheets(path)
    except SheetTooLarge as e:
        wb.problem(ERROR, str(e), e.sheet, e.cell)
        return wb
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # any failure to open is the user's file (Rust panics are BaseException)
        kind = path.suffix.lower() or "utan ändelse"
        wb.problem(ERROR, f"Filen kan inte läsas som arbetsbok ({kind}): den är skadad, lösenordsskyddad "
                   "eller en annan sorts fil med den ändelsen. Öppna den i Excel (eller LibreOffice) och "
                   f"spara den som Excel-arbetsbok (.xlsx). (Tekniskt fel: {type(e).__name__}: {e})")
        return wb
    sheets, formulas = read.rows, read.formulas
    wb.digest = _digest(sheets)
    by_key, used = {}, set()
    for name in sheets:
        key = name_key(name)
        if key in by_key:
            wb.problem(ERROR, f"Två blad har samma namn om man bortser från stora och små bokstäver och "
                       f"mellanslag: '{by_key[key]}' och '{name}'. Bara '{by_key[key]}' lästes; ta bort "
                       "eller döp om det andra.", name)
            used.add(name)
        else:
            by_key[key] = name
    uppgifter = by_key.get("uppgifter")
    if uppgifter is None:
        wb.problem(ERROR, "Bladet 'Uppgifter' saknas; det ska ange Samordningsförbund och Mätår "
                   "(etikett i kolumn A, värde i kolumn B). Inget annat i filen kunde kontrolleras.")
        return wb
    used.add(uppgifter)
    _read_uppgifter(wb, sheets[uppgifter], uppgifter)
    if wb.version is None:
        return wb  # without a year (or a version) the answers cannot be checked
    population = by_key.get("population")
    survey_sheets = []
    for key, name in by_key.items():
        if key in SURVEY_BY_KEY:
            survey_sheets.append((SURVEY_BY_KEY[key], name))
            used.add(name)
    for survey, name in sorted(survey_sheets, key=lambda s: ins.SURVEYS.index(s[0])):
        _read_survey(wb, sheets[name], name, survey, formulas.get(name))
    if population is not None:
        used.add(population)
        _read_population(wb, sheets[population], population)
    elif wb.respondents:
        wb.problem(ERROR, "Bladet 'Population' saknas; det krävs när det finns svar (kolumnerna Enkät, "
                   "Insats, Målpopulation, Tillfrågade, Tackat nej, Ej nåbara).")
    from finsam_lib.registration.utdelning import read_own_sheets
    used |= read_own_sheets(wb, sheets, by_key, population)
    for name in sheets:
        if name in used:
            continue
        head = _first_row(sheets[name])
        answer_cols = _header_map(sheets[name][head])[0] if head >= 0 else {}
        if answer_cols:
            wb.problem(ERROR, f"Bladet '{name}' har svarskolumner (F1, F2 …) men namnet är inte någon av "
                       f"enkäterna ({', '.join(ins.surveys_of(wb.version))}).{_hint(name)} Döp om bladet; "
                       "inget lästes från det.", name, cell_name(head, min(answer_cols.values())))
        else:
            wb.problem(WARNING, f"Bladet '{name}' hör inte till registreringsfilen och läses inte."
                       f"{_hint(name)}", name)
    return wb

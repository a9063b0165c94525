"""The `Utdelning` sheet: the distribution log a förbund keeps during the year
(spec: registration-file.md, "Sheet `Utdelning`"; docs/utdelning.md).

One row per questionnaire handed out. Per survey and insats, the rows whose Status
is not `Ej aktuell` are Tillfrågade and those with `Tackat nej` are Tackat nej; they
fill the workbook's `Population` where it leaves those cells blank, and are checked
against it where it does not. Rows with Status `Svarat` are checked against the
answers registered (per förbund, year, survey and insats, over all workbooks read).

Called from the reader through two hooks: :func:`read_own_sheets` per workbook and
:func:`check_answers` once the workbooks are combined.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pandas as pd

from finsam_lib.base.problems import ERROR, WARNING, Problem, cell_name
from finsam_lib.instrument import definition as ins

SHEET = "Utdelning"
HEADER = ["Löpnr", "Enkät", "Insats", "Datum utdelad", "Status", "Datum påminnelse"]
SVARAT, TACKAT_NEJ, EJ_SVARAT, EJ_AKTUELL = "Svarat", "Tackat nej", "Ej svarat", "Ej aktuell"
STATUSES = (SVARAT, TACKAT_NEJ, EJ_SVARAT, EJ_AKTUELL)
# The first line of the instructions sheet `finsam template` writes: that sheet is the
# template's own and is not named as an extra sheet.
TEMPLATE_TITLE = "Registreringsfil för Indikatorer för finansiell samordning"
TEMPLATE_GUIDE = "Instruktioner"

COLUMNS = ["year", "forbund", "survey", "insats", "lopnr", "utdelad", "status", "paminnelse",
           "file", "sheet", "row"]
_ROLES = {"lopnr": "lopnr", "enkat": "survey", "insats": "insats", "datum utdelad": "utdelad",
          "status": "status", "datum paminnelse": "paminnelse"}
_LABELS = dict(zip(_ROLES.values(), HEADER))
_STATUS_BY_KEY = {' '.join(s.casefold().split()): s for s in STATUSES}  # keyed as reader.name_key
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Something that looks like a Swedish personal identity number (ÅÅMMDD-NNNN or ÅÅÅÅMMDDNNNN).
_PERSONNUMMER = re.compile(r"^(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])[-+ ]?\d{4}$")


def empty_frame() -> pd.DataFrame:
    """An Utdelning frame without rows: the columns :data:`COLUMNS`."""
    return pd.DataFrame(columns=COLUMNS)


def _date(value) -> dt.date | None:
    """A typed date -> date; blank -> None. Raises ValueError for anything else.

    Accepts Excel dates, Excel serial numbers (a date cell formatted as a number) and text
    written as 2022-03-01."""
    from finsam_lib.registration.cells import _blank
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value < 73051:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))  # 2000-01-01 .. 2099-12-31
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", value)
        if m:
            return dt.date(*map(int, m.groups()))
    raise ValueError(value)


def is_template_guide(name: str, rows: list[list]) -> bool:
    """The instructions sheet finsam's template writes (its name and its first line)."""
    from finsam_lib.registration.cells import _text, norm
    return (norm(name) == norm(TEMPLATE_GUIDE) and bool(rows) and bool(rows[0])
            and _text(rows[0][0]) == TEMPLATE_TITLE)


def read_own_sheets(wb, sheets: dict[str, list[list]], by_key: dict[str, str],
                    population: str | None) -> set[str]:
    """Read a workbook's Utdelning sheet into ``wb.distribution`` and fill or check its
    Population; returns the names of the sheets that belong to the template (Utdelning,
    the template's own instructions) so that the reader does not name them as extra."""
    own = {name for name in sheets if is_template_guide(name, sheets[name])}
    name = by_key.get(SHEET.casefold())
    if name is None:
        return own
    own.add(name)
    units = _read_rows(wb, sheets[name], name)
    if units:
        _fill_population(wb, units, name, sheets.get(population) if population else None)
    return own


def _read_rows(wb, rows: list[list], sheet: str) -> dict:
    """Parse the rows; returns {(survey, insats): [(row index, status)]}."""
    from finsam_lib.registration.cells import SURVEY_BY_KEY, _blank, _text, name_key, norm
    from finsam_lib.registration.parse import _hint, header_columns, table_rows
    found = header_columns(wb, rows, sheet, _ROLES, _LABELS, ("survey", "status"))
    if found is None:
        return {}
    head, cols = found
    units = defaultdict(list)
    seen = {}
    for r, get in table_rows(rows, head, cols):
        name = _text(get("survey"))
        if not name:
            if all(_blank(get(role)) for role in cols if role != "lopnr"):
                continue  # a running number not handed out yet
            wb.problem(ERROR, "Enkät saknas, men raden har andra uppgifter; skriv vilken enkät som delades ut.",
                       sheet, cell_name(r, cols["survey"]))
            continue
        survey = SURVEY_BY_KEY.get(name_key(name))
        if survey is None:
            wb.problem(ERROR, f"Okänd enkät '{name}'; ska vara en av: {', '.join(ins.SURVEYS)}.{_hint(name)}",
                       sheet, cell_name(r, cols["survey"]))
            continue
        typed = _text(get("status"))
        status = _STATUS_BY_KEY.get(name_key(typed), None) if typed else EJ_SVARAT
        if status is None:
            wb.problem(ERROR, f"Okänd status '{typed}'; ska vara en av: {', '.join(STATUSES)} "
                       "(tom cell = Ej svarat).", sheet, cell_name(r, cols["status"]))
            continue
        dates = {}
        for role in ("utdelad", "paminnelse"):
            try:
                dates[role] = _date(get(role))
            except ValueError:
                dates[role] = None
                wb.problem(WARNING, f"'{_text(get(role))}' är inte ett datum; skriv det som 2022-03-01. "
                           "Raden räknas, men datumet används inte.", sheet, cell_name(r, cols[role]))
        lopnr = _text(get("lopnr"))
        if _PERSONNUMMER.match(lopnr):
            wb.problem(ERROR, f"Löpnumret '{lopnr}' ser ut som ett personnummer. Bladet får inte innehålla "
                       "namn eller personnummer: använd förbundets eget löpnummer.", sheet,
                       cell_name(r, cols["lopnr"]))
            lopnr = ""
        if lopnr:
            key = (survey, norm(lopnr))
            if key in seen:
                wb.problem(WARNING, f"Löpnummer {lopnr} för '{survey}' finns redan på rad {seen[key] + 1}; "
                           "är enkäten inskriven två gånger?", sheet, cell_name(r, cols["lopnr"]))
            seen.setdefault(key, r)
        insats = _text(get("insats"))
        units[(survey, insats)].append((r, status))
        wb.distribution.append((wb.year, wb.forbund, survey, insats, lopnr, dates["utdelad"], status,
                                dates["paminnelse"], wb.file, sheet, r + 1))
    wb.distribution_cells = {unit: (sheet, cell_name(items[0][0], cols["status"]))
                             for unit, items in units.items()}
    return dict(units)


def _what(survey: str, insats: str) -> str:
    return f"'{survey}'" + (f" och insats '{insats}'" if insats else " (utan insats)")


def _fill_population(wb, units: dict, sheet: str, population_rows) -> None:
    """Population figures from Utdelning where the Population sheet leaves them blank."""
    from finsam_lib.registration.cells import norm
    from finsam_lib.registration.parse import POPULATION_HEADERS
    tackat_col = None
    if population_rows:
        head = next((r for r, row in enumerate(population_rows) if any(v not in (None, "") for v in row)), None)
        if head is not None:
            tackat_col = next((c for c, v in enumerate(population_rows[head])
                               if POPULATION_HEADERS.get(norm(v)) == "tackat_nej"), None)
    counted = {unit: (sum(s != EJ_AKTUELL for _, s in items), sum(s == TACKAT_NEJ for _, s in items))
               for unit, items in units.items()}
    at = {(p[3], p[2]): i for i, p in enumerate(wb.population)}  # (survey, insats) -> index
    for unit, (tillfragade, tackat) in counted.items():
        survey, insats = unit
        where = f"{sheet}!{wb.distribution_cells[unit][1]}"
        if unit not in at:
            if unit in wb.population_cells:
                continue  # a Population row with an error; already reported
            wb.population_cells[unit] = wb.distribution_cells[unit]
            wb.population.append((wb.year, wb.forbund, insats, survey, None, tillfragade, tackat, None,
                                  wb.file, sheet, "", wb.distribution_cells[unit][1]))
            continue
        i = at[unit]
        p = list(wb.population[i])
        pop_sheet, tcell = p[9], p[11]
        row = int(re.sub(r"\D", "", tcell))
        if p[5] is None:
            p[5] = tillfragade
            # The reader's "Tillfrågade saknas" warning for this cell no longer holds.
            wb.problems = [q for q in wb.problems
                           if not (q.level == WARNING and q.sheet == pop_sheet and q.cell == tcell)]
        elif p[5] != tillfragade:
            wb.problem(WARNING, f"Tillfrågade är {p[5]} på bladet {pop_sheet}, men Utdelning ({where} och "
                       f"framåt) har {tillfragade} utdelade enkäter som inte är Ej aktuell för "
                       f"{_what(survey, insats)}. Vilken siffra stämmer? Rätta den andra, eller töm "
                       "Tillfrågade så räknas den från Utdelning.", pop_sheet, tcell)
        if p[6] is None:
            p[6] = tackat
        elif p[6] != tackat:
            cell = cell_name(row - 1, tackat_col) if tackat_col is not None else tcell
            wb.problem(WARNING, f"Tackat nej är {p[6]} på bladet {pop_sheet}, men Utdelning ({where} och "
                       f"framåt) har {tackat} rader med status Tackat nej för {_what(survey, insats)}. "
                       "Vilken siffra stämmer?", pop_sheet, cell)
        wb.population[i] = tuple(p)


def frame(books, names: dict[str, str]) -> pd.DataFrame:
    """The distribution rows of the kept workbooks, förbund spelled as in the data set
    (``names``: norm(förbund) -> name); columns COLUMNS, one row per questionnaire handed out."""
    from finsam_lib.registration.cells import norm
    rows = [(d[0], names[norm(wb.forbund)], *d[2:]) for wb in books for d in wb.distribution]
    if not rows:
        return empty_frame()
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["year"] = out["year"].astype("int64")
    return out


def check_answers(distribution: pd.DataFrame, respondents: pd.DataFrame, books) -> list[Problem]:
    """Warnings where the rows with Status Svarat and the answers registered differ, per
    förbund, year, survey and insats; only for surveys the förbund's Utdelning covers."""
    if distribution.empty:
        return []
    svarat = Counter(zip(*(distribution.loc[distribution.status == SVARAT, c]
                           for c in ("year", "forbund", "survey", "insats"))))
    covered = set(zip(distribution.year, distribution.forbund, distribution.survey))
    units = set(zip(distribution.year, distribution.forbund, distribution.survey, distribution.insats))
    answers = Counter(k for k in zip(respondents.year, respondents.forbund, respondents.survey, respondents.insats)
                      if k[:3] in covered)
    from finsam_lib.registration.cells import norm
    where = {}
    for wb in books:
        for (survey, insats), place in wb.distribution_cells.items():
            where.setdefault((wb.year, norm(wb.forbund), survey, insats), (wb.file, *place))
    first_answer = {}
    for r in respondents.itertuples(index=False):
        first_answer.setdefault((r.year, r.forbund, r.survey, r.insats), (r.file, r.sheet, f"A{r.row}"))
    problems = []
    for key in sorted(units | set(answers), key=lambda k: tuple(map(str, k))):
        year, forbund, survey, insats = key
        n_svarat, n_answers = svarat.get(key, 0), answers.get(key, 0)
        if n_svarat == n_answers:
            continue
        place = where.get((year, norm(forbund), survey, insats)) or first_answer.get(key) or ("", "", "")
        what = _what(survey, insats)
        if n_answers > n_svarat:
            message = (f"{n_answers} svar är registrerade för {what}, men Utdelning har {n_svarat} rader med "
                       "status Svarat. Har några svar inte fått status Svarat i Utdelning, eller är svar "
                       "inmatade två gånger?")
        else:
            message = (f"Utdelning har {n_svarat} rader med status Svarat för {what}, men bara {n_answers} svar "
                       f"är registrerade på bladet '{survey}'. Saknas det svar i enkätbladet, eller har fel "
                       "rader status Svarat?")
        problems.append(Problem(WARNING, place[0], message, place[1], place[2]))
    return problems

"""Writing registration workbooks (the spec's layout), from tidy frames.

Used by the demo data, the test fixtures and the blank template.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from finsam_lib.base.safe_output import excel_row, excel_text_cells
from finsam_lib.instrument import definition as ins
from finsam_lib.registration import utdelning as utd

POPULATION_HEADER = ["Enkät", "Insats", "Målpopulation", "Tillfrågade", "Tackat nej", "Ej nåbara"]


def survey_header(version: int, survey: str) -> list[str]:
    """A survey sheet's header row for a questionnaire version: Löpnr, Insats, the background
    column (Kön or Arbetsgivare) where the survey has one, F1 … Fn (registration-file.md,
    "Survey sheets")."""
    background = ins.BACKGROUND.get(survey)
    questions = [f"F{q}" for q in ins.question_numbers(version, survey)]
    return ["Löpnr", "Insats", *([background] if background else []), *questions]


def _blank(value):
    return None if value is None or pd.isna(value) else value


def answer_codes(answers: pd.DataFrame) -> dict:
    """{respondent: {question: code}} of the answers that have a code; ValueError on a second code
    for the same respondent and question (a registration file has one cell for it)."""
    given = answers[answers.code.notna()]
    codes: dict = {}
    for respondent, question, code in zip(given.respondent.tolist(), given.question.tolist(), given.code.tolist()):
        mine, question = codes.setdefault(respondent, {}), int(question)
        if question in mine:
            raise ValueError(f"respondent {respondent} has two answers to question {question}")
        mine[question] = int(code)
    return codes


def survey_rows(version: int, survey: str, respondents: pd.DataFrame, codes: dict) -> list[list]:
    """One row per respondent of ``survey`` (in their order): Löpnr, Insats, (Kön|Arbetsgivare),
    F1..Fn of the version, each the respondent's code in ``codes`` (:func:`answer_codes`) or empty."""
    qs = ins.question_numbers(version, survey)
    has_bg = survey in ins.BACKGROUND
    backgrounds = respondents.background.tolist() if has_bg else [None] * len(respondents)
    rows = []
    for i, (respondent, insats, background) in enumerate(
            zip(respondents.respondent.tolist(), respondents.insats.tolist(), backgrounds), 1):
        row = [i, insats or None, *([_blank(background)] if has_bg else [])]
        mine = codes.get(respondent, {})
        row.extend(mine.get(q) for q in qs)
        rows.append(row)
    return rows


def write_registration(path: Path | str, forbund: str, year: int, respondents: pd.DataFrame,
                       answers: pd.DataFrame, population: pd.DataFrame, version: int | None = None,
                       extra_info: list[tuple[str, str]] = ()) -> Path:
    """Write one förbund's workbook for a year.

    respondents: respondent, survey, insats, background; answers: respondent,
    question, code; population: survey, insats, malpopulation, tillfragade.
    """
    version = version or ins.default_version(year)
    codes = answer_codes(answers)  # refused before anything is written
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    info = wb.create_sheet("Uppgifter")
    info.append(excel_row(info, ["Samordningsförbund", forbund]))
    info.append(["Mätår", year])
    info.append(["Enkätversion", version])
    for label, value in extra_info:
        info.append(excel_row(info, [label, value]))
    pop = wb.create_sheet("Population")
    pop.append(POPULATION_HEADER)
    for r in population.itertuples(index=False):
        pop.append(excel_row(pop, [r.survey, r.insats or None, _blank(r.malpopulation), _blank(r.tillfragade),
                                   _blank(getattr(r, "tackat_nej", None)), _blank(getattr(r, "ej_nabara", None))]))
    by_survey = dict(tuple(respondents.groupby("survey", sort=False)))
    for survey in ins.surveys_of(version):
        sub = by_survey.get(survey)
        if sub is None or sub.empty:
            continue
        ws = wb.create_sheet(survey)
        ws.append(survey_header(version, survey))
        for row in survey_rows(version, survey, sub, codes):
            ws.append(excel_row(ws, row))
    wb.save(path)
    return path


# --- The blank template a förbund fills in ------------------------------------------------------

TEMPLATE_ROWS = 300
INSTRUCTIONS = [
    utd.TEMPLATE_TITLE,
    "",
    "Så här fyller du i filen",
    "1. Kontrollera förbundets namn och mätåret på bladet Uppgifter.",
    "2. Skriv en rad per inkommen enkät på enkätens blad. Kolumnen F1 är fråga 1, F2 fråga 2 och så vidare.",
    "3. Skriv svarskoden (siffran) för varje fråga. Lämna cellen tom om frågan inte besvarats.",
    "   Cellerna tar bara emot frågans koder; när du står i en cell visas skalans svarsalternativ.",
    "   Håll muspekaren över en frågerubrik för att se frågans text.",
    "4. Insats: skriv insatsens namn om ni vill kunna följa upp per insats (frivilligt).",
    "5. Kön (deltagarenkäterna): 1 Kvinna, 2 Man, 3 Uppges ej / vill inte svara / inget alternativ passar, "
    "4 Enkät utan variabeln kön. Tom cell räknas som 4.",
    "6. Arbetsgivare (remittenter): 1 Arbetsförmedlingen, 2 Försäkringskassan, 3 Kommun, "
    "4 Hälso- och sjukvård (region), 5 Annan. Tom cell = ej angivet.",
    "7. Fyll i bladet Population: för varje enkät hur många som kunde ha tillfrågats (målpopulation) och "
    "hur många som faktiskt tillfrågades. Antal svar räknas fram ur enkätbladen.",
    "8. Enkäter som inte använts lämnas tomma.",
    "9. Bladet Utdelning (frivilligt): en rad per utdelad enkät under året, med löpnummer, datum och status. "
    "Då räknas Tillfrågade och Tackat nej fram ur det när de lämnas tomma på bladet Population, och "
    "finsam status visar svarsfrekvensen hittills och vilka som ska få en påminnelse.",
    "",
    "Fritextsvar skrivs aldrig in här: de är för lokalt bruk och ska inte finnas i någon rapport.",
    "Kontrollera filen med kommandot: finsam validate <fil>",
]


def _code_list(codes) -> str:
    return ",".join(str(c) for c in codes)


def write_template(path: Path | str, forbund: str, year: int, version: int | None = None) -> Path:
    """Write a blank registration workbook for ``forbund`` and measurement year ``year`` to
    ``path`` (.xlsx, its folder made if missing): Instruktioner, Uppgifter filled in, Population,
    one sheet per survey of the questionnaire ``version`` (default: the year's), and validation
    on every answer cell (registration-file.md). Returns the path."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    version = version or ins.default_version(year)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7F0")

    guide = wb.active
    guide.title = "Instruktioner"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide["A3"].font = bold
    guide.column_dimensions["A"].width = 110

    info = wb.create_sheet("Uppgifter")
    for row in (["Samordningsförbund", forbund], ["Mätår", year], ["Enkätversion", version],
                ["Kontaktperson", None], ["Kommentar", None]):
        info.append(row)
    for cell in info["A"]:
        cell.font = bold
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 50

    pop = wb.create_sheet("Population")
    pop.append(POPULATION_HEADER)
    surveys = ins.surveys_of(version)
    for survey in surveys:
        pop.append([survey])
    count = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="Ogiltigt värde",
                           error="Skriv ett antal personer (ett heltal, 0 eller mer).")
    pop.add_data_validation(count)
    count.add(f"C2:F{TEMPLATE_ROWS}")
    _style_header(pop, bold, head_fill, [22, 24, 15, 13, 12, 12])

    for survey in surveys:
        ws = wb.create_sheet(survey)
        header = survey_header(version, survey)
        ws.append(header)
        qs = ins.version_questions(version, survey).set_index("question")
        for col, name in enumerate(header, start=1):
            letter = ws.cell(row=1, column=col).column_letter
            rng = f"{letter}2:{letter}{TEMPLATE_ROWS}"
            if name.startswith("F") and name[1:].isdigit():
                q = qs.loc[int(name[1:])]
                labels = ins.SCALES[q.scale]
                ws.cell(row=1, column=col).comment = Comment(f"Fråga {name[1:]}: {q.text}", "finsam")
                _list_validation(ws, rng, labels, f"Fråga {name[1:]}")
            elif name in ins.BACKGROUND_CODES:
                _list_validation(ws, rng, ins.BACKGROUND_CODES[name], name)
        _style_header(ws, bold, head_fill, [8, 22] + [12] * (len(header) - 2))
    _utdelning_sheet(wb, surveys, bold, head_fill)
    wb.active = wb.sheetnames.index("Uppgifter")
    excel_text_cells(wb)
    wb.save(path)
    return path


UTDELNING_ROWS = 1000
UTDELNING_GUIDE = [
    "Utdelning: en rad per utdelad enkät",
    "Inga namn eller personnummer på det här bladet: Löpnr är förbundets eget löpnummer.",
    "Skriv en rad när en enkät delas ut eller skickas: Löpnr, Enkät, Insats (frivilligt) och Datum utdelad.",
    "Ändra Status när ni vet mer:",
    "  Svarat – enkäten har kommit in (skriv även in svaren på enkätens blad),",
    "  Tackat nej – personen ville inte delta,",
    "  Ej svarat – utdelad men inget svar ännu (tom status betyder detsamma),",
    "  Ej aktuell – enkäten kunde inte besvaras, t.ex. personen avslutade innan; räknas inte som tillfrågad.",
    "Datum påminnelse: när en påminnelse gavs.",
    "Tillfrågade = rader som inte är Ej aktuell; Tackat nej = rader med Tackat nej. De räknas per enkät och "
    "insats och används när bladet Population lämnar dem tomma.",
    "Svarsfrekvens hittills och vem som ska påminnas: finsam status --data <fil> --year <mätår>",
]


def _utdelning_sheet(wb, surveys, bold, head_fill) -> None:
    """The distribution log (spec: Sheet `Utdelning`), with lists for Enkät and Status, date
    cells, and the instructions to the right of the table."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(utd.SHEET)
    ws.append(utd.HEADER)
    last = UTDELNING_ROWS
    for title, col, values in (("Enkät", "B", surveys), ("Status", "E", utd.STATUSES)):
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, showInputMessage=True, promptTitle=title,
                            prompt="Välj i listan.", errorTitle=f"Ogiltig {title.lower()}",
                            error="Välj ett av värdena i listan.")
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorTitle="Ogiltigt datum",
                           error="Skriv ett datum, t.ex. 2022-03-01.")
    ws.add_data_validation(dates)
    dates.add(f"D2:D{last}")
    dates.add(f"F2:F{last}")
    for col in ("D", "F"):
        for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=ord(col) - 64, max_col=ord(col) - 64):
            cell.number_format = "yyyy-mm-dd"
    for r, line in enumerate(UTDELNING_GUIDE, start=1):
        ws.cell(row=r, column=8, value=line)
    ws["H1"].font = Font(bold=True, size=12)
    ws["H2"].font = bold
    for c, width in enumerate([8, 22, 22, 14, 12, 16, 3, 100], start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
        if c <= len(utd.HEADER):
            ws.cell(row=1, column=c).font, ws.cell(row=1, column=c).fill = bold, head_fill
    ws.freeze_panes = "A2"


def _list_validation(ws, cells: str, labels: dict, title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation
    prompt = "\n".join(f"{c} = {t}" for c, t in labels.items())
    dv = DataValidation(type="list", formula1=f'"{_code_list(labels)}"', allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, promptTitle=title[:32],
                        prompt=prompt[:255], errorTitle="Ogiltig kod",
                        error=f"Tillåtna koder: {', '.join(map(str, labels))}. Lämna tomt om obesvarad.")
    ws.add_data_validation(dv)
    dv.add(cells)


def _style_header(ws, bold, fill, widths) -> None:
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w
    ws.freeze_panes = "A2"

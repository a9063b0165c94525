"""The Utdelning sheet (spec: registration-file.md, "Sheet `Utdelning`"): Tillfrågade and
Tackat nej per survey and insats from the distribution log, and the warnings where the
log, the Population sheet and the registered answers disagree."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from conftest import write_book

from finsam_lib.apps.cli import main
from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.reader import read_paths

DP = "Deltagare pågående"


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "mall.xlsx"
    assert main(["template", "--forbund", "Väst", "--year", "2022", "--out", str(path)]) == 0
    return path


def fill(template, answers, utdelning, population=(), name="ifylld.xlsx"):
    """Type answers ({survey: [(insats, codes)]}), Utdelning rows and Population rows
    (Enkät, Insats, Målpopulation, Tillfrågade, Tackat nej) into the template."""
    wb = openpyxl.load_workbook(template)
    for survey, rows in answers.items():
        ws = wb[survey]
        header = [c.value for c in ws[1]]
        for r, (insats, codes) in enumerate(rows, start=2):
            ws.cell(row=r, column=1, value=r - 1)
            ws.cell(row=r, column=header.index("Insats") + 1, value=insats or None)
            for q, code in enumerate(codes, start=1):
                ws.cell(row=r, column=header.index(f"F{q}") + 1, value=code)
    ws = wb["Utdelning"]
    for r, row in enumerate(utdelning, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    pop = wb["Population"]
    for row in population:
        pop.append(list(row))
    path = template.with_name(name)
    wb.save(path)
    return path


def log(survey, insats, statuses, start=1, day=dt.date(2022, 3, 1)):
    """Utdelning rows: Löpnr, Enkät, Insats, Datum utdelad, Status, Datum påminnelse."""
    return [(start + i, survey, insats, day, status or None, None) for i, status in enumerate(statuses)]


SEVEN = [5, 6, 4, 3, 2, 6, 6]
STEGET = log(DP, "Steget", ["Svarat"] * 3 + ["Tackat nej", "Ej svarat", "Ej aktuell", ""])
LOTSEN = log(DP, "Lotsen", ["Svarat", "Svarat", "Tackat nej", "Tackat nej"], start=101)
ANSWERS = {DP: [("Steget", SEVEN)] * 3 + [("Lotsen", SEVEN)] * 2}


def population(data):
    return data.population.set_index(["survey", "insats"]).sort_index()


def test_two_insatser_give_the_population_the_spec_would(template):
    data = read_paths([fill(template, ANSWERS, STEGET + LOTSEN)])
    assert data.problems == []
    pop = population(data)
    # Tillfrågade: every row but Ej aktuell (a blank status is Ej svarat); Tackat nej: those rows.
    assert pop.loc[(DP, "Steget"), ["tillfragade", "tackat_nej"]].tolist() == [6, 1]
    assert pop.loc[(DP, "Lotsen"), ["tillfragade", "tackat_nej"]].tolist() == [4, 2]
    assert pop.malpopulation.isna().all()
    table = fig.response_table(data.respondents, data.population, data.sheets, 2022)
    row = table.set_index("survey").loc[DP]
    assert (row.tillfragade, row.antal_svar, row.bortfall, row.svar_av_tillfragade_pct) == (10, 5, 5, 50)
    assert len(data.distribution) == len(STEGET) + len(LOTSEN)
    assert set(data.distribution.status) == {"Svarat", "Tackat nej", "Ej svarat", "Ej aktuell"}


def test_population_keeps_what_it_gives_and_takes_the_blanks(template):
    rows = [(DP, "Steget", 20, None, None), (DP, "Lotsen", 8, 4, None)]
    data = read_paths([fill(template, ANSWERS, STEGET + LOTSEN, rows)])
    assert data.problems == []  # no "Tillfrågade saknas": Utdelning gives it
    pop = population(data)
    assert pop.loc[(DP, "Steget"), ["malpopulation", "tillfragade", "tackat_nej"]].tolist() == [20, 6, 1]
    assert pop.loc[(DP, "Lotsen"), ["malpopulation", "tillfragade", "tackat_nej"]].tolist() == [8, 4, 2]


def test_disagreeing_population_warns_naming_both_places(template):
    rows = [(DP, "Steget", 20, 9, 0)]  # Utdelning says 6 asked, 1 declined
    data = read_paths([fill(template, ANSWERS, STEGET + LOTSEN, rows)])
    assert not data.errors
    r = 2 + len(ins.surveys_of(2021))  # the row after the template's survey rows
    found = {p.cell: p for p in data.problems if p.sheet == "Population"}
    assert set(found) == {f"D{r}", f"E{r}"}
    assert "9" in found[f"D{r}"].message and "6" in found[f"D{r}"].message
    assert "Utdelning!E2" in found[f"D{r}"].message
    assert "0" in found[f"E{r}"].message and "1" in found[f"E{r}"].message
    assert population(data).loc[(DP, "Steget"), "tillfragade"] == 9  # the Population sheet's figure is kept


def test_svarat_rows_are_checked_against_the_answers(template):
    answers = {DP: [("Steget", SEVEN)] * 2 + [("Lotsen", SEVEN)] * 3 + [("Nystart", SEVEN)]}
    data = read_paths([fill(template, answers, STEGET + LOTSEN)])
    msgs = {(p.sheet, p.cell): p.message for p in data.problems}
    fewer = msgs[("Utdelning", "E2")]  # Steget: 3 Svarat, 2 answers
    assert "3 rader med status Svarat" in fewer and "bara 2 svar" in fewer
    more = msgs[("Utdelning", "E9")]  # Lotsen: 2 Svarat, 3 answers
    assert "3 svar" in more and "2 rader" in more
    # Answers for an insats the log of that survey does not have at all.
    assert any("Nystart" in m and "0 rader" in m for m in msgs.values())


def test_a_survey_the_log_does_not_cover_is_not_checked(template):
    answers = {**ANSWERS, "Styrelse": [("", [6, 5, 4, 3, 2])]}
    data = read_paths([fill(template, answers, STEGET + LOTSEN, [("Styrelse", None, 9, 7, None)])])
    assert data.problems == []


def test_bad_rows_name_their_cells(template):
    rows = [
        (1, DP, "Steget", dt.date(2022, 3, 1), "Svar", None),  # unknown status
        ("19850312-1234", DP, "Steget", dt.date(2022, 3, 1), "Svarat", None),  # a personnummer
        (3, "Deltagare pagaende", "", dt.date(2022, 3, 1), "Svarat", None),  # unknown survey
        (4, DP, "Steget", "i mars", "Ej svarat", None),  # not a date: a warning
        (5, DP, "Steget", "2022-03-02", "Svarat", None),
        (5, DP, "Steget", "2022-03-02", "Ej svarat", None),  # Löpnr twice
        (6, None, None, None, None, None),  # a running number not handed out: ignored
    ]
    data = read_paths([fill(template, {DP: [("Steget", SEVEN)] * 2}, rows)])
    errors = {p.cell: p.message for p in data.errors}
    assert set(errors) == {"E2", "A3", "B4"}
    assert "Okänd status 'Svar'" in errors["E2"] and "personnummer" in errors["A3"]
    assert "Menade du 'Deltagare pågående'?" in errors["B4"]
    warnings = {p.cell: p.message for p in data.problems if not p.is_error and p.sheet == "Utdelning"}
    assert "inte ett datum" in warnings["D5"] and "rad 6" in warnings["A7"]


def test_utdelning_without_status_column_is_an_error(tmp_path):
    path = write_book(tmp_path / "f.xlsx", {
        "Uppgifter": [["Samordningsförbund", "Väst"], ["Mätår", 2022]],
        "Utdelning": [["Löpnr", "Enkät", "Datum utdelad"], [1, DP, "2022-03-01"]],
    })
    data = read_paths([path])
    assert [(p.sheet, p.cell) for p in data.errors] == [("Utdelning", "A1")]
    assert "Status" in data.errors[0].message


def test_a_forbunds_own_instructions_sheet_is_still_named(tmp_path):
    path = write_book(tmp_path / "f.xlsx", {
        "Uppgifter": [["Samordningsförbund", "Väst"], ["Mätår", 2022]],
        "Instruktioner": [["Våra egna anteckningar"]],
    })
    data = read_paths([path])
    assert [p.sheet for p in data.problems] == ["Instruktioner"]


def test_distribution_frame_of_a_workbook_without_the_sheet_is_empty(tmp_path):
    path = write_book(tmp_path / "f.xlsx", {"Uppgifter": [["Samordningsförbund", "Väst"], ["Mätår", 2022]]})
    data = read_paths([path])
    assert data.distribution.empty and "status" in data.distribution.columns
    assert isinstance(data.distribution, pd.DataFrame)


def test_template_sheet_has_lists_dates_and_says_no_names(template):
    ws = openpyxl.load_workbook(template)["Utdelning"]
    assert [c.value for c in ws[1]][:6] == ["Löpnr", "Enkät", "Insats", "Datum utdelad", "Status",
                                            "Datum påminnelse"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    status = next(dv for ref, dv in rules.items() if "E2" in ref)
    assert status.type == "list" and status.formula1.strip('"').split(",") == [
        "Svarat", "Tackat nej", "Ej svarat", "Ej aktuell"]
    survey = next(dv for ref, dv in rules.items() if "B2" in ref)
    assert set(survey.formula1.strip('"').split(",")) == set(ins.surveys_of(2021))
    dates = next(dv for ref, dv in rules.items() if "D2" in ref)
    assert dates.type == "date" and "F2" in str(dates.sqref)
    guide = " ".join(str(c.value) for c in ws["H"] if c.value)
    assert "Inga namn eller personnummer" in guide and "Ej aktuell" in guide


def test_survey_and_status_typed_decomposed_or_in_another_case_are_the_same(template):
    """Names are compared after Unicode NFC, case and spaces, as everywhere in the reader: an
    Enkät typed with a decomposed å (as macOS may store it) and a status in capitals count."""
    import unicodedata
    nfd = unicodedata.normalize("NFD", DP)
    assert nfd != DP
    rows = [(lopnr, nfd, insats, day, status.upper() if status else None, reminder)
            for lopnr, _, insats, day, status, reminder in STEGET]
    data = read_paths([fill(template, {DP: [("Steget", SEVEN)] * 3}, rows)])
    assert data.problems == []
    assert population(data).loc[(DP, "Steget"), ["tillfragade", "tackat_nej"]].tolist() == [6, 1]

"""The blank registration template: validation in the workbook, and a filled
template reads back unchanged."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from finsam_lib.apps.cli import main
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.reader import read_paths


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "mall.xlsx"
    assert main(["template", "--forbund", "Väst", "--year", "2022", "--out", str(path)]) == 0
    return path


def rule_for(ws, cell):
    rules = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(rules) == 1, cell
    return rules[0]


def allowed(rule):
    return {int(x) for x in rule.formula1.strip('"').split(",")}


def test_sheets_headers_and_frozen_rows(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[:3] == ["Instruktioner", "Uppgifter", "Population"]
    assert set(wb.sheetnames[3:-1]) == set(ins.surveys_of(2021)) and wb.sheetnames[-1] == "Utdelning"
    for survey in ins.surveys_of(2021):
        ws = wb[survey]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        n = ins.question_count(2021, survey)
        assert header[-n:] == [f"F{q}" for q in range(1, n + 1)]
        text = ins.version_questions(2021, survey).set_index("question").text
        assert text[1] in ws.cell(row=1, column=len(header) - n + 1).comment.text


def test_answer_cells_only_take_the_scale(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Deltagare avslut"]
    header = [c.value for c in ws[1]]
    f1 = ws.cell(row=1, column=header.index("F1") + 1).column_letter
    f8 = ws.cell(row=1, column=header.index("F8") + 1).column_letter
    six = rule_for(ws, f"{f1}14")
    assert six.type == "list" and allowed(six) == {1, 2, 3, 4, 5, 6}
    assert 7 not in allowed(six) and six.showErrorMessage
    assert "Aldrig" in six.prompt and "Alltid" in six.prompt and six.showInputMessage
    yes_no = rule_for(ws, f"{f8}2")
    assert allowed(yes_no) == {1, 2} and "Ja" in yes_no.prompt and "Nej" in yes_no.prompt
    kon = rule_for(ws, "C5")
    assert header[2] == "Kön" and allowed(kon) == {1, 2, 3, 4}
    rem = wb["Remittenter"]
    assert allowed(rule_for(rem, "C3")) == {1, 2, 3, 4, 5}


def test_filled_template_reads_back_unchanged(template):
    wb = openpyxl.load_workbook(template)
    typed = {
        "Deltagare pågående": [("Steget", 1, [5, 6, 4, 3, None, 2, 6]), ("Steget", 2, [1, 2, 3, 4, 5, 6, 6]),
                               ("Lotsen", None, [6, 6, 6, 6, 6, 6, 6])],
        "Remittenter": [("", 3, [4, 5, 6, 2]), ("", None, [None, None, 1, 1])],
        "Styrelse": [("", None, [6, 5, 4, 3, 2])],
    }
    for survey, rows in typed.items():
        ws = wb[survey]
        has_bg = survey in ins.BACKGROUND
        for i, (insats, bg, codes) in enumerate(rows, start=2):
            ws.cell(row=i, column=1, value=i - 1)
            ws.cell(row=i, column=2, value=insats or None)
            if has_bg:
                ws.cell(row=i, column=3, value=bg)
            for q, code in enumerate(codes, start=1):
                ws.cell(row=i, column=(3 if has_bg else 2) + q, value=code)
    pop = wb["Population"]
    for r in range(2, pop.max_row + 1):
        survey = pop.cell(row=r, column=1).value
        if survey in typed:
            pop.cell(row=r, column=3, value=None if survey == "Remittenter" else 40)
            pop.cell(row=r, column=4, value=10)
    path = template.with_name("ifylld.xlsx")
    wb.save(path)

    data = read_paths([path])
    assert not data.errors, data.errors
    assert not [p for p in data.problems if "hör inte till registreringsfilen" in p.message], data.problems
    resp = data.respondents.sort_values("respondent")
    assert list(resp.survey) == [s for s, rows in typed.items() for _ in rows]
    assert (resp.forbund == "Väst").all() and (resp.year == 2022).all()
    answers = data.answers.merge(resp[["respondent", "survey"]], on="respondent")
    i = 0
    for survey, rows in typed.items():
        for insats, bg, codes in rows:
            r = resp.iloc[i]
            assert r.insats == insats
            expected_bg = bg if bg is not None else (4 if ins.BACKGROUND.get(survey) == "Kön" else None)
            assert (pd.isna(r.background) and expected_bg is None) or r.background == expected_bg
            got = answers[answers.respondent == r.respondent].set_index("question").code.to_dict()
            assert got == {q: c for q, c in enumerate(codes, start=1) if c is not None}
            i += 1
    pop_read = data.population.set_index("survey")
    assert pop_read.loc["Styrelse", "tillfragade"] == 10 and pop_read.loc["Styrelse", "malpopulation"] == 40


def test_blank_template_reads_without_errors(template):
    data = read_paths([template])
    assert not data.errors
    assert data.problems == []  # the template's own sheets (Instruktioner, Utdelning) are not extra
    assert data.respondents.empty and data.population.empty

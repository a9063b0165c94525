"""Outputs keep text as text (issue 11): names from registration files never become formulas
in Excel or CSV files, and file names made from them stay short and distinct.

Case H03: a förbund named =HYPERLINK("http://x","y") (tests/data/cases/H03_formula_name).
"""
from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_reader import personal, registration, uppgifter

from finsam_lib.base.safe_output import csv_safe, csv_text
from finsam_lib.figures.year import year_figures
from finsam_lib.present import tables as tb
from finsam_lib.present.forbund_report import report_stem
from finsam_lib.publish import excel
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.reader import read_paths
from finsam_lib.registration.workbook import write_template

CASES = Path(__file__).parent / "data" / "cases"
FORMULA = '=HYPERLINK("http://x","y")'


def formulas_in(path: Path) -> list[str]:
    """Every <f> element in an .xlsx file's worksheets."""
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", FORMULA])
def test_csv_text_cells_that_a_spreadsheet_would_run_are_quoted(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Ale", "Göteborg – Väst", "", -3, -3.5, 0, None])
def test_other_csv_cells_and_every_number_are_unchanged(value):
    assert csv_text(value) == value


def test_csv_safe_leaves_negative_numbers_in_numeric_columns(tmp_path):
    frame = pd.DataFrame({"forbund": ["-Ale", "@Bby", "Cby"], "change_pp": [-3, 2, -12], "pct": [-1.5, 0.0, 2.0]})
    path = tmp_path / "t.csv"
    csv_safe(frame).to_csv(path, index=False)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1:] == [["'-Ale", "-3", "-1.5"], ["'@Bby", "2", "0.0"], ["Cby", "-12", "2.0"]]
    assert frame.forbund.tolist() == ["-Ale", "@Bby", "Cby"]  # the caller's frame is not changed


def written_by_openpyxl_or_h03(tmp_path: Path, name: str) -> Path:
    if name == FORMULA:  # openpyxl would write it as a formula: the case file has it as text
        (tmp_path / "data").mkdir()
        shutil.copy(CASES / "H03_formula_name" / "H03_hyperlink.xlsx", tmp_path / "data")
    else:
        registration(tmp_path / "data" / "a.xlsx", {"Personal": personal([5] * 11, [2] * 11)},
                     info=uppgifter(forbund=name))
    return tmp_path / "data"


@pytest.mark.parametrize("name", [FORMULA, "-Ale", "@Bby", "+Cby"])
def test_results_csv_neutralises_names(tmp_path, name):
    data = read_paths([written_by_openpyxl_or_h03(tmp_path, name)])
    assert data.errors == [] and set(data.respondents.forbund) == {name}
    paths = year_figures(data, 2022, name).write(tmp_path / "out")
    for path in paths[:2]:  # figures.csv and response.csv name the förbund
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert rows and {r["forbund"] for r in rows} == {"'" + name}, path.name


def test_h03_name_in_a_registration_file_is_read_as_text(tmp_path):
    data = read_paths([shutil.copy(CASES / "H03_formula_name" / "H03_hyperlink.xlsx", tmp_path)])
    assert data.errors == []
    assert set(data.respondents.forbund) == {FORMULA}


def test_excel_resultatfil_writes_names_as_text(tmp_path):
    rows = pd.DataFrame([{"label": FORMULA, "kind": tb.ROW, "n": 12}, {"label": "=1+1", "kind": tb.ROW, "n": -3}])
    t = tb.ReportTable("bilaga-1", "B1", "Förbund.", rows.astype(object), [tb.Column("n", "antal")])
    path = excel.write_xlsx([t], tmp_path / "r.xlsx", about={"Rapport": f"Indikatorrapport {FORMULA}"},
                              data={"Data": pd.DataFrame({"forbund": [FORMULA], "n": [-3]})})
    assert formulas_in(path) == []
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    labels = [c.value for c in ws["A"] if c.value in (FORMULA, "=1+1")]
    assert labels == [FORMULA, "=1+1"]
    assert all(c.data_type == "s" for c in ws["A"] if c.value in (FORMULA, "=1+1"))
    assert wb["Data"]["A2"].value == FORMULA and wb["Data"]["B2"].value == -3
    assert wb["Innehåll"]["A1"].value == f"Indikatorrapport {FORMULA}"


def test_template_and_registration_writer_keep_the_name_as_text(tmp_path):
    path = write_template(tmp_path / "mall.xlsx", FORMULA, 2022)
    assert formulas_in(path) == []
    assert openpyxl.load_workbook(path)["Uppgifter"]["B1"].value == FORMULA
    assert read_paths([path]).errors == []


def test_long_names_give_short_distinct_file_names(tmp_path):
    long = "Samordningsförbundet " + "Östra Norrbottens kust och inland " * 10
    other = long + "Norra"
    a, b = safe_filename(long), safe_filename(other)
    assert len(a.encode()) <= 100 and len(b.encode()) <= 100 and a != b
    stem = report_stem(long, 2022)
    assert len(stem.encode()) < 130
    (tmp_path / f"{stem}.html").write_text("ok", encoding="utf-8")  # no OSError: File name too long
    assert safe_filename("Göteborg") == safe_filename("Go\u0308teborg") == "Göteborg"  # NFC


def test_file_names_never_start_a_formula():
    assert safe_filename(FORMULA) == "HYPERLINK-http-x-y"
    assert not safe_filename("@Bby").startswith(("=", "+", "-", "@"))

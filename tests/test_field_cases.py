"""Registration workbooks shaped like real files from the field (issue 11): cells a person did
not type, every workbook in the folder, bounded reading, one normalisation for every name.

The inputs are copies (tests/data/cases/) of the project's field cases (shared/cases/registration, beside the repository), each
with what its EXPECT.txt says a correct product does; the other members of each kind of fault
are made from them by editing their sheet XML, or with openpyxl.

Baseline of every case: one förbund, Deltagare pågående, 10 answers; question 1 has six 5s, two
6s and two 2s (n 10, 80 % klart positiva); 5 kvinnor, 5 män; Population: Målpopulation 30,
Tillfrågade 20.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_reader import errors, fq, personal, registration, the_one, uppgifter, warnings

from finsam_lib.apps.cli import main
from finsam_lib.figures.year import year_figures
from finsam_lib.registration.reader import read_paths
from finsam_lib.registration.scans import ERROR_VALUES

CASES = Path(__file__).parent / "data" / "cases"
SHEET = "Deltagare pågående"
ANSWERS = "xl/worksheets/sheet4.xml"  # Deltagare pågående in the case files
POPULATION = "xl/worksheets/sheet3.xml"


def case(name: str, tmp_path: Path, file: str = "Testby.xlsx") -> Path:
    """A copy of a case's workbook in its own folder."""
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(CASES / name / file, folder / file))


def edited(src: Path, dst: Path, part: str, *subs: tuple[str, str]) -> Path:
    """A copy of an .xlsx with regex substitutions in one of its XML parts."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == part:
                text = data.decode()
                for pattern, repl in subs:
                    text, n = re.subn(pattern, repl, text)
                    assert n, (pattern, part)
                data = text.encode()
            out.writestr(info.filename, data)
    return dst


def question1(data) -> tuple[int, int]:
    """(n, klart positiva %) of question 1 of Deltagare pågående, samtliga, 2022."""
    f = year_figures(data, 2022).figures
    row = f[(f.survey == SHEET) & (f.question == 1) & (f.group == "samtliga")].iloc[0]
    return int(row.n), int(row.klart_positivt_pct)


def assert_baseline(data, responses: int = 10) -> None:
    assert data.errors == []
    assert len(data.respondents) == responses
    assert question1(data) == (responses, 80)
    assert sorted(data.respondents.background.value_counts().items()) == [(1, responses // 2), (2, responses // 2)]
    assert data.population[["malpopulation", "tillfragade"]].values.tolist() == [[30, 20]] * (responses // 10)


# --- Cells a person did not type ----------------------------------------------------------------

def test_c26_error_values_are_errors_naming_their_cells(tmp_path):
    data = read_paths([case("C26_error_cells", tmp_path)])
    m = the_one(errors(data), "Testby.xlsx", f"{SHEET}!D3")
    assert "cellen innehåller felvärdet #N/A" in m
    m = the_one(errors(data), f"{SHEET}!C4")
    assert "cellen innehåller felvärdet #REF!" in m and "Kön" in m
    assert len(data.errors) == 2
    # Never read as blank: the answer is not silently dropped, Kön is not silently 4.
    assert 4 not in set(data.respondents.background.dropna())


@pytest.mark.parametrize("value", [v for v in ERROR_VALUES if v != "#N/A"])
def test_every_excel_error_value_is_an_error(tmp_path, value):
    path = edited(CASES / "C26_error_cells" / "Testby.xlsx", tmp_path / "a.xlsx", ANSWERS,
                  (r"<v>#N/A</v>", f"<v>{value}</v>"))
    data = read_paths([path])
    m = the_one(errors(data), f"{SHEET}!D3")
    assert f"cellen innehåller felvärdet {value}" in m


def test_error_values_in_population_and_uppgifter_and_insats(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": [["Insats", *fq(11)], ["Alfa", *[5] * 11]]},
                 population=[["Personal", None, 20, 10]])
    path = edited(tmp_path / "a.xlsx", tmp_path / "b" / "b.xlsx", "xl/worksheets/sheet3.xml",
                  (r'<c r="A2"( [^>]*)?>.*?</c>', '<c r="A2" t="e"><v>#NAME?</v></c>'))
    path = edited(path, tmp_path / "c" / "c.xlsx", "xl/worksheets/sheet2.xml",
                  (r'<c r="D2"( [^>]*)?>.*?</c>', '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))
    data = read_paths([path])
    assert "felvärdet #NAME?" in the_one(errors(data), "Personal!A2", "Insats")
    assert "felvärdet #DIV/0!" in the_one(errors(data), "Population!D2", "Tillfrågade")
    path = edited(tmp_path / "a.xlsx", tmp_path / "d" / "d.xlsx", "xl/worksheets/sheet1.xml",
                  (r'<c r="B2"( [^>]*)?>.*?</c>', '<c r="B2" t="e"><v>#VALUE!</v></c>'))
    data = read_paths([path])
    assert "felvärdet #VALUE!" in the_one(errors(data), "Uppgifter!B2", "Mätår")
    assert len(data.respondents) == 0


def test_error_value_typed_as_text_is_named_as_an_error_value(tmp_path):
    # How another reader or a copy-paste may leave it: the text "#N/A" in an answer cell.
    registration(tmp_path / "a.xlsx", {"Personal": personal(["#N/A", *[5] * 10])})
    data = read_paths([tmp_path])
    assert "felvärdet #N/A" in the_one(errors(data), "Personal!B2")


def test_c24_formulas_without_a_stored_value_are_errors(tmp_path):
    data = read_paths([case("C24_formula_no_cache", tmp_path)])
    for row in range(2, 12):
        m = the_one(errors(data), f"{SHEET}!D{row}")
        assert "formel utan beräknat värde" in m and "öppna och spara filen i Excel" in m
    m = the_one(errors(data), "Population!D2")
    assert "formel utan beräknat värde" in m
    assert len(data.errors) == 11


def test_formulas_with_a_stored_value_are_read_as_that_value(tmp_path):
    src = CASES / "C24_formula_no_cache" / "Testby.xlsx"
    path = edited(src, tmp_path / "tmp" / "a.xlsx", ANSWERS, (r"<f>0\+(\d)</f><v></v>", r"<f>0+\1</f><v>\1</v>"))
    path = edited(path, tmp_path / "data" / "Testby.xlsx", POPULATION, (r"<f>10\+10</f><v></v>", "<f>10+10</f><v>20</v>"))
    assert_baseline(read_paths([path]))


def test_c17b_average_row_is_not_a_respondent(tmp_path):
    data = read_paths([case("C17b_totals_row_saved_by_office", tmp_path)])
    m = the_one(warnings(data), f"{SHEET}!A12")
    assert "Rad 12" in m and "Medel" in m and "räknas inte" in m
    assert_baseline(data)  # n 10, 80 %: not 11 and 82 %
    sheet = data.sheets[data.sheets.survey == SHEET].iloc[0]
    assert (sheet.rows_read, sheet.responses, sheet.empty_rows) == (10, 10, 0)


def test_a_row_of_formulas_over_the_answers_is_not_a_respondent_even_without_a_label(tmp_path):
    path = edited(CASES / "C17b_totals_row_saved_by_office" / "Testby.xlsx", tmp_path / "Testby.xlsx", ANSWERS,
                  (r'<c r="A12"[^>]*>.*?</c>', ""))
    data = read_paths([path])
    m = the_one(warnings(data), f"{SHEET}!A12")
    assert "AVERAGE(D2:D11)" in m
    assert_baseline(data)


@pytest.mark.parametrize("label", ["Summa", "Totalt", "Antal svar", "Average", "Total", "medelvärde:"])
def test_rows_labelled_as_totals_are_not_respondents(tmp_path, label):
    registration(tmp_path / "a.xlsx", {"Personal": [["Löpnr", *fq(11)], [1, *[5] * 11], [2, *[3] * 11],
                                                    [label, *[8] * 11]]})
    data = read_paths([tmp_path])
    the_one(warnings(data), "Personal!A4", "Rad 4")
    assert errors(data) == []  # the 8s of the totals row are never read as codes
    assert len(data.respondents) == 2


def test_free_text_is_not_taken_for_a_totals_label(tmp_path):
    registration(tmp_path / "a.xlsx", {"Personal": [["Löpnr", *fq(11), "Kommentar"],
                                                    [1, *[5] * 11, "Summa: bra"], [2, *[5] * 11, "Min chef"]]})
    data = read_paths([tmp_path])
    assert data.problems == [] and len(data.respondents) == 2


# --- Every workbook in the folder ---------------------------------------------------------------

def test_c27_xlsm_ods_and_xls_are_read_like_xlsx(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(CASES / "C27_other_formats_in_folder", folder, ignore=shutil.ignore_patterns("*.txt"))
    data = read_paths([folder])
    assert data.errors == []
    assert sorted(data.respondents.forbund.unique()) == ["Annaby", "Bertaby", "Ceasby", "Dagby"]
    assert len(data.respondents) == 40
    assert question1(data) == (40, 80)
    assert main(["results", "--data", str(folder), "--year", "2022", "--out", str(tmp_path / "out")]) == 0
    response = (tmp_path / "out" / "response.csv").read_text(encoding="utf-8")
    assert "Totalt,4,120,80,40," in response  # four förbund, 40 svar of 80 tillfrågade


def test_a_workbook_finsam_cannot_read_stops_results_and_is_named(tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(CASES / "C27_other_formats_in_folder", folder, ignore=shutil.ignore_patterns("*.txt"))
    (folder / "Eby.xlsb").write_bytes(b"PK\x03\x04")
    (folder / "Fby.ods").write_bytes(b"not a spreadsheet")
    code = main(["results", "--data", str(folder), "--year", "2022", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and not (tmp_path / "out").exists()
    assert "Eby.xlsb" in err and "Fby.ods" in err and "(.xlsx)" in err


# --- Bounded reading --------------------------------------------------------------------------

def _validate_in_a_process(path: Path) -> subprocess.CompletedProcess:
    """`finsam validate` in its own process: a crash of the reader must show as a failed test."""
    return subprocess.run([sys.executable, "-m", "finsam_lib.apps.cli", "validate", str(path)], capture_output=True,
                          text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_c34c_stray_space_in_the_last_cell_of_the_sheet(tmp_path):
    path = case("C34c_stray_space_XFD1048576", tmp_path)
    assert path.stat().st_size < 30_000
    run = _validate_in_a_process(path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 fel" in run.stdout
    assert_baseline(read_paths([path]))


def test_stray_space_in_j1048576_is_read_quickly(tmp_path):
    path = edited(CASES / "C34c_stray_space_XFD1048576" / "Testby.xlsx", tmp_path / "Testby.xlsx", ANSWERS,
                  (r'r="XFD1048576"', 'r="J1048576"'), (r'ref="A1:XFD1048576"', 'ref="A1:J1048576"'))
    assert_baseline(read_paths([path]))


def test_a_value_far_out_in_the_sheet_is_an_error_for_that_file_only(tmp_path):
    edited(CASES / "C34c_stray_space_XFD1048576" / "Testby.xlsx", tmp_path / "data" / "Testby.xlsx", ANSWERS,
           (r'<t xml:space="preserve"> </t>', "<t>x</t>"))
    shutil.copy(CASES / "C27_other_formats_in_folder" / "Annaby.xlsx", tmp_path / "data" / "Annaby.xlsx")
    run = _validate_in_a_process(tmp_path / "data")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Testby.xlsx" in run.stdout and "XFD1048576" in run.stdout
    data = read_paths([tmp_path / "data"])
    assert len(data.errors) == 1 and list(data.respondents.forbund.unique()) == ["Annaby"]


# --- One normalisation for every name -----------------------------------------------------------

def test_c05_sheet_name_in_nfd_is_the_survey_sheet(tmp_path):
    path = case("C05_sheetname_NFD", tmp_path)
    with zipfile.ZipFile(path) as z:
        assert unicodedata.normalize("NFD", SHEET).encode() in z.read("xl/workbook.xml")
    data = read_paths([path])
    assert_baseline(data)
    assert set(data.respondents.survey) == {SHEET}


def nfd_forbund(tmp_path: Path, name: str) -> Path:
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    registration(tmp_path / "data" / "a.xlsx", {"Personal": personal([5] * 11, [4] * 11)},
                 info=uppgifter(forbund=decomposed),
                 population=[[unicodedata.normalize("NFD", "Personal"), unicodedata.normalize("NFD", "Ålby"), 9, 5]])
    registration(tmp_path / "data" / "b.xlsx", {"Styrelse": [fq(5), [5] * 5]}, info=uppgifter(forbund="Annat"))
    return tmp_path / "data"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_forbund_stored_decomposed_can_be_chosen_however_typed(tmp_path, form):
    data_dir = nfd_forbund(tmp_path, "Göteborg Väst")
    data = read_paths([data_dir])
    assert "Göteborg Väst" in set(data.respondents.forbund)  # read as NFC
    typed = unicodedata.normalize(form, "Göteborg Väst")
    out = tmp_path / "out"
    assert main(["results", "--data", str(data_dir), "--year", "2022", "--forbund", typed, "--out", str(out)]) == 0
    figures = (out / "figures.csv").read_text(encoding="utf-8")
    assert "Göteborg Väst" in figures and unicodedata.normalize("NFD", "Göteborg Väst") not in figures
    assert "Annat" not in figures


def test_nfd_insats_in_population_matches(tmp_path):
    data = read_paths([nfd_forbund(tmp_path, "Åby")])
    assert data.population.insats.tolist() == ["Ålby"] or "Ålby" in data.population.insats.tolist()
    assert all(unicodedata.is_normalized("NFC", s) for s in data.population.insats)


def test_explorer_finds_a_forbund_whatever_its_unicode_form(tmp_path):
    from finsam_lib.apps.explore import Explorer
    data = read_paths([nfd_forbund(tmp_path, "Göteborg Väst")])
    explorer = Explorer(data)
    assert "Göteborg Väst" in explorer.areas()
    for cache in (True, False):
        explorer = Explorer(data, cache=cache)
        nfd = explorer.distribution(unicodedata.normalize("NFD", "Göteborg Väst"))
        assert len(nfd) and nfd.equals(explorer.distribution("Göteborg Väst"))


@pytest.mark.parametrize("file", ["Ceasby_NA_in_D2.ods", "Dagby_NA_in_D2.xls"])
def test_error_values_in_ods_and_xls_are_errors(tmp_path, file):
    path = Path(shutil.copy(Path(__file__).parent / "data" / "made" / file, tmp_path))
    data = read_paths([path])
    assert "cellen innehåller felvärdet #N/A" in the_one(errors(data), file, f"{SHEET}!D2")
    assert len(data.errors) == 1


def test_stray_space_at_the_end_of_an_ods_sheet_is_a_clear_error(tmp_path):
    src = CASES / "C27_other_formats_in_folder" / "Ceasby.ods"
    last = ('<table:table-row table:style-name="ro1"><table:table-cell table:number-columns-repeated="16384"/>'
            '</table:table-row></table:table>')
    stray = ('<table:table-row table:style-name="ro1"><table:table-cell table:number-columns-repeated="16383"/>'
             '<table:table-cell office:value-type="string"><text:p> </text:p></table:table-cell>'
             '</table:table-row></table:table>')
    path = tmp_path / "Ceasby.ods"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "content.xml":
                text = data.decode()
                at = text.index(last, text.index('table:name="Deltagare pågående"'))
                data = (text[:at] + stray + text[at + len(last):]).encode()
            out.writestr(info, data, zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    run = _validate_in_a_process(path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{SHEET}' har något (kanske bara ett mellanslag) ända ut i cell XFD1048576" in run.stdout

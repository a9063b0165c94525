"""`finsam batch` over a partly broken year (issue 11): every förbund whose files are valid gets
its report; a förbund with errors gets none and is listed, with file, sheet and cell, on
index.html and in the closing summary; the run exits 1; the national report only when every
file is valid, or with --exclude-invalid naming who is left out.

Data: four one-förbund workbooks from tests/data/cases (10 answers each): Annaby (.xlsx),
Bertaby (.xlsm), the H03 förbund named =HYPERLINK(...) and Testby, whose file holds #N/A and
#REF! (case C26).
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from finsam_lib.apps.cli import main
from finsam_lib.present.forbund_report import report_stem
from finsam_lib.registration.partial import errors_by_forbund, without_invalid
from finsam_lib.registration.reader import read_paths

CASES = Path(__file__).parent / "data" / "cases"
YEAR = 2022
FORMULA = '=HYPERLINK("http://x","y")'
VALID = ["Annaby", "Bertaby", FORMULA]
NATIONAL = f"nationell-indikatorrapport-{YEAR}"


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("partial") / "data"
    folder.mkdir()
    for src in ("C27_other_formats_in_folder/Annaby.xlsx", "C27_other_formats_in_folder/Bertaby.xlsm",
                "H03_formula_name/H03_hyperlink.xlsx", "C26_error_cells/Testby.xlsx"):
        shutil.copy(CASES / src, folder)
    return folder


def test_errors_are_grouped_by_forbund_and_the_rest_is_kept(year):
    data = read_paths([year])
    bad = errors_by_forbund(data)
    assert list(bad) == ["Testby"] and len(bad["Testby"]) == 2
    kept = without_invalid(data)
    assert kept.errors == [] and kept.excluded == ["Testby"]
    assert sorted(kept.respondents.forbund.unique()) == sorted(VALID)
    assert len(kept.respondents) == 30 and set(kept.answers.respondent) <= set(kept.respondents.respondent)
    assert "Testby" not in set(kept.population.forbund) | set(kept.sheets.forbund)


def test_batch_writes_every_valid_report_and_lists_the_broken_forbund(year, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", "--data", str(year), "--year", str(YEAR), "--out", str(out), "--formats", "html,xlsx",
                 "--jobs", "2", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 av 3 rapporter klara" in captured.out
    for name in VALID:
        assert (out / f"{report_stem(name, YEAR)}.html").is_file(), name
        assert (out / f"{report_stem(name, YEAR)}.xlsx").is_file(), name
    assert not list(out.glob(f"*{report_stem('Testby', YEAR)}*"))
    assert not list(out.glob(f"{NATIONAL}.*"))  # not every file is valid
    # A förbund report's comparison with the country says who is left out.
    page = BeautifulSoup((out / f"{report_stem('Annaby', YEAR)}.html").read_text(encoding="utf-8"), "html.parser")
    facts = page.find(class_="title-page").get_text(" ", strip=True)
    assert "Jämförelse med riket: 3 förbund, 30 enkäter (utan Testby" in facts
    # The closing summary names the förbund and its problems.
    assert "1 förbund fick ingen rapport" in captured.err
    assert "Testby.xlsx, Deltagare pågående!D3: cellen innehåller felvärdet #N/A" in captured.err
    assert "--exclude-invalid" in captured.err
    # index.html: the förbund with errors, each error with file, sheet and cell.
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id="fel-i-filerna")
    assert section is not None
    listed = section.find_next("ul").get_text(" ", strip=True)
    assert "Testby" in listed and "Deltagare pågående!D3" in listed and "Deltagare pågående!C4" in listed
    assert "--exclude-invalid" in soup.find(class_="national-note").get_text()
    # The förbund named like a formula: escaped in HTML, a text cell in its Excel file.
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page
    assert FORMULA in {th.get_text() for th in soup.find("tbody").find_all("th")}
    report = (out / f"{report_stem(FORMULA, YEAR)}.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(report, "html.parser")
    assert not soup.find_all(href="http://x")  # the name is text, never markup
    assert soup.find(class_="forbund-name").get_text() == f"Samordningsförbundet {FORMULA}"
    xlsx = out / f"{report_stem(FORMULA, YEAR)}.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
        text = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert not any(b"<f>" in s for s in sheets)
    assert b"HYPERLINK" in text


def test_exclude_invalid_makes_the_national_report_without_them_and_names_them(year, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", "--data", str(year), "--year", str(YEAR), "--out", str(out), "--formats", "html",
                 "--jobs", "2", "--quiet", "--exclude-invalid"])
    captured = capsys.readouterr()
    assert code == 1  # the broken förbund still has no report
    assert "4 av 4 rapporter klara" in captured.out
    soup = BeautifulSoup((out / f"{NATIONAL}.html").read_text(encoding="utf-8"), "html.parser")
    title = soup.find(class_="title-page").get_text(" ", strip=True)
    assert "3 samordningsförbund" in title and "30 enkäter" in title
    assert "Utan Testby" in title
    bilaga = soup.find(id="bilaga-1")
    assert "Utan Testby" in " ".join(p.get_text() for p in bilaga.find_all_next("p", limit=3))
    assert not list(out.glob(f"*{report_stem('Testby', YEAR)}*"))


def test_a_valid_year_still_exits_0(year, tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(year / "Annaby.xlsx", data)
    code = main(["batch", "--data", str(data), "--year", str(YEAR), "--out", str(tmp_path / "out"),
                 "--formats", "html", "--jobs", "1", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "out" / f"{NATIONAL}.html").is_file()

"""Provenance stamps and `finsam verify` (issue 17): every output says which registration files
made it, and verify tells which outputs are stale after a workbook changes.

The data are a few förbund copied from the session's demo fixture (2021–2022)."""
from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import change_one_answer, small_copy

from finsam_lib.apps.cli import main
from finsam_lib.apps.demo import MERGED
from finsam_lib.present.forbund_report import report_stem
from finsam_lib.publish import provenance as pv
from finsam_lib.publish.pdf import find_browser
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.reader import read_paths

YEAR = 2022


@pytest.fixture(scope="module")
def small(fixture_2020_2022, tmp_path_factory):
    return small_copy(fixture_2020_2022, tmp_path_factory.mktemp("prov_data"))


def test_data_stamp_lists_every_file_with_hash_forbund_year_and_rows(small):
    data = read_paths([small])
    stamp = pv.for_output(pv.data_stamp(data, small), "finsam test", {"year": YEAR})
    names = sorted(f["name"] for f in stamp["files"])
    assert names == sorted(p.relative_to(small).as_posix() for p in small.rglob("*.xlsx"))
    rows = data.sheets.groupby("file").responses.sum()
    for f in stamp["files"]:
        assert f["sha256"] == pv.sha256(small / f["name"])
        assert f["year"] == int(f["name"].split("/")[0])
        assert f["responses"] == rows[str(small / f["name"])] and f["rows"] >= f["responses"]
    assert {f["forbund"] for f in stamp["files"]} == set(data.respondents.forbund)
    assert stamp["finsam"] and stamp["command"] == "finsam test" and stamp["parameters"] == {"year": YEAR}


def test_a_stamp_reads_back_from_html_xlsx_pdf_and_json(small, tmp_path):
    import xlsxwriter
    data = read_paths([small])
    stamp = pv.for_output(pv.data_stamp(data, small), "finsam report forbund Gotland", {"forbund": "Gotland"})
    page = pv.add_to_html("<html><body><main class='report'><p>x</p></main></body></html>", stamp)
    (tmp_path / "r.html").write_text(page, encoding="utf-8")
    wb = xlsxwriter.Workbook(tmp_path / "r.xlsx")
    pv.add_sheet(wb, stamp)
    wb.close()
    pv.write_json(tmp_path, stamp)
    for name in ("r.html", "r.xlsx", "provenance.json"):
        assert pv.read_stamp(tmp_path / name) == stamp, name
    colophon = BeautifulSoup(page, "html.parser").find(id="om-rapporten")
    assert colophon.find("h2").get_text() == "Om rapporten"
    assert "Gotlands registreringsfiler" in colophon.get_text()


def test_the_resultatfil_takes_the_stamp_or_its_json_file_and_refuses_another_file(small, tmp_path):
    """finsam hands a notebook the stamp as the path of its JSON file (issue 15: a literal costs
    the kernel 0.1 s); the Excel file's Om rapporten holds the same stamp either way."""
    from finsam_lib.base.errors import InputError
    from finsam_lib.present.forbund_report import ForbundReport
    from finsam_lib.publish.excel import write_report

    data = read_paths([small])
    stamp = pv.for_output(pv.data_stamp(data, small), "finsam batch", {"forbund": "Gotland", "year": YEAR})
    report = ForbundReport(data, "Gotland", YEAR)
    as_file = write_report(report, tmp_path / "a.xlsx", pv.write_json(tmp_path, stamp, "s.provenance.json"))
    as_dict = write_report(report, tmp_path / "b.xlsx", stamp)
    assert pv.read_stamp(as_file) == pv.read_stamp(as_dict) == stamp
    (tmp_path / "other.json").write_text('{"year": 2022}', encoding="utf-8")
    with pytest.raises(InputError, match="other.json är ingen provenansstämpel"):
        write_report(report, tmp_path / "c.xlsx", tmp_path / "other.json")


def test_verify_names_the_changed_added_and_missing_files(small, tmp_path, capsys):
    data_dir = small_copy(small, tmp_path / "data")
    out = tmp_path / "out"
    assert main(["results", "--data", str(data_dir), "--year", str(YEAR), "--out", str(out)]) == 0
    assert main(["verify", str(out), "--data", str(data_dir)]) == 0
    assert "oförändrat" in capsys.readouterr().out
    change_one_answer(data_dir / "2022" / "Gotland.xlsx")
    (data_dir / "2021" / "Säffle_Årjäng.xlsx").unlink()
    shutil.copy(data_dir / "2022" / "Gotland.xlsx", data_dir / "2022" / "Gotland kopia.xlsx")
    assert main(["verify", str(out / "provenance.json"), "--data", str(data_dir)]) == 1
    said = capsys.readouterr().out
    assert "ändrade: 2022/Gotland.xlsx" in said
    assert "tillkomna: 2022/Gotland kopia.xlsx" in said and "saknas: 2021/Säffle_Årjäng.xlsx" in said


def test_verify_without_a_stamp_fails(small, tmp_path, capsys):
    (tmp_path / "other.html").write_text("<html></html>", encoding="utf-8")
    assert main(["verify", str(tmp_path / "other.html"), "--data", str(small)]) == 1
    assert "ingen provenansstämpel" in capsys.readouterr().out


def test_a_fresh_batch_is_unchanged_and_verify_names_the_resaved_workbook(small, tmp_path, capsys):
    data_dir = small_copy(small, tmp_path / "data")
    out = tmp_path / "out"
    assert main(["batch", "--data", str(data_dir), "--year", str(YEAR), "--out", str(out), "--formats", "html,xlsx",
                 "--no-national", "--jobs", "1", "--quiet"]) == 0
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    status = {tr.find("th").get_text(strip=True): tr.find(class_="current").get_text(strip=True)
              for tr in index.find("tbody").find_all("tr")}
    assert status == {"Gotland": "aktuell", MERGED: "aktuell"}
    capsys.readouterr()
    assert main(["verify", str(out), "--data", str(data_dir)]) == 0
    said = capsys.readouterr().out
    assert said.count("underlaget är oförändrat") == 4  # two reports, HTML and Excel each
    stamp = pv.read_stamp(out / f"{report_stem('Gotland', YEAR)}.xlsx")
    assert stamp["parameters"]["forbund"] == "Gotland" and stamp["command"].startswith("finsam batch")
    change_one_answer(data_dir / "2022" / f"{safe_filename(MERGED)}.xlsx")
    assert main(["verify", str(out), "--data", str(data_dir)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if "ändrade:" in line]
    assert len(lines) == 4 and all(line.endswith(f"ändrade: 2022/{safe_filename(MERGED)}.xlsx.") for line in lines)


@pytest.mark.skipif(not find_browser(), reason="no Chromium-family browser for the PDF")
def test_the_pdf_carries_the_stamp_and_prints_the_colophon(small, tmp_path):
    from pypdf import PdfReader
    out = tmp_path / "out"
    assert main(["report", "forbund", "Gotland", "--data", str(small), "--year", str(YEAR), "--out", str(out),
                 "--formats", "html,pdf"]) == 0
    pdf = out / f"{report_stem('Gotland', YEAR)}.pdf"
    reader = PdfReader(pdf)
    stamp = json.loads(reader.metadata[pv.PDF_KEY])
    assert stamp == pv.read_stamp(pdf.with_suffix(".html"))
    assert reader.metadata["/Keywords"].endswith(pv.fingerprint(stamp))
    assert "Om rapporten" in reader.pages[-1].extract_text()
    assert pv.compare(stamp, pv.current_hashes(small)).ok

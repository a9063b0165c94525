"""`finsam batch` (issue 5): the national report and every förbund's report of a year, in
parallel, with an index page; a report that fails does not stop the others.

The full batch runs once on a reduced demo set (2021–2022, all 36 förbund of 2022) with
HTML and PDF; the failure case runs on three förbund, HTML only.
"""
from __future__ import annotations

import re
import shutil
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from finsam_lib import batch
from finsam_lib.cli import main
from finsam_lib.forbund_report import report_stem
from finsam_lib.names import safe_filename
from finsam_lib.publish import find_browser
from finsam_lib.reader import read_paths

YEAR = 2022


@pytest.fixture(scope="module")
def demo_small(tmp_path_factory):
    from finsam_lib.demo import write_demo
    folder = tmp_path_factory.mktemp("batch_demo")
    write_demo(folder, seed=0, years=(2021, YEAR))
    return folder


@pytest.fixture(scope="module")
def names(demo_small):
    return batch.forbund_of_year(read_paths([demo_small]), YEAR)


@pytest.mark.skipif(not find_browser(), reason="no Chromium-family browser for the PDFs")
def test_batch_makes_every_report_and_the_index(demo_small, names, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", "--data", str(demo_small), "--year", str(YEAR), "--out", str(out),
                 "--formats", "html,pdf", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert len(names) == 36
    stems = [f"nationell-indikatorrapport-{YEAR}"] + [report_stem(n, YEAR) for n in names]
    for stem in stems:
        html, pdf = out / f"{stem}.html", out / f"{stem}.pdf"
        assert html.is_file() and html.stat().st_size > 10_000, stem
        assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", stem
    assert len(list(out.glob("*.html"))) == len(stems) + 1  # and index.html
    assert len(list(out.glob("*.pdf"))) == len(stems)
    assert not list(out.glob("*.xlsx"))  # only the formats asked for
    # A förbund's PDF: A4, its table of contents with page numbers, no other förbund's name.
    from pypdf import PdfReader
    pdf = PdfReader(out / f"{report_stem('Arvika Eda', YEAR)}.pdf")
    assert len(pdf.pages) > 15
    assert abs(float(pdf.pages[0].mediabox.width) - 595) < 2  # A4: 595 × 842 pt
    toc = pdf.pages[1].extract_text()
    assert re.search(r"Sammanfattning\s*\d+", toc) and re.search(r"Indikator 16: [^\n]*?\d+\s*$", toc, re.M), toc
    # The index links every report in both formats and gives its response counts.
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {urllib.parse.unquote(a["href"]) for a in soup.find_all("a")}
    for stem in stems:
        assert f"{stem}.html" in links and f"{stem}.pdf" in links, stem
    rows = {tr.find("th").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in soup.find("tbody").find_all("tr")}
    assert set(names) <= set(rows)
    data = read_paths([demo_small])
    resp = data.respondents[data.respondents.year == YEAR]
    national = rows[f"Nationell indikatorrapport {YEAR}"]
    assert national[-2] == f"{len(resp):,}".replace(",", "\u202f")
    for name in names:
        total = int((resp.forbund == name).sum())
        assert rows[name][-2] == f"{total:,}".replace(",", "\u202f"), (name, rows[name])
    assert "37 av 37 rapporter klara" in captured.out


def test_a_failing_forbund_does_not_stop_the_others(demo_small, names, tmp_path, capsys):
    data_dir = tmp_path / "data"
    picked = [n for n in names if n in ("Gotland", "Höglandet", "Västerås")]
    assert len(picked) == 3
    for name in picked:
        for year in (2021, YEAR):
            src = demo_small / str(year) / f"{safe_filename(name)}.xlsx"
            if src.is_file():
                (data_dir / str(year)).mkdir(parents=True, exist_ok=True)
                shutil.copy(src, data_dir / str(year) / src.name)
    comments = tmp_path / "kommentarer"
    comments.mkdir()
    (comments / "Höglandet.yaml").write_text("indikator 1: [ej avslutad\n", encoding="utf-8")  # broken YAML
    (comments / "Gotland.md").write_text("# Indikator 1\n\nVår egen kommentar om personcentrering.\n",
                                         encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", "--data", str(data_dir), "--year", str(YEAR), "--out", str(out), "--formats", "html",
                 "--jobs", "2", "--no-national", "--commentary-dir", str(comments), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "2 av 3 rapporter klara" in captured.out
    assert "1 misslyckades" in captured.err and "Höglandet" in captured.err
    assert (out / f"{report_stem('Gotland', YEAR)}.html").is_file()
    assert (out / f"{report_stem('Västerås', YEAR)}.html").is_file()
    assert not (out / f"{report_stem('Höglandet', YEAR)}.html").exists()
    assert "Vår egen kommentar om personcentrering." in (out / f"{report_stem('Gotland', YEAR)}.html").read_text(
        encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Misslyckades" in index and "Höglandet" in index


def test_plan_puts_the_national_report_first_and_larger_forbund_before_smaller(demo_small):
    data = read_paths([demo_small])
    jobs = batch.plan(data, demo_small, YEAR)
    assert jobs[0].kind == batch.NATIONAL and jobs[0].stem == f"nationell-indikatorrapport-{YEAR}"
    weights = [j.weight for j in jobs[1:]]
    assert weights == sorted(weights, reverse=True)
    assert len({j.stem for j in jobs}) == len(jobs)
    assert all(j.parameters["year"] == YEAR for j in jobs)


def test_formats_are_checked():
    assert batch.parse_formats("HTML, pdf,html") == ["html", "pdf"]
    with pytest.raises(ValueError, match="Okänt format: docx"):
        batch.parse_formats("html,docx")


def test_index_shows_counts_exactly(demo_small):
    """Response counts as the published reports print them (privacy rule 3), small ones too."""
    data = read_paths([demo_small])
    outcomes = [batch.Outcome(j, True, {"html": f"{j.stem}.html"}) for j in batch.plan(data, demo_small, YEAR)]
    surveys, rows = batch.index_rows(data, YEAR, outcomes)
    resp = data.respondents[data.respondents.year == YEAR]
    counts = resp.groupby(["forbund", "survey"]).size()
    small = 0
    for r in rows:
        if r["kind"] != batch.FORBUND:
            continue
        for s in surveys:
            n = counts.get((r["label"], s))
            assert r["counts"][s] == n
            small += n is not None and n < 5
    assert small  # the demo has small counts, and they are printed

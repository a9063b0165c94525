"""Accessibility by measurement (issue 14, point 7): the HTML a batch writes (the national report,
a förbund's report, index.html) and the HTML deck have no axe-core violations at WCAG 2.1 A/AA;
every chart carries its figures as text; pages are Swedish, titled, with headings in order; the
PDFs are tagged, with an outline, a title and the language set.

Everything is made once, by the commands a user runs, on two förbund of the test fixture."""
from __future__ import annotations

import re
import shutil

import pytest
from a11y import axe_violations
from bs4 import BeautifulSoup

from finsam_lib.apps import cli
from finsam_lib.publish.pdf import find_browser, html_to_pdf, pdf_outline

YEAR = 2022
PERCENT = re.compile(r"\d\u00a0%")


@pytest.fixture(scope="module")
def outputs(fixture_2020_2022, tmp_path_factory):
    """index.html, the national and a förbund's report, the national HTML deck, and the förbund
    report printed to PDF as the report commands print it."""
    if find_browser() is None:
        pytest.skip("no Chromium-family browser for the PDFs and axe-core")
    data = tmp_path_factory.mktemp("a11y-data")
    both = sorted({p.name for p in (fixture_2020_2022 / str(YEAR)).glob("*.xlsx")}
                  & {p.name for p in (fixture_2020_2022 / str(YEAR - 1)).glob("*.xlsx")})
    for year in (YEAR - 1, YEAR):
        (data / str(year)).mkdir()
        for name in both[:2]:
            shutil.copy(fixture_2020_2022 / str(year) / name, data / str(year) / name)
    out = tmp_path_factory.mktemp("a11y-out")
    assert cli.main(["batch", "--data", str(data), "--year", str(YEAR), "--out", str(out),
                     "--formats", "html", "--jobs", "2", "--quiet"]) == 0
    assert cli.main(["slides", "--national", "--year", str(YEAR), "--data", str(data), "--out", str(out)]) == 0
    national = out / f"nationell-indikatorrapport-{YEAR}.html"
    forbund = sorted(p for p in out.glob("indikatorrapport-*.html"))[0]
    title = BeautifulSoup(forbund.read_text(encoding="utf-8"), "html.parser").title.string
    pdf = html_to_pdf(forbund, forbund.with_suffix(".pdf"), footer=title)
    return {"index": out / "index.html", "national": national, "förbund": forbund,
            "deck": next(out.glob("bildspel-*.html")), "pdf": pdf}


@pytest.mark.parametrize("page", ["national", "förbund", "index", "deck"])
def test_no_wcag_violations(outputs, page):
    assert axe_violations(outputs[page]) == []


@pytest.mark.parametrize("page", ["national", "förbund", "index", "deck"])
def test_swedish_titled_and_headings_in_order(outputs, page):
    soup = BeautifulSoup(outputs[page].read_text(encoding="utf-8"), "html.parser")
    assert soup.html.get("lang") == "sv"
    assert soup.title and soup.title.string.strip()
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels and levels[0] == 1
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not skips, f"heading levels skipped: {skips}"


@pytest.mark.parametrize("page", ["national", "förbund", "deck"])
def test_every_chart_gives_its_figures_as_text(outputs, page):
    soup = BeautifulSoup(outputs[page].read_text(encoding="utf-8"), "html.parser")
    charts = soup.find_all("svg", attrs={"role": "img"})
    assert charts
    for svg in charts:
        title = svg.find("title", recursive=False)
        alt = svg.get("aria-label") or (title.get_text() if title else "")
        assert len(PERCENT.findall(alt)) >= 1, (page, alt[:200])
    # A national line chart: every line of the legend with its value for each year on the axis.
    if page == "national":
        svg = soup.find("figure", id="diagram-1").find("svg")
        alt = svg.find("title").get_text()
        texts = [t.get_text() for t in svg.find_all("text")]
        years = [t for t in texts if re.fullmatch(r"\d{4}", t)]
        legend = texts[texts.index(next(t for t in texts if t.startswith("Diagram 1 "))) + 1:]
        assert years and legend
        for line in legend:
            values = ", ".join(rf"{y} \d+\u00a0%" for y in years)
            assert re.search(rf"{re.escape(line)}: {values}[;.]", alt), (line, alt)


def test_chart_text_lists_each_line_and_bar_with_its_values():
    import pandas as pd

    from finsam_lib.present import charts
    points = pd.DataFrame({"line": ["Pågående", "Pågående", "Avslut", "Avslut"], "year": [2021, 2022, 2021, 2022],
                           "value": [75.4, 78.0, float("nan"), 80.6]})
    assert charts.lines_text(points, [2021, 2022]) == "Pågående: 2021 75\u00a0%, 2022 78\u00a0%; Avslut: 2022 81\u00a0%."
    bars = pd.DataFrame({"label": ["Indikator 1 (fråga 1)", "Indikator 2 (fråga 2)"], "value": [78.0, float("nan")]})
    assert charts.bars_text(bars) == "Indikator 1 (fråga 1) 78\u00a0%; Indikator 2 (fråga 2) inget redovisat värde."
    svg = charts.with_alt('<svg class="chart" role="img"><g/></svg>', "A & B")
    assert svg == '<svg class="chart" role="img"><title>A &amp; B</title><g/></svg>'


def test_the_pdf_is_tagged_with_outline_title_and_language(outputs):
    from pypdf import PdfReader
    reader = PdfReader(outputs["pdf"])
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "sv"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    headings = [h.get_text() for h in BeautifulSoup(outputs["förbund"].read_text(encoding="utf-8"),
                                                     "html.parser").find_all("h1")]
    def key(text):  # print shows chapters in capitals; Chromium drops the space at a line break
        return re.sub(r"\s+", "", text).casefold()
    outline = {key(title) for title, _ in pdf_outline(outputs["pdf"].read_bytes())}
    assert headings and {key(h) for h in headings} <= outline  # every chapter is a bookmark
    title = BeautifulSoup(outputs["förbund"].read_text(encoding="utf-8"), "html.parser").title.string.strip()
    assert reader.metadata.title == title

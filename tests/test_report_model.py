"""Reports as a model plus templates (issue 12 item 3): a report is built once, as data, numbered
while it is built, and rendered by Jinja2 templates with autoescape.

- Plain text is escaped wherever it comes from (a förbund's name, a table label); the analyst's
  Markdown stays rendered while raw HTML in it is escaped.
- Numbers: ``tables()`` gives the numbers the HTML shows, whichever section was asked for first
  and without ``sections()`` called before; the national diagrams likewise.
- The Excel writer writes the model's tables, in its order.
(The comparison with the executed reports is in test_national_report.py and test_forbund_report.py,
beside the fixtures that run the notebooks.)
"""
from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from finsam_lib.present import commentary as com
from finsam_lib.present import model
from finsam_lib.present import national_tables as nt
from finsam_lib.present import tables as tb
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.report import NationalReport

YEAR = 2022
NASTY = "Förbund <script>alert(1)</script> & Söner"


def caption_numbers(html: str) -> list[str]:
    return re.findall(r'<span class="caption-label">Tabell ([\d.]+)</span>', html)


def diagram_numbers(html: str) -> list[str]:
    return re.findall(r'<figure class="chart" id="diagram-([\d-]+)"', html)


@pytest.fixture(scope="module")
def forbund(demo_data):
    return min(demo_data.respondents.loc[demo_data.respondents.year == YEAR, "forbund"].unique())


def test_text_is_escaped_and_analyst_markdown_stays_rendered(demo_data, forbund):
    own = com.Commentary({"indikator 1": "Det **ökade** <script>x()</script> & sjönk", "sammanfattning": "A & B"})
    report = ForbundReport(demo_data, forbund, YEAR, commentary=own)
    report.name = NASTY  # as if the förbund were called so
    page = report.html()
    assert "<script>" not in page
    assert "Förbund &lt;script&gt;alert(1)&lt;/script&gt; &amp; Söner" in report.title_page().html
    assert "Förbund &lt;script&gt;" in report.summary().html
    first = report.indicator(1).html
    assert "<strong>ökade</strong>" in first and "&lt;script&gt;x()&lt;/script&gt; &amp; sjönk" in first
    assert '<div class="analyst"><p>A &amp; B</p>' in report.summary().html


def test_a_table_escapes_its_labels_headers_and_notes():
    rows = pd.DataFrame([{"label": "<b>Ja</b> & nej", "kind": tb.ROW, "n": 12}])
    t = tb.ReportTable("tabell-9", "9", "Titel <i>", rows, [tb.Column("n", "n & <n>")], notes=["a < b"])
    html = t.to_html()
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Ja&lt;/b&gt; &amp; nej" in html and "n &amp; &lt;n&gt;" in html
    assert '<p class="table-note">a &lt; b</p>' in html
    assert '<td>12</td>' in html


def test_parts_render_in_order_and_a_block_knows_its_headings_and_tables():
    t = tb.ReportTable("tabell-1", "1", "T.", tb._frame([{"label": "x", "kind": tb.ROW, "n": 1}]),
                       [tb.Column("n", "n")])
    block = (model.heading(1, "Rubrik & mer", "rubrik", "chapter")
             + model.Block(model.paragraphs("Ett", "", "Två", cls="facts"), model.bullets(["a", ""]),
                           model.Table(t), model.Table(nt.scales_table(), listed=False),
                           model.comment_block("rubrik", ["Fakta <1>"], "<p>egen</p>")))
    html = block.html
    assert html.startswith('<h1 id="rubrik" class="chapter">Rubrik &amp; mer</h1>'
                           '<p class="facts">Ett</p><p class="facts">Två</p><ul><li>a</li></ul>'
                           '<figure class="report-table" id="tabell-1">')
    assert html.endswith('<div class="comment"><h3 id="rubrik-kommentar">Kommentar till resultatet</h3>'
                         '<p class="facts">Fakta &lt;1&gt;</p><div class="analyst"><p>egen</p></div></div>')
    assert block.headings == [(1, "rubrik", "Rubrik & mer")]
    assert block.tables == [t]  # the scales table is shown, not listed


def test_forbund_tables_are_numbered_as_shown_without_sections_first(demo_data, forbund):
    fresh = ForbundReport(demo_data, forbund, YEAR)
    numbers = [t.number for t in fresh.tables() if t.number]  # nothing rendered before
    assert numbers == [str(k) for k in range(1, len(numbers) + 1)] and len(numbers) > 5
    late = ForbundReport(demo_data, forbund, YEAR)
    last = max(i for i in range(1, 17) if late.indicator(i) is not None)
    shown = caption_numbers(late.indicator(last).html)  # the last indicator asked for first
    assert shown and shown == caption_numbers(fresh.indicator(last).html)
    assert caption_numbers(late.html()) == numbers == [t.number for t in late.tables() if t.number]


def test_national_tables_and_diagrams_are_numbered_as_shown_whatever_is_asked_first(demo_data):
    report = NationalReport(demo_data, YEAR)
    with_chart = [i for i in range(1, 17) if diagram_numbers(report.indicator(i).html)]
    assert len(with_chart) >= 2
    first_alone = diagram_numbers(NationalReport(demo_data, YEAR).indicator(with_chart[-1]).html)
    assert first_alone == diagram_numbers(report.indicator(with_chart[-1]).html)
    diagrams = diagram_numbers(report.html())
    assert [d.split("-")[0] for d in diagrams] == sorted((d.split("-")[0] for d in diagrams), key=int)
    assert caption_numbers(report.html()) == [t.number for t in report.tables() if t.number]


def test_the_resultatfil_holds_the_models_tables_in_order(demo_data, forbund, tmp_path):
    from finsam_lib.publish.excel import write_report

    report = ForbundReport(demo_data, forbund, YEAR)
    book = openpyxl.load_workbook(write_report(report, tmp_path / "r.xlsx"), read_only=True)
    sheets = [s for s in book.sheetnames if s.startswith("Tabell") or s == "Svarsskalor"]
    assert sheets == [t.sheet_name for t in report.model.tables]
    assert sheets[-1] == "Svarsskalor"


def test_the_report_renders_itself_in_one_piece(demo_data, forbund):
    report = ForbundReport(demo_data, forbund, YEAR)
    page = report.html()
    assert page == "".join(b.html for b in report.sections())
    assert [text for _, _, text in report.model.headings] == report.headings()
    assert page.count('<nav class="toc" id="innehall">') == 1



@pytest.mark.parametrize("kind", ["forbund", "national"])
def test_the_indicators_cell_shows_every_indicator_section_in_order_once(demo_data, forbund, kind):
    """The notebooks show all indicators in one cell (report.indicators(), issue 15): the
    sixteen indicator sections of the model, in order, and nothing else."""
    report = ForbundReport(demo_data, forbund, YEAR) if kind == "forbund" else NationalReport(demo_data, YEAR)
    sections = [b for key, b in report.model.sections.items() if key[0] == "indicator" and b is not None]
    assert len(sections) >= 10
    assert report.indicators().html == "".join(b.html for b in sections)
    headings = [text for _, _, text in report.indicators().headings]
    assert len(headings) == len(set(headings)) and "Indikatorer utan svar" not in headings


@pytest.mark.parametrize("name, kind", [("forbund_report.ipynb", ForbundReport),
                                        ("national_report.ipynb", NationalReport)])
def test_the_notebook_shows_every_section_once_in_the_models_order(name, kind):
    """The notebook's cells call the report's sections in the order of cells() (the model's),
    each once: indicators() stands for all indicator sections."""
    import json

    from finsam_lib.instrument import definition as ins
    from finsam_lib.publish.publish import notebook_path

    nb = json.loads(notebook_path(name).read_text(encoding="utf-8"))
    calls = [m for c in nb["cells"] if c["cell_type"] == "code"
             for m in re.findall(r"^report\.(\w+)\((\d*)\)", "".join(c["source"]), flags=re.M)]
    shown = []
    for method, argument in calls:
        if method == "indicators":
            shown += [("indicator", i) for i in ins.indicators()]
        else:
            shown.append((method, int(argument)) if argument else (method,))
    assert shown == kind.cells(None)

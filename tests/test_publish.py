"""Publishing helpers: the offline HTML export, the table of contents, the browser, Excel."""
import nbformat
import openpyxl
import pandas as pd
import pytest

from finsam_lib.present import tables as tb
from finsam_lib.publish import excel, publish


def test_notebook_html_shows_outputs_and_narrative_only():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("year = 2022", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('hemligt'); report.toc()", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="hemligt\n"),
            nbformat.v4.new_output("execute_result", data={
                "text/html": '<nav class="toc"><h2 class="toc-title">Innehåll</h2><!-- finsam:toc --></nav>',
                "text/plain": "<Block>"}, execution_count=2)]),
        nbformat.v4.new_markdown_cell("# Inledning\n\nText om **förbunden**."),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("execute_result", data={
            "text/html": '<h2 id="indikator-1">Indikator 1: Personcentrering</h2>'}, execution_count=3)]),
        nbformat.v4.new_markdown_cell("Syns inte.", metadata={"tags": ["remove_cell"]}),
    ]
    page = publish.notebook_html(nb, "Testrapport", css="body{}")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="sv">' in page
    for hidden in ("year = 2022", "print(", "hemligt", "&lt;Block&gt;", "Syns inte", "In&nbsp;["):
        assert hidden not in page
    assert "<strong>förbunden</strong>" in page
    assert "http" not in page.lower().replace('lang="sv"', "")
    toc = page[page.index('<nav class="toc"'):page.index("</nav>")]
    assert 'href="#Inledning"' in toc and 'href="#indikator-1"' in toc
    assert "Innehåll</span>" not in toc  # the TOC's own title is not listed


def test_add_toc_numbers_pages_and_keeps_ids_unique():
    page = ('<nav class="toc"><h2 class="toc-title">Innehåll</h2><!-- finsam:toc --></nav>'
            "<h1>Bilaga 1</h1><h2>Tabeller</h2><h1>Bilaga 2</h1><h2>Tabeller</h2>")
    out = publish.add_toc(page, pages={"bilaga-1": 40, "tabeller-2": 42})
    assert '<h2 id="tabeller">' in out and '<h2 id="tabeller-2">' in out
    assert '<span class="toc-page">40</span>' in out and '<span class="toc-page">42</span>' in out
    assert publish.add_toc(out).count("<ol>") == 1  # filling again replaces, never doubles


def test_heading_pages_match_chromium_outline_titles(monkeypatch):
    outline = [("INNEHÅLL", 2), ("SAMMANFATTNING", 3), ("Indikator 4: Sammanhållet stödIndikator 4: Sammanhållet stöd", 15),
               ("BILAGA 1: FÖRTECKNING DELTAGANDESAMORDNINGSFÖRBUND", 47)]
    monkeypatch.setattr(publish, "pdf_outline", lambda data: outline)
    ids = [["sammanfattning", "Sammanfattning"], ["indikator-4", "Indikator 4: Sammanhållet stöd"],
           ["bilaga-1", "Bilaga 1: Förteckning deltagande samordningsförbund"]]
    assert publish.heading_pages_from_pdf(b"", ids) == {"sammanfattning": 3, "indikator-4": 15, "bilaga-1": 47}


def test_find_browser_honours_an_explicit_path(tmp_path, monkeypatch):
    fake = tmp_path / "chrome"
    fake.write_text("")
    assert publish.find_browser(str(fake)) == str(fake)
    assert publish.find_browser(str(tmp_path / "none")) is None
    monkeypatch.setenv("FINSAM_BROWSER", str(fake))
    assert publish.find_browser() == str(fake)


def test_write_xlsx_puts_each_table_on_a_sheet_with_number_formats(tmp_path):
    rows = pd.DataFrame([{"label": "Fråga 1 Personal", "kind": tb.SECTION},
                         {"label": "samtliga", "kind": tb.ROW, "n": 1650, "k_2021": 78, "n_2021": 1650},
                         {"label": "kvinnor", "kind": tb.SUB, "n": 3, "message": "För få svar."}])
    kinds = [tb.Column("n_2021", ("2021", "antal svar")), tb.Column("k_2021", ("2021", "nyckeltal"), "pct")]
    t = tb.ReportTable("tabell-5-2", "5.2", "Test.", rows.astype(object), kinds, notes=["En not."])
    path = excel.write_xlsx([t], tmp_path / "r.xlsx", about={"Rapport": "Test", "Mätår": 2022},
                              data={"Nyckeltal alla år": pd.DataFrame({"n": [5], "Nyckeltal (%)": [50]})})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Innehåll", "Tabell 5.2", "Nyckeltal alla år"]
    ws = wb["Tabell 5.2"]
    assert ws["A1"].value == "Tabell 5.2 Test."
    assert (ws["B2"].value, ws["B3"].value, ws["C3"].value) == (2021, "antal svar", "nyckeltal")
    assert (ws["B5"].value, ws["B5"].number_format) == (1650, "#,##0")
    assert (ws["C5"].value, ws["C5"].number_format) == (0.78, "0 %")
    assert ws["A8"].value == "En not."
    assert (wb["Nyckeltal alla år"]["B2"].value, wb["Nyckeltal alla år"]["B2"].number_format) == (0.5, "0 %")
    assert list(wb["Nyckeltal alla år"].tables) == ["Nyckeltal_alla_ar"]


def test_publish_refuses_unknown_formats(tmp_path):
    with pytest.raises(publish.PublishError):
        publish.publish_report("x.ipynb", {}, tmp_path, "x", "X", formats=("docx",))

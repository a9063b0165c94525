"""Publishing helpers: the offline HTML export, the table of contents, the browser, Excel."""
import nbformat
import openpyxl
import pandas as pd
import pytest

from finsam_lib.present import tables as tb
from finsam_lib.publish import excel, pdf, pdf_contents, publish, report_html, warming

YEAR = 2022


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
    page = report_html.notebook_html(nb, "Testrapport", css="body{}")
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
    out = report_html.add_toc(page, pages={"bilaga-1": 40, "tabeller-2": 42})
    assert '<h2 id="tabeller">' in out and '<h2 id="tabeller-2">' in out
    assert '<span class="toc-page">40</span>' in out and '<span class="toc-page">42</span>' in out
    assert report_html.add_toc(out).count("<ol>") == 1  # filling again replaces, never doubles


def test_a_fonts_to_unicode_map_gives_each_characters_glyph_code():
    """Both forms of a ToUnicode CMap's entries: bfchar pairs and bfrange runs (consecutive or listed)."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    cmap = DecodedStreamObject()
    cmap.set_data(b"2 beginbfchar\n<0003> <0020>\n<002C> <0049>\nendbfchar\n"
                  b"2 beginbfrange\n<0013> <0015> <0030>\n<0016> <0017> [<0033> <00E5>]\nendbfrange\n")
    font = DictionaryObject({NameObject("/ToUnicode"): cmap})
    assert pdf_contents._to_unicode(font) == {" ": "0003", "I": "002C", "0": "0013", "1": "0014", "2": "0015",
                                              "3": "0016", "å": "0017"}
    assert pdf_contents._to_unicode(DictionaryObject()) == {}


def test_digit_runs_are_found_in_both_forms_chromium_writes_and_placed_in_page_space():
    """A run of one glyph per Tj (positioned by Td) and one of two glyphs in one string are both
    found, with their span in the stream and their origin through q/cm/Q; runs with letters or of
    another length are not."""
    characters = {"F1": {"0013": "0", "0014": "1", "0015": "2", "0024": "A"}}
    stream = (b"q\n2 0 0 2 10 20 cm\nBT\n/F1 10 Tf\n1 0 0 -1 5 7 Tm\n<0013> Tj\n6 0 Td <0014> Tj\nET\nQ\n"
              b"BT\n/F1 10 Tf\n1 0 0 -1 100 200 Tm\n<00150013> Tj\nET\n"
              b"BT\n/F1 10 Tf\n1 0 0 -1 0 0 Tm\n<00240013> Tj\nET\n"
              b"BT\n/F1 10 Tf\n1 0 0 -1 0 0 Tm\n<0013> Tj\nET\n")
    runs = list(pdf_contents._digit_runs(stream, characters, 2))
    assert [(font, text, point) for _, font, text, point in runs] == [("F1", "01", (20.0, 34.0)),
                                                                     ("F1", "20", (100.0, 200.0))]
    (start, end), *_ = runs[0]
    assert stream[start:end] == b"<0013> Tj\n6 0 Td <0014> Tj"
    assert pdf_contents._spliced(stream, [((start, end), "[-600 <0015>] TJ")]).count(b"[-600 <0015>] TJ") == 1


def test_an_incremental_update_replaces_objects_and_keeps_the_rest():
    """pdf_contents.appended: the new body of an object is what a reader gets, the trailer keeps
    /Root and /Info and points back (/Prev); a PDF without a classic xref table is left to pypdf."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "Före"})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    reader = PdfReader(io.BytesIO(data))
    info = reader.trailer.raw_get("/Info")
    updated = pdf_contents.appended(data, {(info.idnum, info.generation): b"<< /Title (Efter) >>"})
    assert updated.startswith(data) and updated.count(b"%%EOF") == data.count(b"%%EOF") + 1
    after = PdfReader(io.BytesIO(updated), strict=True)
    assert after.metadata.title == "Efter" and len(after.pages) == 1
    assert after.trailer["/Prev"] == int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf_contents.appended(data.replace(b"startxref", b"startxrefX"), {}) is None


def test_the_outline_of_a_pdf_with_broken_cross_references_is_still_read():
    """The outline is read strictly first (no repair pass: Chromium's PDFs are well-formed); a PDF
    whose cross-reference offsets are off, which the strict reader refuses, is read leniently."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(200, 200)
    writer.add_outline_item(title="Första", page_number=0)
    writer.add_outline_item(title="Tredje", page_number=2)
    buffer = io.BytesIO()
    writer.write(buffer)
    good = buffer.getvalue()
    after_header = good.index(b"\n", 10) + 1
    padding = b"% every object now lies later than its cross-reference entry says\n"
    shifted = good[:after_header] + padding + good[after_header:]
    with pytest.raises(PdfReadError):
        PdfReader(io.BytesIO(shifted), strict=True)
    assert pdf.pdf_outline(good) == pdf.pdf_outline(shifted) == [("Första", 1), ("Tredje", 3)]


def test_find_browser_honours_an_explicit_path(tmp_path, monkeypatch):
    fake = tmp_path / "chrome"
    fake.write_text("")
    assert pdf.find_browser(str(fake)) == str(fake)
    assert pdf.find_browser(str(tmp_path / "none")) is None
    monkeypatch.setenv("FINSAM_BROWSER", str(fake))
    assert pdf.find_browser() == str(fake)


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


def test_write_xlsx_keeps_the_printed_layout(tmp_path):
    """A report sheet keeps the printed table's layout: a bold caption, a two-row header whose group
    heading spans its columns and whose label heading spans both rows, the header frozen, a
    section row banded, the label column as wide as its longest label; the index links to it."""
    rows = pd.DataFrame([{"label": "Fråga 1 Personal", "kind": tb.SECTION},
                         {"label": "samtliga", "kind": tb.ROW, "k_2021": 78, "n_2021": 1650}])
    kinds = [tb.Column("n_2021", ("2021", "antal svar")), tb.Column("k_2021", ("2021", "nyckeltal"), "pct")]
    t = tb.ReportTable("tabell-5-2", "5.2", "Test.", rows.astype(object), kinds)
    wb = openpyxl.load_workbook(excel.write_xlsx([t], tmp_path / "r.xlsx", about={"Rapport": "Test"}))
    ws = wb["Tabell 5.2"]
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A2:A3", "B2:C2"]
    assert ws.freeze_panes == "B4"
    assert ws["A1"].font.b and ws["A2"].font.b and ws["C3"].font.b
    assert ws["C3"].fill.fgColor.rgb[-6:] == "D3DFEA" and ws["C4"].fill.fgColor.rgb[-6:] == "E9EFF5"
    assert ws["A4"].font.b and not ws["A5"].font.b
    assert ws.column_dimensions["A"].width == len("Fråga 1 Personal") + 3
    link = wb["Innehåll"]["A4"]
    assert link.value == "Tabell 5.2" and link.hyperlink.location == "'Tabell 5.2'!A1"


def test_write_xlsx_rules_totals_and_indents_sub_rows_that_hold_numbers(tmp_path):
    """A total row (Samtliga, Totalt) is bold with a rule under it and a sub row is indented, as in
    the printed table, also when they hold numbers (the openpyxl writer lost both on such rows)."""
    rows = pd.DataFrame([{"label": "Jobbspåret", "kind": tb.ROW, "k": 60, "n": 25},
                         {"label": "därav kvinnor", "kind": tb.SUB, "k": 58, "n": 12},
                         {"label": "Samtliga", "kind": tb.TOTAL, "k": 63, "n": 41}])
    columns = [tb.Column("n", "antal svar"), tb.Column("k", "nyckeltal", "pct")]
    t = tb.ReportTable("tabell-6", "6", "Test.", rows.astype(object), columns)
    ws = openpyxl.load_workbook(excel.write_xlsx([t], tmp_path / "r.xlsx"))["Tabell 6"]
    cells = {row[0].value: row for row in ws.iter_rows(min_row=3)}
    assert all(c.font.b and c.border.bottom.style for c in cells["Samtliga"])
    assert not any(c.font.b or c.border.bottom.style for c in cells["Jobbspåret"])
    assert cells["därav kvinnor"][0].alignment.indent == 2 and cells["Jobbspåret"][0].alignment.indent == 0
    assert cells["Samtliga"][2].value == 0.63 and cells["Samtliga"][1].value == 41


def test_the_warm_up_imports_the_notebooks_modules_and_fills_the_figures_cache(fixture_2022):
    """What a kernel started early runs (publish.warm_up_code) imports what the notebook's reading
    cell imports and reads the files into the figures' cache, so that the notebook's own reading
    finds the year's national figures there instead of reading again."""
    from finsam_lib.figures import year as yf

    code = publish.warm_up_code(publish.notebook_path("forbund_report.ipynb"), str(fixture_2022), YEAR, 5)
    assert "from finsam_lib.present.forbund_report import ForbundReport" in code
    assert code.endswith(f"prepare({str(fixture_2022)!r}, {YEAR}, 5, False)")
    yf._CACHE.clear()
    reads = yf.cache_info()["reads"]
    exec(code, {})
    before = yf.cache_info()
    yf.year_figures(str(fixture_2022), YEAR, None, 5).samtliga
    after = yf.cache_info()
    assert before["reads"] == reads + 1  # the warm-up read the files
    assert after["reads"] == before["reads"] and after["misses"] == before["misses"]  # all found in the cache


def test_a_report_commands_kernel_takes_the_files_as_the_command_read_them(fixture_2022, tmp_path):
    """`finsam report`'s kernel starts with the notebook's imports only (report_commands.started_for);
    once the command has read the files, report_commands.hand_files_to_kernel gives it them as read (a pickle)
    and the year's national figures to make: the kernel reads no file. Without the command's
    read to hand over, the kernel reads them itself."""
    import argparse

    from finsam_lib.apps import report_commands
    from finsam_lib.figures import year as yf

    class Kernel:  # publish.Started's send: the code a kernel would run next
        def __init__(self):
            self.code = []

        def send(self, code):
            self.code.append(code)

    args = argparse.Namespace(data=str(fixture_2022), year=YEAR, min_n=5)
    notebook = publish.notebook_path("forbund_report.ipynb")
    for read_here in (True, False):
        yf._CACHE.clear()
        if read_here:
            yf.dataset([str(fixture_2022)])  # the command's own read (plan)
        kernel = Kernel()
        report_commands.hand_files_to_kernel(kernel, args, notebook, str(tmp_path))
        assert len(kernel.code) == 1 and ("handoff=" in kernel.code[0]) == read_here
        yf._CACHE.clear()  # the kernel is another process: nothing read yet
        reads = yf.cache_info()["reads"]
        exec(kernel.code[0], {})
        assert yf.cache_info()["reads"] == reads + (0 if read_here else 1)
        before = yf.cache_info()
        yf.year_figures(str(fixture_2022), YEAR, None, 5).samtliga  # what the notebook asks first
        assert yf.cache_info()["misses"] == before["misses"]  # made already, by the sent code
    report_commands.hand_files_to_kernel(None, args, notebook, str(tmp_path))  # no kernel (tests): nothing to do


def test_publish_refuses_unknown_formats(tmp_path):
    with pytest.raises(pdf.PublishError):
        publish.publish_report("x.ipynb", {}, tmp_path, "x", "X", formats=("docx",))


def test_markdown_headings_get_closed_anchor_links_and_ids_from_their_text():
    """The export keeps nbconvert's anchor link in a markdown heading closed (an "<a ... />" would
    open a link over everything after it) and names the heading from its text, å and ö included."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Förbehåll & källor\n\nResultaten ger inte en fullständig bild."),
                nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("execute_result", data={
                    "text/html": '<nav class="toc"><h2 class="toc-title">Innehåll</h2><!-- finsam:toc --></nav>'},
                    execution_count=1)])]
    page = report_html.notebook_html(nb, "Testrapport", css="body{}")
    heading = page[page.index("<h2 id="):page.index("</h2>", page.index("<h2 id=")) + 5]
    assert heading.startswith('<h2 id="forbehall-amp-kallor">') and "/>" not in heading
    assert heading.endswith("></a></h2>")
    assert '<a href="#forbehall-amp-kallor"><span class="toc-text">Förbehåll &amp; källor</span></a>' in page


def test_the_exporter_is_built_once_per_process():
    assert report_html.report_exporter() is report_html.report_exporter()


def test_the_notebook_client_is_imported_before_the_exporter_warms_in_a_thread(tmp_path):
    """publish_report imports papermill (and with it nbclient and jupyter_client, which nbconvert
    imports too) before the exporter's warming thread starts: two threads importing one package
    at once can meet it partly initialised (an ImportError seen once in the test suite). A new
    interpreter, so that nothing is imported yet."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from finsam_lib.publish import publish, warming\n"
            "def seen(*args, **kwargs):\n"
            "    print(sorted(m for m in ('papermill', 'nbclient', 'jupyter_client') if m in sys.modules))\n"
            "    raise SystemExit(0)\n"
            "warming.warm_up_exports = seen\n"
            "publish.publish_report(publish.notebook_path('forbund_report.ipynb'), {},\n"
            f"                       {str(tmp_path)!r}, 'r', 'R', formats=('html',))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['jupyter_client', 'nbclient', 'papermill']"


def test_the_exporter_warms_while_the_kernel_runs_once_per_process():
    """publish_report's warming: a thread builds the exporter and loads its templates when HTML or
    PDF is asked for and nothing was exported yet; none for Excel alone or once it is built."""
    report_html.report_exporter.cache_clear()
    assert warming.exporter_warming(["xlsx"]) is None
    thread = warming.exporter_warming(["pdf"])
    assert thread is not None
    thread.join()
    assert report_html.report_exporter.cache_info().currsize == 1
    assert warming.exporter_warming(["html", "pdf"]) is None
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Rubrik")])
    assert "Rubrik" in report_html.notebook_html(nb, "Test")


def test_a_new_browsers_warm_up_print_is_a_report_page_and_not_counted(tmp_path):
    """The warm-up page goes the report's way through the printer (printed with the contents'
    placeholders, the pages written into the PDF: its heading lands on page 2, after the title
    page); warm_up prints it once per printer and counts no print, so that the report after it is
    still printed once."""
    if pdf.find_browser() is None:
        pytest.skip("no Chromium-family browser")
    page = tmp_path / "warm.html"
    page.write_text(warming.warm_up_page(), encoding="utf-8")
    with pdf.PdfPrinter() as printer:
        printer.print(page, tmp_path / "warm.pdf")
        title, landed = pdf.pdf_outline((tmp_path / "warm.pdf").read_bytes())[-1]
        assert (title.casefold(), landed) == ("avsnitt", 2)
        assert printer.prints == 1
    report = tmp_path / "rapport.html"
    report.write_text(_report_page(chapters=2, sections=2), encoding="utf-8")
    with pdf.BackgroundPrinter() as printer:
        assert not printer.warmed
        printer.warm_up(warming.warm_up_page())
        printer.warm_up(warming.warm_up_page())  # once is enough: nothing more is queued
        printer.print(report, tmp_path / "rapport.pdf", footer="Testrapport")
        assert printer.warmed and printer._printer.prints == 1
    contents, landed, _ = _contents_and_landing_pages(tmp_path / "rapport.pdf")
    assert contents == landed and len(contents) == 2 * 3


def _report_page(chapters: int, sections: int) -> str:
    """A report page with a title page, the contents and chapters of sections long enough that
    the contents take two pages and the headings fall on many."""
    words = ["Nyckeltal", "mätår", "förbund", "målpopulation", "bortfall", "insats"]
    text = " ".join(words[k % len(words)] for k in range(180))
    body = []
    for c in range(chapters):
        body.append(f"<h1>Kapitel {chr(65 + c)}</h1>")
        for k in range(sections):
            body.append(f"<h2>Avsnitt {chr(65 + c)} {'x' * (k + 1)}</h2>" + f"<p>{text}</p>" * (1 + (c + k) % 3))
    page = (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Test</title>'
            f'<style>{report_html.stylesheet()}</style></head><body><main class="report">'
            '<div class="title-page"><h1 class="title">Testrapport</h1></div>'
            '<nav class="toc"><h2 class="toc-title">Innehåll</h2><!-- finsam:toc --></nav>'
            + "".join(body) + "</main></body></html>")
    return report_html.add_toc(page)


def _contents_and_landing_pages(printed):
    """(contents line → its number, heading → the page the outline puts it on) of a printed _report_page."""
    import re

    from pypdf import PdfReader

    reader = PdfReader(printed)
    def key(text):  # print shows chapters in capitals
        return "".join(text.split()).casefold()
    landed = {key(title): page for title, page in pdf.pdf_outline(printed.read_bytes())}
    contents = {}
    for number in range(1, 4):  # the contents start on page 2 and go on over the next
        for line in reader.pages[number].extract_text().splitlines():
            m = re.fullmatch(r"((?:Kapitel|Avsnitt) [A-Z](?: x+)?)\s*(\d+)", line.strip())
            if m:
                contents[m.group(1)] = int(m.group(2))
    return contents, {heading: landed[key(heading)] for heading in contents}, reader


def test_contents_page_numbers_are_the_pages_where_the_headings_land(tmp_path):
    """One print: the number beside each contents line is the page on which its heading is printed
    (read from the PDF's outline), also when the contents take more than one page; the numbers
    were written into the printed PDF, so the report was printed once."""
    if pdf.find_browser() is None:
        pytest.skip("no Chromium-family browser")
    html = tmp_path / "rapport.html"
    html.write_text(_report_page(chapters=6, sections=9), encoding="utf-8")
    printed = tmp_path / "rapport.pdf"
    with pdf.PdfPrinter() as printer:
        printer.print(html, printed, footer="Testrapport")
    assert printer.prints == 1
    contents, landed, reader = _contents_and_landing_pages(printed)
    assert len(contents) == 6 * 10  # every heading is listed with a number
    assert "Avsnitt A x" in contents and contents["Avsnitt A x"] >= 3  # the contents take more than page 2
    assert contents == landed
    assert len(reader.pages) > 20 and reader.trailer["/Root"].get("/Lang") == "sv"


@pytest.mark.parametrize("cannot", ["more-pages-than-the-boxes-hold", "a-digit-not-embedded"])
def test_where_the_pdf_cannot_take_the_numbers_they_are_printed_in_the_page(tmp_path, monkeypatch, cannot):
    """Where the printed PDF cannot be filled in — more pages than the placeholders have digits
    for, or a page number's digit that no text in that font showed (so not embedded) — the pages
    the print gave are put into the page and it is printed again: the contents still right."""
    if pdf.find_browser() is None:
        pytest.skip("no Chromium-family browser")
    if cannot == "more-pages-than-the-boxes-hold":
        monkeypatch.setattr(pdf, "PLACEHOLDER_DIGITS", 1)
    else:
        read = pdf_contents._to_unicode
        monkeypatch.setattr(pdf_contents, "_to_unicode", lambda font: {c: g for c, g in read(font).items() if c != "7"})
    html = tmp_path / "rapport.html"
    html.write_text(_report_page(chapters=6, sections=9), encoding="utf-8")
    printed = tmp_path / "rapport.pdf"
    with pdf.PdfPrinter() as printer:
        printer.print(html, printed, footer="Testrapport")
    assert printer.prints == 2
    contents, landed, _ = _contents_and_landing_pages(printed)
    assert len(contents) == 6 * 10 and contents == landed
    assert any(page % 10 == 7 for page in contents.values())  # the missing digit was needed


def _heading_at_the_foot_of_page_two(wide: bool) -> str:
    """A report page whose section heading ends half a pixel above the foot of page 2 as Chromium
    lays the page area out: 980 px (A4 from the page's @page, less PDF_MARGIN as Chromium gets it,
    rounded up), or 1192 px when an 800 px wide figure makes the print shrink 800/658. Fixed heights
    (no fonts in the sums): contents 200 px, chapter heading 40, filler, section heading 20."""
    foot = 1192 if wide else 980
    figure = '<figure style="width: 800px; height: 50px; margin: 0"></figure>' if wide else ""
    return ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Test</title><style>'
            "@page { size: A4; } html, body, main, h1, h2, p, nav { margin: 0; padding: 0; }"
            ".title-page { break-after: page; } nav.toc { height: 200px; overflow: hidden; }"
            "nav.toc a { display: flex; }"
            "h1, h2 { font-size: 16px; line-height: 20px; }</style></head><body><main>"
            '<div class="title-page"><h1 class="title">Testrapport 1 2 3</h1></div>'
            '<nav class="toc"><a href="#kapitel">Kapitel</a> <a href="#avsnitt">Avsnitt</a> '
            '<a href="#bilaga">Bilaga</a></nav>'
            '<h1 id="kapitel" style="height: 40px">Kapitel</h1>'
            f'<div style="height: {foot - 0.5 - 200 - 40 - 20}px"></div>'
            '<h2 id="avsnitt" style="height: 20px">Avsnitt</h2>'
            f'<p>Text efter avsnittets rubrik.</p>{figure}<h1 id="bilaga">Bilaga</h1>'
            "</main></body></html>")


@pytest.mark.parametrize("wide", [False, True], ids=["page-wide", "shrunk-to-fit"])
def test_a_heading_at_the_foot_of_a_page_gets_that_page_in_one_print(tmp_path, wide):
    """The contents' numbers are the pages the print put the headings on, to the pixel: a heading
    that ends at a page's foot is listed on that page, also when something wider than the page
    makes the print shrink, and the report is printed once."""
    if pdf.find_browser() is None:
        pytest.skip("no Chromium-family browser")
    html = tmp_path / "rapport.html"
    html.write_text(_heading_at_the_foot_of_page_two(wide), encoding="utf-8")
    with pdf.PdfPrinter() as printer:
        printed = printer.print(html, tmp_path / "rapport.pdf", footer="Testrapport")
        assert printer.prints == 1
    data = printed.read_bytes()
    assert pdf_contents.destination_pages(data) == {"kapitel": 2, "avsnitt": 2, "bilaga": 3}
    import re

    from pypdf import PdfReader

    contents = PdfReader(printed).pages[1].extract_text().splitlines()[:3]
    assert [re.fullmatch(r"(\D+?)\s*(\d+)", line.strip()).groups() for line in contents] == [
        ("Kapitel", "2"), ("Avsnitt", "2"), ("Bilaga", "3")]

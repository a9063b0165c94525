"""The national report (issue 4): one command from registration files to HTML, PDF and
the Excel resultatfil.

- On the fixture that adds up to the published 2022 report, every figure of Tabell 1–4,
  N.1 and N.2 (and Bilaga 1, and Tabell 20 where the printed table follows its own rule)
  equals the published one, read back from the Excel workbook and from the HTML tables.
- The notebook runs through papermill on the demo set: every section heading present,
  no cell errored, no code and no raw respondent rows in the HTML.
- The PDF (when a Chromium-family browser is present) has more than 20 pages and every
  indicator heading.

The reports are produced once per session (shared fixtures below).
"""
from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from finsam_lib.apps.cli import main
from finsam_lib.base import format as fmt
from finsam_lib.instrument import definition as ins
from finsam_lib.publish.pdf import find_browser
from finsam_lib.publish.publish import cell_errors, notebook_path, publish_report

YEAR = 2022
STEM = f"nationell-indikatorrapport-{YEAR}"
TITLE = f"Nationell indikatorrapport {YEAR}"


def _publish(data, out, formats, keep_notebook=False):
    params = {"year": YEAR, "data": str(data), "min_n": 5, "published": "2023-03-01"}
    return publish_report(notebook_path("national_report.ipynb"), params, out, STEM, TITLE,
                          formats=formats, keep_notebook=keep_notebook)


@pytest.fixture(scope="session")
def fixture_report(fixture_2020_2022, tmp_path_factory):
    """HTML and Excel of the report on the published-2022 fixture."""
    return _publish(fixture_2020_2022, tmp_path_factory.mktemp("national_fixture"), ("html", "xlsx"))


@pytest.fixture(scope="session")
def demo_report(demo_dir, tmp_path_factory):
    """The report on the demo set, as `finsam report national` makes it (PDF when a browser is here)."""
    formats = ("html", "xlsx") + (("pdf",) if find_browser() else ())
    return _publish(demo_dir, tmp_path_factory.mktemp("national_demo"), formats, keep_notebook=True)


# --- Reading tables back --------------------------------------------------------------------------

def value(text):
    """A shown cell as a number: '1 650' -> 1650, '(78 %)' -> 78, '–' -> None."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return text
    text = str(text).strip()
    number = fmt.parse_number(text.strip("()*").strip())
    if number is not None:
        return number
    return None if text in ("", fmt.DASH, "-") else text


def split_label(label: str) -> tuple[str, int | None]:
    """'samtliga (n=1 629)' -> ('samtliga', 1629)."""
    m = re.match(r"^(.*?)\s*\(n=([\d\s\u00a0\u202f]+)\)$", label.strip())
    if not m:
        return label.strip(), None
    return m.group(1).strip(), int(re.sub(r"\D", "", m.group(2)))


def header_key(h) -> str:
    if isinstance(h, tuple):
        return " / ".join(str(x) for x in h)
    h = str(h).strip()
    return h[1:-1] if h.startswith("(") and h.endswith(")") else h


def html_tables(path) -> dict[str, dict]:
    """{table id: {(section, row label): {column header: value, 'n': n}}} from the HTML."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    out = {}
    for figure in soup.select("figure.report-table"):
        table = figure.find("table")
        head = table.find("thead").find_all("tr")
        if len(head) == 1:
            headers = [th.get_text(" ", strip=True) for th in head[0].find_all("th")][1:]
        else:  # two levels: groups (colspan) over sub-headers
            top = []
            for th in head[0].find_all("th")[1:]:
                top += [th.get_text(" ", strip=True)] * int(th.get("colspan", 1))
            bottom = [th.get_text(" ", strip=True) for th in head[1].find_all("th")]
            headers = [(t, b) for t, b in zip(top, bottom)]
        rows, section = {}, ""
        for tr in table.find("tbody").find_all("tr"):
            if "section" in (tr.get("class") or []):
                section = tr.get_text(" ", strip=True)
                continue
            label, n = split_label(tr.find("th").get_text(" ", strip=True))
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            row = {header_key(h): value(c) for h, c in zip(headers, cells)}
            row["n"] = n
            row["_text"] = cells
            rows[(section, label)] = row
        out[figure["id"]] = rows
    return out


def shown_value(cell):
    """A cell's value as the report prints it: a percentage stored as a fraction (0.78 with a
    percent format) back to 78."""
    v = cell.value
    if isinstance(v, (int, float)) and "%" in re.sub(r'"[^"]*"', "", cell.number_format):
        v = round(v * 100, 9)
        return int(v) if float(v).is_integer() else v
    return v


def excel_tables(path) -> dict[str, dict]:
    """{sheet: {(section, row label): {column header: value}}} from the resultatfil."""
    wb = openpyxl.load_workbook(path, read_only=False)
    out = {}
    for ws in wb.worksheets[1:]:
        if not ws.title.startswith(("Tabell", "Bilaga")):
            continue
        grid = [[shown_value(c) for c in r] for r in ws.iter_rows()]
        two = len(grid) > 2 and grid[2][0] in ("", None) and any(grid[2][1:])
        if two:
            top, last = [], None
            for v in grid[1][1:]:
                last = v if v not in (None, "") else last
                top.append(last)
            headers = [(t, b) if b not in (None, "") else t for t, b in zip(top, grid[2][1:])]
            body = grid[3:]
        else:
            headers, body = grid[1][1:], grid[2:]
        rows, section = {}, ""
        for r in body:
            if r[0] in (None, ""):
                continue
            if all(v in (None, "") for v in r[1:]) and str(r[0]).startswith("Fråga"):
                section = r[0]
                continue
            rows[(section, str(r[0]))] = {header_key(h): value(v) for h, v in zip(headers, r[1:]) if h}
        out[ws.title] = rows
    return out


@pytest.fixture(scope="session")
def fixture_html(fixture_report):
    return html_tables(fixture_report["html"])


@pytest.fixture(scope="session")
def fixture_xlsx(fixture_report):
    return excel_tables(fixture_report["xlsx"])


# --- What the published report says ---------------------------------------------------------------

def table_base(indicator: int) -> int:
    return 4 + ins.measured_indicators().index(indicator) + 1


def has_yes_no(indicator: int) -> bool:
    q = ins.version_questions(2021)
    return (q[q.indicator == indicator].scale == "III").any()


def section(survey: str, question: int) -> str:
    return f"Fråga {question} {ins.SURVEY_LABELS[survey]}"


def expected_distribution(published) -> list[tuple[str, tuple, dict]]:
    """(table number, row key, {header: value}) for every row of Tabell N.1."""
    d = pd.read_csv(published / "nns2022_distribution.csv")
    out = []
    for r in d.itertuples():
        yes_no = ins.scale_of(2021, r.survey, r.question) == "III"
        sub = 1 if yes_no or not has_yes_no(r.indicator) else 2
        number = f"{table_base(r.indicator)}.{sub}"
        if yes_no:
            values = {"n": r.n, "Nej": r.negativt, "Ja": r.positivt}
        else:
            values = {"n": r.n, "Negativt": r.negativt, "Varken eller": r.varken_eller,
                      "Positivt": r.positivt, "Klart positivt": r.klart_positivt}
        out.append((number, (section(r.survey, r.question), r.group), values))
    return out


def expected_keyfigures(published) -> list[tuple[str, tuple, dict]]:
    k = pd.read_csv(published / "nns2022_keyfigures_by_year.csv")
    out = []
    for (indicator, survey, question, group), rows in k.groupby(["indicator", "survey", "question", "group"]):
        number = f"{table_base(indicator)}.{3 if has_yes_no(indicator) else 2}"
        values = {}
        for r in rows.itertuples():
            values[f"{r.year} / antal svar"] = r.n
            values[f"{r.year} / nyckeltal"] = r.nyckeltal
        out.append((number, (section(survey, question), group), values))
    return out


def check(tables: dict, key_of, expected) -> list[str]:
    """Differences between tables and expectations, as readable lines."""
    wrong = []
    for number, row_key, values in expected:
        table = tables.get(key_of(number))
        if table is None:
            wrong.append(f"Tabell {number} saknas")
            continue
        row = table.get(row_key)
        if row is None:
            wrong.append(f"Tabell {number}: raden {row_key} saknas")
            continue
        for header, want in values.items():
            got = row.get(header)
            if pd.isna(want):
                ok = got is None
            else:
                ok = got is not None and float(got) == float(want)
            if not ok:
                wrong.append(f"Tabell {number} {row_key} {header}: {got!r}, publicerat {want!r}")
    return wrong


def html_id(number: str) -> str:
    return "tabell-" + number.replace(".", "-")


def sheet(number: str) -> str:
    return f"Tabell {number}"


def expected_tabell_1_to_4(published) -> list[tuple[str, tuple, dict]]:
    rates = pd.read_csv(published / "nns2022_response_rates.csv")
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv")
    gender = pd.read_csv(published / "nns2022_gender_counts.csv")
    out = []
    antal, forbund = {}, {}
    for r in rates.itertuples():
        label = "Totalt" if r.survey == "Totalt" else r.survey
        out.append(("2", ("", label), {
            "Målpopulation": r.malpopulation, "Undersökt population": r.undersokt_population,
            "Undersökt population i förhållande till målpopulation": r.undersokt_andel_av_mal,
            "Antal svar: svarat på minst en fråga": r.antal_svar,
            "Andel svar: undersökt population": r.andel_svar_av_undersokt,
            "Andel svar: målpopulation": r.andel_svar_av_mal}))
        antal[label] = r.antal_svar
        if r.survey != "Totalt":
            forbund[label] = int(counts[r.survey].notna().sum())
    forbund["Totalt"] = len(counts)
    out.append(("1", ("", "Antal besvarade enkäter"), antal))
    out.append(("1", ("", "Antal deltagande förbund"), forbund))
    labels = {"kvinna": "Uppgett sig vara kvinna", "man": "Uppgett sig vara man",
              "ej uppgett kön": "Ej uppgett variabeln kön", "totalt": "Totalt antal enkätsvar"}
    for r in gender.itertuples():
        number = "3" if r.survey == "Deltagare pågående" else "4"
        out.append((number, ("", labels[r.group]), {r.survey: r.antal, "Andel": r.andel}))
    return out


def expected_bilaga_1(published) -> list[tuple[str, tuple, dict]]:
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv")
    surveys = [c for c in counts.columns if c not in ("samordningsforbund", "nytt_2022")]
    out = []
    for r in counts.to_dict("records"):
        label = r["samordningsforbund"] + ("*" if r["nytt_2022"] else "")
        out.append(("Bilaga 1", ("", label), {s: r[s] for s in surveys}))
    return out


# --- Exact figures: Excel and HTML ----------------------------------------------------------------

@pytest.mark.parametrize("reader", ["xlsx", "html"])
def test_tabell_1_to_4_equal_the_published(reader, published, fixture_html, fixture_xlsx):
    tables, key = (fixture_xlsx, sheet) if reader == "xlsx" else (fixture_html, lambda n: f"tabell-{n}")
    wrong = check(tables, key, expected_tabell_1_to_4(published))
    assert not wrong, "\n".join(wrong[:30])


@pytest.mark.parametrize("reader", ["xlsx", "html"])
def test_every_indicator_distribution_equals_the_published(reader, published, fixture_html, fixture_xlsx):
    tables, key = (fixture_xlsx, sheet) if reader == "xlsx" else (fixture_html, html_id)
    expected = expected_distribution(published)
    assert len(expected) > 90
    wrong = check(tables, key, expected)
    assert not wrong, "\n".join(wrong[:30])


@pytest.mark.parametrize("reader", ["xlsx", "html"])
def test_every_key_figure_table_equals_the_published(reader, published, fixture_html, fixture_xlsx):
    tables, key = (fixture_xlsx, sheet) if reader == "xlsx" else (fixture_html, html_id)
    wrong = check(tables, key, expected_keyfigures(published))
    assert not wrong, "\n".join(wrong[:30])


def test_bilaga_1_lists_every_forbund_with_its_counts_dashes_and_stars(published, fixture_html, fixture_xlsx):
    expected = expected_bilaga_1(published)
    assert not check(fixture_xlsx, lambda n: n, expected)
    assert not check(fixture_html, lambda n: "bilaga-1", expected)
    # A survey not used is a dash, not a zero.
    row = fixture_html["bilaga-1"][("", "Höglandet")]
    assert row["_text"][1:6] == [fmt.DASH] * 5


def test_tabell_20_follows_the_rule_and_matches_the_printed_table_where_it_does(published, fixture_xlsx):
    printed = pd.read_csv(published / "nns2022_trend_vs_2021.csv", keep_default_na=False)
    rows = {label: r for (_, label), r in fixture_xlsx["Tabell 20"].items()}
    for p in printed.itertuples():
        row = rows[str(p.indicator)]
        for group, col in (("Totalt", "totalt"), ("Kvinnor", "kvinnor"), ("Män", "man")):
            verdict = row.get(f"{group}: resultat")
            if verdict is None:
                assert getattr(p, col) == ""
                continue
            total, limit = row[f"{group}: summa förändring (procentenheter)"], row[f"{group}: gräns (±)"]
            rule = ("Ökning" if total >= limit else "Minskning" if total <= -limit
                    else "Varken ökning eller minskning")
            assert verdict == rule
            if not p.note:
                assert verdict == getattr(p, col), (p.indicator, group)


def test_the_numbers_are_in_swedish_style(fixture_report):
    page = fixture_report["html"].read_text(encoding="utf-8")
    assert f"1{fmt.THIN}650" in page and f"3{fmt.THIN}967" in page
    assert f"78{fmt.NBSP}%" in page
    assert not re.search(r">\s*\d{1,3},\d{3}\s*<", page)  # no English thousands
    wb = openpyxl.load_workbook(fixture_report["xlsx"])
    ws = wb["Tabell 5.1"]
    formats = {c.number_format for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, (int, float))}
    assert "0 %" in formats and "#,##0" in formats


# --- The notebook on the demo set -----------------------------------------------------------------

def section_headings() -> list[str]:
    names = [f"Indikator {i}: {x.short_name}" for i, x in ins.indicators().items()]
    return (["Sammanfattning", "Resultat i korthet", "Inledning", "Insamling av data",
             "Metod för sammanställning av indikatorerna", "Analysmetod och redovisning av data", "Resultat",
             "Svarande och bortfall"] + names
            + ["Avslutande diskussion", "Resultat utifrån enkätfrågorna", "Resultat utifrån indikatorerna",
               f"Sammanvägd utveckling per indikator {YEAR} jämfört med {YEAR - 1}",
               f"Kommentar kring utvecklingen på nationell nivå 2018–{YEAR}", "Förbehåll",
               "Bilaga 1: Förteckning deltagande samordningsförbund",
               "Bilaga 2: Indikatorerna och måtten kopplade till dem"])


def test_the_notebook_runs_without_errors_and_shows_every_section(demo_report):
    nb = nbformat.read(demo_report["ipynb"], as_version=4)
    assert cell_errors(nb) == []
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    soup = BeautifulSoup(demo_report["html"].read_text(encoding="utf-8"), "html.parser")
    shown = [" ".join(h.get_text(" ", strip=True).split()) for h in soup.find_all(["h1", "h2"])]
    missing = [h for h in section_headings() if h not in shown]
    assert not missing
    # Headings in the report's order, and a table of contents linking them.
    positions = [shown.index(h) for h in section_headings()]
    assert positions == sorted(positions)
    toc = soup.select("nav.toc a")
    assert len(toc) >= len(section_headings())
    ids = {t.get("id") for t in soup.find_all(id=True)}
    assert all(a["href"][1:] in ids for a in toc)


def test_the_indicator_lists_are_what_the_figures_say(demo_report, demo_data):
    """"Resultat utifrån indikatorerna" lists, as the 2022 report does, the indicators whose every
    deltagare question has a nyckeltal of 74 % or more, those under 50 % in every respondent group,
    and those under 50 % in every group but one — computed here from the figures frame."""
    from finsam_lib.figures.year import year_figures
    now = year_figures(demo_data, YEAR).now
    d = now[(now.group == "samtliga") & now.nyckeltal_pct.notna()]
    who = d.survey.where(~d.survey.str.startswith("Deltagare"), "Deltagare")
    top = d.groupby(["indicator", who]).nyckeltal_pct.max().unstack()
    deltagare = d[who == "Deltagare"].groupby("indicator").nyckeltal_pct.min()
    high = sorted(int(i) for i, v in deltagare.items() if v >= 74)
    under = top.lt(50) | top.isna()
    groups = top.notna().sum(axis=1)
    low = sorted(int(i) for i in top.index[under.all(axis=1)])
    but_one = sorted(int(i) for i in top.index[(groups > 2) & (top.ge(50).sum(axis=1) == 1)])
    assert high and low and but_one  # the demo set (the published 2022 figures) has all three
    soup = BeautifulSoup(demo_report["html"].read_text(encoding="utf-8"), "html.parser")
    lists = [[int(re.match(r"Indikator (\d+)", li.get_text(strip=True)).group(1)) for li in ul.find_all("li")]
             for ul in soup.select(".indicator-list ul")]
    assert lists == [high, low, but_one]
    leads = [p.get_text(" ", strip=True) for p in soup.select("p.list-lead")]
    assert "74" in leads[0] and "färre än hälften" in leads[1] and "utom styrelseledamöterna" in leads[2]


def test_the_html_has_no_code_no_respondent_rows_and_needs_nothing_online(demo_report):
    page = demo_report["html"].read_text(encoding="utf-8")
    for code in ("report.indicator(", "from finsam_lib", "NationalReport", "import ", "In&nbsp;[",
                 "jp-InputArea", "Traceback", "xlsx_path"):
        assert code not in page, code
    for raw in ("Löpnr", ">respondent<", 'class="dataframe"', ".xlsx", "Arbetsgivare</th>"):
        assert raw not in page, raw
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)
    assert "<script" not in page
    # Every chart is inline and titled as in the report.
    soup = BeautifulSoup(page, "html.parser")
    charts = soup.select("figure.chart svg")
    assert len(charts) >= 12
    titles = [c.get_text(" ", strip=True) for c in charts]
    assert any(re.search(r"Diagram 1 Indikator 1: Personcentrering, 2018–2022\. Andelen klart positiva svar\.",
                         " ".join(t.split())) for t in titles)


def test_the_excel_resultatfil_has_every_table_on_its_own_sheet(demo_report):
    wb = openpyxl.load_workbook(demo_report["xlsx"], read_only=True)
    names = wb.sheetnames
    assert names[0] == "Innehåll"
    for expected in ["Tabell 1", "Tabell 2", "Tabell 3", "Tabell 4", "Tabell 5.1", "Tabell 5.2", "Tabell 10.3",
                     "Tabell 19.2", "Tabell 20", "Tabell 21", "Bilaga 1", "Bilaga 2"]:
        assert expected in names


# --- The PDF --------------------------------------------------------------------------------------

def pdf_pages_and_text(path) -> tuple[int, str]:
    try:
        from pypdf import PdfReader
    except ImportError:
        if not shutil.which("pdftotext"):
            pytest.skip("neither pypdf nor poppler's pdftotext is here to read the PDF")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return text.count("\f"), text
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(p.extract_text() or "" for p in reader.pages)


def test_the_pdf_is_a4_paged_and_holds_every_indicator_heading(demo_report):
    if "pdf" not in demo_report:
        pytest.skip("no Chromium-family browser on this machine")
    pages, text = pdf_pages_and_text(demo_report["pdf"])
    assert pages > 20
    flat = " ".join(text.split())
    for i, x in ins.indicators().items():
        assert f"Indikator {i}: {x.short_name}" in flat
    assert f"Sida 1 av {pages}" in flat
    try:
        from pypdf import PdfReader
    except ImportError:
        return
    box = PdfReader(demo_report["pdf"]).pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2  # A4 in points


# --- The command ----------------------------------------------------------------------------------

def test_the_command_refuses_an_unknown_format_and_a_missing_year(demo_dir, tmp_path, capsys):
    assert main(["report", "national", "--data", str(demo_dir), "--year", "2022", "--out", str(tmp_path),
                 "--formats", "html,docx"]) == 2
    assert "docx" in capsys.readouterr().err
    assert main(["report", "national", "--data", str(demo_dir), "--year", "2031", "--out", str(tmp_path),
                 "--formats", "html"]) == 1
    assert "Mätår 2031 finns inte" in capsys.readouterr().err


# --- The report object in-process -----------------------------------------------------------------

def test_the_analyst_text_follows_the_drafted_facts(fixture_2020_2022, tmp_path):
    from finsam_lib.present.report import NationalReport

    own = tmp_path / "kommentarer.md"
    own.write_text("# Indikator 1\nVår egen analys av **nyttan**.\n", encoding="utf-8")
    report = NationalReport.from_paths(fixture_2020_2022, YEAR, commentary=own)
    page = report.indicator(1).html
    facts = f"pågåendeenkätens fråga 1 (från 75{fmt.NBSP}% till 78{fmt.NBSP}%"
    assert page.index("Kommentar till resultatet") < page.index(facts) < page.index("Vår egen analys")
    assert "<strong>nyttan</strong>" in page
    assert "Diagram 1 Indikator 1: Personcentrering, 2020–2022. Andelen klart positiva svar." in page
    assert "mäts inte med enkäterna" in report.indicator(11).html
    gaps = report.summary_facts()["gender"]
    assert "pågåendeenkätens fråga 6" in gaps and f"55{fmt.NBSP}% av kvinnorna och 66{fmt.NBSP}% av männen" in gaps


def test_a_report_without_last_year_leaves_out_comparisons(fixture_2022):
    from finsam_lib.present.report import NationalReport

    report = NationalReport.from_paths(fixture_2022, YEAR)
    headings = report.headings()
    assert "Indikator 16: Jämställdhet och jämlikhet" in headings
    assert not any(h.startswith("Sammanvägd utveckling") for h in headings)
    page = "".join(b.html for b in report.sections())
    assert "Jämfört med" not in page and 'id="diagram-1"' in page  # only the bar chart
    assert [t.sheet_name for t in report.tables()][:5] == ["Tabell 1", "Tabell 2", "Tabell 3", "Tabell 4", "Tabell 5.1"]


# --- The report's model renders the report on its own (issue 12 item 3, issue 15 item 2) -----------

def test_the_model_alone_renders_what_the_executed_report_shows(fixture_report, fixture_2020_2022):
    """NationalReport.html() (the model through its templates, no notebook, no nbconvert) shows the
    same headings, table cells, captions and numbers as the report the notebook made."""
    from report_text import differences, figures_text

    from finsam_lib.present.report import NationalReport

    report = NationalReport.from_paths(fixture_2020_2022, YEAR, min_n=5, published="2023-03-01")
    executed = figures_text(fixture_report["html"].read_text(encoding="utf-8"))
    rendered = figures_text(report.html())
    assert len(executed["tables"]) > 30 and len(executed["numbers"]) > 300
    assert differences(executed, rendered) == []

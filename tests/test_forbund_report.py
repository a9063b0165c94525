"""A förbund's own report (issue 5): its development over the years beside the national level,
and the privacy rules that a report about one förbund needs.

- The stricter small-number rules (finsam_lib.figures.privacy) on numbers: residual groups, totals
  from which a small part could be worked out, small insatser merged.
- A förbund with 3 respondents in a survey (and a small kön group and small insatser): none
  of their figures appears in its report, neither in the HTML text nor in the Excel file,
  while the national report counts them.
- A demo förbund's report holds no other förbund's name or figures: every n it shows is its
  own, every national figure is the national aggregate.
- `finsam report forbund` matches names forgivingly and makes safe file names.
"""
from __future__ import annotations

import re
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from finsam_lib.apps.cli import main
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.figures.year import dataset
from finsam_lib.instrument import definition as ins
from finsam_lib.present.forbund_report import ForbundReport, report_stem
from finsam_lib.registration.reader import read_paths
from finsam_lib.registration.workbook import write_registration

YEAR = 2022
SMALL = "Lilla Test (Norr/Syd), Östra"  # a name with /, comma and parentheses


# --- The rules on their own ---------------------------------------------------------------------

def _dist(rows):
    """Distribution rows (one survey question) for privacy.disclose."""
    base = {"year": 2022, "forbund": "X", "survey": "Deltagare pågående", "series": "s", "question": 1,
            "indicator": 1, "scale": "I", "key": "klart", "version": 2021}
    out = []
    for group, n in rows:
        r = dict(base, group=group, n=n)
        counts = [0, 0, 0, 0, n // 2, n - n // 2]
        r.update({f"code_{k}": c for k, c in zip(fig.CODES, counts)})
        out.append(r)
    frame = pd.DataFrame(out)
    return fig._shares(frame, 5)


@pytest.mark.parametrize("kvinnor, man, hidden", [(9, 9, True), (10, 10, False), (8, 7, False), (4, 14, True)])
def test_a_split_whose_residual_is_small_is_not_shown(kvinnor, man, hidden):
    # samtliga 20: the residual (Kön 3–4) is 20 − kvinnor − män.
    d = privacy.disclose(_dist([("samtliga", 20), ("kvinnor", kvinnor), ("män", man)]))
    split = d[d.group != "samtliga"]
    assert split.suppressed.all() == hidden
    assert not d[d.group == "samtliga"].suppressed.any()
    if hidden:
        assert split.nyckeltal_pct.isna().all() and split.code_5.isna().all()


def test_counts_and_totals_are_exact():
    """Response counts are shown as the published reports print them: exactly (privacy rule 3)."""
    assert privacy.count_cell(0) == 0
    assert privacy.count_cell(3) == 3
    assert privacy.count_cell(None) is None
    assert privacy.total_cell([24, 3]) == 27
    assert privacy.total_cell([0, 10, None]) == 10
    assert privacy.total_cell([1, 2], total=5) == 5


def test_the_national_level_keeps_the_published_split_rule():
    # A residual of 2 hides a förbund's split, not the country's (the published tables show it).
    d = _dist([("samtliga", 20), ("kvinnor", 9), ("män", 9)])
    assert privacy.disclose(d, level="forbund").query("group != 'samtliga'").suppressed.all()
    assert not privacy.disclose(d, level="national").suppressed.any()
    with pytest.raises(ValueError):
        privacy.disclose(d, level="kommun")


# --- A small förbund, written cell by cell ---------------------------------------------------------

def _respondents(rng, survey, n, insatser=None, kon=None, codes=None, start=0):
    """Respondents and answers of one survey (version 2021), answers random unless given."""
    qs = ins.version_questions(2021, survey)
    resp, ans = [], []
    insatser = insatser or [("", n)]
    kinds = [i for i, k in insatser for _ in range(k)]
    genders = [g for g, k in (kon or []) for _ in range(k)] or [None] * n
    for j in range(n):
        rid = start + j
        resp.append({"respondent": rid, "survey": survey, "insats": kinds[j], "background": genders[j]})
        for q, scale in zip(qs.question, qs.scale):
            if codes is not None:
                code = codes[j][q - 1]
            else:
                code = int(rng.integers(1, 3)) if scale == "III" else int(rng.choice([2, 3, 4, 5, 5, 6, 6]))
            ans.append({"respondent": rid, "question": int(q), "code": code})
    return resp, ans


# The 3 styrelse respondents of 2022: all answer 6, 6, 5 on every question but one person 1 on Q2.
STYRELSE_CODES = [[6, 1, 6, 6, 6], [6, 6, 6, 6, 6], [5, 6, 5, 5, 5]]


def write_small_forbund(folder, seed=1):
    rng = np.random.default_rng(seed)
    for year in (2021, 2022):
        parts = []
        parts.append(_respondents(rng, "Deltagare pågående", 22 if year == 2022 else 20,
                                  insatser=[("Stora insatsen", 15), ("Lilla insatsen", 4), ("Mini", 3)]
                                  if year == 2022 else [("Stora insatsen", 20)],
                                  kon=[(1, 10), (2, 9), (3, 3)] if year == 2022 else [(1, 10), (2, 10)]))
        parts.append(_respondents(rng, "Personal", 8, start=100))
        if year == 2022:
            parts.append(_respondents(rng, "Styrelse", 3, codes=STYRELSE_CODES, start=200))
        else:
            parts.append(_respondents(rng, "Styrelse", 6, start=200))
        resp = pd.DataFrame([r for p in parts for r in p[0]])
        ans = pd.DataFrame([a for p in parts for a in p[1]])
        pop = [("Deltagare pågående", "Stora insatsen", 30, 25), ("Personal", "", 10, 9), ("Styrelse", "", 8, 8)]
        if year == 2022:
            pop += [("Deltagare pågående", "Lilla insatsen", 8, 6), ("Deltagare pågående", "Mini", 5, 4)]
        pop = pd.DataFrame(pop, columns=["survey", "insats", "malpopulation", "tillfragade"])
        write_registration(folder / str(year) / "lilla_test.xlsx", SMALL, year, resp, ans, pop)
    return folder


@pytest.fixture(scope="module")
def data_dir(demo_2021_2022, tmp_path_factory):
    """The demo set for 2021–2022 plus the small förbund."""
    folder = tmp_path_factory.mktemp("forbund_data") / "data"
    shutil.copytree(demo_2021_2022, folder)
    write_small_forbund(folder)
    return folder


@pytest.fixture(scope="module")
def data(data_dir):
    d = read_paths([data_dir])
    assert not d.errors, d.errors[:3]
    return d


@pytest.fixture(scope="module")
def small_report(data_dir, tmp_path_factory):
    """The small förbund's report through the command line: HTML and Excel."""
    out = tmp_path_factory.mktemp("small_report")
    code = main(["report", "forbund", "LILLA test (norr/syd), ostra", "--data", str(data_dir), "--year", str(YEAR),
                 "--out", str(out), "--formats", "html,xlsx"])
    assert code == 0
    stem = report_stem(SMALL, YEAR)
    return {"html": out / f"{stem}.html", "xlsx": out / f"{stem}.xlsx", "out": out}


def page_text(path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def excel_cells(path) -> list[tuple[str, int, list]]:
    """(sheet, row number, row values) of every row of every sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for ws in wb.worksheets:
        for i, row in enumerate(ws.iter_rows(values_only=True), 1):
            out.append((ws.title, i, list(row)))
    return out


def test_file_name_is_safe(small_report):
    assert small_report["html"].name == "indikatorrapport-2022-Lilla_Test-Norr-Syd-Östra.html"
    assert small_report["html"].is_file() and small_report["xlsx"].is_file()


def test_three_respondents_leave_no_figure_in_the_report(small_report, data):
    soup = BeautifulSoup(small_report["html"].read_text(encoding="utf-8"), "html.parser")
    text = page_text(small_report["html"])
    # Their n is nowhere; their questions' 2022 bars say "för få svar".
    assert not re.search(r"n\s*=\s*3\b", text)
    for q in ins.version_questions(2021, "Styrelse").question:
        figure = soup.find(id=f"fraga-styrelse-{q}")
        assert figure is not None, q
        label = " ".join(figure.get_text(" ").split())
        assert "2021 (n=6)" in label and "2022 (n=" not in label
        assert "För få svar" in label
        # 2022's shares are not in the chart (only 2021's, n=6, are).
        title = figure.find("svg").find("title").get_text()
        assert "2022: för få svar" in title and "2022 (n=" not in title
    # What the 3 would give, had they been shown.
    mine = fig.distribution(data.tidy[(data.tidy.forbund == SMALL) & (data.tidy.year == YEAR)], level="forbund",
                            min_n=1)
    theirs = mine[(mine.survey == "Styrelse") & (mine.group == "samtliga")]
    assert (theirs.n == 3).all() and theirs.nyckeltal_pct.notna().all()
    # The key-figure tables: the förbund's 2022 cell of every styrelse question says "för få svar".
    for table in soup.select("figure.report-table"):
        rows = table.find("tbody").find_all("tr")
        section = ""
        for tr in rows:
            if "section" in (tr.get("class") or []):
                section = tr.get_text(" ", strip=True)
                continue
            if "(Styrelse" in section and tr.find("th").get_text(strip=True) == "Förbundet":
                header = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
                cells = dict(zip(header[1:], [td.get_text(" ", strip=True) for td in tr.find_all("td")]))
                assert cells["2022"] == "för få svar", (section, cells)
    # Tabell 1 and 2: the counts are exact, as in the national report's Bilaga 1 (privacy rule 3).
    t1 = soup.find(id="tabell-1")
    header = [th.get_text(" ", strip=True) for th in t1.find("thead").find_all("th")]
    row = next(tr for tr in t1.find("tbody").find_all("tr") if tr.find("th").get_text(strip=True) == "2022")
    cells = dict(zip(header[1:], [td.get_text(" ", strip=True) for td in row.find_all("td")]))
    assert cells["Styrelse"] == "3" and cells["Totalt"] == "33"
    assert "33 enkäter" in text and "fler än 30" not in text
    t2 = soup.find(id="tabell-2")
    row = next(tr for tr in t2.find("tbody").find_all("tr") if tr.find("th").get_text(strip=True) == "Styrelse")
    assert [td.get_text(" ", strip=True) for td in row.find_all("td")] == ["8", "3", "38\u00a0%", "5"]


def test_kon_and_insats_counts_are_shown_exactly(small_report):
    soup = BeautifulSoup(small_report["html"].read_text(encoding="utf-8"), "html.parser")
    # Kön: 10 kvinnor, 9 män, 3 ej uppgett — counts, not shares of answers: shown as published.
    t4 = soup.find(id="tabell-4")
    cells = [td.get_text(strip=True) for td in t4.find("tbody").find_all("td")]
    assert {"10", "9", "3", "22"} <= set(cells)
    # Insatser: every insats by name with its count, the small ones too.
    t3 = " ".join(soup.find(id="tabell-3").get_text(" ").split())
    assert "Lilla insatsen" in t3 and "Mini" in t3 and "Stora insatsen" in t3
    assert "Övriga insatser" not in t3


def test_three_respondents_leave_no_figure_in_the_excel_file(small_report):
    rows = excel_cells(small_report["xlsx"])
    sheets = {s for s, _, _ in rows}
    assert "Svarsfördelning" in sheets
    data = [r for s, _, r in rows if s == "Svarsfördelning"]
    header, body = data[0], data[1:]
    frame = pd.DataFrame(body, columns=header)
    styrelse = frame[(frame["Enkät"] == "Styrelse") & (frame["År"] == YEAR)]
    assert len(styrelse) == 5
    shares = [c for c in frame.columns if c.startswith("Kod ")] + ["n", "Nyckeltal (%)"]
    assert styrelse[shares].isna().all().all()
    assert (styrelse["Redovisas"] == "för få svar").all()
    assert frame.loc[frame["År"] == 2021, "n"].dropna().min() >= 5
    # Counts are exact (Tabell 1 row 2022: styrelse 3, total 33); no share of the three anywhere.
    for sheet, i, values in rows:
        if sheet.startswith("Tabell 1") and values and values[0] == 2022:
            assert 3 in values and 33 in values
    n = header.index("n")
    assert not [r[n] for s, _, r in rows if s == "Svarsfördelning" if isinstance(r[n], int) and r[n] < 5]


def test_the_national_report_counts_them(data):
    from finsam_lib.present.report import NationalReport

    national = NationalReport(data, YEAR)
    r = national.response.set_index("survey")
    resp = data.respondents[data.respondents.year == YEAR]
    assert r.at["Styrelse", "antal_svar"] == (resp.survey == "Styrelse").sum()
    assert national.f.forbund_counts.at[SMALL, "Styrelse"] == 3
    # And the national figures include their answers.
    with_them = fig.distribution(data.tidy[data.tidy.year == YEAR])
    without = fig.distribution(data.tidy[(data.tidy.year == YEAR) & (data.tidy.forbund != SMALL)])
    key = ["survey", "series", "group"]
    a = with_them[(with_them.survey == "Styrelse") & (with_them.group == "samtliga")].set_index(key).n
    b = without[(without.survey == "Styrelse") & (without.group == "samtliga")].set_index(key).n
    assert ((a - b) == 3).all()


# --- No other förbund --------------------------------------------------------------------------------

OTHER = "Roslagen"


@pytest.fixture(scope="module")
def other_report(data_dir, tmp_path_factory):
    from finsam_lib.present.forbund_report import report_title
    from finsam_lib.publish.publish import notebook_path, publish_report

    out = tmp_path_factory.mktemp("other_report")
    params = {"forbund": OTHER, "year": YEAR, "data": str(data_dir), "published": "2023-03-01"}
    return publish_report(notebook_path("forbund_report.ipynb"), params, out, report_stem(OTHER, YEAR),
                          report_title(OTHER, YEAR), formats=("html", "xlsx"))


def test_no_other_forbund_name_in_the_report(other_report, data):
    text = page_text(other_report["html"])
    cells = " ".join(" ".join("" if v is None else str(v) for v in r) for _, _, r in excel_cells(other_report["xlsx"]))
    others = [n for n in set(data.respondents.forbund) if n != OTHER and n.casefold() not in OTHER.casefold()]
    assert len(others) > 30
    for name in others:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        assert not pattern.search(text), name
        assert not pattern.search(cells), name
    assert OTHER in text


def test_no_other_forbund_figures_in_the_report(other_report, data):
    report = ForbundReport(data, OTHER, YEAR)
    own = report.samtliga
    own_n = set(own.loc[~own.suppressed & (own.n > 0), "n"].astype(int))
    html = other_report["html"].read_text(encoding="utf-8")
    shown_n = {int(re.sub(r"\D", "", m)) for m in re.findall(r"\(n=([\d\u202f\u00a0 ]+)\)", html)}
    assert shown_n and shown_n <= own_n
    # The Excel figures are the förbund's own; the national ones are the national aggregates.
    rows = [r for s, _, r in excel_cells(other_report["xlsx"]) if s == "Svarsfördelning"]
    frame = pd.DataFrame(rows[1:], columns=rows[0]).rename(
        columns={"År": "år", "Enkät": "enkät", "Fråga": "fråga", "Riket: nyckeltal (%)": "riket"})
    nat = fig.distribution(data.tidy[data.tidy.year <= YEAR])
    nat = nat[nat.group == "samtliga"]
    for r in frame.itertuples():
        mine = own[(own.year == r.år) & (own.survey == r.enkät) & (own.question == r.fråga)]
        assert len(mine) == 1
        assert (pd.isna(r.n) and mine.suppressed.iloc[0]) or r.n == mine.n.iloc[0]
        riket = nat[(nat.year == r.år) & (nat.survey == r.enkät) & (nat.question == r.fråga)]
        want = riket.nyckeltal_pct.iloc[0]
        assert (pd.isna(r.riket) and pd.isna(want)) or r.riket == want / 100  # a fraction in Excel
    # Response counts are the förbund's own.
    r = data.respondents
    counts = r[(r.forbund == OTHER) & (r.year == YEAR)].survey.value_counts()
    soup = BeautifulSoup(html, "html.parser")
    t1 = soup.find(id="tabell-1")
    header = [th.get_text(" ", strip=True) for th in t1.find("thead").find_all("th")]
    row = next(tr for tr in t1.find("tbody").find_all("tr") if tr.find("th").get_text(strip=True) == str(YEAR))
    cells = dict(zip(header[1:], [td.get_text(" ", strip=True) for td in row.find_all("td")]))
    for survey, n in counts.items():
        assert cells[survey] == str(n)


def test_other_report_has_the_sections(other_report):
    text = page_text(other_report["html"])
    for needle in ("Sammanfattning", "Om indikatorerna", "Insamling och svarande", "Svarsfrekvens och bortfall",
                   "Indikator 1: Personcentrering", "Indikator 16", "Kommentar till resultatet",
                   "Nyckeltal", "Riket", "Förbundet"):
        assert needle in text, needle
    html = other_report["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "cdn" not in html.casefold()
    assert "def " not in text and "import " not in text  # no code


def test_series_break_is_told(data):
    """Deltagare pågående question 4 changed in 2021: a förbund that answered in 2020 reads why the
    bars start in 2021."""
    from finsam_lib.present.forbund_tables import measures_of

    report = ForbundReport(data, OTHER, YEAR)
    m = measures_of(2021, 4).iloc[0]
    assert report.break_note(m.series, m.survey) == ""  # data start in 2021 here: nothing to compare
    report.years = [2020, 2021, 2022]
    report.respondents = pd.concat([report.respondents,
                                    report.respondents[report.respondents.survey == m.survey].head(1)
                                    .assign(year=2020, version=2018)])
    assert report.break_note(m.series, m.survey) == "Jämförelse saknas eftersom frågan ändrades 2021."


# --- The command line ------------------------------------------------------------------------------

def test_unknown_forbund_suggests_the_closest(data_dir, capsys, tmp_path):
    code = main(["report", "forbund", "Roslagn", "--data", str(data_dir), "--year", str(YEAR), "--out",
                 str(tmp_path), "--formats", "html"])
    assert code == 2
    err = capsys.readouterr().err
    assert "Menade du 'Roslagen'" in err


def test_cached_dataset_is_reused_until_files_change(data_dir, tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(data_dir / "2022", folder)
    a = dataset(folder)
    assert dataset(folder) is a
    victim = next(folder.glob("*.xlsx"))
    victim.unlink()
    assert dataset(folder) is not a


# --- The report's model renders the report on its own (issue 12 item 3, issue 15 item 2) -----------

@pytest.mark.parametrize("which", ["small_report", "other_report"])
def test_the_model_alone_renders_what_the_executed_report_shows(which, request, data_dir):
    """ForbundReport.html() (the model through its templates, no notebook, no nbconvert) shows the
    same headings, table cells, captions and numbers as the report the notebook made, for the
    small förbund (made through the command line) and a demo förbund."""
    from report_text import differences, figures_text

    executed = request.getfixturevalue(which)
    name, published = (SMALL, None) if which == "small_report" else (OTHER, "2023-03-01")
    report = ForbundReport.from_paths(data_dir, name, YEAR, published=published)
    shown = figures_text(executed["html"].read_text(encoding="utf-8"))
    assert shown["tables"] and shown["numbers"]
    assert differences(shown, figures_text(report.html())) == []


def test_bar_rows_of_every_measure_at_once_are_each_measures_own(data):
    """forbund_charts.bar_rows_by_series (a report's 45 charts' rows made at once) gives for each
    measure what bar_rows gives for it alone, and leaves out the measures without rows."""
    from finsam_lib.present import forbund_charts as fc

    report = ForbundReport(data, OTHER, YEAR)
    every = fc.bar_rows_by_series(report.dist, report.years)
    assert every
    for series in set(report.dist.series):
        alone = fc.bar_rows(report.dist, series, report.years)
        if alone.empty:
            assert series not in every
        else:
            pd.testing.assert_frame_equal(every[series], alone)
    # What the charts read: the same rows as lists, column by column.
    lists = fc.bar_columns_by_series(report.dist, report.years)
    assert lists.keys() == every.keys()
    for series, frame in every.items():
        assert str(lists[series]) == str({c: frame[c].tolist() for c in frame.columns})  # str: NaN equals NaN

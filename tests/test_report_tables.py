"""Report tables (finsam_lib.present.tables) and charts (finsam_lib.present.charts) from small figures frames."""
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from finsam_lib.base import format as fmt
from finsam_lib.figures import method as fig
from finsam_lib.present import charts
from finsam_lib.present import national_tables as nt
from finsam_lib.present import tables as tb


def dist_rows(year, survey, question, series, indicator, groups, scale="I", key="klart", min_n=5):
    """Distribution rows as figures.distribution makes them, from code counts per group."""
    rows = []
    for group, counts in groups.items():
        rows.append({"year": year, "forbund": "", "survey": survey, "series": series, "version": 2021,
                     "question": question, "indicator": indicator, "scale": scale, "key": key,
                     "group": group, **{f"code_{c}": v for c, v in zip(range(1, 7), counts)}})
    frame = pd.DataFrame(rows)
    frame["n"] = frame[fig.CODE_COLUMNS].sum(axis=1)
    return fig._shares(frame, min_n)


@pytest.fixture
def dist():
    parts = []
    for year, shift in ((2021, 0), (2022, 5)):
        parts.append(dist_rows(year, "Deltagare pågående", 1, "Deltagare pågående|1", 1, {
            "samtliga": [2, 3, 10, 20, 30 + shift, 35], "kvinnor": [1, 1, 5, 10, 15 + shift, 20],
            "män": [1, 2, 5, 10, 15, 15]}))
        parts.append(dist_rows(year, "Remittenter", 1, "Remittenter|1", 1, {
            "samtliga": [0, 1, 2, 5, 6, 6], "Arbetsförmedlingen": [0, 0, 0, 1, 1, 1],
            "Försäkringskassan": [0, 0, 1, 2, 2, 2], "Kommun": [0, 1, 1, 2, 3, 3],
            "Hälso-Sjukvård": [0, 0, 0, 0, 0, 0]}))
    return pd.concat(parts, ignore_index=True)


def test_distribution_table_labels_carry_n_and_small_splits_are_hidden(dist):
    t = nt.distribution_table(dist[dist.year == 2022], 1, "5.1", yes_no=False)
    soup = BeautifulSoup(t.to_html(), "html.parser")
    assert soup.find("figcaption").get_text(" ", strip=True) == "Tabell 5.1 Indikator 1."
    assert [th.get_text() for th in soup.find("thead").find_all("th")][1:] == [
        "Negativt", "Varken eller", "Positivt", "(Klart positivt)"]
    sections = [tr.get_text(" ", strip=True) for tr in soup.select("tr.section")]
    assert sections == ["Fråga 1 Deltagare - pågåendeenkät", "Fråga 1 Remittenter"]
    labels = [tr.find("th").get_text() for tr in soup.select("tbody tr:not(.section)")]
    assert labels[:3] == ["samtliga (n=105)", "kvinnor (n=57)", "män (n=48)"]
    # Arbetsförmedlingen has 3 answers, so no employer split is shown, and a note says why.
    assert "Arbetsförmedlingen" not in soup.get_text()
    assert "färre än 5 svar" in t.notes[0]
    cells = [td.get_text() for td in soup.select("tbody tr.row")[0].find_all("td")]
    assert cells == ["5\u00a0%", "10\u00a0%", "86\u00a0%", "(67\u00a0%)"]


def test_keyfigure_table_has_two_header_levels_and_a_row_per_group(dist):
    t = nt.keyfigure_table(dist, 1, 2022, "5.2")
    assert t.caption == "Tabell 5.2 Nyckeltal ”andelen klart positiva svar” för indikator 1, jämförelse 2021–2022."
    soup = BeautifulSoup(t.to_html(), "html.parser")
    head = soup.find("thead").find_all("tr")
    assert [th.get_text() for th in head[0].find_all("th")][1:] == ["2021", "2022"]
    assert [th.get_text() for th in head[1].find_all("th")] == ["antal svar", "nyckeltal"] * 2
    first = soup.select("tbody tr.row")[0]
    assert [td.get_text() for td in first.find_all("td")] == ["100", "65\u00a0%", "105", "67\u00a0%"]


def test_a_suppressed_total_is_a_message_row():
    small = dist_rows(2022, "Styrelse", 2, "Styrelse|2", 14, {"samtliga": [0, 0, 1, 1, 1, 0]}, scale="II")
    t = nt.distribution_table(small, 14, "17.1", yes_no=False)
    html = t.to_html()
    assert "samtliga (n=3)" in html and "För få svar (färre än 5)." in html
    assert "%" not in BeautifulSoup(html, "html.parser").find("tbody").get_text()


def test_response_tables_mark_totals_that_leave_remittenter_out():
    response = pd.DataFrame([
        {"survey": "Deltagare pågående", "forbund_count": 3, "malpopulation": 100, "tillfragade": 80,
         "antal_svar": 60, "tillfragade_av_mal_pct": 80, "svar_av_tillfragade_pct": 75, "svar_av_mal_pct": 60,
         "kvinnor": 30, "man": 25, "ej_uppgett_kon": 5},
        {"survey": "Remittenter", "forbund_count": 1, "malpopulation": pd.NA, "tillfragade": 20,
         "antal_svar": 10, "tillfragade_av_mal_pct": pd.NA, "svar_av_tillfragade_pct": 50, "svar_av_mal_pct": pd.NA},
        {"survey": "Totalt", "forbund_count": 3, "malpopulation": 100, "tillfragade": 100, "antal_svar": 70,
         "tillfragade_av_mal_pct": 80, "svar_av_tillfragade_pct": 70, "svar_av_mal_pct": 60},
    ])
    t2 = nt.table_2(response)
    assert t2.notes == ["* Remittenter ej inkluderade i beräkning (målpopulation saknas)."]
    assert (1, "malpopulation") not in t2.marks and (2, "malpopulation") in t2.marks
    t1 = nt.table_1(response, 2022)
    assert list(t1.rows.iloc[0][["Deltagare pågående", "Remittenter", "Totalt"]]) == [60, 10, 70]
    t3 = nt.gender_table(response, "Deltagare pågående", "3")
    assert list(t3.rows.andel) == [50, 42, 8, 100]


def test_appendix_1_marks_new_forbund_and_unused_surveys():
    counts = pd.DataFrame({"Deltagare pågående": [10.0, 5.0], "Personal": [np.nan, 3.0],
                           "Totalt": [10.0, 8.0], "nytt": [True, False]}, index=["Ny", "Gammal"])
    t = nt.appendix_1(counts, 2022)
    rows = t.rows.set_index("label")
    assert rows.loc["Ny*", "Personal"] == fmt.DASH
    assert rows.loc["SUMMA antal deltagande förbund", "Personal"] == 1
    assert t.notes[0].startswith("* Förbund")


def test_line_chart_draws_no_line_across_a_gap_and_titles_itself():
    points = pd.DataFrame({"line": ["A"] * 3 + ["B"] * 2, "survey": ["Personal"] * 3 + ["Styrelse"] * 2,
                           "group": "samtliga", "year": [2018, 2019, 2021, 2021, 2022],
                           "value": [50.0, 55.0, 60.0, 40.0, 45.0]})
    figure = charts.line_chart(points, title="Diagram 9 Test, 2018–2022. Andelen klart positiva svar.",
                               years=[2018, 2019, 2020, 2021, 2022])
    line = figure.axes[0].get_lines()[0]
    assert np.isnan(line.get_ydata()[2])  # 2020 is a gap, not an interpolated point
    svg = charts.to_svg(figure)
    assert svg.startswith("<svg") and "Diagram 9 Test" in svg and 'class="chart"' in svg
    styles = charts.line_style(pd.DataFrame({"line": ["a", "b", "c"], "survey": ["Deltagare avslut"] * 2 + ["Personal"],
                                             "group": ["kvinnor", "män", "samtliga"]}))
    assert list(styles.linestyle[:2]) == ["-", "--"] and styles.marker.nunique() == 3


def test_records_are_the_rows_as_to_dict_gives_them():
    """ReportTable.records (read by the HTML and the Excel sheet) equals rows.to_dict("records"),
    types included: Python values as they are, numpy scalars and typed columns through to_dict."""
    plain = tb._frame([{"label": "A", "kind": tb.ROW, "x": 1, "y": 2.5}, {"label": "B", "kind": tb.SUB, "y": None},
                       {"label": "C", "kind": tb.ROW, "x": "för få svar", "z": True}])
    numpy_scalar = plain.copy()
    numpy_scalar.loc[0, "y"] = np.float64(2.5)
    typed = pd.DataFrame({"label": ["A", "B"], "kind": [tb.ROW, tb.ROW], "x": [1, 2], "y": [0.5, np.nan]})
    for rows in (plain, numpy_scalar, typed):
        t = tb.ReportTable("t", "1", "T", rows, [tb.Column("x", "X")])
        expected = rows.to_dict("records")
        got = t.records()
        assert [str(r) for r in got] == [str(r) for r in expected]  # str: NaN equals NaN
        assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in expected]
        assert t.records() is got  # made once
        t.rows = rows.iloc[:1]
        assert t.records() == rows.iloc[:1].to_dict("records")  # a new frame, new records


@pytest.mark.parametrize("rows", [
    [], [{}], [{"a": 1}, {"a": None}], [{"a": 1}, {"a": 2.5}], [{"a": 1.0}, {"a": float("nan")}],
    [{"a": True}, {"a": None}], [{"a": True}, {"a": 1}], [{"a": False}, {"a": True}], [{"a": None}],
    [{"a": "x"}, {"b": 1}], [{"a": float("nan")}, {"a": "s"}], [{"a": 2 ** 70}], [{"a": 3}, {"a": -4}],
    [{"label": "x", "n": 1}, {"n": 2, "share": None}], [{"a": -0.0}, {"a": float("inf")}],
    [{"label": fmt.DASH, "kind": "total"}, {"label": "Kvinnor", "kind": None, "n": 12, "pct": 40.5}],
])
def test_a_tables_rows_become_the_frame_pandas_infers_as_python_objects(rows):
    """tables._frame converts plain values itself; the frame is the one pandas builds and _frame made
    before (its route kept as _frame_by_pandas): the same columns in the same order, and every
    value of the same type and value (whole numbers beside decimals or a gap as floats, gaps None)."""
    made, by_pandas = tb._frame(rows), tb._frame_by_pandas(rows)
    assert list(made.columns) == list(by_pandas.columns) and made.columns.dtype == by_pandas.columns.dtype
    assert made.index.equals(by_pandas.index) and set(map(str, made.dtypes)) <= {"object"}
    for mine, theirs in zip(made.to_numpy().tolist(), by_pandas.to_numpy().tolist()):
        assert [(type(v), v) for v in mine] == [(type(v), v) for v in theirs]

"""The resultatfil follows Excel's conventions (issue 14, item 5): percentages stored as fractions
with a percent format, counts as integers, no number stored as text, every tidy data sheet an
Excel table with autofilter, Swedish headers, Enkätversion and Serie in the long sheets, and
the answer scales in both the national and a förbund workbook.

The workbooks are written straight from the Report objects (no notebook run), once per module.
"""
from __future__ import annotations

import re

import openpyxl
import pytest

from finsam_lib.figures import privacy
from finsam_lib.instrument import definition as ins
from finsam_lib.present.forbund_report import ForbundReport
from finsam_lib.present.report import NationalReport
from finsam_lib.publish import excel

YEAR = 2022
FORBUND = "Gotland"
FORBUND_MIN_N = 20  # Gotland's deltagare answer 18–20 times: some figures are shown, some hidden


@pytest.fixture(scope="module")
def reports(fixture_2020_2022):
    return {"national": NationalReport.from_paths(fixture_2020_2022, YEAR, min_n=5),
            "förbund": ForbundReport.from_paths(fixture_2020_2022, FORBUND, YEAR, min_n=FORBUND_MIN_N)}


@pytest.fixture(scope="module")
def books(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("excel_conventions")
    return {kind: openpyxl.load_workbook(excel.write_report(r, out / f"{kind}.xlsx")) for kind, r in reports.items()}


@pytest.fixture(scope="module", params=["national", "förbund"])
def kind(request):
    return request.param


def is_percent_format(number_format: str) -> bool:
    """A number format that scales by 100: a % outside quoted literal text."""
    return "%" in re.sub(r'"[^"]*"', "", number_format)


def cells(wb):
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def data_sheets(report, wb):
    return [wb[name[:31]] for name in report.data_sheets()]


def header(ws) -> list:
    return [c.value for c in ws[1]]


def test_percentages_are_fractions_with_a_percent_format(books, reports, kind):
    wb = books[kind]
    shown = [c for c in cells(wb) if isinstance(c.value, (int, float)) and is_percent_format(c.number_format)]
    assert len(shown) > 100
    assert all(0 <= c.value <= 1 for c in shown), [(c.parent.title, c.coordinate, c.value) for c in shown
                                                   if not 0 <= c.value <= 1][:5]
    # No whole-number percentages behind a literal " %" any more.
    assert not [c for c in cells(wb) if '" %' in c.number_format]
    # Every value in a data sheet's percent column is such a cell (or empty / hidden as text).
    for ws in data_sheets(reports[kind], wb):
        for j, h in enumerate(header(ws), 1):
            if str(h).endswith("(%)"):
                for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    assert c.value is None or (isinstance(c.value, float | int) and 0 <= c.value <= 1
                                               and is_percent_format(c.number_format)), (ws.title, c.coordinate)


def test_the_fractions_are_the_report_figures(books, reports):
    """0.78 in the Excel file is the 78 % the report prints (its key figure for Tabell 5.1's first row)."""
    report, wb = reports["national"], books["national"]
    ws = wb["Nyckeltal alla år"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    col = {h: i for i, h in enumerate(header(ws))}
    d = report.f.dist
    for r in rows[:50]:
        want = d[(d.year == r[col["År"]]) & (d.survey == r[col["Enkät"]]) & (d.question == r[col["Fråga"]])
                 & (d.group == r[col["Grupp"]])].nyckeltal_pct.iloc[0]
        got = r[col["Nyckeltal (%)"]]
        assert (got is None and want != want) or got == want / 100


def test_counts_are_integers_and_no_number_is_text(books, reports, kind):
    wb = books[kind]
    counts = [c for c in cells(wb) if c.number_format == "#,##0"]
    assert counts and all(isinstance(c.value, int) for c in counts)
    for ws in data_sheets(reports[kind], wb):
        for j, h in enumerate(header(ws), 1):
            if h in ("n", "År", "Indikator", "Fråga", "Enkätversion"):
                values = [c.value for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j)]
                assert all(v is None or isinstance(v, int) for v in values), (ws.title, h)
    numeric_text = [(c.parent.title, c.coordinate, c.value) for c in cells(wb)
                    if isinstance(c.value, str) and re.fullmatch(r"\s*[−+-]?\d[\d\s]*([.,]\d+)?\s*%?\s*", c.value)]
    assert not numeric_text, numeric_text[:5]


def test_hidden_values_stay_text(books, reports, kind):
    """A value the report hides is the text "för få svar" or "–" in its place, never a number."""
    wb = books[kind]
    if kind == "national":
        assert [c for c in cells(wb) if c.value == "–"]  # Tabell 21, Bilaga 1
    else:
        ws = data_sheets(reports[kind], wb)[0]
        rows = [dict(zip(header(ws), r)) for r in ws.iter_rows(min_row=2, values_only=True)]
        hidden = [r for r in rows if r["Redovisas"] == privacy.TOO_FEW]
        assert hidden and len(hidden) < len(rows)
        assert all(r["n"] is None and r["Nyckeltal (%)"] is None for r in hidden)


def test_every_data_sheet_is_an_excel_table_over_its_used_range(books, reports, kind):
    wb = books[kind]
    sheets = data_sheets(reports[kind], wb)
    assert sheets
    names = [t for ws in wb.worksheets for t in ws.tables]
    assert len(names) == len(set(n.casefold() for n in names)) == len(sheets)
    for ws in sheets:
        (table,) = ws.tables.values()
        assert table.ref == ws.dimensions and table.ref.startswith("A1:")
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", table.displayName)
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+", table.displayName)  # not a cell reference
        heads = header(ws)
        assert all(isinstance(h, str) and h.strip() for h in heads)
        assert len(heads) == len(set(heads))


def test_headers_are_swedish(books, reports, kind):
    wb = books[kind]
    heads = [h for ws in data_sheets(reports[kind], wb) for h in header(ws)]
    # Report-layout sheets: the header rows under the caption (row 2, and row 3 of a two-row header).
    heads += [c.value for ws in wb.worksheets if ws.title.startswith(("Tabell", "Bilaga"))
              for row in ws.iter_rows(min_row=2, max_row=3) for c in row if isinstance(c.value, str)]
    assert heads and not [h for h in heads if "_" in str(h)]
    snake = re.compile(r"\b[a-zåäö]+_[a-zåäö_0-9]+\b")  # e.g. nyckeltal_pct anywhere in the file
    assert not [c.value for c in cells(wb) if isinstance(c.value, str) and snake.search(c.value)]


def test_the_long_sheet_keeps_changed_questions_apart(books, reports, kind):
    """Indicator 4's 2018–2020 ja/nej question and its 2021 six-point successor are two series."""
    ws = data_sheets(reports[kind], books[kind])[0]
    heads = header(ws)
    assert {"Enkätversion", "Serie", "Nyckeltal avser"} <= set(heads)
    rows = [dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {r["Enkätversion"] for r in rows} <= set(ins.VERSIONS)
    by_series = {}
    for r in rows:
        by_series.setdefault(r["Serie"], set()).add(r["Nyckeltal avser"])
    assert all(len(keys) == 1 for keys in by_series.values())
    q = ins.questions()
    for r in rows:
        match = q[(q.version == r["Enkätversion"]) & (q.survey == r["Enkät"]) & (q.question == r["Fråga"])]
        assert match.series.iloc[0] == r["Serie"]
    four = [r for r in rows if r["Indikator"] == 4 and r["Enkät"] == "Deltagare pågående"
            and r.get("Grupp", "samtliga") == "samtliga"]
    if kind == "national":
        assert {r["År"] for r in four} == {2020, 2021, 2022}
    old = {r["Serie"] for r in four if r["Enkätversion"] == 2018}
    new = {r["Serie"] for r in four if r["Enkätversion"] == 2021}
    assert new and not old & new


def test_both_workbooks_have_the_answer_scales(books, kind):
    ws = books[kind]["Svarsskalor"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] is not None]
    assert [r[0] for r in rows] == list(range(1, 7))
    for code, *labels in rows:
        for scale, label in zip(("I", "II", "III"), labels):
            assert (label or None) == ins.SCALES[scale].get(code)

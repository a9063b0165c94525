"""`finsam status` and its data-quality flags (quality.py): each flag is raised on a made-up
workbook built to show it and not on the demo set's förbund; the status page lists every
förbund of the year, worst first, and passes the WCAG 2.1 A/AA check."""
from __future__ import annotations

import datetime as dt
import html

import numpy as np
import openpyxl
import pytest
from conftest import write_book

from finsam_lib.apps.cli import main
from finsam_lib.figures import quality as qa
from finsam_lib.publish.status import collect, write_html
from finsam_lib.registration.reader import read_paths

DP, PERSONAL, STYRELSE = "Deltagare pågående", "Personal", "Styrelse"
POP_HEADER = ["Enkät", "Insats", "Målpopulation", "Tillfrågade", "Tackat nej", "Ej nåbara"]


def header(survey: str, n: int) -> list:
    return ["Löpnr", "Insats", *(["Kön"] if survey == DP else []), *[f"F{q}" for q in range(1, n + 1)]]


def registration(path, forbund, year, surveys: dict, population: list):
    """A workbook: surveys = {survey: (question count, rows of [insats, (kön,) codes…])}."""
    sheets = {"Uppgifter": [["Samordningsförbund", forbund], ["Mätår", year]], "Population": [POP_HEADER, *population]}
    for survey, (n, rows) in surveys.items():
        sheets[survey] = [header(survey, n)] + [[i, *row] for i, row in enumerate(rows, start=1)]
    return write_book(path, sheets)


def varied(rng, n: int, count: int) -> list[list[int]]:
    return [rng.integers(1, 7, size=n).tolist() for _ in range(count)]


@pytest.fixture(scope="module")
def odd_data(tmp_path_factory):
    """Two years of one förbund ('Brister') whose 2022 files show every flag, a förbund that
    answered in 2021 only ('Borta'), and a clean one ('Ren')."""
    root = tmp_path_factory.mktemp("odd")
    rng = np.random.default_rng(7)
    # Deltagare pågående: F3 left blank by 15 of 20; population says 10 asked (20 answers).
    dp = []
    for i, codes in enumerate(varied(rng, 7, 20)):
        codes[2] = None if i < 15 else codes[2]
        dp.append(["", 1 + i % 2, *codes])
    styrelse = [["", 6, 6, 6, 6, 6]] * 9 + [["", *c] for c in varied(rng, 5, 3)]  # 9 of 12 the same
    personal = [["", *c] for c in varied(rng, 11, 12)]
    registration(root / "2022" / "brister.xlsx", "Brister", 2022,
                 {DP: (7, dp), STYRELSE: (5, styrelse), PERSONAL: (11, personal)},
                 [[DP, None, 40, 10], [PERSONAL, None, 5, 20]])  # no Styrelse row
    # The same Personal questionnaire again, in the förbund's second workbook for an insats.
    registration(root / "2022" / "brister-lotsen.xlsx", "Brister", 2022,
                 {PERSONAL: (11, [["Lotsen", *personal[4][1:]]])}, [[PERSONAL, "Lotsen", 3, 3]])
    for name in ("Brister", "Borta", "Ren"):
        registration(root / "2021" / f"{name}.xlsx", name, 2021,
                     {STYRELSE: (5, [["", *c] for c in varied(rng, 5, 10)])}, [[STYRELSE, None, 12, 11]])
    registration(root / "2022" / "ren.xlsx", "Ren", 2022,
                 {STYRELSE: (5, [["", *c] for c in varied(rng, 5, 11)])}, [[STYRELSE, None, 12, 12]])
    return root


def test_every_flag_is_raised_where_the_data_show_it(odd_data):
    data = read_paths([odd_data])
    flags = qa.all_flags(data.respondents, data.answers, data.population, 2022, ["Brister", "Ren"])
    by_kind = {kind: [f for f in flags if f.kind == kind] for kind in qa.KINDS}
    assert [f.forbund for f in by_kind["saknas"]] == ["Borta"]
    assert "10 enkätsvar för mätår 2021" in by_kind["saknas"][0].message
    assert {f.forbund for kind in qa.KINDS if kind != "saknas" for f in by_kind[kind]} == {"Brister"}
    bortfall, = by_kind["bortfall"]
    assert bortfall.survey == DP and "Fråga 3" in bortfall.message and "15 av 20" in bortfall.message
    same, = by_kind["samma_svar"]
    assert same.survey == STYRELSE and "9 av 12" in same.message
    dup, = by_kind["dubblett"]
    assert dup.survey == PERSONAL and "brister.xlsx, Personal rad 6" in dup.message
    assert "brister-lotsen.xlsx, Personal rad 2" in dup.message
    population = sorted(f.message for f in by_kind["population"])
    assert len(population) == 3
    assert any("fler svar (20) än tillfrågade (10)" in m for m in population)
    assert any("fler tillfrågade (20) än målpopulationen (5)" in m for m in population)
    assert any(m.startswith("Styrelse: 12 svar men ingen uppgift om Tillfrågade") for m in population)


def test_a_duplicate_within_one_sheet_is_found(tmp_path):
    rng = np.random.default_rng(3)
    rows = [["", *c] for c in varied(rng, 11, 15)]
    rows.append(rows[2])
    registration(tmp_path / "a.xlsx", "Ett", 2022, {PERSONAL: (11, rows)}, [[PERSONAL, None, 20, 20]])
    data = read_paths([tmp_path])
    flags = qa.duplicate_rows(data.respondents, data.answers, 2022)
    assert len(flags) == 1 and "Personal rad 4 och 17" in flags[0].message


def test_no_quality_flag_on_the_demo_forbund(demo_data):
    data = demo_data
    for year in range(2019, 2023):
        present = set(data.respondents.loc[data.respondents.year == year, "forbund"])
        flags = qa.all_flags(data.respondents, data.answers, data.population, year, present)
        assert [f for f in flags if f.kind != "saknas"] == [], year


def test_status_lists_every_forbund_worst_first(demo_dir, demo_data, tmp_path):
    from finsam_lib.registration import history
    s = collect([demo_dir], 2022)
    changes = history.load([demo_dir])
    data = history.relabel_all(demo_data, changes, 2022)  # last year as this year's förbund
    this = set(data.respondents.loc[data.respondents.year == 2022, "forbund"])
    last = set(data.respondents.loc[data.respondents.year == 2021, "forbund"])
    # The demo's merger (forbund-historik.csv): the predecessors are no "no file this year",
    # and the successor's last year is theirs together.
    merger = [c for c in changes if c.kind == "sammanslagning" and c.year == 2022]
    assert merger
    successor = next(r for r in s.forbund if r.forbund == merger[0].to_name)
    before = demo_data.respondents
    assert successor.answers_last == int(before[(before.year == 2021)
                                                & before.forbund.isin({c.from_name for c in merger})].shape[0]) > 0
    assert not {c.from_name for c in merger} & {r.forbund for r in s.forbund}
    names = [r.forbund for r in s.forbund]
    assert set(names) == this | last and len(names) == len(set(names))
    gone = [r for r in s.forbund if not r.files]
    assert {r.forbund for r in gone} == last - this and gone
    assert names[:len(gone)] == sorted((r.forbund for r in gone), key=str.casefold)  # no file: first
    assert all(r.state == "Klar" for r in s.forbund if r.files)
    arvika = next(r for r in s.forbund if r.forbund == "Arvika Eda")
    n = data.respondents[data.respondents.forbund == "Arvika Eda"].groupby("year").size()
    assert (arvika.answers, arvika.answers_last) == (n[2022], n[2021])
    assert s.flag_counts["saknas"] == len(last - this)
    page = write_html(s, tmp_path / "status.html").read_text(encoding="utf-8")
    for name in this | last:
        assert f'<th scope="row">{html.escape(name)}' in page or f">{html.escape(name)}</a></th>" in page, name


def test_status_page_and_excel(odd_data, tmp_path, capsys):
    out = tmp_path / "ut"
    assert main(["status", "--data", str(odd_data), "--year", "2022", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if " — " in line]
    assert [line.split(" — ")[0] for line in lines] == ["Borta", "Brister", "Ren"]  # no file, flags, clean
    assert "Högt internt bortfall: Fråga 3" in text
    page = (out / "status.html").read_text(encoding="utf-8")
    for name in ("Brister", "Borta", "Ren", "brister-lotsen.xlsx", "Samma enkät två gånger"):
        assert name in page
    wb = openpyxl.load_workbook(out / "status.xlsx")
    assert wb.sheetnames == ["Förbund", "Flaggor", "Fel och varningar", "Svar per enkät", "Insamling", "Påminnelser"]
    assert [c.value for c in wb["Förbund"]["A"]][1:] == ["Borta", "Brister", "Ren"]
    assert wb["Flaggor"].max_row - 1 == 7
    # Excel conventions: each sheet an Excel table; percentages as fractions with a percent format.
    for ws in wb.worksheets:  # an empty sheet's table keeps one empty row under its header
        (table,) = ws.tables.values()
        assert table.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{max(2, ws.max_row)}", ws.title
    rates = [c for (c,) in wb["Förbund"].iter_rows(min_row=2, min_col=10, max_col=10) if c.value is not None]
    assert wb["Förbund"]["J1"].value == "Svarsfrekvens (%)" and rates
    assert [(c.value, c.number_format) for c in rates if not (0 <= c.value <= 1 and c.number_format == "0 %")] == []


def test_status_html_has_no_accessibility_violations(odd_data, tmp_path):
    """Every part of the page at once: flags, warnings, a förbund without a file, the
    collection so far and the reminders."""
    from a11y import axe_violations
    partly_filled(tmp_path / "data" / "vast.xlsx")
    s = collect([odd_data, tmp_path / "data"], 2022, today=dt.date(2022, 5, 1))
    assert s.flags and s.count("warnings") and not s.progress.empty and not s.reminders.empty
    path = write_html(s, tmp_path / "status.html")
    assert axe_violations(path) == []


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = registration(tmp_path / "a.xlsx", "Väst", 2022, {STYRELSE: (5, [["", 6, 5, 4, 3, 2]])},
                        [[STYRELSE, None, 2, 1]])
    wb = openpyxl.load_workbook(path)
    wb["Uppgifter"]["B1"].value = '=HYPERLINK("x")'
    wb["Uppgifter"]["B1"].data_type = "s"  # typed as text, as Excel keeps it
    wb.save(path)
    assert main(["status", "--data", str(tmp_path), "--year", "2022", "--out", str(tmp_path / "ut")]) == 0
    ws = openpyxl.load_workbook(tmp_path / "ut" / "status.xlsx")["Förbund"]
    assert ws["A2"].value == '=HYPERLINK("x")' and ws["A2"].data_type == "s"


# --- During the year: Utdelning ---------------------------------------------------------------------

def partly_filled(path):
    """A template for Väst 2022 with eight questionnaires in Utdelning and one answer registered."""
    assert main(["template", "--forbund", "Väst", "--year", "2022", "--out", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Utdelning"]
    day = dt.date
    rows = [
        (1, DP, "Steget", day(2022, 3, 1), "Svarat", None),
        (2, DP, "Steget", day(2022, 3, 1), "Ej svarat", None),  # due: 61 days
        (3, DP, "Steget", day(2022, 3, 1), "Ej svarat", day(2022, 3, 20)),  # reminded already
        (4, DP, "Steget", day(2022, 4, 20), "Ej svarat", None),  # 11 days: not yet
        (5, DP, "Steget", day(2022, 3, 1), "Ej aktuell", None),
        (6, DP, "Lotsen", day(2022, 4, 1), None, None),  # blank status = Ej svarat; due: 30 days
        (7, DP, "Lotsen", day(2022, 4, 1), "Tackat nej", None),
        (8, DP, "Lotsen", day(2022, 4, 16), "Ej svarat", None),  # exactly 15 days
    ]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    wb[DP].append([1, "Steget", 1, 5, 5, 5, 5, 5, 5, 4])
    wb.save(path)
    return path


def test_progress_and_reminders_from_a_partly_filled_template(tmp_path, capsys):
    path = partly_filled(tmp_path / "mall.xlsx")
    assert main(["status", "--data", str(path), "--year", "2022", "--today", "2022-05-01",
                 "--reminder-days", "14", "--out", str(tmp_path / "ut")]) == 0
    text = capsys.readouterr().out
    assert "Väst | Deltagare pågående | Steget: 4 tillfrågade, 1 svarat, 0 tackat nej, 3 ej svarat" in text
    assert "svarsfrekvens hittills 25\u00a0%" in text
    assert "Väst | Deltagare pågående | Lotsen: 3 tillfrågade, 0 svarat, 1 tackat nej, 2 ej svarat" in text
    s = collect([path], 2022, today=dt.date(2022, 5, 1), reminder_days=14)
    assert s.reminders.lopnr.tolist() == ["2", "6", "8"]
    assert s.reminders.dagar.tolist() == [61, 30, 15]
    assert s.reminders.row.tolist() == [3, 7, 9]
    later = collect([path], 2022, today=dt.date(2022, 5, 10), reminder_days=14)
    assert later.reminders.lopnr.tolist() == ["2", "6", "8", "4"]
    page = write_html(s, tmp_path / "status.html").read_text(encoding="utf-8")
    assert "Insamlingen hittills" in page and "Påminnelser" in page


def test_files_with_the_same_name_are_shown_by_their_folder(tmp_path):
    from finsam_lib.publish.status import display_names
    a, b = tmp_path / "2022" / "a" / "Testby.xlsx", tmp_path / "2022" / "b" / "Testby.xlsx"
    assert display_names([str(a), str(b)]) == {str(a): "a/Testby.xlsx", str(b): "b/Testby.xlsx"}
    assert display_names([str(a), str(tmp_path / "Annaby.xlsx")]) == {
        str(a): "Testby.xlsx", str(tmp_path / "Annaby.xlsx"): "Annaby.xlsx"}

"""Förbund history (issue 17): forbund-historik.csv links renamed and merged förbund, a
successor's report continues its predecessors' series, national figures do not move, and
`validate` warns about a rename nobody wrote down.

The demo (fixture_2020_2022) has one merger (Bengtsfors Åmål Dals-Ed + Säffle Årjäng -> BÅD-ESÅ,
2022) and one rename (Västerås stad -> Västerås, 2021), made by writing those förbund's earlier
years under the old names."""
from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import small_copy

from finsam_lib.apps.cli import main
from finsam_lib.apps.demo import DEMO_HISTORY, MERGED
from finsam_lib.figures import method as fig
from finsam_lib.figures.year import year_figures
from finsam_lib.present.forbund_report import ForbundReport, report_stem
from finsam_lib.registration import history as hi
from finsam_lib.registration.reader import read_paths

PARTS = {"Bengtsfors Åmål Dals-Ed", "Säffle Årjäng"}


@pytest.fixture(scope="module")
def data(fixture_2020_2022):
    return read_paths([fixture_2020_2022])


@pytest.fixture(scope="module")
def history(fixture_2020_2022):
    return hi.load([fixture_2020_2022])


def test_the_demo_writes_its_history_and_the_old_names(data, history):
    assert history == DEMO_HISTORY
    names = data.respondents.groupby("year").forbund.agg(set)
    assert PARTS <= names[2021] and MERGED not in names[2021] and MERGED in names[2022]
    assert "Västerås stad" in names[2020] and "Västerås" in names[2021]


def test_successors_follow_chains_and_splits():
    h = [hi.Change("A", "B", 2019, "namnbyte"), hi.Change("B", "C", 2021, "sammanslagning"),
         hi.Change("D", "C", 2021, "sammanslagning"), hi.Change("C", "E", 2022, "delning"),
         hi.Change("C", "F", 2022, "delning")]
    assert hi.successors(h, "A", 2018, 2020) == {"B"}
    assert hi.successors(h, "A", 2018, 2021) == {"C"}
    assert hi.successors(h, "a", 2018, 2022) == {"E", "F"}  # names match loosely
    assert hi.successors(h, "B", 2020, 2022) == {"E", "F"}
    assert hi.successors(h, "B", 2021, 2022) == {"B"}  # the change's year and later are the name's own
    assert hi.successors(h, "D", 2020, 2020) == {"D"}  # the report year comes before the merger
    assert [c.from_name for c in hi.predecessors(h, "E", 2022)] == ["A", "B", "D", "C"]  # oldest first
    assert [c.from_name for c in hi.predecessors(h, "B", 2020)] == ["A"]
    assert hi.predecessors(h, "C", 2020) == []  # C is not formed before 2021


def test_a_merger_is_one_continuous_series_in_the_successors_figures(data, history):
    report = ForbundReport(data, MERGED, 2022, history=history)
    assert report.years == [2020, 2021, 2022]
    assert all(p in report.history_note for p in PARTS)
    # The successor's earlier years are exactly the two predecessors' answers together.
    tidy = data.tidy
    parts = tidy[tidy.forbund.isin(PARTS) & (tidy.year < 2022)].assign(forbund=MERGED)
    expected = fig.distribution(parts, level="forbund")
    got = fig.distribution(hi.for_forbund(data, history, MERGED, 2022).tidy.query("forbund == @MERGED and year < 2022"),
                           level="forbund")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
    n = report.samtliga.groupby("year").n.sum()
    assert n[2020] > 0 and n[2021] > 0
    # Without the history the successor starts in 2022.
    assert ForbundReport(data, MERGED, 2022).years == [2022]
    # results --forbund uses the same mapping.
    r = year_figures(hi.for_forbund(data, history, MERGED, 2022), 2022, MERGED)
    assert set(r.dist.year) == {2020, 2021, 2022} and r.trend.compared_with.eq(2021).all()


def test_the_history_leaves_national_figures_identical(data, history):
    viewed = [hi.for_forbund(data, history, MERGED, 2022), hi.relabel_all(data, history, 2022)]
    for year in (2020, 2021, 2022):
        national = year_figures(data, year)
        for other in viewed:
            again = year_figures(other, year)
            pd.testing.assert_frame_equal(national.figures, again.figures)
            pd.testing.assert_frame_equal(national.trend, again.trend)
            # Response counts too, but for the förbund count of the years before the merger: a
            # förbund's view counts its two predecessors as one. National results never use a view.
            pd.testing.assert_frame_equal(national.response().drop(columns="forbund_count"),
                                          again.response().drop(columns="forbund_count"))
            if year == 2022:
                pd.testing.assert_frame_equal(national.response(), again.response())
    report = ForbundReport(data, MERGED, 2022, history=history)
    pd.testing.assert_frame_equal(report.national, ForbundReport(data, MERGED, 2022).national)
    # A förbund the history does not concern sees the data as read (no copy).
    assert hi.for_forbund(data, history, "Gotland", 2022) is data
    # The successor is new in 2022 in the national report (as published): the history does not change that.
    assert fig.forbund_counts(data.respondents, 2022).loc[MERGED, "nytt"]


def test_the_successors_report_shows_the_earlier_years_and_names_the_predecessors(fixture_2020_2022, tmp_path):
    folder = small_copy(fixture_2020_2022, tmp_path / "data")
    out = tmp_path / "out"
    assert main(["report", "forbund", MERGED, "--data", str(folder), "--year", "2022", "--out", str(out),
                 "--formats", "html"]) == 0
    soup = BeautifulSoup((out / f"{report_stem(MERGED, 2022)}.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ")
    assert f"Förbundets historik: Bengtsfors Åmål Dals-Ed och Säffle Årjäng gick samman i {MERGED} 2022" in text
    assert "Utveckling 2021–2022" in soup.find(class_="title-page").get_text(" ")


def test_validate_warns_about_an_unrecorded_rename_only(fixture_2020_2022, tmp_path, capsys):
    folder = small_copy(fixture_2020_2022, tmp_path / "data", years=(2020, 2021),
                        keep=["Västerås_stad", "Västerås", "Gotland"])
    main(["validate", str(folder)])
    assert "Västerås stad" not in capsys.readouterr().out  # the history has the rename
    rows = (folder / hi.FILE_NAME).read_text(encoding="utf-8").splitlines()
    (folder / hi.FILE_NAME).write_text("\n".join(r for r in rows if "Västerås" not in r) + "\n", encoding="utf-8")
    main(["validate", str(folder)])
    said = capsys.readouterr().out
    assert "'Västerås stad' har svar 2020 men inte 2021, och 'Västerås' har svar 2021" in said
    assert "Västerås stad,Västerås,2021,namnbyte" in said


def test_looks_alike_ignores_compass_words():
    assert hi.looks_alike("Västerås stad", "Västerås")
    assert hi.looks_alike("Samordningsförbundet Gävle", "Samordningsforbundet Gavle")
    assert not hi.looks_alike("Norra Västmanland", "Norra Örebro län")
    assert not hi.looks_alike("Östra Skaraborg", "Östra Södertörn")


def test_bad_history_rows_are_reported_and_left_out(tmp_path):
    path = tmp_path / hi.FILE_NAME
    path.write_text("from_name;to_name;year;kind\nA;B;2021;namnbyte\nC;D;tjugo;namnbyte\nE;F;2021;flytt\n",
                    encoding="utf-8")
    changes, problems = hi.read_history(path)
    assert changes == [hi.Change("A", "B", 2021, "namnbyte")]
    assert [(p.cell, p.is_error) for p in problems] == [("C3", True), ("D4", True)]

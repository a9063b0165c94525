"""The demo set looks like the country: national figures within ±3 pp of every
published figure, the published 2022 counts per förbund, sensible structure."""
from __future__ import annotations

import pandas as pd
import pytest

from finsam_lib.apps.demo import write_demo, write_fixture
from finsam_lib.figures import method as fig
from finsam_lib.registration.reader import read_workbook

TOLERANCE = 3


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data


@pytest.fixture(scope="module")
def national(demo):
    return fig.distribution(demo.tidy, level="national")


def test_every_2022_distribution_row_within_3pp(national, published):
    expected = pd.read_csv(published / "nns2022_distribution.csv")
    got = national[national.year == 2022].set_index(["survey", "question", "group"])
    worst = 0
    for r in expected.itertuples():
        g = got.loc[(r.survey, r.question, r.group)]
        pairs = [(g.negativt_pct, r.negativt), (g.positivt_pct, r.positivt)]
        if not pd.isna(r.varken_eller):
            pairs += [(g.varken_pct, r.varken_eller), (g.klart_positivt_pct, r.klart_positivt)]
        for mine, theirs in pairs:
            worst = max(worst, abs(mine - theirs))
            assert abs(mine - theirs) <= TOLERANCE, (r.survey, r.question, r.group, mine, theirs)
    assert worst <= TOLERANCE


def test_every_key_figure_2020_2022_within_3pp(national, published):
    k = pd.read_csv(published / "nns2022_keyfigures_by_year.csv")
    got = national.set_index(["year", "survey", "question", "group"])
    for r in k.itertuples():
        g = got.loc[(r.year, r.survey, r.question_number_that_year, r.group)]
        assert abs(g.nyckeltal_pct - r.nyckeltal) <= TOLERANCE, r
        assert not g.suppressed


def test_2022_counts_per_forbund_are_the_published_ones(demo, published):
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv").set_index("samordningsforbund")
    got = fig.forbund_counts(demo.respondents, 2022)
    assert sorted(got.index) == sorted(counts.index)
    for survey in [c for c in counts.columns if c != "nytt_2022"]:
        for name in counts.index:
            expected, mine = counts.loc[name, survey], got.loc[name, survey]
            assert (pd.isna(expected) and pd.isna(mine)) or expected == mine, (name, survey)
    new = set(counts.index[counts.nytt_2022 == 1])
    assert set(got.index[got.nytt.astype(bool)]) == new


def test_years_forbund_and_questionnaires(demo, published):
    totals = pd.read_csv(published / "nns_totals_by_year.csv").set_index("year")
    got = fig.totals_by_year(demo.respondents).set_index("year")
    assert list(got.index) == list(totals.index)
    for year in got.index:
        assert got.loc[year, "forbund"] == totals.loc[year, "deltagande_forbund"]
        # 2020's published tables need 3 more questionnaires than Tabell 21 says.
        assert abs(got.loc[year, "enkater"] - totals.loc[year, "insamlade_enkater"]) <= 3
    names = demo.respondents.groupby("year").forbund.apply(set)
    counts = pd.read_csv(published / "nns2022_forbund_counts.csv")
    assert len(names[2021] & names[2022]) == len(counts) - counts.nytt_2022.sum()  # all but the new ones
    assert len(names[2018] & names[2022]) >= 20


def test_structure_of_a_real_year(demo):
    resp = demo.respondents[demo.respondents.year == 2022]
    insatser = resp[resp.insats != ""].groupby("forbund").insats.nunique()
    assert insatser.between(1, 7).all()
    assert (demo.sheets.groupby("file").responses.sum() > 0).all()
    # förbund differ: key figures per förbund spread well around the national level
    f = fig.distribution(demo.tidy[demo.tidy.year == 2022], level="forbund")
    q1 = f[(f.survey == "Deltagare pågående") & (f.question == 1) & (f.group == "samtliga") & ~f.suppressed]
    assert q1.nyckeltal_pct.max() - q1.nyckeltal_pct.min() >= 20
    assert f.suppressed.any()  # small förbund show suppression
    # F9-F10 only after Ja on F8; internal bortfall present
    assert not [p for p in demo.problems if "fråga 8" in p.message]
    n = f[(f.survey == "Deltagare pågående") & (f.group == "samtliga")].groupby("question").n.sum()
    responses = (resp.survey == "Deltagare pågående").sum()
    assert n[4] < n[1] < responses


def test_same_seed_same_files(demo_dir, tmp_path):
    """A seed gives the same files, whichever years are written with it; another seed gives
    other files. demo_dir is `write_demo(seed=0)` of every year (and fixture_2022 and the other
    year subsets in conftest are copies of its years, which this test also vouches for):
    `write_fixture` of one year must give exactly demo_dir's files of that year."""
    a = write_fixture(tmp_path / "a", seed=0, years=(2021,))
    written = sorted((a / "2021").glob("*.xlsx"))
    whole = sorted((demo_dir / "2021").glob("*.xlsx"))
    assert [p.name for p in written] == [p.name for p in whole]
    assert [read_workbook(p).digest for p in written] == [read_workbook(p).digest for p in whole]
    c = write_demo(tmp_path / "c", seed=8, years=(2021,))
    assert [read_workbook(p).digest for p in written] != [read_workbook(p).digest for p in c]

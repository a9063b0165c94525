"""Nyckeltal per insats (issue 14 item 8): figures (finsam_lib.figures.insats) and the förbund report's
"Resultat per insats" chapter."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finsam_lib.figures import insats as isx
from finsam_lib.figures import method as fig
from finsam_lib.figures import privacy
from finsam_lib.present.forbund_tables import NO_INSATS
from finsam_lib.publish import excel

SURVEY, VERSION, YEAR = "Deltagare pågående", 2021, 2022
QUESTIONS = [1, 2, 3]


def answers(sizes: dict[str, int], seed: int = 1) -> pd.DataFrame:
    """Tidy answers of one förbund: ``sizes`` insats -> respondents, each answering QUESTIONS."""
    rng = np.random.default_rng(seed)
    rows, rid = [], 0
    for insats, size in sizes.items():
        for _ in range(size):
            rid += 1
            for q in QUESTIONS:
                rows.append({"year": YEAR, "forbund": "Testförbundet", "insats": insats, "survey": SURVEY,
                             "version": VERSION, "respondent": rid, "background": int(rng.integers(1, 3)),
                             "question": q, "code": int(rng.integers(1, 7))})
    return pd.DataFrame(rows)


def rows_of(frame: pd.DataFrame, question: int = 1) -> pd.DataFrame:
    return frame[frame.question == question].set_index("insats")


def test_pool_rule():
    assert isx.pool({"A": 10, "B": 8, "C": 2, "D": 3}) == (["A", "B"], ["C", "D"])
    # A lone small insats: the smallest shown one joins it, so samtliga − shown is not C alone.
    assert isx.pool({"A": 10, "B": 8, "C": 2}) == (["A"], ["B", "C"])
    # Nothing left to show: everything pooled (and the pool is not shown).
    assert isx.pool({"A": 10, "C": 2}) == ([], ["A", "C"])
    assert isx.pool({"A": 10, "B": 5}) == (["A", "B"], [])


def test_counts_add_up_to_samtliga(demo_data):
    t = demo_data.tidy
    f = isx.insats_figures(t[t.year == 2022])
    per = f[f.kind == isx.INSATS].groupby(isx.KEYS).n.sum()
    total = f[f.kind == isx.TOTAL].set_index(isx.KEYS).n
    assert len(total) > 100
    pd.testing.assert_series_equal(per.sort_index(), total.loc[per.index].sort_index(), check_names=False)


def test_small_insatser_are_pooled():
    f = rows_of(isx.insats_figures(answers({"A": 10, "B": 8, "C": 2, "D": 3})))
    assert f.loc[["A", "B"], "suppressed"].eq(False).all()
    assert f.loc[["C", "D"], "suppressed"].all() and f.loc[["C", "D"], "nyckeltal_pct"].isna().all()
    other = f.loc[isx.OTHERS]
    assert (other.n, other.pooled, bool(other.suppressed)) == (5, 2, False)
    assert f.loc[isx.ALL, "n"] == 23


def test_lone_hidden_insats_is_not_revealed_by_subtraction():
    f = rows_of(isx.insats_figures(answers({"A": 10, "B": 8, "C": 2})))
    shown = f[~f.suppressed.astype(bool)]
    assert "C" not in shown.index
    # What a reader can subtract: samtliga minus every shown insats; it must not be C's answers.
    residual = shown.loc[isx.ALL, "n"] - shown[shown.kind == isx.INSATS].n.sum()
    assert residual == shown.loc[isx.OTHERS, "n"] == 10
    # Two insatser, one small: only samtliga is shown.
    g = rows_of(isx.insats_figures(answers({"A": 10, "C": 2})))
    assert list(g.index[~g.suppressed.astype(bool)]) == [isx.ALL]


def test_no_small_residual_anywhere_in_the_demo(demo_data):
    t = demo_data.tidy
    f = isx.insats_figures(t[t.year == 2022])
    shown = f[~f.suppressed.astype(bool)]
    for _, g in shown.groupby(isx.KEYS):
        if not (g.kind == isx.TOTAL).any():
            continue
        parts = g[g.kind != isx.TOTAL]
        assert (parts.n >= privacy.MIN_N).all()
        if len(parts):
            residual = int(g[g.kind == isx.TOTAL].n.iloc[0]) - int(g[g.kind == isx.INSATS].n.sum())
            assert residual == 0 or residual >= privacy.MIN_N


def test_nyckeltal_equal_distribution_of_the_same_answers():
    tidy = answers({"A": 10, "B": 8, "C": 2, "D": 3}, seed=7)
    f = isx.insats_figures(tidy)
    subsets = {"A": tidy.insats == "A", "B": tidy.insats == "B", isx.OTHERS: tidy.insats.isin(["C", "D"]),
               isx.ALL: tidy.insats.notna()}
    for name, mask in subsets.items():
        d = fig.distribution(tidy[mask], level="forbund")
        d = d[d.group == "samtliga"].set_index("question")
        mine = f[f.insats == name].set_index("question")
        for q in QUESTIONS:
            assert mine.at[q, "n"] == d.at[q, "n"]
            assert mine.at[q, "nyckeltal_pct"] == d.at[q, "nyckeltal_pct"], (name, q)
            assert mine.at[q, "nyckeltal_ci_low"] <= mine.at[q, "nyckeltal_pct"] <= mine.at[q, "nyckeltal_ci_high"]


@pytest.fixture(scope="module")
def report(demo_2021_2022):
    from finsam_lib.present.forbund_report import ForbundReport
    from finsam_lib.registration.reader import read_paths
    data = read_paths([demo_2021_2022])
    f = isx.insats_figures(data.tidy[data.tidy.year == 2022])
    shown = f[(f.kind == isx.INSATS) & ~f.suppressed.astype(bool)]
    # The förbund with the most insatser shown on their own.
    forbund = shown.groupby("forbund").insats.nunique().idxmax()
    return ForbundReport(data, forbund, 2022), f[f.forbund == forbund]


def test_report_has_a_table_per_insats(report):
    r, f = report
    html = "".join(b.html for b in r.sections())
    assert 'id="resultat-per-insats"' in html
    tables = [t for t in r.tables() if t.title.startswith("Nyckeltal per insats")]
    assert tables
    for t in tables:
        survey = next(s for s in f.survey.unique() if f"{s.lower()} 2022" in t.title)
        g = f[f.survey == survey]
        shown_units = set(g[(g.kind == isx.INSATS) & ~g.suppressed.astype(bool)].insats)
        labels = list(t.rows.label)
        assert labels[-1] == isx.ALL
        assert set(labels[:-1]) - {isx.OTHERS} == shown_units and len(shown_units) >= 2
        assert (isx.OTHERS in labels) == (g.kind == isx.POOLED).any()
        assert len(t.columns) == (g.kind == isx.TOTAL).sum()
        part = t.to_html()
        assert "<caption" in part or "<figcaption" in part
        assert '<th scope="row">' in part and '<th scope="col">' in part
        # Every shown cell is the figures layer's nyckeltal; every hidden one says so.
        cells = g.set_index(["insats", "question"])
        for row in t.rows.itertuples():
            key = "" if row.label == NO_INSATS else row.label
            for c in t.columns:
                q = int(c.key[1:])
                if (key, q) in cells.index:
                    x = cells.loc[(key, q)]
                    assert getattr(row, c.key) == (privacy.TOO_FEW if x.suppressed else x.nyckeltal_pct), (key, q)


def test_resultatfil_has_the_insats_tables(report, tmp_path):
    import openpyxl
    r, f = report
    tables = [t for t in r.tables() if t.title.startswith("Nyckeltal per insats")]
    wb = openpyxl.load_workbook(excel.write_report(r, tmp_path / "resultat.xlsx"))
    for t in tables:
        ws = wb[t.sheet_name]
        values = [c.value for row in ws.iter_rows() for c in row]
        assert isx.ALL in values
        # Shares stored as fractions with a percent format (the resultatfil's convention).
        survey = next(s for s in f.survey.unique() if f"{s.lower()} 2022" in t.title)
        shown = f[(f.survey == survey) & (f.kind == isx.TOTAL) & ~f.suppressed.astype(bool)]
        fractions = {round(v, 2) for v in values if isinstance(v, float)}
        assert {round(v / 100, 2) for v in shown.nyckeltal_pct} <= fractions


def test_distribution_without_split_is_the_samtliga_rows(demo_data):
    """figures.distribution(split=False), what the figures per insats count from, gives the
    samtliga rows the full distribution gives (same rows, order and figures), nothing else."""
    tidy = demo_data.tidy[demo_data.tidy.year == demo_data.tidy.year.max()]
    for level, min_n in (("forbund", 0), ("forbund", privacy.MIN_N), ("national", privacy.MIN_N)):
        full = fig.distribution(tidy, level=level, min_n=min_n)
        alone = fig.distribution(tidy, level=level, min_n=min_n, split=False)
        assert (alone.group == "samtliga").all() and len(alone) >= 45
        pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                      full[full.group == "samtliga"].reset_index(drop=True))

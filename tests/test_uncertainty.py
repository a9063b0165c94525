"""95 % intervals and the verdicts that rest on them (finsam_lib.figures.uncertainty), checked against
statsmodels' implementations of the same methods (Wilson 1927; Newcombe 1998, method 10)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins

proportion = pytest.importorskip("statsmodels.stats.proportion")

NS = [1, 5, 10, 100, 1000]
SHARES = [0.0, 0.5, 1.0]
CASES = [(int(n * s), n) for n in NS for s in SHARES]  # n = 1 at 50 %: 0 of 1


@pytest.mark.parametrize("count, n", CASES)
def test_wilson_matches_statsmodels(count, n):
    low, high = unc.wilson(count, n)
    want = proportion.proportion_confint(count, n, alpha=0.05, method="wilson")
    assert (low, high) == pytest.approx(want, abs=1e-12)
    assert 0 <= low <= count / n <= high <= 1


def test_wilson_on_arrays_and_without_answers():
    counts, ns = zip(*CASES)
    low, high = unc.wilson(np.array(counts), np.array(ns))
    want = np.array([proportion.proportion_confint(c, n, method="wilson") for c, n in CASES])
    np.testing.assert_allclose(np.c_[low, high], want, atol=1e-12)
    assert all(np.isnan(unc.wilson(0, 0)))


@pytest.mark.parametrize("count1, n1", CASES)
@pytest.mark.parametrize("count2, n2", [(0, 5), (5, 10), (100, 100), (500, 1000), (1, 1)])
def test_newcombe_matches_statsmodels(count1, n1, count2, n2):
    d, low, high = unc.newcombe(count1, n1, count2, n2)
    want = proportion.confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff",
                                                 alpha=0.05)
    assert (low, high) == pytest.approx(want, abs=1e-12)
    assert d == pytest.approx(count1 / n1 - count2 / n2)
    assert -1 <= low <= d <= high <= 1


def test_verdict_needs_the_whole_interval_on_one_side_of_zero():
    assert unc.verdict(0.01, 0.2) == unc.INCREASE
    assert unc.verdict(-0.2, -0.01) == unc.DECREASE
    assert unc.verdict(-0.01, 0.2) == unc.UNSURE
    assert unc.verdict(np.nan, np.nan) == unc.UNSURE
    assert list(unc.verdict([0.1, -0.3], [0.2, -0.1], (unc.HIGHER, unc.LOWER, unc.UNSURE_DIFFERENCE))) == \
        [unc.HIGHER, unc.LOWER]
    # 100 % of 15 against 91 % of 11 (the report's "Minskning" of issue 13) is no sure change.
    _, low, high = unc.newcombe(10, 11, 15, 15)
    assert unc.verdict(low, high) == unc.UNSURE
    # The same shares on a thousand answers each are.
    _, low, high = unc.newcombe(910, 1000, 1000, 1000)
    assert unc.verdict(low, high) == unc.DECREASE


def test_whole_percent_rounds_half_away_from_zero():
    assert unc.whole_percent(np.array([0.125, 0.785, -0.035, 0.0])).tolist() == [13, 79, -4, 0]
    assert np.isnan(unc.whole_percent(np.nan))


# --- Frames ------------------------------------------------------------------------------------

def _dist(rows):
    """Distribution rows of one measure: (year, group, n, klart positiva)."""
    out = []
    for year, group, n, klart in rows:
        codes = [0, n - klart, 0, 0, klart, 0]
        out.append({"year": year, "forbund": "X", "survey": "Deltagare pågående", "series": "s1", "question": 1,
                    "indicator": 1, "scale": "I", "key": "klart", "version": 2021, "group": group, "n": n,
                    **{f"code_{c}": k for c, k in zip(fig.CODES, codes)}})
    return fig._shares(pd.DataFrame(out), fig.MIN_N)


def test_intervals_of_a_distribution_are_whole_percent_and_blank_where_suppressed():
    d = unc.with_intervals(_dist([(2022, "samtliga", 20, 15), (2022, "kvinnor", 3, 3), (2022, "män", 17, 12)]))
    row = d[d.group == "samtliga"].iloc[0]
    low, high = proportion.proportion_confint(15, 20, method="wilson")
    assert (row.nyckeltal_pct, row.nyckeltal_ci_low, row.nyckeltal_ci_high) == (75, round(low * 100),
                                                                              round(high * 100))
    assert d[d.group != "samtliga"][["nyckeltal_ci_low", "nyckeltal_ci_high"]].isna().all().all()


def test_changes_have_the_csv_columns_and_a_verdict_per_measure_and_group():
    d = _dist([(2021, "samtliga", 15, 15), (2022, "samtliga", 11, 10),
               (2021, "kvinnor", 500, 400), (2022, "kvinnor", 500, 450)])
    ch = unc.changes_table(d, 2022, 2021)
    assert list(ch.columns) == unc.CHANGE_COLUMNS
    rows = ch.set_index("group")
    assert rows.at["samtliga", "change_pp"] == 91 - 100 and rows.at["samtliga", "verdict"] == unc.UNSURE
    assert rows.at["kvinnor", "verdict"] == unc.INCREASE
    want = proportion.confint_proportions_2indep(450, 500, 400, 500, method="newcomb", compare="diff")
    assert (rows.at["kvinnor", "change_ci_low_pp"], rows.at["kvinnor", "change_ci_high_pp"]) == \
        tuple(round(x * 100) for x in want)
    assert unc.changes_table(d, 2022, None).empty


def _trend(sum_pp, measures, up, down):
    return pd.DataFrame({"indicator": [1], "group": ["totalt"], "measures": [measures], "sum_change_pp": [sum_pp],
                         "threshold_pp": [2 * measures], "classification": [fig.classify(sum_pp, measures)],
                         "beyond_chance_up": [up], "beyond_chance_down": [down]})


@pytest.mark.parametrize("sum_pp, up, down, want", [
    (19, 0, 0, unc.NO_SURE_CHANGE),  # the rule passes, no measure beyond chance
    (19, 1, 0, ins.INCREASE),
    (19, 0, 1, unc.NO_SURE_CHANGE),  # beyond chance, but the other way
    (-9, 0, 1, ins.DECREASE),
    (1, 1, 0, unc.NO_SURE_CHANGE),  # a sure change, but the sum does not pass the threshold
])
def test_forbund_verdict_needs_the_rule_and_a_measure_beyond_chance(sum_pp, up, down, want):
    assert unc.chance_verdicts(_trend(sum_pp, 2, up, down)).iloc[0] == want


def test_development_keeps_the_published_rule_nationally_and_applies_rule_2_for_a_forbund():
    d = _dist([(2021, "samtliga", 15, 15), (2022, "samtliga", 11, 10)])
    national = unc.development(d, 2022, 2021)
    assert national.classification.iloc[0] == ins.DECREASE  # −9 ≤ −2: the Tabell 20 rule
    assert (national.beyond_chance_up.iloc[0], national.beyond_chance_down.iloc[0]) == (0, 0)
    forbund = unc.development(d, 2022, 2021, forbund=True)
    assert forbund.classification.iloc[0] == unc.NO_SURE_CHANGE
    assert forbund.sum_change_pp.iloc[0] == -9  # the sum stays, to be shown


def test_riket_difference_compares_with_the_rest_of_the_country():
    local = _dist([(2022, "samtliga", 20, 19)])
    national = _dist([(2022, "samtliga", 1020, 519)])  # the rest: 500 of 1000
    out = unc.riket_difference(local, national, 2022).iloc[0]
    want = proportion.confint_proportions_2indep(19, 20, 500, 1000, method="newcomb", compare="diff")
    assert (out.diff_ci_low_pp, out.diff_ci_high_pp) == tuple(round(x * 100) for x in want)
    assert out.verdict == unc.HIGHER

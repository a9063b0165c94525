"""How sure a figure is: 95 % intervals for shares and for changes, and the verdicts
that rest on them (issue 13; method.md "Small numbers" and "Combined development").

- A share (a nyckeltal: count of klart positiva / positiva / ja among n answers) gets the
  **Wilson score interval** (E. B. Wilson, "Probable inference, the law of succession, and
  statistical inference", J Am Stat Assoc 22:209–212, 1927). It stays inside 0–100 % and
  behaves at n = 1 and at 0 % or 100 %, where the textbook ± 1.96·SE interval does not.
- A difference of two shares from independent samples (this year's answers against last
  year's; a förbund against the rest of the country) gets **Newcombe's hybrid score
  interval** (R. G. Newcombe, "Interval estimation for the difference between independent
  proportions: comparison of eleven methods", Stat Med 17:873–890, 1998, method 10), built
  from the two Wilson intervals.
- A change is an *ökning* or a *minskning* only when its interval lies wholly above or below
  zero; otherwise it is *ingen säker förändring* (the change may be chance).

Pure functions over arrays and distribution frames (:func:`figures.distribution`); nothing
here knows how figures are shown. Shares are proportions (0–1) in the array functions and
whole percent in the frame functions.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from finsam_lib.figures import method as fig
from finsam_lib.instrument import definition as ins

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054
INCREASE, DECREASE, UNSURE = "ökning", "minskning", "ingen säker förändring"
HIGHER, LOWER, UNSURE_DIFFERENCE = "högre", "lägre", "ingen säker skillnad"
# The förbund report's Tabell 20 verdict when the rule's sum passes its threshold but no
# measure behind it changed beyond chance, or when the sum does not pass it (rule 2).
NO_SURE_CHANGE = "Ingen säker förändring"
CHANGE_COLUMNS = ["year", "compared_with", "forbund", "survey", "question", "indicator", "group", "n", "n_before",
                  "nyckeltal_pct", "nyckeltal_before_pct", "change_pp", "change_ci_low_pp", "change_ci_high_pp",
                  "verdict"]
CHANCE_COLUMNS = ["beyond_chance_up", "beyond_chance_down"]


# --- Arrays ------------------------------------------------------------------------------------------

def wilson(count, n, z: float = Z95):
    """Wilson score interval of count / n: (low, high) as proportions 0–1.

    ``count``, ``n``: scalars or arrays of counts (0 ≤ count ≤ n). n ≤ 0 or a missing count
    gives NaN. Source: Wilson (1927); the form of Newcombe (1998) eq. 3.
    """
    count = np.asarray(count, dtype="float64")
    n = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = n > 0
        nn = np.where(ok, n, 1.0)
        p = count / nn
        centre = p + z * z / (2 * nn)
        half = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn))
        scale = 1 + z * z / nn
        # At 0 % and 100 % the limit is exactly 0 or 1 (the formula leaves a rounding error).
        low = np.where(ok, np.where(count <= 0, 0.0, (centre - half) / scale), np.nan)
        high = np.where(ok, np.where(count >= n, 1.0, (centre + half) / scale), np.nan)
    low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
    return (low, high) if low.ndim else (float(low), float(high))


def newcombe(count1, n1, count2, n2, z: float = Z95):
    """Difference p1 − p2 of two independent proportions and its hybrid score interval:
    (difference, low, high) as proportions (−1 … 1).

    Newcombe (1998), method 10: with Wilson limits (l1, u1) and (l2, u2),
    low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²).
    Arrays broadcast; n ≤ 0 on either side gives NaN.
    """
    count1, n1, count2, n2 = (np.asarray(x, dtype="float64") for x in (count1, n1, count2, n2))
    l1, u1 = wilson(count1, n1, z)
    l2, u2 = wilson(count2, n2, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(n1 > 0, count1 / np.where(n1 > 0, n1, 1), np.nan)
        p2 = np.where(n2 > 0, count2 / np.where(n2 > 0, n2, 1), np.nan)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    if np.ndim(d) == 0:
        return float(d), float(low), float(high)
    return d, low, high


def verdict(low, high, words: tuple[str, str, str] = (INCREASE, DECREASE, UNSURE)):
    """The verdict of a difference from its interval: words[0] when the interval lies above
    zero, words[1] when below, words[2] when it holds zero (or is missing).

    Works on scalars and arrays (returns an object array for arrays)."""
    low, high = np.asarray(low, dtype="float64"), np.asarray(high, dtype="float64")
    out = np.where(low > 0, words[0], np.where(high < 0, words[1], words[2])).astype(object)
    return out if out.ndim else str(out)


def whole_percent(p):
    """Proportions as whole percent (or percentage points), rounded half away from zero, as
    figures.percent rounds; NaN stays NaN."""
    x = np.asarray(p, dtype="float64") * 100
    out = np.sign(x) * np.floor(np.abs(x) + 0.5 + 1e-9)
    return out if out.ndim else float(out)


# --- Distribution frames -----------------------------------------------------------------------------

def key_count(frame: pd.DataFrame) -> np.ndarray:
    """The number of answers behind each row's nyckeltal (klart positiva, positiva or ja, by the
    row's ``key``; method.md "Categories"), NaN where the counts are blank (suppressed).

    ``frame``: :func:`figures.distribution` rows (code_1 … code_6, key)."""
    c = {k: pd.to_numeric(frame[f"code_{k}"], errors="coerce").to_numpy(dtype="float64") for k in fig.CODES}
    key = frame["key"].to_numpy()
    return np.where(key == "ja", c[1], np.where(key == "positiv", c[4] + c[5] + c[6], c[5] + c[6]))


def with_intervals(dist: pd.DataFrame) -> pd.DataFrame:
    """``dist`` plus ``nyckeltal_ci_low`` and ``nyckeltal_ci_high``: the Wilson 95 % interval of
    each shown nyckeltal in whole percent (NaN where the nyckeltal is not shown)."""
    out = dist.copy()
    low, high = wilson(key_count(out), out["n"].to_numpy(dtype="float64"))
    shown = out["nyckeltal_pct"].notna().to_numpy()
    out["nyckeltal_ci_low"] = np.where(shown, whole_percent(low), np.nan)
    out["nyckeltal_ci_high"] = np.where(shown, whole_percent(high), np.nan)
    return out


def changes(dist: pd.DataFrame, year: int, previous: int) -> pd.DataFrame:
    """Every change of a shown nyckeltal between ``previous`` and ``year``: one row per förbund,
    measure (series) and group shown both years.

    Returns CHANGE_COLUMNS plus ``series`` and ``key``; ``question`` is this year's number;
    ``change_pp`` = nyckeltal_pct − nyckeltal_before_pct (the rounded figures, as Tabell 20
    sums them); the interval (whole pp) and ``verdict`` come from the exact counts by
    :func:`newcombe` — this year's and last year's answers are taken as independent samples.
    """
    keys = ["forbund", "series", "group"]
    cols = [*keys, "year", "survey", "question", "indicator", "key", "n", "nyckeltal_pct", *fig.CODE_COLUMNS]
    d = dist.loc[dist.year.isin([year, previous]).to_numpy() & dist.nyckeltal_pct.notna().to_numpy(), cols]
    d["_count"] = key_count(d)
    now = d[d.year == year]
    before = d[d.year == previous][keys + ["n", "nyckeltal_pct", "_count"]]
    m = now.merge(before, on=keys, suffixes=("", "_before"))
    diff, low, high = newcombe(m["_count"].to_numpy(), m["n"].to_numpy(), m["_count_before"].to_numpy(),
                               m["n_before"].to_numpy())
    out = pd.DataFrame({
        "year": year, "compared_with": previous, "forbund": m["forbund"], "survey": m["survey"],
        "question": m["question"].astype(int), "indicator": m["indicator"].astype(int), "group": m["group"],
        "n": m["n"].astype(int), "n_before": m["n_before"].astype(int),
        "nyckeltal_pct": m["nyckeltal_pct"].astype(int), "nyckeltal_before_pct": m["nyckeltal_pct_before"].astype(int),
        "change_pp": (m["nyckeltal_pct"] - m["nyckeltal_pct_before"]).astype(int),
        "change_ci_low_pp": whole_percent(low), "change_ci_high_pp": whole_percent(high),
        "verdict": verdict(low, high) if len(m) else pd.Series([], dtype=object),
        "series": m["series"], "key": m["key"]})
    order = {s: i for i, s in enumerate(ins.SURVEYS)}
    groups = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
    out = out.assign(_s=out.survey.map(order), _g=out.group.map(groups))
    out = out.sort_values(["forbund", "indicator", "_s", "question", "_g"]).drop(columns=["_s", "_g"])
    for col in ("change_ci_low_pp", "change_ci_high_pp"):
        out[col] = out[col].astype("Int64")
    return out.reset_index(drop=True)


def changes_table(dist: pd.DataFrame, year: int, previous: int | None) -> pd.DataFrame:
    """The changes.csv view: CHANGE_COLUMNS only (empty without a previous year)."""
    if previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    return changes(dist, year, previous)[CHANGE_COLUMNS]


def development(dist: pd.DataFrame, year: int, previous: int | None, forbund: bool = False,
                computed: pd.DataFrame | None = None, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tabell 20 (:func:`figures.development`) with, per indicator and group, how many of its
    measures changed beyond chance upwards and downwards (``beyond_chance_up``/``_down``).

    Nationally (``forbund=False``) the classification is the published rule's (method.md,
    "Combined development"). For one förbund (rule 2 of issue 13) an indicator is an
    Ökning/Minskning only when the rule's sum passes its threshold **and** at least one of
    its measures changed beyond chance in that direction; every other indicator is
    :data:`NO_SURE_CHANGE` (the sum and threshold stay in the row). ``computed``: :func:`changes`
    of the same ``dist``, ``year`` and ``previous`` when already computed (used as it is).
    ``by``: as figures.trend's (``("forbund",)``: every förbund's at once, from every förbund's
    ``dist`` and changes; figures.every_forbund).
    """
    t = fig.development(dist, year, previous, by)
    if previous is None:
        return t.assign(**{c: pd.Series(dtype="int64") for c in CHANCE_COLUMNS})
    ch = changes(dist, year, previous) if computed is None else computed
    ch = ch.assign(group=ch.group.replace({"samtliga": "totalt"}))
    counts = (ch.assign(beyond_chance_up=ch.verdict == INCREASE, beyond_chance_down=ch.verdict == DECREASE)
              .groupby([*by, "indicator", "group"])[CHANCE_COLUMNS].sum())
    t = t.join(counts, on=[*by, "indicator", "group"])
    t[CHANCE_COLUMNS] = t[CHANCE_COLUMNS].fillna(0).astype("int64")
    if forbund:
        t["classification"] = chance_verdicts(t)
    return t


def chance_verdicts(trend: pd.DataFrame) -> pd.Series:
    """Rule 2 over a :func:`development` frame: the published classification where a measure
    backs it beyond chance, else :data:`NO_SURE_CHANGE`."""
    c = trend["classification"]
    up = (c == ins.INCREASE) & (trend["beyond_chance_up"] > 0)
    down = (c == ins.DECREASE) & (trend["beyond_chance_down"] > 0)
    return c.where(up | down, NO_SURE_CHANGE)


def riket_difference(local: pd.DataFrame, national: pd.DataFrame, year: int, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """A förbund's shown nyckeltal against the rest of the country, per measure (samtliga):
    series, diff_ci_low_pp, diff_ci_high_pp (whole pp) and verdict (högre / lägre / ingen
    säker skillnad).

    A förbund is part of riket, so its answers are not independent of the national figure.
    The interval is therefore for the förbund against riket *without* the förbund (national
    counts minus the förbund's), two independent samples, by :func:`newcombe`. The figure the
    reports print as "Riket" still includes the förbund, as published; for a förbund with a
    small part of the country's answers the two differ by well under a percentage point.
    ``local``/``national``: distribution rows of the förbund and of the country. ``by``: key
    columns of ``local`` kept as the first columns (``("forbund",)``: every förbund's rows at
    once, each förbund's the ones it gets alone; figures.every_forbund).
    """
    def pick(d, keys):
        d = d[(d.year == year) & (d.group == "samtliga") & d.nyckeltal_pct.notna()]
        return d.assign(_count=key_count(d)).set_index([*keys, "series"])[["n", "_count"]]
    mine, everyone = pick(local, by), pick(national, ())
    both = mine.join(everyone.add_suffix("_riket"), how="inner")
    rest_n = both["n_riket"] - both["n"]
    rest_count = both["_count_riket"] - both["_count"]
    _, low, high = newcombe(both["_count"].to_numpy(), both["n"].to_numpy(), rest_count.to_numpy(),
                            rest_n.to_numpy())
    keys = {key: both.index.get_level_values(key) for key in [*by, "series"]}
    out = pd.DataFrame({**keys, "diff_ci_low_pp": whole_percent(low), "diff_ci_high_pp": whole_percent(high),
                        "verdict": verdict(low, high, (HIGHER, LOWER, UNSURE_DIFFERENCE)) if len(both) else []})
    return out.reset_index(drop=True)

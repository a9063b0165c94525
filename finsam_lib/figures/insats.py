"""Key figures per insats (the 2019 local evaluation's results per insats), with the small
insatser pooled into "Övriga insatser" under the disclosure rules of :mod:`privacy`.

Pure functions over tidy frames; nothing here knows how the figures are shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc

OTHERS = "Övriga insatser"
ALL = "Samtliga"
INSATS, POOLED, TOTAL = "insats", "ovriga", "samtliga"  # the ``kind`` of a row
KEYS = ["year", "forbund", "survey", "series"]
COLUMNS = [*KEYS, "question", "indicator", "key", "insats", "kind", "n", "key_count", "pooled",
           "nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high", "suppressed"]


def pool(counts: dict, min_n: int = fig.MIN_N) -> tuple[list, list]:
    """Which insatser of one question are shown on their own and which are pooled.

    ``counts``: insats -> number of answers (> 0) to the question. Returns (shown, pooled), each
    sorted by name. The rule (privacy.py rules 1 and 2 applied to insatser):

    1. An insats with fewer than ``min_n`` answers is pooled into "Övriga insatser".
    2. The pool must itself hold 0 or at least ``min_n`` answers, since samtliga − the shown
       insatser = the pool: a pool of 1 … min_n − 1 answers (a lone small insats, or several
       tiny ones) could be worked out by subtraction. While it is that small, the smallest shown
       insats (ties: by name) joins the pool.
    3. When every insats ends in the pool, none is shown and the pool is not shown either
       (it would be samtliga under another name).
    """
    shown = sorted((i for i, n in counts.items() if n >= min_n), key=lambda i: (counts[i], str(i)))
    pooled = [i for i, n in counts.items() if n < min_n]
    size = sum(counts[i] for i in pooled)
    while 0 < size < min_n and shown:
        moved = shown.pop(0)
        pooled.append(moved)
        size += counts[moved]
    if not shown:
        pooled = list(counts)
    return sorted(shown, key=str), sorted(pooled, key=str)


def _samtliga(tidy: pd.DataFrame) -> pd.DataFrame:
    d = fig.distribution(tidy, level="forbund", min_n=0, split=False)
    d["key_count"] = unc.key_count(d)
    return d


_JOIN = "\x1f"  # joins förbund and insats in one key (a character no name holds)


def insats_figures(tidy: pd.DataFrame, min_n: int = fig.MIN_N) -> pd.DataFrame:
    """Nyckeltal per year, förbund, survey, question and insats, with "Övriga insatser" and samtliga.

    ``tidy``: ``Dataset.tidy`` rows (year, forbund, insats, survey, version, respondent,
    background, question, code); an empty insats ("no insats given") counts as an insats of its own.
    Returns :data:`COLUMNS`, one row per question and insats with answers (kind ``insats``), one
    ``Övriga insatser`` row where some insats is pooled (kind ``ovriga``; ``pooled`` = how many)
    and one ``Samtliga`` row (kind ``samtliga``). ``n`` and ``key_count`` are the answers and the
    answers counted in the nyckeltal (method.md "Categories"); ``nyckeltal_pct`` and its Wilson
    95 % interval (uncertainty.wilson) are whole percent, NaN where ``suppressed``. An insats row
    is shown only when :func:`pool` shows it; the Övriga row when some insats is shown (then the
    pool has ≥ min_n answers); samtliga when n ≥ min_n (privacy rule 1). The nyckeltal of a row is
    the one ``figures.distribution`` gives for the same answers.
    """
    if tidy.empty:
        return pd.DataFrame(columns=COLUMNS)
    # Every insats's figures and the förbund's own in one pass: each (förbund, insats) counted as a
    # förbund of its own beside the förbund.
    named = tidy[tidy.insats.notna()]
    both = _samtliga(pd.concat([tidy, named.assign(forbund=named.forbund + _JOIN + named.insats)], ignore_index=True))
    split = both.forbund.str.contains(_JOIN, regex=False).to_numpy()
    per, whole = both[split], both[~split]
    per = per[per.n > 0]
    per = per.assign(forbund=[f.split(_JOIN, 1)[0] for f in per.forbund],
                     insats=[f.split(_JOIN, 1)[1] for f in per.forbund])
    counts_of: dict[tuple, dict] = {}  # (year, forbund, survey, series) -> {insats: n}, and the key counts
    keyed_of: dict[tuple, dict] = {}
    for *key, insats, n, key_count in zip(*(per[c] for c in KEYS), per.insats, per.n, per.key_count):
        counts_of.setdefault(tuple(key), {})[insats] = n
        keyed_of.setdefault(tuple(key), {})[insats] = key_count
    rows = []
    for t in whole.itertuples(index=False):
        if t.n <= 0:
            continue
        base = {"year": t.year, "forbund": t.forbund, "survey": t.survey, "series": t.series,
                "question": t.question, "indicator": t.indicator, "key": t.key}
        counts = counts_of.get((t.year, t.forbund, t.survey, t.series), {})
        keyed = keyed_of.get((t.year, t.forbund, t.survey, t.series), {})
        shown, pooled = pool(counts, min_n)
        for i in sorted(counts, key=str):
            rows.append({**base, "insats": i, "kind": INSATS, "n": counts[i], "key_count": keyed[i], "pooled": 0,
                         "suppressed": i not in shown})
        if pooled and len(counts) > 1:
            rows.append({**base, "insats": OTHERS, "kind": POOLED, "n": sum(counts[i] for i in pooled),
                         "key_count": sum(keyed[i] for i in pooled), "pooled": len(pooled), "suppressed": not shown})
        rows.append({**base, "insats": ALL, "kind": TOTAL, "n": t.n, "key_count": t.key_count, "pooled": 0,
                     "suppressed": t.n < min_n})
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("int64")
    shown = ~out["suppressed"].to_numpy(dtype=bool)
    k, n = out["key_count"].to_numpy(dtype="float64"), out["n"].to_numpy(dtype="float64")
    out["nyckeltal_pct"] = np.where(shown, fig.percent(k.astype("int64"), n.astype("int64")), np.nan)
    low, high = unc.wilson(k, n)
    out["nyckeltal_ci_low"] = np.where(shown, unc.whole_percent(low), np.nan)
    out["nyckeltal_ci_high"] = np.where(shown, unc.whole_percent(high), np.nan)
    return out[COLUMNS]

"""Small-number protection for reports about one förbund, stricter than the
national report's :func:`figures.suppress`.

A förbund report shows the förbund's own figures, so a small group there may be
a handful of people one can name. Rules (``min_n`` = the minimum number of answers,
5 by default):

1. A share resting on fewer than ``min_n`` answers is not shown, nor its n
   (:func:`figures.suppress`).
2. A kön or employer split is shown only when every group in it is 0 or at least
   ``min_n`` *including the residual* samtliga − shown groups (Kön 3–4, Annan,
   blank): otherwise the residual's answers could be worked out by subtraction
   (:func:`strict_suppress`, :func:`split_shown`).
3. A count of respondents from 1 to ``min_n`` − 1 is shown as "färre än 5"
   (:func:`count_cell`); a total is shown exactly only when the hidden parts it
   covers cannot be worked out from it and the shown parts (:func:`total_cell`),
   else as "fler än S" where S is the sum of the shown parts.
4. Insatser with fewer than ``min_n`` responses are not named with a count: they
   are merged into one row "Övriga insatser", which takes the smallest shown
   insats too when the merged count would itself be small (:func:`merge_units`).

Zero is always shown: it says nothing about anyone's answers.
Pure functions over frames and numbers; nothing here knows how figures are shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import figures as fig

MIN_N = fig.MIN_N
KEYS = ["year", "forbund", "survey", "series"]


def is_small(count, min_n: int = MIN_N) -> bool:
    """1 ≤ count < min_n (missing and zero are not small)."""
    if count is None or pd.isna(count):
        return False
    return 0 < int(count) < min_n


def few_text(min_n: int = MIN_N) -> str:
    return f"färre än {min_n}"


def more_than_text(shown: int) -> str:
    from .format import number
    return f"fler än {number(shown)}"


# --- Distributions -------------------------------------------------------------------------------

def strict_suppress(frame: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """:func:`figures.suppress`, then also every split whose residual group
    (samtliga − the split's groups) has 1 … min_n − 1 answers.

    ``frame``: figures.distribution rows (one förbund or nationally). Returns a copy
    with ``suppressed`` updated and the figures of suppressed rows blanked.
    """
    out = fig.suppress(frame, min_n)
    split = out["group"] != "samtliga"
    if not split.any():
        return out
    keys = [out[k] for k in KEYS]
    total = out["n"].where(~split).groupby(keys).transform("max")
    parts = out["n"].where(split, 0).groupby(keys).transform("sum")
    residual = (total - parts).fillna(0)
    bad = split & (residual > 0) & (residual < min_n)
    bad = bad.groupby(keys).transform("any") & split
    out.loc[bad, "suppressed"] = True
    out.loc[out["suppressed"], fig.CODE_COLUMNS] = pd.NA
    out.loc[out["suppressed"], fig.PCT_COLUMNS] = np.nan
    return out


def shown_n(frame: pd.DataFrame) -> pd.Series:
    """n where the row's figures are shown, else NA (a small n is itself a small figure)."""
    return frame["n"].where(~frame["suppressed"].astype(bool)).astype("Int64")


# --- Counts --------------------------------------------------------------------------------------

def count_cell(count, min_n: int = MIN_N):
    """A count as a table cell: the number, "färre än 5" when small, None when missing."""
    if count is None or pd.isna(count):
        return None
    return few_text(min_n) if is_small(count, min_n) else int(count)


def _pinned(hidden: list[int], min_n: int) -> bool:
    """Could one of these hidden small counts be worked out from their sum?

    Each hidden count is known to lie in 1 … min_n − 1; given the sum, a count is
    pinned when its feasible range holds one value (always so for a single count)."""
    k, total = len(hidden), sum(hidden)
    if k == 0:
        return False
    low = max(1, total - (k - 1) * (min_n - 1))
    high = min(min_n - 1, total - (k - 1))
    return high <= low


def total_cell(parts, min_n: int = MIN_N, total: int | None = None):
    """The total of some counts as a cell: exact when that reveals no small part,
    "färre än 5" when itself small, else "fler än S" (S = the shown parts' sum).

    ``parts``: the counts the total covers (missing ones ignored); ``total``: when
    the total is more than their sum (it is taken as given)."""
    values = [int(p) for p in parts if p is not None and not pd.isna(p)]
    total = sum(values) if total is None else int(total)
    if is_small(total, min_n):
        return few_text(min_n)
    hidden = [v for v in values if is_small(v, min_n)]
    if _pinned(hidden, min_n):
        return more_than_text(total - sum(hidden))
    return total


def exact(cell) -> bool:
    """Whether a cell from count_cell/total_cell holds the exact number."""
    return cell is not None and not isinstance(cell, str)


def split_shown(parts, min_n: int = MIN_N) -> bool:
    """A split (e.g. kvinnor, män, ej uppgett) may be shown when every part is 0 or ≥ min_n."""
    return not any(is_small(p, min_n) for p in parts)


def merge_units(units: pd.DataFrame, min_n: int = MIN_N, label: str = "Övriga insatser") -> pd.DataFrame:
    """Insats rows (label, antal_svar, tillfragade, malpopulation, svar_med_t) with the small ones
    merged into one row ``label`` (kind ``merged``, ``units`` = how many were merged).

    The merged row takes the smallest shown insats too while its count is small and there
    are shown insatser left, so that no small count can be worked out by subtraction from
    the survey's total.
    """
    units = units.reset_index(drop=True)
    small = [i for i, n in enumerate(units.antal_svar) if is_small(n, min_n)]
    if not small:
        return units.assign(kind="row", units=1)
    merged = set(small)
    rest = sorted((i for i in range(len(units)) if i not in merged and units.antal_svar[i] > 0),
                  key=lambda i: (units.antal_svar[i], i))
    while is_small(units.antal_svar[sorted(merged)].sum(), min_n) and rest:
        merged.add(rest.pop(0))
    keep = units.drop(index=sorted(merged)).assign(kind="row", units=1)
    m = units.loc[sorted(merged)]

    def total(col):
        return m[col].sum() if m[col].notna().any() else pd.NA

    row = {"label": label, "antal_svar": int(m.antal_svar.sum()), "tillfragade": total("tillfragade"),
           "malpopulation": total("malpopulation"), "svar_med_t": total("svar_med_t"),
           "kind": "merged", "units": len(m)}
    out = pd.concat([keep, pd.DataFrame([row])], ignore_index=True)
    for col in ("tillfragade", "malpopulation", "svar_med_t"):
        out[col] = out[col].astype("Int64")
    return out

"""The disclosure policy: what of the figures may be shown, decided here for every output
(reports in HTML/PDF/Excel, decks, explorer, index page, ``finsam results``).

Rules (``min_n`` = the minimum number of answers, 5 by default; method.md "Small numbers"):

1. A share resting on fewer than ``min_n`` answers is not shown ("för få svar",
   :data:`TOO_FEW`; :func:`figures.suppress`).
2. A kön or employer split is shown only when every group in it is 0 or at least
   ``min_n`` *including the residual* samtliga − shown groups (Kön 3–4, Annan,
   blank): otherwise the residual's answers could be worked out by subtraction.
   This holds for one förbund's figures. The country's figures keep the published
   national rule (rule 1 and "any shown group below min_n"), because the published
   reports print those splits and finsam must reproduce them (:func:`disclose`).
3. Response counts (per survey, insats, kön) are shown exactly, as the published
   reports print them (Bilaga 1 names every förbund's count): hiding a count that is
   printed elsewhere protects nobody (:func:`count_cell`, :func:`total_cell`).

Pure functions over frames and numbers; nothing here knows how figures are shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_lib.figures import method as fig

MIN_N = fig.MIN_N
KEYS = ["year", "forbund", "survey", "series"]
TOO_FEW = "för få svar"  # the one spelling of a share that is not shown


def is_small(count, min_n: int = MIN_N) -> bool:
    """1 ≤ count < min_n (missing and zero are not small)."""
    if count is None or pd.isna(count):
        return False
    return 0 < int(count) < min_n


# --- Distributions -------------------------------------------------------------------------------

def disclose(frame: pd.DataFrame, min_n: int = MIN_N, level: str = "forbund") -> pd.DataFrame:
    """What of a distribution may be shown: THE function every output takes its figures through.

    ``frame``: :func:`figures.distribution` rows; ``level``: ``"forbund"`` (one or more
    förbund's own figures: rules 1 and 2 of this module) or ``"national"`` (the country:
    the published rule, :func:`figures.suppress`). Returns a copy with ``suppressed`` set and
    the counts and shares of suppressed rows blanked; n stays (counts are shown exactly).
    """
    if level == "national":
        return fig.suppress(frame, min_n)
    if level != "forbund":
        raise ValueError(f"okänd nivå {level!r} (national eller forbund)")
    out = fig.suppress(frame, min_n)
    split = out["group"] != "samtliga"
    if not split.any():
        return out
    bad = _small_residual(out, split.to_numpy(), min_n)
    if not bad.any():
        return out
    out.loc[bad, "suppressed"] = True
    out.loc[out["suppressed"], fig.CODE_COLUMNS] = pd.NA
    out.loc[out["suppressed"], fig.PCT_COLUMNS] = np.nan
    return out


def _small_residual(frame: pd.DataFrame, split: np.ndarray, min_n: int) -> np.ndarray:
    """Rule 2 per row: a split row (``split``) whose split has a residual samtliga − its groups
    of 1 … min_n − 1 answers. The rows of one split share the KEYS; rows with a missing key belong
    to none. One grouping, the sums and maxima in numpy (this runs for every förbund report)."""
    gid = frame.groupby(KEYS, sort=False).ngroup().to_numpy()
    none = int(gid.max()) + 1 if len(gid) else 0  # the bucket of rows with a missing key
    gid = np.where(gid < 0, none, gid)
    n = frame["n"].to_numpy(dtype="float64")
    total = np.full(none + 1, -np.inf)  # samtliga's n per split (-inf: no samtliga row)
    np.maximum.at(total, gid[~split], n[~split])
    parts = np.bincount(gid[split], weights=n[split], minlength=none + 1)
    residual = np.where(np.isfinite(total), total - parts, 0)
    residual[none] = 0
    small = (residual > 0) & (residual < min_n)
    return small[gid] & split


def shown_n(frame: pd.DataFrame) -> pd.Series:
    """n where the row's figures are shown, else NA (the explorer's table column)."""
    return frame["n"].where(~frame["suppressed"].astype(bool)).astype("Int64")


# --- Counts --------------------------------------------------------------------------------------

def count_cell(count, min_n: int = MIN_N):
    """A response count as a table cell: the exact number (rule 3), None when missing.
    ``min_n`` is accepted for symmetry and unused: no count is hidden."""
    if count is None or pd.isna(count):
        return None
    return int(count)


def total_cell(parts, min_n: int = MIN_N, total: int | None = None):
    """The total of some response counts as a cell: their exact sum (rule 3), or ``total``
    when given (a total that is more than the parts' sum)."""
    values = [int(p) for p in parts if p is not None and not pd.isna(p)]
    return sum(values) if total is None else int(total)


def exact(cell) -> bool:
    """Whether a cell from count_cell/total_cell holds a number (not missing)."""
    return cell is not None and not isinstance(cell, str)

"""The published national figures (2022 report) shipped with the package, and
the per-question targets they give each year for the demo data.

Exact where something is published; soft (a plausible value on the same
trend) elsewhere.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from finsam_lib.instrument import definition as ins

PCT = ["neg", "var", "pos", "klart"]


def _csv(name: str) -> pd.DataFrame:
    with resources.files("finsam_lib.data.published").joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f)


@lru_cache(maxsize=None)
def distribution_2022() -> pd.DataFrame:
    """The 2022 report's response distributions (Tabell 5.1 …; seed table
    nns2022_distribution.csv): one row per indicator, survey, question and group (samtliga,
    kvinnor, män …) with n and the shares neg, var, pos, klart in whole percent (NaN where the
    report shows none). Cached; treat as read-only."""
    d = _csv("nns2022_distribution.csv")
    return d.rename(columns={"negativt": "neg", "varken_eller": "var", "positivt": "pos",
                             "klart_positivt": "klart"})


@lru_cache(maxsize=None)
def keyfigures_by_year() -> pd.DataFrame:
    """The 2022 report's nyckeltal per year (Tabell 5.2 …; nns2022_keyfigures_by_year.csv): one
    row per indicator, survey, question, group and year with the year's question number, n and
    nyckeltal in whole percent. Cached; treat as read-only."""
    return _csv("nns2022_keyfigures_by_year.csv")


@lru_cache(maxsize=None)
def forbund_counts_2022() -> pd.DataFrame:
    """Answers per förbund and survey in 2022 (nns2022_forbund_counts.csv): one row per förbund
    (``samordningsforbund``, ``nytt_2022``) and a count column per survey. Cached."""
    return _csv("nns2022_forbund_counts.csv")


@lru_cache(maxsize=None)
def response_rates_2022() -> pd.DataFrame:
    """Tabell 2 of the 2022 report (nns2022_response_rates.csv): per survey the målpopulation, the
    surveyed population, the answers (counts) and the response rates (whole percent). Cached."""
    return _csv("nns2022_response_rates.csv")


@lru_cache(maxsize=None)
def gender_counts_2022() -> pd.DataFrame:
    """Tabell 3 of the 2022 report (nns2022_gender_counts.csv): per survey and group (kvinna, man …)
    the answers (``antal``) and their share (``andel``, whole percent). Cached."""
    return _csv("nns2022_gender_counts.csv")


@lru_cache(maxsize=None)
def totals_by_year() -> pd.DataFrame:
    """Tabell 21 of the 2022 report (nns_totals_by_year.csv): per year the questionnaires
    collected, the förbund taking part and in the country, and their share (whole percent). Cached."""
    return _csv("nns_totals_by_year.csv")


def _shape(survey: str, question_2021: int | None, group: str, scale: str) -> dict:
    """The 2022 shares of a measure, as the shape for years where only the key is known."""
    d = distribution_2022()
    rows = d[(d.survey == survey) & (d.question == question_2021)]
    row = rows[rows.group == group]
    if row.empty:
        row = rows[rows.group == "samtliga"]
    if row.empty:
        return {"neg": 4.0, "var": 14.0, "pos": 82.0, "klart": 55.0} if scale != "III" else \
            {"neg": 6.0, "var": 0.0, "pos": 94.0, "klart": 0.0}
    r = row.iloc[0]
    return {c: float(r[c]) if not pd.isna(r[c]) else 0.0 for c in PCT}


def soft_from_key(shape: dict, key: str, value: float) -> dict:
    """Plausible shares around a known key figure, keeping the measure's shape."""
    if key == "ja":
        return {"neg": 100 - value, "var": 0.0, "pos": value, "klart": 0.0}
    if key == "klart":
        pos = min(99.0, max(value + 1, shape["pos"] + (value - shape["klart"]) * 0.5))
        klart = value
    else:
        pos = value
        klart = max(1.0, min(pos - 1, shape["klart"] + (value - shape["pos"])))
    rest = 100 - pos
    neg_share = shape["neg"] / (shape["neg"] + shape["var"]) if shape["neg"] + shape["var"] else 0.3
    return {"neg": rest * neg_share, "var": rest * (1 - neg_share), "pos": pos, "klart": klart}


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["survey", "question", "group", "n", *PCT, *(f"soft_{c}" for c in PCT)]
    return pd.DataFrame(rows, columns=cols)


def targets_2022() -> pd.DataFrame:
    """The demo data's 2022 targets per survey, question and group: n, the exact published shares
    (neg, var, pos, klart as whole percent; None where unpublished) and soft_* (floats, 0 where
    unpublished), from :func:`distribution_2022`."""
    d = distribution_2022()
    rows = []
    for r in d.itertuples():
        exact = {c: (None if pd.isna(getattr(r, c)) else int(getattr(r, c))) for c in PCT}
        rows.append({"survey": r.survey, "question": int(r.question), "group": r.group, "n": int(r.n),
                     **exact, **{f"soft_{c}": float(v or 0) for c, v in exact.items()}})
    return _frame(rows)


def _invented(version: int, survey: str, question: int, groups: list[str], n_like: dict) -> list[dict]:
    """Targets for a question nothing is published about (older versions' changed questions)."""
    q = ins.version_questions(version, survey).set_index("question").loc[question]
    if q.scale == "III":
        shape = {"neg": 5.0, "var": 0.0, "pos": 95.0, "klart": 0.0}
    elif q.indicator == 15:
        shape = {"neg": 22.0, "var": 42.0, "pos": 36.0, "klart": 15.0}
    else:
        shape = {"neg": 14.0, "var": 30.0, "pos": 56.0, "klart": 24.0}
    return [{"survey": survey, "question": question, "group": g, "n": max(0, n_like[g] - 8),
             **{c: None for c in PCT}, **{f"soft_{c}": v for c, v in shape.items()}} for g in groups]


def targets_from_keyfigures(year: int) -> pd.DataFrame:
    """2020 and 2021: n and key figure exact (Tabell N.2), other shares soft."""
    k = keyfigures_by_year()
    k = k[k.year == year]
    version = ins.default_version(year)
    qs = ins.version_questions(version)
    rows = []
    for r in k.itertuples():
        q = qs[(qs.survey == r.survey) & (qs.question == r.question_number_that_year)].iloc[0]
        shape = _shape(r.survey, int(r.question), r.group, q.scale)
        soft = soft_from_key(shape, q.key, float(r.nyckeltal))
        exact = {c: None for c in PCT}
        exact["klart" if q.key == "klart" else "pos"] = int(r.nyckeltal)
        rows.append({"survey": r.survey, "question": int(r.question_number_that_year), "group": r.group,
                     "n": int(r.n), **exact, **{f"soft_{c}": v for c, v in soft.items()}})
    have = {(r["survey"], r["question"]) for r in rows}
    for q in qs.itertuples():
        if (q.survey, q.question) in have:
            continue
        same = [r for r in rows if r["survey"] == q.survey]
        n_like = {}
        for r in same:
            n_like[r["group"]] = min(n_like.get(r["group"], 10**9), r["n"])
        rows.extend(_invented(version, q.survey, q.question, ins.groups_of(q.survey), n_like))
    return _frame(rows)


def targets_extrapolated(year: int, base: pd.DataFrame, base_year: int, rng) -> pd.DataFrame:
    """Years before anything is published (2018, 2019): the base year's targets
    moved back along a gentle trend, sizes scaled to the year's questionnaires; all soft."""
    totals = totals_by_year().set_index("year")["insamlade_enkater"]
    scale = totals[year] / totals[base_year] * 0.97
    out = base.copy()
    steps = base_year - year
    slope = {}
    for i, r in out.iterrows():
        key = (r.survey, r.question)
        slope.setdefault(key, rng.uniform(0.3, 1.6))
        drift = -slope[key] * steps + rng.normal(scale=0.6)
        soft = {c: r[f"soft_{c}"] for c in PCT}
        qs = ins.version_questions(ins.default_version(year), r.survey).set_index("question")
        scale_name = qs.loc[r.question, "scale"]
        if scale_name == "III":
            pos = float(np.clip(soft["pos"] + drift * 0.4, 50, 99))
            new = {"neg": 100 - pos, "var": 0.0, "pos": pos, "klart": 0.0}
        else:
            klart = float(np.clip(soft["klart"] + drift, 3, 95))
            pos = float(np.clip(soft["pos"] + drift * 0.6, klart + 1, 99))
            rest = 100 - pos
            share = soft["neg"] / (soft["neg"] + soft["var"]) if soft["neg"] + soft["var"] else 0.3
            new = {"neg": rest * share, "var": rest * (1 - share), "pos": pos, "klart": klart}
        for c in PCT:
            out.at[i, c] = None
            out.at[i, f"soft_{c}"] = new[c]
        out.at[i, "n"] = int(round(r.n * scale))
    return out

"""Synthetic respondents whose national figures hit given targets.

The engine behind the demo data and the test fixtures: from per-question
targets (n and shares per group, exact where published, soft elsewhere) it
solves whole-number answer counts, builds respondents who answered them
(kön/employer, internal missing answers, questions 9–10 only after Ja on 8),
and deals them out to förbund. National totals are exact by construction;
how respondents are dealt out only changes the förbund figures.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from finsam_lib.base.errors import FinsamError
from finsam_lib.figures.method import percent
from finsam_lib.instrument import definition as ins

CATEGORIES = ("neg", "var", "pos", "klart")


class Unsolvable(FinsamError, ValueError):
    """The published figures the demo data are made from admit no set of answers (a seed table
    error; message in Swedish)."""


# --- Counts per question ----------------------------------------------------------------------

def counts_for(pct: int, n: int) -> np.ndarray:
    """Every count whose share of n rounds half up to pct."""
    lo, hi = max(0, (pct - 1) * n // 100 - 1), min(n, (pct + 1) * n // 100 + 1)
    c = np.arange(lo, hi + 1)
    return c[percent(c, np.full_like(c, n)) == pct]


def _choices(n: int, exact, soft: float, width: float) -> np.ndarray:
    if exact is not None and not pd.isna(exact):
        return counts_for(int(exact), n)
    centre = soft * n / 100
    spread = max(1.0, width * n / 100)
    lo, hi = int(max(0, np.floor(centre - spread))), int(min(n, np.ceil(centre + spread)))
    return np.arange(lo, hi + 1)


def candidates(n: int, target: dict, yes_no: bool, limit: int = 4000) -> np.ndarray:
    """Feasible (neg, var, pos, klart) rows for one group, nearest the soft targets first."""
    if n == 0:
        return np.zeros((1, 4), dtype="int64")
    soft = {c: target.get(f"soft_{c}", target.get(c)) for c in CATEGORIES}
    exact = {c: target.get(c) for c in CATEGORIES}
    if yes_no:
        pos = _choices(n, exact["pos"], soft["pos"], 1.5)
        rows = np.stack([n - pos, np.zeros_like(pos), pos, np.zeros_like(pos)], axis=1)
        ok = np.isin(rows[:, 0], _choices(n, exact["neg"], 100 - soft["pos"], 100)) if exact["neg"] is not None \
            and not pd.isna(exact["neg"]) else np.ones(len(rows), bool)
        rows = rows[ok]
    else:
        a = _choices(n, exact["neg"], soft["neg"], 1.5)
        b = _choices(n, exact["var"], soft["var"], 1.5)
        k = _choices(n, exact["klart"], soft["klart"], 1.5)
        p_ok = _choices(n, exact["pos"], soft["pos"], 3)
        A, B, K = np.meshgrid(a, b, k, indexing="ij")
        A, B, K = A.ravel(), B.ravel(), K.ravel()
        P = n - A - B
        keep = (P >= 0) & (K <= P) & np.isin(P, p_ok)
        rows = np.stack([A[keep], B[keep], P[keep], K[keep]], axis=1)
    if not len(rows):
        raise Unsolvable(f"Demodata: inga antal ger {target} för n = {n}.")
    want = np.array([soft[c] * n / 100 if soft[c] is not None else 0 for c in CATEGORIES])
    cost = np.abs(rows - want).sum(axis=1)
    return rows[np.argsort(cost, kind="stable")][:limit]


def solve_question(targets: dict[str, dict], sizes: dict[str, int], yes_no: bool, rng,
                   residual_min_pos: int = 0, min_pos: dict | None = None, tries: int = 20000) -> dict:
    """Category counts (neg, var, pos, klart) per group, splits and residual.

    ``targets``: group -> {n, neg, var, pos, klart (exact or None), soft_*}.
    The first key is samtliga; the others are splits; the residual (samtliga
    minus the splits: kön 3/4, Annan, blank) must come out non-negative.
    """
    min_pos = min_pos or {}
    groups = list(targets)
    total = groups[0]
    cand = {g: candidates(sizes[g], targets[g], yes_no) for g in groups}
    for g in groups:
        if g in min_pos:
            cand[g] = cand[g][cand[g][:, 2] >= min_pos[g]]
            if not len(cand[g]):
                raise Unsolvable(f"Demodata: {g}: för få positiva svar möjliga.")
    splits = groups[1:]
    S = cand[total]
    if not splits:
        return {total: S[0]}

    def derived(rows):
        return np.column_stack([rows, rows[:, 2] - rows[:, 3]])

    S5 = derived(S)
    for attempt in range(tries):
        if attempt == 0:
            pick = {g: cand[g][0] for g in splits}
        else:
            pick = {g: cand[g][min(len(cand[g]) - 1, int(rng.exponential(len(cand[g]) / 4)))]
                    for g in splits}
        need = derived(np.array(list(pick.values()))).sum(axis=0)
        need = need + np.array([0, 0, residual_min_pos, 0, 0])
        ok = np.all(S5 >= need, axis=1)
        if ok.any():
            best = S[np.argmax(ok)]
            out = dict(pick)
            out[total] = best
            out["_rest"] = best - np.array(list(pick.values())).sum(axis=0)
            return out
    raise Unsolvable(f"Demodata: ingen fördelning stämmer med {targets}.")


def code_counts(cat: np.ndarray, yes_no: bool, rng) -> np.ndarray:
    """Category counts -> counts per code 1..6 (codes within a category split plausibly)."""
    a, b, p, k = (int(x) for x in cat)
    if yes_no:
        return np.array([p, a, 0, 0, 0, 0])
    c1 = int(round(a * rng.uniform(0.3, 0.5)))
    c6 = int(round(k * rng.uniform(0.4, 0.6)))
    return np.array([c1, a - c1, b, p - k, k - c6, c6])


# --- Respondents ------------------------------------------------------------------------------

@dataclass
class SurveyPlan:
    """What one survey's national respondents must add up to in a year."""
    survey: str
    version: int
    responses: dict[str, int]  # respondents per background group ("" for no background)
    targets: pd.DataFrame  # question, group, n, neg, var, pos, klart, soft_*


def _group_background(survey: str) -> dict[str, list]:
    """Respondent groups and the background codes dealt to each."""
    col = ins.BACKGROUND.get(survey)
    if col == "Kön":
        return {"kvinnor": [1], "män": [2], "_rest": [3, 4, 4]}
    if col == "Arbetsgivare":
        return {**{g: [c] for g, c in ins.EMPLOYER_GROUPS.items()}, "_rest": [5, None]}
    return {"samtliga": [None]}


def _answerers(size: int, n: int, offset: int) -> np.ndarray:
    """Positions (0..size-1) answering: all but a cyclic block of size-n starting at offset."""
    missing = (offset + np.arange(size - n)) % size if size else np.array([], int)
    keep = np.ones(size, bool)
    keep[missing] = False
    return np.flatnonzero(keep)


def build_group(survey: str, version: int, size: int, per_question: dict[int, np.ndarray],
                yes_no: dict[int, bool], rng) -> tuple[np.ndarray, np.ndarray]:
    """Respondents of one background group: latent scores and an array of (position, question, code).

    ``per_question``: question -> counts per code 1..6 (sum = n of the question).
    """
    z = rng.normal(size=size)
    answers = []
    offset = int(rng.integers(size)) if size else 0
    ja = None
    qs = sorted(per_question)
    for q in qs:
        counts = per_question[q]
        n = int(counts.sum())
        if n > size:
            raise Unsolvable(f"Demodata: {survey} F{q}: n = {n} är fler än {size} svarande.")
        if n == 0:
            continue
        if survey == "Deltagare avslut" and q in (9, 10) and ja is not None:
            pool = ja
            if n > len(pool):
                raise Unsolvable(f"Demodata: {survey} F{q}: n = {n} är fler än {len(pool)} Ja på F8.")
            who = pool[_answerers(len(pool), n, int(rng.integers(len(pool))))]
        else:
            who = _answerers(size, n, offset)
            offset = (offset + size - n) % size
        order = who[np.argsort(z[who] + rng.normal(scale=0.9, size=len(who)))]
        ranked = [2, 1] if yes_no[q] else [1, 2, 3, 4, 5, 6]  # least positive first
        codes = np.repeat(ranked, [counts[c - 1] for c in ranked])
        answers.extend(zip(order, [q] * n, codes))
        if survey == "Deltagare avslut" and q == 8:
            ja = np.array(sorted(order[codes == 1]))
    _cover(size, answers, rng)
    return z, np.array(answers, dtype="int64").reshape(-1, 3)


def _cover(size: int, answers: list, rng) -> None:
    """Make every respondent answer at least one question, moving answers from
    respondents with several (questions 8-10 of Deltagare avslut stay put)."""
    by_resp = {}
    for i, (r, q, c) in enumerate(answers):
        by_resp.setdefault(int(r), []).append(i)
    empty = [r for r in range(size) if r not in by_resp]
    if not empty:
        return
    taken = {(int(r), int(q)) for r, q, _ in answers}
    donors = [i for i, (r, q, c) in enumerate(answers) if q not in (8, 9, 10) and len(by_resp[int(r)]) > 1]
    rng.shuffle(donors)
    for r in empty:
        while donors:
            i = donors.pop()
            old, q, c = answers[i]
            if len(by_resp[int(old)]) > 1 and (r, int(q)) not in taken:
                by_resp[int(old)].remove(i)
                answers[i] = (r, q, c)
                by_resp[r] = [i]
                taken.discard((int(old), int(q)))
                taken.add((r, int(q)))
                break
        else:
            raise Unsolvable("Demodata: alla svarande kan inte få ett svar.")


def build_survey(plan: SurveyPlan, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """National respondents (respondent, survey, background, z) and answers of one survey."""
    qs = ins.version_questions(plan.version, plan.survey)
    yes_no = dict(zip(qs.question, qs.scale == "III"))
    groups = ins.groups_of(plan.survey)
    t = plan.targets
    split_names = groups[1:]
    per_group = {g: {} for g in (split_names + ["_rest"] if split_names else ["samtliga"])}
    for q in qs.question:
        rows = t[t.question == q].set_index("group")
        targets = {g: rows.loc[g].to_dict() for g in groups if g in rows.index}
        sizes = {g: int(rows.loc[g, "n"]) for g in targets}
        min_pos, rest_min = {}, 0
        if plan.survey == "Deltagare avslut" and q == 8:
            later = t[t.question.isin([9, 10])].pivot(index="question", columns="group", values="n")
            min_pos = {g: int(later[g].max()) for g in targets}
            if split_names:
                rest_min = int((later["samtliga"] - later[split_names].sum(axis=1)).max())
        solved = solve_question(targets, sizes, bool(yes_no[q]), rng, residual_min_pos=rest_min,
                                min_pos=min_pos)
        for g in per_group:
            cat = solved.get(g, np.zeros(4, dtype="int64"))
            per_group[g][q] = code_counts(cat, bool(yes_no[q]), rng)
    background = _group_background(plan.survey)
    respondents, answers = [], []
    offset = 0
    for g, per_question in per_group.items():
        size = plan.responses.get(g, 0)
        z, ans = build_group(plan.survey, plan.version, size, per_question, yes_no, rng)
        codes = background[g]
        bg = [codes[0] if len(codes) == 1 else codes[i % len(codes)] for i in range(size)]
        if g == "_rest" and plan.survey == "Remittenter" and size:
            bg = [5] + [None] * (size - 1)  # one Annan, the rest not stated
        respondents.append(pd.DataFrame({"local": np.arange(size) + offset, "background": bg, "z": z}))
        if len(ans):
            ans[:, 0] += offset
            answers.append(ans)
        offset += size
    resp = pd.concat(respondents, ignore_index=True)
    resp["survey"] = plan.survey
    resp["background"] = resp["background"].astype("Int64")
    ans = pd.DataFrame(np.vstack(answers), columns=["local", "question", "code"])
    return resp, ans


def build_year(plans: list[SurveyPlan], rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All surveys of a year: respondents (respondent, survey, background, z) and answers."""
    resp_parts, ans_parts = [], []
    offset = 0
    for plan in plans:
        resp, ans = build_survey(plan, rng)
        resp["respondent"] = resp.pop("local") + offset
        ans["respondent"] = ans.pop("local") + offset
        offset += len(resp)
        resp_parts.append(resp)
        ans_parts.append(ans)
    respondents = pd.concat(resp_parts, ignore_index=True)
    answers = pd.concat(ans_parts, ignore_index=True)[["respondent", "question", "code"]]
    return respondents, answers


# --- Dealing out to förbund -------------------------------------------------------------------

def deal(respondents: pd.DataFrame, counts: pd.DataFrame, effects: dict[str, float], rng) -> pd.Series:
    """A förbund for every respondent: exact counts per förbund and survey; förbund
    with a higher effect get the more positive respondents.

    counts: index förbund, columns surveys (NaN/0 = not used).
    """
    out = pd.Series(index=respondents.index, dtype=object)
    for survey, sub in respondents.groupby("survey"):
        col = counts[survey].fillna(0).astype(int) if survey in counts else None
        if col is None or col.sum() != len(sub):
            raise Unsolvable(f"Demodata: {survey}: förbundens antal blir {0 if col is None else col.sum()}, "
                             f"inte {len(sub)}.")
        slots = np.repeat(col.index.to_numpy(), col.to_numpy())
        score = np.array([effects.get(f, 0.0) for f in slots]) + rng.normal(size=len(slots))
        slot_order = slots[np.argsort(score, kind="stable")]
        resp_order = sub.index[np.argsort(sub.z.to_numpy() + rng.normal(scale=0.5, size=len(sub)),
                                          kind="stable")]
        out.loc[resp_order] = slot_order
    return out


def split_total(total: int, weights, rng=None, minimum: int = 0) -> np.ndarray:
    """Whole numbers adding to total, proportional to weights (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    base = np.full(len(w), minimum, dtype="int64")
    rest = total - base.sum()
    if rest < 0:
        raise Unsolvable("Demodata: summan är under det minsta möjliga.")
    share = w / w.sum() * rest if w.sum() else np.full(len(w), rest / len(w))
    whole = np.floor(share).astype("int64")
    order = np.argsort(-(share - whole), kind="stable")
    whole[order[: rest - whole.sum()]] += 1
    return base + whole


def population(units: pd.DataFrame, tillfragade: int | None, malpopulation: int | None,
               rng, has_mal: bool = True) -> pd.DataFrame:
    """Tillfrågade and målpopulation per unit (förbund × insats) adding to national totals.

    units: antal_svar per row. Totals None -> plausible rates.
    """
    svar = units["antal_svar"].to_numpy()
    weights = svar * rng.uniform(0.5, 1.5, size=len(svar)) + 0.5
    if tillfragade is None:
        tillfragade = int(round(svar.sum() / rng.uniform(0.72, 0.84)))
    t = svar + split_total(tillfragade - int(svar.sum()), weights)
    out = units.copy()
    out["tillfragade"] = t
    if has_mal:
        if malpopulation is None:
            malpopulation = int(round(tillfragade / rng.uniform(0.65, 0.9)))
        out["malpopulation"] = t + split_total(malpopulation - tillfragade, t * rng.uniform(0.5, 1.5, len(t)) + 0.5)
    else:
        out["malpopulation"] = pd.NA
    bortfall = out["tillfragade"] - out["antal_svar"]
    out["tackat_nej"] = (bortfall * rng.uniform(0.2, 0.6, len(out))).round().astype("int64")
    return out

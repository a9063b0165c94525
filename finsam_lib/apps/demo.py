"""Demo and training data: registration workbooks for 2018–2022 whose national
figures are the published ones (exact where published), with förbund that
differ from each other, named insatser and small förbund.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from finsam_lib.apps import synth
from finsam_lib.figures import published as pub
from finsam_lib.instrument import definition as ins
from finsam_lib.registration.history import FILE_NAME as HISTORY_FILE
from finsam_lib.registration.history import Change, write_history
from finsam_lib.registration.names import safe_filename
from finsam_lib.registration.workbook import write_registration

YEARS = (2018, 2019, 2020, 2021, 2022)
# Förbund in earlier years that are not in the 2022 report (made-up, for the demo).
OTHER_FORBUND = [
    "Mellersta Skaraborg", "Östra Skaraborg", "Nedre Dalälven", "Trelleborg", "Lundabygden",
    "Nordvästra Skåne", "Kramfors Sollefteå", "Skellefteå Norsjö", "Umeåregionen", "Luleå Boden",
    "Kalmar norra", "Nacka Värmdö", "Järfälla Upplands-Bro", "Haninge Nynäshamn", "Västra Sörmland",
    "Mittlinjen", "Ale Kungälv",
]
INSATS_NAMES = [
    "Steget vidare", "Kompassen", "Vägen ut", "Navigatorcentrum", "Unga in", "Arbetsträning Plus",
    "Lotsen", "Framsteg", "Balans", "Hälsosteget", "Jobbspåret", "Mötesplatsen", "Trappan",
    "Individuellt stöd (IPS)", "Språkstegen", "Brobyggaren", "Resursteamet", "Nystart",
]
INSATS_SURVEYS = ("Deltagare pågående", "Deltagare avslut", "Personal", "Remittenter")
# One merger and one rename, written as forbund-historik.csv. They are made by relabelling:
# generated förbund are written under another name before a year (generated förbund ->
# (name in its files, first year under the generated name)). The answers are the same, so
# every national figure, the number of förbund each year and the 2022 report's "new this
# year" marks are exactly as without them: BÅD-ESÅ, new in 2022 as published, continues two
# förbund that took part until 2021 (made-up ones, renamed for the part), and Västerås was
# Västerås stad until 2020.
MERGED = "Bengtsfors, Åmål, Dals-Ed Säffle, Årjäng (BÅD-ESÅ)"
DEMO_HISTORY = [
    Change("Bengtsfors Åmål Dals-Ed", MERGED, 2022, "sammanslagning"),
    Change("Säffle Årjäng", MERGED, 2022, "sammanslagning"),
    Change("Västerås stad", "Västerås", 2021, "namnbyte"),
]
DEMO_OLD_NAMES = {"Mellersta Skaraborg": ("Bengtsfors Åmål Dals-Ed", 2022), "Östra Skaraborg": ("Säffle Årjäng", 2022),
                  "Västerås": ("Västerås stad", 2021)}
DEMO_NOTE = "Demodata: fiktiva svar, framtagna så att de nationella siffrorna motsvarar de publicerade."


def _seed(*parts) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def forbund_by_year(rng) -> dict[int, list[str]]:
    """Which förbund take part each year: most recur, some join and leave."""
    counts = pub.forbund_counts_2022()
    y2022 = list(counts.samordningsforbund)
    old = list(counts.loc[counts.nytt_2022 == 0, "samordningsforbund"])
    pool = list(OTHER_FORBUND)
    years = {2022: y2022, 2021: old + pool[:9]}
    spare = pool[9:]
    size = pub.totals_by_year().set_index("year")["deltagande_forbund"]
    for year in (2020, 2019, 2018):
        prev = list(years[year + 1])
        drop = rng.choice(len(prev), size=3, replace=False)
        kept = [f for i, f in enumerate(prev) if i not in set(drop)]
        add = [f for f in spare + [prev[i] for i in drop] if f not in kept]
        rng.shuffle(add)
        years[year] = kept + add[: int(size[year]) - len(kept)]
    return years


def effects(names) -> dict[str, float]:
    """Each förbund's lasting tilt: some clearly above the national level, some below."""
    return {f: float(np.random.default_rng(_seed("effect", f)).normal(scale=0.55)) for f in names}


def plans_for(year: int, targets: pd.DataFrame, survey_totals: dict[str, int],
              gender: dict[str, dict] | None = None) -> list[synth.SurveyPlan]:
    """Respondents per survey and background group for a year's targets."""
    version = ins.default_version(year)
    plans = []
    for survey in ins.surveys_of(version):
        t = targets[targets.survey == survey]
        if t.empty or survey not in survey_totals:
            continue
        total = survey_totals[survey]
        groups = ins.groups_of(survey)
        if len(groups) == 1:
            responses = {"samtliga": total}
        elif gender and survey in gender:
            responses = gender[survey]
        else:
            n_max = t.groupby("group").n.max()
            pivot = t.pivot(index="question", columns="group", values="n")
            rest_need = int((pivot["samtliga"] - pivot[groups[1:]].sum(axis=1)).max())
            extra = total - int(n_max["samtliga"])
            responses = {g: int(n_max[g]) + int(extra * n_max[g] / n_max["samtliga"] * 0.7)
                         for g in groups[1:]}
            if total - sum(responses.values()) < rest_need:
                responses = {g: int(n_max[g]) for g in groups[1:]}
            responses["_rest"] = total - sum(responses.values())
        plans.append(synth.SurveyPlan(survey, version, responses, t))
    return plans


def survey_totals_for(year: int, targets: pd.DataFrame, rng) -> dict[str, int]:
    """Responses per survey: the published ones for 2022, else the largest n plus a
    share of the year's remaining questionnaires."""
    if year == 2022:
        r = pub.response_rates_2022()
        return {s: int(v) for s, v in zip(r.survey, r.antal_svar) if s != "Totalt"}
    total = int(pub.totals_by_year().set_index("year").loc[year, "insamlade_enkater"])
    need = pd.Series({s: fewest_responses(targets[targets.survey == s]) for s in targets.survey.unique()})
    # The published 2020 tables need 3 more questionnaires than Tabell 21's total (a group's
    # respondents cannot be fewer than its largest n): the key figures win.
    total = max(total, int(need.sum()))
    extra = synth.split_total(total - int(need.sum()), need.to_numpy() * rng.uniform(0.5, 1.5, len(need)))
    return {s: int(v + e) for s, v, e in zip(need.index, need.to_numpy(), extra)}


def fewest_responses(targets: pd.DataFrame) -> int:
    """The fewest respondents that can give a survey's n per question and group."""
    pivot = targets.pivot(index="question", columns="group", values="n")
    splits = [g for g in pivot.columns if g != "samtliga"]
    if not splits:
        return int(pivot["samtliga"].max())
    rest = (pivot["samtliga"] - pivot[splits].sum(axis=1)).max()
    return int(max(pivot["samtliga"].max(), pivot[splits].max().sum() + rest))


def gender_2022() -> dict[str, dict]:
    g = pub.gender_counts_2022().set_index(["survey", "group"])["antal"]
    return {s: {"kvinnor": int(g[(s, "kvinna")]), "män": int(g[(s, "man")]),
                "_rest": int(g[(s, "ej uppgett kön")])} for s in ("Deltagare pågående", "Deltagare avslut")}


def forbund_counts_for(year: int, names: list[str], survey_totals: dict[str, int], rng) -> pd.DataFrame:
    """Responses per förbund and survey: published for 2022, else dealt by size."""
    if year == 2022:
        c = pub.forbund_counts_2022().set_index("samordningsforbund")
        return c[[s for s in c.columns if s in survey_totals]]
    usage_2022 = pub.forbund_counts_2022().set_index("samordningsforbund")
    table = pd.DataFrame(index=names, columns=list(survey_totals), dtype=float)
    size = {f: np.random.default_rng(_seed("size", f)).lognormal(0, 0.7) for f in names}
    for survey, total in survey_totals.items():
        users = []
        for f in names:
            if f in usage_2022.index and survey in usage_2022.columns:
                used = not pd.isna(usage_2022.loc[f, survey])
                used = used if rng.uniform() > 0.1 else not used
            else:
                chance = 0.95 if survey.startswith("Deltagare") else 0.35 if survey == "Remittenter" else 0.7
                used = rng.uniform() < chance
            if used:
                users.append(f)
        if survey == "Deltagare pågående":
            users = sorted(set(users) | set(names), key=names.index)  # every förbund asks deltagare
        weights = [size[f] * (3 if survey.startswith("Deltagare") else 1) for f in users]
        table.loc[users, survey] = synth.split_total(total, weights, minimum=1 if total >= len(users) else 0)
    return table


def insatser_for(forbund: str) -> list[str]:
    r = np.random.default_rng(_seed("insatser", forbund))
    k = int(r.integers(1, 8))
    return list(r.choice(INSATS_NAMES, size=k, replace=False))


def year_frames(year: int, targets: pd.DataFrame, names: list[str], rng):
    """Respondents (with förbund and insats), answers and population rows of a year."""
    totals = survey_totals_for(year, targets, rng)
    plans = plans_for(year, targets, totals, gender_2022() if year == 2022 else None)
    respondents, answers = synth.build_year(plans, rng)
    counts = forbund_counts_for(year, names, totals, rng)
    respondents["forbund"] = synth.deal(respondents, counts, effects(counts.index), rng)
    respondents["insats"] = ""
    for (forbund, survey), idx in respondents.groupby(["forbund", "survey"]).groups.items():
        if survey in INSATS_SURVEYS:
            names_ = insatser_for(forbund)
            w = np.random.default_rng(_seed("w", forbund)).uniform(0.3, 1.0, len(names_))
            respondents.loc[idx, "insats"] = rng.choice(names_, size=len(idx), p=w / w.sum())
    units = (respondents.groupby(["forbund", "survey", "insats"]).size().rename("antal_svar").reset_index())
    rates = pub.response_rates_2022().set_index("survey") if year == 2022 else None
    pops = []
    for survey, u in units.groupby("survey"):
        t = m = None
        if rates is not None:
            t = int(rates.loc[survey, "undersokt_population"])
            m = None if pd.isna(rates.loc[survey, "malpopulation"]) else int(rates.loc[survey, "malpopulation"])
        pops.append(synth.population(u.reset_index(drop=True), t, m, rng, has_mal=survey != "Remittenter"))
    population = pd.concat(pops, ignore_index=True)
    return respondents, answers, population


def year_targets(rng) -> dict[int, pd.DataFrame]:
    t = {2022: pub.targets_2022(), 2021: pub.targets_from_keyfigures(2021),
         2020: pub.targets_from_keyfigures(2020)}
    t[2019] = pub.targets_extrapolated(2019, t[2020], 2020, rng)
    t[2018] = pub.targets_extrapolated(2018, t[2020], 2020, rng)
    return t


def demo_name(forbund: str, year: int) -> str:
    """The name a generated förbund has in the demo files of ``year`` (DEMO_OLD_NAMES)."""
    old, since = DEMO_OLD_NAMES.get(forbund, (forbund, 0))
    return old if year < since else forbund


def write_demo(out: Path | str, seed: int = 0, years=YEARS, progress=None) -> list[Path]:
    """Write the demo registration workbooks, out/<year>/<förbund>.xlsx, and the förbund
    history (out/forbund-historik.csv: DEMO_HISTORY)."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    forbund = forbund_by_year(rng)
    targets = year_targets(rng)
    paths = []
    for year in years:
        yrng = np.random.default_rng([seed, year])
        respondents, answers, population = year_frames(year, targets[year], forbund[year], yrng)
        groups = list(population.groupby("forbund"))
        for name, pop in (progress(groups, year) if progress else groups):
            resp = respondents[respondents.forbund == name]
            ans = answers[answers.respondent.isin(resp.respondent)]
            label = demo_name(name, year)
            path = out / str(year) / f"{safe_filename(label)}.xlsx"
            write_registration(path, label, year, resp, ans, pop, extra_info=[("Kommentar", DEMO_NOTE)])
            paths.append(path)
    write_history(out / HISTORY_FILE, DEMO_HISTORY)
    return paths


def write_fixture(out: Path | str, years=(2020, 2021, 2022), seed: int = 0) -> Path:
    """Registration files whose national figures equal the published 2022 tables
    and the 2020–2021 key figures (for tests)."""
    write_demo(out, seed=seed, years=years)
    return Path(out)

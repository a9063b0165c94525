"""Every figure of the method (spec: method.md), from tidy answers.

Pure functions over frames; nothing here knows how figures are shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from finsam_lib.instrument import definition as ins

CODES = [1, 2, 3, 4, 5, 6]
CODE_COLUMNS = [f"code_{c}" for c in CODES]
PCT_COLUMNS = ["negativt_pct", "varken_pct", "positivt_pct", "klart_positivt_pct", "nyckeltal_pct"]
FIGURE_COLUMNS = ["year", "forbund", "survey", "question", "indicator", "group", "n", *CODE_COLUMNS,
                  *PCT_COLUMNS, "suppressed"]
RESPONSE_COLUMNS = ["year", "forbund", "survey", "forbund_count", "malpopulation", "tillfragade",
                    "antal_svar", "bortfall", "tillfragade_av_mal_pct", "svar_av_tillfragade_pct",
                    "svar_av_mal_pct", "kvinnor", "man", "ej_uppgett_kon", "empty_rows"]
TREND_COLUMNS = ["year", "compared_with", "indicator", "group", "measures", "sum_change_pp",
                 "threshold_pp", "classification"]
TOTAL = "Totalt"
MIN_N = 5


def percent(count, n):
    """count / n * 100 rounded half up to a whole number (as a spreadsheet's ROUND).

    Works on scalars and arrays; exact in integers. n == 0 gives NaN.
    """
    count = np.asarray(count, dtype="int64")
    n = np.asarray(n, dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(n > 0, (200 * count + n) // np.where(n > 0, 2 * n, 1), -1).astype("float64")
    out[np.asarray(n <= 0)] = np.nan
    return out if out.ndim else float(out)


def with_instrument(tidy: pd.DataFrame) -> pd.DataFrame:
    """``tidy`` (one row per answer: version, survey, question …) plus the question's indicator,
    scale (I, II, III), series and key (klart, positiv, ja) from the instrument
    (instrument_questions.csv); NaN for a question the instrument does not know."""
    q = ins.questions()[["version", "survey", "question", "indicator", "scale", "series", "key"]]
    return tidy.merge(q, on=["version", "survey", "question"], how="left")


def _group_rows(tidy: pd.DataFrame, split: bool = True) -> pd.DataFrame:
    """Each answer once for samtliga and (``split``) once more for its kön/employer group."""
    parts = [tidy.assign(group="samtliga")]
    if not split:
        return parts[0]
    for survey in tidy.survey.unique():
        codes = ins.group_codes(survey)
        if not codes:
            continue
        sub = tidy[tidy.survey == survey]
        for group, code in codes.items():
            parts.append(sub[sub.background == code].assign(group=group))
    return pd.concat(parts, ignore_index=True)


def _year_question(year: int, series: str, question: int) -> int:
    """The number a series' question has in the year's own version (else its own)."""
    return _SERIES_NUMBER.get((ins.default_version(year), series), question)


_SERIES_NUMBER = {(v, s): q for v, s, q in ins.questions()[["version", "series", "question"]].itertuples(index=False)}


def distribution(tidy: pd.DataFrame, level: str = "national", min_n: int = MIN_N,
                 split: bool = True) -> pd.DataFrame:
    """Figures per year, (förbund,) survey, question and group.

    ``level`` is ``"national"`` (forbund = "") or ``"forbund"`` (one set per förbund).
    ``split=False``: the samtliga rows only (the same rows and figures as with the groups, without
    the kön/employer rows; what the figures per insats need).
    Returns FIGURE_COLUMNS plus series, key, scale and version; percentages are
    floats holding whole numbers (NaN where not applicable or suppressed).
    """
    t = with_instrument(tidy)
    if level == "national":
        t = t.assign(forbund="")
    keys = ["year", "forbund", "survey", "series"]
    g = _group_rows(t, split)
    counts = (g.groupby(keys + ["group", "code"]).size().unstack("code", fill_value=0)
              .reindex(columns=CODES, fill_value=0))
    # Every question of every survey that had responses, in every group (n may be 0).
    used = t[["year", "forbund", "survey", "version"]].drop_duplicates()
    q = ins.questions()[["version", "survey", "series", "question", "indicator", "scale", "key"]]
    present = used.merge(q, on=["version", "survey"]).drop_duplicates(keys)
    present = present[keys + ["version", "question", "indicator", "scale", "key"]]
    rows = []
    for r in present.itertuples(index=False):
        for group in ins.groups_of(r.survey) if split else ("samtliga",):
            rows.append((*r, group))
    frame = pd.DataFrame(rows, columns=list(present.columns) + ["group"])
    frame = frame.join(counts, on=keys + ["group"]).fillna({c: 0 for c in CODES})
    frame[CODES] = frame[CODES].astype("int64")
    frame = frame.rename(columns=dict(zip(CODES, CODE_COLUMNS)))
    frame["n"] = frame[CODE_COLUMNS].sum(axis=1)
    frame["question"] = [_year_question(y, s, q) for y, s, q in zip(frame.year, frame.series, frame.question)]
    return _shares(frame, min_n)


def _shares(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    c = {k: frame[f"code_{k}"].to_numpy() for k in CODES}
    n = frame["n"].to_numpy()
    yes_no = (frame["scale"] == "III").to_numpy()
    neg = np.where(yes_no, c[2], c[1] + c[2])
    pos = np.where(yes_no, c[1], c[4] + c[5] + c[6])
    klart = c[5] + c[6]
    frame["negativt_pct"] = percent(neg, n)
    frame["varken_pct"] = np.where(yes_no, np.nan, percent(c[3], n))
    frame["positivt_pct"] = percent(pos, n)
    frame["klart_positivt_pct"] = np.where(yes_no, np.nan, percent(klart, n))
    key = frame["key"].to_numpy()
    frame["nyckeltal_pct"] = np.where(key == "klart", frame["klart_positivt_pct"], frame["positivt_pct"])
    return suppress(frame, min_n)


def suppress(frame: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """Blank every figure resting on fewer than min_n answers, and a whole
    kön/employer split when any of its groups does (method.md, "Small numbers").

    ``frame``: :func:`distribution` rows. Returns a copy with ``suppressed`` (bool) set and the
    counts (NA) and percentages (NaN) of suppressed rows blanked; n is kept."""
    frame = frame.copy()
    small = frame["n"] < min_n
    split = frame["group"] != "samtliga"
    if split.any():  # else no split to hide (the samtliga rows alone: figures per insats)
        keys = ["year", "forbund", "survey", "series"]
        split_small = (small & split).groupby([frame[k] for k in keys]).transform("any")
        frame["suppressed"] = small | (split & split_small)
    else:
        frame["suppressed"] = small
    blank = frame["suppressed"].to_numpy(dtype=bool)
    for col in [*CODE_COLUMNS, *PCT_COLUMNS]:
        if frame[col].dtype in (np.int64, np.float64):  # as .loc[blank, col] = NA/NaN makes them: float
            frame[col] = np.where(blank, np.nan, frame[col].to_numpy(dtype="float64"))
        else:
            frame.loc[blank, col] = pd.NA if col in CODE_COLUMNS else np.nan
    return frame


def figures_table(frame: pd.DataFrame, extra: list[str] = ()) -> pd.DataFrame:
    """The figures.csv view: FIGURE_COLUMNS (then ``extra`` whole-number columns), counts and
    whole percentages as nullable integers (Int64, NA = suppressed or not applicable), sorted by
    year, förbund, indicator, survey (report order), question and group."""
    order = {s: i for i, s in enumerate(ins.SURVEYS)}
    groups = {g: i for i, g in enumerate(["samtliga", *ins.GENDER_GROUPS, *ins.EMPLOYER_GROUPS])}
    out = frame.assign(_s=frame.survey.map(order), _g=frame.group.map(groups))
    out = out.sort_values(["year", "forbund", "indicator", "_s", "question", "_g"])
    out = out[[*FIGURE_COLUMNS, *extra]].reset_index(drop=True)
    for col in CODE_COLUMNS:
        out[col] = out[col].astype("Int64")
    for col in [*PCT_COLUMNS, *extra]:
        out[col] = out[col].astype("Int64")
    return out


# --- Responses and bortfall (Tabell 1-4, Bilaga 1) -------------------------------------------

# What a population row and a response are matched on (population_units).
UNIT_KEYS = ["year", "forbund", "survey", "insats"]


def population_units(respondents: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Population rows with the responses each covers (``antal_svar``), plus one row
    (population figures blank) per förbund, survey and insats whose responses no row covers.

    A row with an insats covers that insats's responses; a row without one covers
    the förbund's other responses in the survey.
    """
    counted: dict[tuple, int] = {}
    for key in zip(*(respondents[k].tolist() for k in UNIT_KEYS)):
        if key[3] == key[3]:  # as a groupby counts: not a missing insats (NaN)
            counted[key] = counted.get(key, 0) + 1
    out = population.copy()
    svar, uncovered = {}, []
    units: dict[tuple, set] = {}
    for year, forbund, survey, insats in zip(*(population[k].tolist() for k in UNIT_KEYS)):
        units.setdefault((year, forbund, survey), set()).add(insats)
    for (year, forbund, survey, insats), n in sorted(counted.items()):
        names = units.get((year, forbund, survey), set())
        unit = insats if insats in names else "" if "" in names else None
        if unit is None:
            uncovered.append({"year": year, "forbund": forbund, "survey": survey, "insats": insats,
                              "antal_svar": int(n)})
        else:
            svar[(year, forbund, survey, unit)] = svar.get((year, forbund, survey, unit), 0) + int(n)
    out["antal_svar"] = [svar.get(k, 0) for k in zip(out.year, out.forbund, out.survey, out.insats)]
    if uncovered:
        out = pd.concat([out, pd.DataFrame(uncovered)], ignore_index=True)
    for col in ("malpopulation", "tillfragade"):
        if col in out:
            out[col] = out[col].astype("Int64")
    out["antal_svar"] = out["antal_svar"].astype("int64")
    return out


def _unit_arrays(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Population units' tillfrågade, målpopulation and antal svar as float arrays (NaN = unknown)."""
    return tuple(units[c].to_numpy(dtype="float64", na_value=np.nan)
                 for c in ("tillfragade", "malpopulation", "antal_svar"))


def _rates_of(t: np.ndarray, m: np.ndarray, a: np.ndarray) -> dict:
    """Tabell 2's rates over a set of population units' arrays (:func:`_unit_arrays`, or a subset
    of them; the sums in numpy: whole numbers, exact)."""
    has_t = ~np.isnan(t)
    has_m = ~np.isnan(m) & has_t
    mal = m[has_m].sum()
    return {
        "tillfragade_av_mal_pct": percent(t[has_m].sum(), mal) if has_m.any() else np.nan,
        "svar_av_tillfragade_pct": percent(a[has_t].sum(), t[has_t].sum()) if has_t.any() else np.nan,
        "svar_av_mal_pct": percent(a[has_m].sum(), mal) if has_m.any() else np.nan,
    }


def response_table(respondents: pd.DataFrame, population: pd.DataFrame, sheets: pd.DataFrame,
                   year: int, forbund: str | None = None, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tabell 2-4 for one year: one row per survey used (report order), plus a Totalt row.

    Returns RESPONSE_COLUMNS: counts (målpopulation, tillfrågade, antal svar, bortfall =
    tillfrågade − antal svar, kvinnor/män) and rates in whole percent, all Int64 (NA where
    unknown, e.g. Remittenter's målpopulation); ``forbund`` None for the whole country
    (method.md, "Responses and n"). ``units``: :func:`population_units` of the year's (and
    förbund's) respondents and population when already made (figures.year.YearFigures.units)."""
    whole = units is None  # population_units below needs every column
    resp = rows_of(respondents, year, forbund, None if whole else ["survey", "forbund", "background"])
    pop = rows_of(population, year, forbund, None if whole else ["survey"])
    sh = rows_of(sheets, year, forbund, ["survey", "empty_rows"])
    if whole:
        units = population_units(resp, pop)
    answers_of, forbund_of, background_of = _response_counts(resp)
    unit_survey = units.survey.to_numpy(dtype=object)
    unit_values = _unit_arrays(units)
    empty_of: dict[str, int] = {}
    for survey, empty in zip(sh.survey.tolist(), sh.empty_rows.tolist()):
        empty_of[survey] = empty_of.get(survey, 0) + int(empty)
    rows = []
    for survey in ins.in_report_order(set(answers_of) | set(pop.survey.tolist())):
        t, m, a = (v[unit_survey == survey] for v in unit_values)
        row = {"survey": survey, "forbund_count": len(forbund_of.get(survey, ())),
               "malpopulation": _known_sum(m.tolist()), "tillfragade": _known_sum(t.tolist()),
               "antal_svar": answers_of.get(survey, 0), **_rates_of(t, m, a)}
        if ins.BACKGROUND.get(survey) == "Kön":
            row.update(kvinnor=background_of.get((survey, 1), 0), man=background_of.get((survey, 2), 0),
                       ej_uppgett_kon=background_of.get((survey, 0), 0))
        row["empty_rows"] = empty_of.get(survey, 0)
        rows.append(row)
    if rows:
        rows.append({"survey": TOTAL, "forbund_count": len(set().union(*forbund_of.values())),
                     **{c: _known_sum(r.get(c, pd.NA) for r in rows)
                        for c in ("malpopulation", "tillfragade", "kvinnor", "man", "ej_uppgett_kon")},
                     "antal_svar": len(resp), **_rates_of(*unit_values), "empty_rows": sum(empty_of.values())})
    for row in rows:
        row["bortfall"] = row["tillfragade"] - row["antal_svar"]
    table = pd.DataFrame({"survey": pd.Series([r["survey"] for r in rows], dtype=None if rows else object)})
    table.insert(0, "forbund", forbund or "")
    table.insert(0, "year", year)
    for col in RESPONSE_COLUMNS[3:]:
        table[col] = pd.array([_whole(r.get(col)) for r in rows], dtype="Int64")
    return table


def _response_counts(resp: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Per survey, in one pass over plain columns (a förbund report asks every time): the responses,
    the förbund answering, and the responses by Kön code ({(survey, 1 | 2 | 0 = other or none): n})."""
    surveys = resp.survey.tolist()
    answers_of = dict.fromkeys(surveys, 0)
    forbund_of: dict[str, set] = {s: set() for s in answers_of}
    background_of: dict[tuple, int] = {}
    for survey, forbund, background in zip(surveys, resp.forbund.tolist(),
                                           resp.background.to_numpy(dtype="float64", na_value=np.nan)):
        answers_of[survey] += 1
        forbund_of[survey].add(forbund)
        key = (survey, 1 if background == 1 else 2 if background == 2 else 0)
        background_of[key] = background_of.get(key, 0) + 1
    return answers_of, forbund_of, background_of


def rows_of(frame: pd.DataFrame, year: int, forbund: str | None = None,
            columns: list[str] | None = None) -> pd.DataFrame:
    """A frame's rows of ``year`` (and of ``forbund``; None: every förbund's), with only ``columns``
    (None: all): one mask, one copy (respondents, population or sheets)."""
    keep = frame.year.to_numpy() == year
    if forbund is not None:
        keep &= (frame.forbund == forbund).to_numpy(dtype=bool)
    return frame.loc[keep] if columns is None else frame.loc[keep, columns]


def _known_sum(values):
    """The sum of the known whole numbers (not NA or NaN) as an int, NA when none is known: a
    survey's units' counts, and the Totalt row's sums of the survey rows."""
    known = [v for v in values if v is not pd.NA and v == v]
    return int(sum(known)) if known else pd.NA


def _whole(value):
    """A count or whole percent for an Int64 column: None where unknown (NA, NaN or missing)."""
    return None if value is None or value is pd.NA or value != value else int(value)


def forbund_counts(respondents: pd.DataFrame, year: int) -> pd.DataFrame:
    """Bilaga 1: responses per förbund and survey (NaN = survey not used), and
    whether the förbund is new this year (None when the previous year is not in the data)."""
    resp = respondents[respondents.year == year]
    table = resp.groupby(["forbund", "survey"]).size().unstack("survey")
    table = table.reindex(columns=ins.in_report_order(table.columns))
    table["Totalt"] = table.sum(axis=1)
    before = set(respondents.loc[respondents.year == year - 1, "forbund"])
    table["nytt"] = [name not in before for name in table.index] if before else None
    return table.sort_index(key=lambda s: s.str.casefold())


def totals_by_year(respondents: pd.DataFrame) -> pd.DataFrame:
    """Tabell 21: per year the questionnaires (``enkater``, responses) and the förbund taking
    part (``forbund``); columns year, enkater, forbund."""
    g = respondents.groupby("year")
    return pd.DataFrame({"enkater": g.size(), "forbund": g.forbund.nunique()}).reset_index()


# --- Combined development (Tabell 20) ---------------------------------------------------------

def classify(total: float, measures: int) -> str:
    """The verdict of an indicator's combined development: ``ins.INCREASE`` when the summed change
    ``total`` (percentage points) is at least 2 × ``measures``, ``ins.DECREASE`` when at most
    −2 × ``measures``, else ``ins.NEITHER`` (method.md, "Combined development per indicator")."""
    threshold = 2 * measures
    if total >= threshold:
        return ins.INCREASE
    if total <= -threshold:
        return ins.DECREASE
    return ins.NEITHER


def trend(keyfigures: pd.DataFrame, year: int, previous: int | None = None, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tabell 20: per indicator and group (totalt, kvinnor, män) the summed change
    in nyckeltal over the measures present in both years, with its verdict.

    ``keyfigures``: columns year, indicator, measure, group, nyckeltal (NaN = not shown).
    ``by``: further key columns (e.g. ``("forbund",)``: every förbund's Tabell 20 at once, its
    rows the ones it gets alone, each förbund's together), kept as the last columns.
    """
    previous = year - 1 if previous is None else previous
    keys = [*by, "indicator", "measure", "group"]
    k = keyfigures.dropna(subset=["nyckeltal"])
    now = k[k.year == year].set_index(keys)["nyckeltal"]
    before = k[k.year == previous].set_index(keys)["nyckeltal"]
    change = (now - before).dropna().reset_index()
    change["group"] = change["group"].replace({"samtliga": "totalt"})
    change = change[change.group.isin(["totalt", "kvinnor", "män"])]
    grouped = change.groupby([*by, "indicator", "group"]).nyckeltal  # its sums and sizes at once
    sums, sizes = grouped.sum(), grouped.size()
    rows = []
    for key, total, measures in zip(sums.index, sums.tolist(), sizes.tolist()):
        *those, indicator, group = key
        total, measures = int(total), int(measures)
        rows.append((year, previous, int(indicator), group, measures, total, 2 * measures,
                     classify(total, measures), *those))
    out = pd.DataFrame(rows, columns=[*TREND_COLUMNS, *by])
    order = {"totalt": 0, "kvinnor": 1, "män": 2}
    return out.sort_values([*by, "indicator", "group"], key=lambda s: s.map(order) if s.name == "group" else s,
                           ignore_index=True)


def keyfigures(frame: pd.DataFrame) -> pd.DataFrame:
    """The trend's input from a :func:`distribution` frame: one measure per series (columns year,
    forbund, indicator, measure, survey, group, n, nyckeltal in whole percent, NaN = not shown)."""
    k = frame[["year", "forbund", "indicator", "series", "survey", "group", "n", "nyckeltal_pct"]]
    return k.rename(columns={"series": "measure", "nyckeltal_pct": "nyckeltal"})


def development(dist: pd.DataFrame, year: int, previous: int | None, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tabell 20 straight from a :func:`distribution` frame (TREND_COLUMNS, see :func:`trend`, with
    its ``by``); empty without a previous year."""
    if previous is None:
        return pd.DataFrame(columns=[*TREND_COLUMNS, *by])
    return trend(keyfigures(dist), year, previous, by)


# --- Which years of which measure form one comparable series -----------------------------------------

def series_segments(points: pd.DataFrame) -> pd.Series:
    """Per row of year-wise points (columns ``series`` and ``year``), the comparable series it belongs
    to: the series when the year's questionnaire asks the measure as the series does
    (instrument.comparable_years), else a segment of the row's own. A line joins points of one
    segment only, so no line crosses a changed question (the instrument's ``series``, from
    instrument_questions.csv). Without a ``series`` column every row is one segment ("").
    The one rule of the line charts: charts.line_chart (national report, deck) and
    forbund_charts.trend_svg (förbund report); the explorer draws one line per series."""
    if "series" not in points or points.empty:
        return pd.Series("", index=points.index, dtype=object)
    out = []
    for s, y in zip(points.series, points.year):
        if not isinstance(s, str) or not s:
            out.append("")
        elif ins.comparable_years(s, [int(y)]):
            out.append(s)
        else:
            out.append(f"{s}@{int(y)}")
    return pd.Series(out, index=points.index, dtype=object)


def comparable_history(dist: pd.DataFrame, indicator: int, year: int) -> pd.DataFrame:
    """Per measure (series) of ``indicator`` asked in ``year``: the years up to ``year`` with answers
    (n > 0) in its comparable series (:func:`series_segments`).

    ``dist``: distribution rows of every year. Returns series, since (instrument.comparable_since)
    and years (how many years have answers); empty when the indicator has no answers in ``year``."""
    d = dist[(dist.indicator == indicator) & (dist.year <= year) & (dist.n > 0)]
    current = list(dict.fromkeys(d.loc[d.year == year, "series"]))
    rows = []
    for s in current:
        mine = d[d.series == s]
        have = {int(y) for y, seg in zip(mine.year, series_segments(mine)) if seg == s}
        rows.append({"series": s, "since": ins.comparable_since(s), "years": len(have)})
    return pd.DataFrame(rows, columns=["series", "since", "years"])


TABLE_YEARS = 3  # the key-figure table (Tabell N.2) shows the last three comparable years


def trend_chart_wanted(dist: pd.DataFrame, indicator: int, year: int, table_years: int = TABLE_YEARS) -> bool:
    """Whether a line chart of the indicator's development adds to its key-figure table: some
    measure asked in ``year`` was asked as now before the present questionnaire version, or has
    comparable answers from more years than the table shows. False for an indicator whose every
    question changed or was added in the present version while the table still holds all its
    years (2022 report, note 8: indicators 4, 15 and 16 have no line chart, "Ett linjediagram
    över utvecklingen blir därför överflödigt"). Whether there are two years to draw is the
    chart's own question."""
    h = comparable_history(dist, indicator, year)
    return bool(((h["since"] < ins.default_version(year)) | (h["years"] > table_years)).any())

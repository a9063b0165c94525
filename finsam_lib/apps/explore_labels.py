"""The explorer's vocabulary and words: the control values (:class:`Selection`), the names of
areas, splits, groups and figures, their colours, and the Swedish titles and notes under a chart.
Pure; :mod:`explore` (the figures) and :mod:`explore_charts` (the drawing) use it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.figures import privacy
from finsam_lib.instrument import definition as ins
from finsam_lib.present import charts

NATIONAL = "Hela landet"
TOO_FEW = privacy.TOO_FEW.capitalize()
SPLITS = {"samtliga": "Samtliga", "kon": "Kön", "arbetsgivare": "Arbetsgivare"}
FIGURES = {"nyckeltal": "Nyckeltal", "fordelning": "Svarsfördelning"}
SPLIT_GROUPS = {
    "samtliga": ["samtliga"],
    "kon": ["samtliga", *ins.GENDER_GROUPS],
    "arbetsgivare": ["samtliga", *ins.EMPLOYER_GROUPS],
}
# The background column a split needs.
SPLIT_BACKGROUND = {"kon": "Kön", "arbetsgivare": "Arbetsgivare"}
SPLIT_WORDS = {"Kön": "Kvinnor och män", "Arbetsgivare": "Per arbetsgivare"}
GROUP_LABELS = ins.group_words("label")
GROUP_ORDER = ins.GROUP_ORDER
GROUP_COLORS = {
    "samtliga": charts.OKABE_ITO["blue"], "kvinnor": charts.OKABE_ITO["vermillion"],
    "män": charts.OKABE_ITO["green"], "Arbetsförmedlingen": charts.OKABE_ITO["vermillion"],
    "Försäkringskassan": charts.OKABE_ITO["green"], "Kommun": charts.OKABE_ITO["purple"],
    "Hälso-Sjukvård": charts.OKABE_ITO["orange"],
}
# Stacked bars of the full distribution.
NEGATIVE, NEUTRAL = charts.OKABE_ITO["vermillion"], "#bdbdbd"
POSITIVE, CLEARLY = charts.OKABE_ITO["sky"], charts.OKABE_ITO["blue"]


@dataclass(frozen=True)
class Selection:
    """The control values. ``forbund`` None means the whole country."""
    years: tuple[int, ...]
    forbund: str | None
    indicator: int
    survey: str
    split: str = "samtliga"
    figure: str = "nyckeltal"
    intervals: bool = False  # show the nyckeltal's 95 % interval (table and chart)

    @property
    def area(self) -> str:
        return self.forbund or NATIONAL


def splits(survey: str) -> dict[str, bool]:
    """Each split and whether the survey has it (also ``Explorer.splits``)."""
    background = ins.BACKGROUND.get(survey)
    return {s: s == "samtliga" or SPLIT_BACKGROUND[s] == background for s in SPLITS}


def year_slug(years) -> str:
    """Years for a file name: '2018-2022' for a run of years, else '2019_2022'."""
    years = sorted(years)
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return "_".join(map(str, years))


def year_label(years) -> str:
    """(2018, 2019, 2020) -> '2018–2020'; (2019, 2022) -> '2019 och 2022'."""
    years = sorted(years)
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return fmt.year_span(years[0], years[-1])
    return fmt.join_words(years)


def indicator_label(indicator: int) -> str:
    return f"{indicator}. {ins.indicators()[indicator].short_name}"


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def chart_title(s: Selection) -> str:
    what = "nyckeltal" if s.figure == "nyckeltal" else "svarsfördelning"
    survey = f"{ins.SURVEY_LABELS.get(s.survey, s.survey)}, " if s.survey else ""
    return f"Indikator {indicator_label(s.indicator)} – {survey}{s.area}, {what} {year_label(s.years)}"


def suppressed_words(frame: pd.DataFrame) -> str:
    """Which figures are not shown, e.g. 'fråga 3 per arbetsgivare år 2021 och 2022; fråga 4 år 2022'."""
    parts: dict[tuple, list[int]] = {}
    for (year, question), rows in frame.groupby(["year", "question"]):
        few = rows[rows.suppressed]
        if few.empty:
            continue
        split = rows[rows.group != "samtliga"]
        if len(few) == len(rows):
            what = ""
        elif len(split) and split.suppressed.all() and len(few) == len(split):
            what = " " + SPLIT_WORDS.get(ins.BACKGROUND.get(rows.survey.iloc[0]), "uppdelat").lower()
        else:
            what = " (" + fmt.join_words(group_label(g).lower() for g in few.group) + ")"
        parts.setdefault((int(question), what), []).append(int(year))
    return "; ".join(f"fråga {q}{what} år {fmt.join_words(years)}" for (q, what), years in parts.items())


def notes(frame: pd.DataFrame, s: Selection, min_n: int) -> list[str]:
    """The explanatory lines under the chart (Swedish)."""
    out = []
    if not s.years:
        return ["Välj minst ett år."]
    if frame.empty:
        return [f"Inga svar för {s.area} på indikator {s.indicator} i enkäten {s.survey} "
                f"{year_label(s.years)}."]
    suppressed = frame[frame.suppressed]
    if len(suppressed):
        out.append(f"{TOO_FEW}: {suppressed_words(frame)}. Uppgifter som bygger på färre än {min_n} svar "
                   f"visas inte, inte heller deras antal. En uppdelning visas inte när någon grupp har färre "
                   f"än {min_n} svar" + ("" if s.forbund is None else
                                          f", och inte heller när de som saknar uppgift om kön eller "
                                          f"arbetsgivare är färre än {min_n}") + ".")
    else:
        out.append(f"Uppgifter som bygger på färre än {min_n} svar visas inte; n = antal svar på frågan.")
    if s.intervals and s.figure == "nyckeltal":
        out.append("Inom parentes och som streck i diagrammet: 95 % konfidensintervall (Wilson) för nyckeltalet. "
                   "Ju färre svar, desto bredare intervall; skillnader inom intervallen kan bero på slumpen.")
    keys = set(frame.key)
    if s.figure == "nyckeltal":
        words = []
        if "klart" in keys:
            words.append("andelen klart positiva svar (5–6 på den sexgradiga skalan)")
        if "positiv" in keys:
            words.append("andelen positiva svar (4–6)" + (" för indikator 7" if len(keys) > 1 else ""))
        if "ja" in keys:
            words.append("andelen ja-svar" + (" för ja/nej-frågor" if len(keys) > 1 else ""))
        out.append("Nyckeltal = " + fmt.join_words(words, "och") + ".")
    else:
        text = ("Negativt = 1–2, Varken eller = 3, Positivt = 4–6, varav klart positivt = 5–6"
                if (frame.scale != "III").any() else "")
        if (frame.scale == "III").any():
            text += ("; för ja/nej-frågor" if text else "Ja/nej-frågor:") + " Nej och Ja"
        out.append(text + ". Varje andel avrundas för sig, så summan kan bli 99 eller 101 %.")
    if s.split == "kon" and splits(s.survey)["kon"]:
        out.append("Samtliga omfattar också dem som inte uppgett kön.")
    if s.split == "arbetsgivare" and splits(s.survey)["arbetsgivare"]:
        out.append("Samtliga omfattar också remittenter från annan eller ej angiven arbetsgivare.")
    missing = [y for y in sorted(s.years) if y not in set(frame.year)]
    if missing:
        out.append(f"Inga svar {fmt.join_words(missing)} ({s.area}, {s.survey}, indikator {s.indicator}).")
    if frame.series.nunique() > len(set(frame.loc[frame.year == frame.year.max(), "question"])):
        out.append("En fråga ändrades mellan åren: den följs då som en ny fråga, och linjen dras inte "
                   "över ändringen.")
    # Each measure's wording (in its latest year); an older wording with its years.
    last_year = frame.year.max()
    spans = frame.groupby("series").year.agg(["min", "max"])
    latest = frame.sort_values("year").drop_duplicates("series", keep="last")
    for r in latest.sort_values(["year", "question"], ascending=[False, True]).itertuples():
        scale = ins.SCALES.get(r.scale, {})
        ends = f" (svar {scale[min(scale)]} – {scale[max(scale)]})" if scale else ""
        first, last = spans.loc[r.series]
        when = f" ({fmt.year_span(int(first), int(last))})" if last < last_year else ""
        out.append(f"Fråga {r.question}{when}: {r.text}{ends}")
    return out

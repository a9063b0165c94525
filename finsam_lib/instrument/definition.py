"""The instrument as data: surveys, questions per questionnaire version, scales,
indicators, the key-figure rule and which questions form one series over years.

Single source of truth: built from the CSV files in ``finsam_lib/data``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

VERSIONS = (2017, 2018, 2021)

def _read_csv(name: str) -> pd.DataFrame:
    with resources.files("finsam_lib.data").joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


# The one vocabulary of survey names (data/surveys.csv, a row per survey in the spec's sheet order):
# report_order (Tabell 1 and 2), background column, and every way a text names the survey —
# report_label (the national report's tables), header (column headers, deck rows), measure_short
# (Bilaga 2, measure lists), chart_short (chart legends), genitive ("pågåendeenkätens fråga 1"),
# running_name (running text), definite ("För få svar från personalen"), export_code (SPSS/Stata),
# subject (a sentence's subject: "styrelseledamöterna"), place ("Bland personalen"), note_name (a
# chart note's list of who answered) and chart_who (a diagram title's "avslutade deltagare").
_SURVEY_WORDS = _read_csv("surveys.csv").set_index("survey")
# The groups of the figures (data/groups.csv): their order in tables and lists, and their label.
_GROUP_WORDS = _read_csv("groups.csv").set_index("group")


def survey_words(column: str) -> dict[str, str]:
    """Survey name -> how ``column`` of data/surveys.csv names it, in the spec's sheet order.

    Raises KeyError for a column the vocabulary doesn't have."""
    return dict(_SURVEY_WORDS[column])


def group_words(column: str) -> dict[str, str]:
    """Group (``samtliga``, ``kvinnor``, …, ``Hälso-Sjukvård``) -> ``column`` of data/groups.csv."""
    return dict(_GROUP_WORDS[column])


SURVEYS = tuple(_SURVEY_WORDS.index)
REPORT_ORDER = tuple(_SURVEY_WORDS.report_order.astype(int).sort_values(kind="stable").index)
BACKGROUND = {s: b for s, b in survey_words("background").items() if b}
SURVEY_LABELS = survey_words("report_label")
GROUP_ORDER = {g: int(i) for g, i in group_words("order").items()}


def in_report_order(surveys) -> list[str]:
    """The given survey names (any iterable; a set, an index, frame columns) in the national
    report's order (REPORT_ORDER); names that are not surveys are left out."""
    given = set(surveys)
    return [s for s in REPORT_ORDER if s in given]

KON = {1: "Kvinna", 2: "Man", 3: "Uppges ej / vill inte svara / inget alternativ passar",
       4: "Enkät utan variabeln kön"}
ARBETSGIVARE = {1: "Arbetsförmedlingen", 2: "Försäkringskassan", 3: "Kommun",
                4: "Hälso- och sjukvård (region)", 5: "Annan"}
BACKGROUND_CODES = {"Kön": KON, "Arbetsgivare": ARBETSGIVARE}

# Groups of figures.csv and the background code each stands for.
GENDER_GROUPS = {"kvinnor": 1, "män": 2}
EMPLOYER_GROUPS = {"Arbetsförmedlingen": 1, "Försäkringskassan": 2, "Kommun": 3, "Hälso-Sjukvård": 4}

SCALES = {
    "I": {1: "Aldrig", 2: "Sällan", 3: "Ibland", 4: "Ofta", 5: "För det mesta", 6: "Alltid"},
    "II": {1: "Inte alls", 2: "Till liten del", 3: "Delvis", 4: "Till stor del",
           5: "Till mycket stor del", 6: "Helt och hållet"},
    "III": {1: "Ja", 2: "Nej"},
}

# The classification of Tabell 20.
INCREASE, DECREASE, NEITHER = "Ökning", "Minskning", "Varken ökning eller minskning"
# The one indicator whose key figure is the share of all positive answers.
POSITIVE_KEY_INDICATOR = 7


@dataclass(frozen=True)
class Indicator:
    number: int
    short_name: str
    text: str
    key_figure: str


def default_version(year: int) -> int:
    """Questionnaire version used by default in a measurement year."""
    if year <= 2017:
        return 2017
    if year <= 2020:
        return 2018
    return 2021


@lru_cache(maxsize=None)
def questions() -> pd.DataFrame:
    """Every question of every version, one row each.

    Columns: version, survey, question, scale, indicator, text, note, series,
    key (``klart`` = share 5–6, ``positiv`` = share 4–6, ``ja`` = share of Ja).
    ``series`` names the measure followed over years: questions that are
    compared share a series; a changed question starts its own.
    """
    q = _read_csv("instrument_questions.csv")
    q["version"] = q["version"].astype(int)
    q["question"] = q["question"].astype(int)
    q["indicator"] = q["indicator"].astype(int)
    series = {}
    for r in q.itertuples():
        if r.version == 2021:
            series[(r.version, r.survey, r.question)] = f"{r.survey}|{r.question}"
    for r in q[q.version == 2018].itertuples():
        series[(2018, r.survey, r.question)] = (
            f"{r.survey}|{int(r.compared_with_2021_question)}" if r.compared_with_2021_question
            else f"{r.survey}|{r.question}|2018")
    # 2017 questions are "as in 2018": the same text in the same survey joins that series.
    text_2018 = {(r.survey, r.text): (r.survey, r.question) for r in q[q.version == 2018].itertuples()}
    for r in q[q.version == 2017].itertuples():
        match = text_2018.get((r.survey, r.text))
        series[(2017, r.survey, r.question)] = (
            series[(2018, *match)] if match else f"{r.survey}|{r.question}|2017")
    q["series"] = [series[(r.version, r.survey, r.question)] for r in q.itertuples()]
    q["key"] = [
        "ja" if r.scale == "III" else "positiv" if r.indicator == POSITIVE_KEY_INDICATOR else "klart"
        for r in q.itertuples()
    ]
    return q[["version", "survey", "question", "scale", "indicator", "text", "note", "series", "key"]]


def version_questions(version: int, survey: str | None = None) -> pd.DataFrame:
    q = questions()
    q = q[q.version == version]
    if survey is not None:
        q = q[q.survey == survey]
    return q.reset_index(drop=True)


@lru_cache(maxsize=None)
def question_numbers(version: int, survey: str) -> tuple[int, ...]:
    """The question numbers of a survey in a questionnaire version, in order (F1 … Fn of its sheet);
    looked up once per (version, survey), as every registration file written or read asks again."""
    return tuple(int(q) for q in version_questions(version, survey).question)


def question_count(version: int, survey: str) -> int:
    return len(question_numbers(version, survey))


def surveys_of(version: int) -> list[str]:
    return list(_surveys_of(version))


@lru_cache(maxsize=None)
def _surveys_of(version: int) -> tuple[str, ...]:
    present = set(version_questions(version).survey)
    return tuple(s for s in SURVEYS if s in present)


def scale_of(version: int, survey: str, question: int) -> str:
    q = version_questions(version, survey)
    return q.loc[q.question == question, "scale"].iloc[0]


@lru_cache(maxsize=None)
def indicators() -> dict[int, Indicator]:
    df = _read_csv("indicators.csv")
    return {int(r.indicator): Indicator(int(r.indicator), r.short_name, r.text, r.key_figure)
            for r in df.itertuples()}


def measured_indicators() -> list[int]:
    """Indicators that the surveys measure (all but 11)."""
    used = set(questions().indicator)
    return [i for i in indicators() if i in used]


def key_label(key: str) -> str:
    """How the report names a key figure."""
    return {"klart": "andelen klart positiva svar", "positiv": "andelen positiva svar",
            "ja": "andelen ja-svar"}[key]


def groups_of(survey: str) -> list[str]:
    """The figure groups of a survey, samtliga first."""
    col = BACKGROUND.get(survey)
    if col == "Kön":
        return ["samtliga", *GENDER_GROUPS]
    if col == "Arbetsgivare":
        return ["samtliga", *EMPLOYER_GROUPS]
    return ["samtliga"]


def group_codes(survey: str) -> dict[str, int]:
    col = BACKGROUND.get(survey)
    return GENDER_GROUPS if col == "Kön" else EMPLOYER_GROUPS if col == "Arbetsgivare" else {}


@lru_cache(maxsize=None)
def series_versions(series: str) -> tuple[int, ...]:
    """The questionnaire versions that ask a measure (``questions().series``) as it is asked in them,
    oldest first; empty for an unknown series."""
    q = questions()
    return tuple(sorted(set(q.loc[q.series == series, "version"])))


def comparable_since(series: str) -> int:
    """The first measurement year from which a measure is asked as it is now (its oldest
    questionnaire version; 2017 stands for 2017 and earlier). Raises KeyError for an unknown series."""
    versions = series_versions(series)
    if not versions:
        raise KeyError(series)
    return versions[0]


def comparable_years(series: str, years) -> list[int]:
    """Those of ``years`` whose questionnaire (:func:`default_version`) asks the measure: the years
    that form one comparable series, between which a chart may draw a line. A changed question
    is another series (``questions().series``), so no two of these years straddle a change."""
    versions = set(series_versions(series))
    return [int(y) for y in years if default_version(int(y)) in versions]

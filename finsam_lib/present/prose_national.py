"""The national report's drafted captions: figures in, Swedish sentences out (issue 12 item 3).

Pure functions over what the report has computed; no markup and no reading: the diagrams'
titles and notes, the summary's facts and "Resultat i korthet". The chapters' longer prose
(questions, indicator levels, comments, development) is in :mod:`prose`.
"""
from __future__ import annotations

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import method as fig
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import commentary as com

# The 2022 report's diagram names where they differ from the indicator's short name.
CHART_NAMES = {13: "Gemensamma synsätt och arbetssätt i samverkansinsats"}
# Who answered, as a diagram's title (one question) and its note name them.
WHO = ins.survey_words("chart_who")
NOTE_NAMES = ins.survey_words("note_name")


def chart_title(number: str, indicator: int, short_name: str, span: str, label: str,
                yes_no: list[tuple[int, str, str]] | None = None) -> str:
    """"Diagram 3 Indikator 3: Namn, 2018–2022. Andel klart positiva svar." — ``label`` the
    nyckeltal's name (tables.keyfigure_label); ``yes_no``: for a chart of ja/nej questions,
    their (question, survey, text), as Diagram 5.1 of the 2022 report quotes a single one."""
    name = CHART_NAMES.get(indicator, short_name)
    if yes_no is not None:
        if len(yes_no) == 1:
            question, survey, text = yes_no[0]
            who = WHO.get(survey, survey.lower())
            return f"Diagram {number} Fråga {question}, {who}: ”{text}”, {span}. Andelen som svarat ja."
        which = fmt.join_words(f"fråga {q}" for q, _, _ in yes_no)
        return f"Diagram {number} Indikator {indicator}: {name}, {which}, {span}. Andelen som svarat ja."
    return f"Diagram {number} Indikator {indicator}: {name}, {span}. {label[0].upper() + label[1:]}."


def chart_note(points: pd.DataFrame, years: list[int]) -> str:
    """What a line chart shows (``points``: charts.indicator_points): whose answers, kvinnor and män,
    questions that changed (their own lines), a ja/nej predecessor, and broken lines."""
    who = list(dict.fromkeys(NOTE_NAMES.get(s, s) for s in dict.fromkeys(points.survey)))
    text = ("Diagrammet visar förändringen mellan mätningar för "
            + ("alla indikatorns respondentgrupper" if len(who) > 2 else fmt.join_words(who)) + ".")
    if (points.group.isin(["kvinnor", "män"])).any():
        text += " För deltagare visas kvinnor (heldragen linje) och män (streckad linje)."
    old = points[points.old.astype(bool)] if "old" in points else points.iloc[0:0]
    if len(old):
        last = int(old["last"].max())
        text += (f" Frågor som ändrades efter {last} visas som egna linjer med årtal i förklaringen: de "
                 "jämförs inte med de nya frågorna, därför dras ingen linje över bytet.")
        current_keys = set(points.loc[~points.old.astype(bool), "key"])
        if "key" in old and (set(old.key) == {"ja"}) and current_keys and "ja" not in current_keys:
            text += " Den tidigare frågan var en ja/nej-fråga; dess linje visar andelen ja-svar."
    if any(has_gap(p, years) for _, p in points.groupby("line")):
        text += " Där en linje är bruten saknas redovisade svar det året."
    return text


def has_gap(points: pd.DataFrame, years: list[int]) -> bool:
    """A line with a year without value between its first and last value."""
    shown = sorted(points.dropna(subset=["value"]).year)
    if not shown:
        return False
    return any(y not in shown for y in years if shown[0] < y < shown[-1])


# --- Sammanfattning and Resultat i korthet ------------------------------------------------------

def counts(response: pd.DataFrame) -> tuple[int, int]:
    """(enkäter, förbund) of a response table's Totalt row."""
    total = response[response.survey == fig.TOTAL].iloc[0]
    return int(total.antal_svar), int(total.forbund_count)


def _responses(f) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """This year's response table and the previous year's (None without one)."""
    return f.response(), (f.response(f.previous) if f.previous else None)


def summary_facts(f, national: int | None, gender: pd.DataFrame) -> dict[str, str]:
    """The national summary's facts, one sentence each (the 2022 report's Sammanfattning): scope,
    counts against the previous year, the surveys with fewer answers, the development tally, the
    largest gender gap beyond chance (``gender``: prose.gender_differences) and the highest and
    lowest nyckeltal. ``f``: the year's figures (figures.year.YearFigures); ``national``: the
    number of förbund in the country that year (None when unknown)."""
    response, response_previous = _responses(f)
    enkater, forbund = counts(response)
    surveys = [s for s in response.survey if s != fig.TOTAL]
    of = f" av landets {fmt.number(national)}" if national else ""
    facts = {"scope": (f"Rapporten redovisar svar från {sv.count_phrase(enkater, sv.ENKAT)} från "
                       f"{sv.number_word(forbund, sv.ETT)}{of} samordningsförbund, fördelat på "
                       f"{sv.count_phrase(len(surveys), sv.ENKAT)}: "
                       f"{sv.format_list(s.lower() for s in surveys)}.")}
    if response_previous is not None:
        before = response_previous.set_index("survey")
        b_enk, b_frb = int(before.at[fig.TOTAL, "antal_svar"]), int(before.at[fig.TOTAL, "forbund_count"])
        direction = "ökat" if enkater > b_enk else "minskat" if enkater < b_enk else "är oförändrat"
        fdir = "ökat" if forbund > b_frb else "minskat" if forbund < b_frb else "är oförändrat"
        joiner = "trots att" if (direction == "ökat") != (fdir == "ökat") and fdir != "är oförändrat" and direction != "är oförändrat" else "och"
        facts["counts"] = (f"Jämfört med {f.previous} har antalet enkäter {direction} "
                           f"(från {fmt.number(b_enk)} till {fmt.number(enkater)}), {joiner} antalet "
                           f"deltagande förbund {fdir} (från {fmt.number(b_frb)} till {fmt.number(forbund)}).")
        now = response.set_index("survey")
        fewer = [s for s in surveys if s in before.index and now.at[s, "antal_svar"] < before.at[s, "antal_svar"]]
        if fewer and len(fewer) < len(surveys):
            facts["surveys"] = ("Antalet svar har minskat för " + sv.format_list(s.lower() for s in fewer)
                                + ", men ökat eller är oförändrat för övriga respondentgrupper.")
        elif not fewer:
            facts["surveys"] = "Antalet svar har ökat eller är oförändrat för samtliga respondentgrupper."
    t = f.trend
    totalt = t[t.group == "totalt"]
    if len(totalt):
        n = len(totalt)
        up = totalt[totalt.classification == ins.INCREASE].indicator.tolist()
        down = totalt[totalt.classification == ins.DECREASE].indicator.tolist()
        text = com.development_tally(n, len(up), len(down), after=f" jämfört med {f.previous}")
        if up:
            text += f" Ökning syns för {sv.numbered(sv.INDIKATOR, up)}."
        if down:
            text += f" Minskning syns för {sv.numbered(sv.INDIKATOR, down)}."
        facts["trend"] = text
    gaps = gender
    sure = gaps[gaps.verdict != unc.UNSURE_DIFFERENCE]
    if len(gaps) and sure.empty:
        facts["gender"] = ("Skillnaderna mellan kvinnors och mäns svar är inte större än att de kan bero på "
                           "slumpen.")
    elif len(sure):  # the largest gap beyond chance (prose.gender_differences)
        top = sure.loc[sure.gap.abs().idxmax()]
        name = ins.indicators()[int(top.indicator)].short_name.lower()
        facts["gender"] = (f"Den största skillnaden mellan kvinnor och män finns i "
                           f"{com.measure_phrase(top.survey, int(top.question))} (indikator "
                           f"{int(top.indicator)}, {name}), där {fmt.percent(top.kvinnor)} av kvinnorna och "
                           f"{fmt.percent(top['män'])} av männen {com.answer_phrase(top.key)} – en skillnad på "
                           f"{fmt.pp_abs(top.gap)}. I övrigt är skillnaden mellan könen högst "
                           f"{fmt.pp_abs(gaps.gap.abs().nlargest(2).iloc[-1]) if len(gaps) > 1 else fmt.pp_abs(top.gap)}.")
    high, low = extreme_measures(f.now)
    if high is not None:
        facts["levels"] = (f"Högst nyckeltal har {com.measure_phrase(high.survey, int(high.question))} "
                           f"(indikator {int(high.indicator)}, {fmt.percent(high.nyckeltal_pct)}) och lägst "
                           f"{com.measure_phrase(low.survey, int(low.question))} (indikator "
                           f"{int(low.indicator)}, {fmt.percent(low.nyckeltal_pct)}).")
    return facts

def extreme_measures(now: pd.DataFrame):
    """The samtliga rows (klart positiva nyckeltal) with the highest and the lowest nyckeltal of
    ``now``; (None, None) with fewer than two."""
    d = now[(now.group == "samtliga") & now.nyckeltal_pct.notna() & (now.key == "klart")]
    if len(d) < 2:
        return None, None
    d = d.sort_values("nyckeltal_pct", kind="stable")
    return d.iloc[-1], d.iloc[0]

def in_brief(f) -> list[str]:
    """Resultat i korthet: short bullets from the year's figures ``f`` (figures.year.YearFigures):
    the development tally, gender gaps, deltagare against the other groups, and the count of
    enkäter against the previous year."""
    response, response_previous = _responses(f)
    items = []
    t = f.trend
    totalt = t[t.group == "totalt"]
    if len(totalt):
        up = int((totalt.classification == ins.INCREASE).sum())
        down = int((totalt.classification == ins.DECREASE).sum())
        items.append(com.development_tally(len(totalt), up, down, after=f" jämfört med {f.previous}"))
    gaps = com.gender_gaps(f.dist, f.year)
    if len(gaps):
        big = int((gaps.gap.abs() >= 5).sum())
        items.append("Skillnaderna mellan kvinnors och mäns svar är generellt små"
                     + (f"; {sv.of_phrase(big, len(gaps), sv.FRAGA)} skiljer 5 procentenheter eller mer."
                        if big else f": högst {fmt.pp_abs(gaps.gap.abs().max())}."))
    deltagare = f.now[f.now.survey.str.startswith("Deltagare") & (f.now.group == "samtliga")
                           & (f.now.key == "klart") & f.now.nyckeltal_pct.notna()]
    others = f.now[~f.now.survey.str.startswith("Deltagare") & (f.now.group == "samtliga")
                        & f.now.nyckeltal_pct.notna()]
    if len(deltagare) and len(others):
        by = others.groupby("survey").nyckeltal_pct.median().sort_values()
        items.append(f"Deltagarna svarar klart positivt i hög grad (median {fmt.percent(deltagare.nyckeltal_pct.median())} "
                     f"per fråga); lägst andel klart positiva svar bland övriga respondentgrupper har "
                     f"{by.index[0].lower()} (median {fmt.percent(by.iloc[0])}).")
    if response_previous is not None:
        enk, _ = counts(response)
        before = int(response_previous.set_index("survey").at[fig.TOTAL, "antal_svar"])
        word = "fler" if enk > before else "färre" if enk < before else "lika många"
        items.append(f"{fmt.number(enk)} insamlade enkäter, {word} än {f.previous} ({fmt.number(before)}).")
    return items

"""The national report's drafted captions: figures in, Swedish sentences out (issue 12 item 3).

Pure functions over what the report has computed; no markup and no reading. Started with the
diagrams' titles and notes; the national report's other drafted sentences (summary, in brief,
development) still live in :mod:`report` beside their figures.
"""
from __future__ import annotations

import pandas as pd

from finsam_lib.base import format as fmt

# The 2022 report's diagram names where they differ from the indicator's short name.
CHART_NAMES = {13: "Gemensamma synsätt och arbetssätt i samverkansinsats"}
# Who answered, as a diagram's title (one question) and its note name them.
WHO = {"Deltagare pågående": "pågående deltagare", "Deltagare avslut": "avslutade deltagare"}
NOTE_NAMES = {"Deltagare pågående": "deltagare", "Deltagare avslut": "deltagare", "Personal": "personalen",
              "Remittenter": "remittenter", "Parternas chefsgrupp": "parternas chefsgrupp",
              "Styrelse": "styrelsen", "Förbundschef": "förbundschefer"}


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

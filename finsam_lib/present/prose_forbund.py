"""The förbund report's drafted sentences: figures in, Swedish sentences out (issue 12 item 3).

Pure functions over numbers and small frames the report has already computed; no markup (the
templates escape and place them) and no reading. The report's fixed prose lives in its templates
(``templates/report/forbund_*.html.j2``); what an analyst adds comes from the commentary file.
"""
from __future__ import annotations

import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import privacy
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import commentary as com

# How the report names the respondent groups in running text.
GROUP_NAMES = ins.survey_words("running_name")
# Short names in the definite form, for "För få svar från ... ".
GROUP_DEFINITE = ins.survey_words("definite")


def count_phrase(cell) -> str:
    """A count of questionnaires as a total cell gives it (privacy.total_cell): "412 enkäter",
    "en enkät", or the cell as it is shown when it is not exact."""
    return sv.count_phrase(cell, sv.ENKAT) if privacy.exact(cell) else f"{fmt.number(cell)} enkäter"


def compared(total, before) -> str:
    """"fler än" / "färre än" / "lika många som", or '' unless both counts are exact."""
    if not (privacy.exact(total) and privacy.exact(before)):
        return ""
    return "fler än" if total > before else "färre än" if total < before else "lika många som"


def few_answers(few: list[str], year: int, collection: bool = False) -> str:
    """The surveys with too few answers to show this year ('' when none)."""
    if not few:
        return ""
    who = sv.format_list(GROUP_DEFINITE.get(s, s.lower()) for s in few)
    if collection:
        return f"Från {who} har dock alltför få svar inkommit för att kunna redovisas."
    return f"Från {who} har för få svar kommit in {year} för att kunna redovisas."


def summary(name: str, year: int, surveys: list[str], total, previous: int | None, before, few: list[str],
            riket: pd.DataFrame, trend: pd.DataFrame) -> list[str]:
    """Sammanfattning: what was collected, against the previous measurement, surveys with too few
    answers, the nyckeltal against riket (``riket``: compare_with_riket) and the combined development
    (``trend``: uncertainty.development, group totalt)."""
    out = [(f"{name} har {year} samlat in {count_phrase(total)} från "
            f"{sv.count_phrase(len(surveys), sv.RESPONDENTGRUPP)}: "
            f"{sv.format_list(GROUP_NAMES.get(s, s.lower()) for s in surveys)}.")]
    if previous is not None and compared(total, before):
        out.append(f"Det är {compared(total, before)} vid mätningen {previous} ({fmt.number(before)}).")
    out.append(few_answers(few, year))
    if len(riket):
        hi = int((riket["verdict"] == unc.HIGHER).sum())
        lo = int((riket["verdict"] == unc.LOWER).sum())
        out.append(riket_tally(len(riket), hi, lo, year))
    totalt = trend[trend.group == "totalt"] if len(trend) else trend
    if len(totalt):
        up = totalt[totalt.classification == ins.INCREASE].indicator.tolist()
        down = totalt[totalt.classification == ins.DECREASE].indicator.tolist()
        text = com.development_tally(len(totalt), len(up), len(down),
                                     after=f" jämfört med mätningen {previous}", sure=True)
        if up:
            text += f" Ökning: {sv.numbered(sv.INDIKATOR, up)}."
        if down:
            text += f" Minskning: {sv.numbered(sv.INDIKATOR, down)}."
        if len(totalt) - len(up) - len(down):
            text += (f" {sv.capitalize(unc.NO_SURE_CHANGE)} betyder att förändringen inte är större än att den "
                     "kan bero på slumpen.")
        out.append(text)
    return [s for s in out if s]


def collection(year: int, total, previous: int | None, before, few: list[str]) -> list[str]:
    """Insamling och svarande: the measurement period, what was collected against the previous
    measurement, and the surveys with too few answers."""
    texts = [(f"Enkäterna samlas in under perioden 1 november till 31 oktober; mätår {year} avser november "
              f"{year - 1} till oktober {year}.")]
    text = f"Under {year} har totalt {count_phrase(total)} samlats in"
    if previous is not None and compared(total, before):
        text += f", vilket är {compared(total, before)} vid mätningen {previous} ({fmt.number(before)})"
    texts.append(text + ".")
    return [t for t in (*texts, few_answers(few, year, collection=True)) if t]


def break_note(start: int, changed: bool) -> str:
    """Why a question has no comparison with earlier years: it changed, or was added, in ``start``."""
    return (f"Jämförelse saknas eftersom frågan ändrades {start}." if changed else
            f"Jämförelse med tidigare år saknas eftersom frågan tillkom {start}.")


def trend_break(changed: list[int], measures: int) -> str:
    """" Frågan ändrades 2021; jämförelse med tidigare år görs inte." after a trend chart's caption
    ('' when no question changed)."""
    if not changed:
        return ""
    what = "Frågan" if measures == 1 else "Frågorna"
    return f" {what} ändrades {fmt.join_words(map(str, changed))}; jämförelse med tidigare år görs inte."


def unanswered_lead(span: str, indicators: int) -> str:
    """The lead of the list of indicators without answers."""
    return (f"Förbundet har inga svar {span} på frågorna till "
            + ("den här indikatorn:" if indicators == 1 else "de här indikatorerna:"))


def riket_tally(questions: int, higher: int, lower: int, year: int) -> str:
    """How many of the förbund's ``questions`` (shown this year) have a nyckeltal surely higher or
    lower than riket's (uncertainty.riket_difference's verdicts), one sentence."""
    shown = f"med redovisade svar {year}"
    if questions == 1:
        verdict = unc.HIGHER if higher else unc.LOWER if lower else None
        return (f"För den enda frågan {shown} är förbundets nyckeltal säkert {verdict} än rikets." if verdict else
                f"För den enda frågan {shown} kan skillnaden mot riket bero på slumpen (”{unc.UNSURE_DIFFERENCE}”).")
    if not higher and not lower:
        return (f"För {sv.of_phrase(questions, questions, sv.FRAGA)} {shown} kan skillnaden mot riket bero på "
                f"slumpen (”{unc.UNSURE_DIFFERENCE}”).")
    # The first part names the nyckeltal and riket; a second one leaves them understood.
    parts = ([f"ett säkert högre nyckeltal än riket för {sv.number_word(higher)}"] if higher else []) + (
        [f"ett säkert lägre {'' if higher else 'nyckeltal än riket '}för {sv.number_word(lower)}"] if lower else [])
    rest = questions - higher - lower
    tail = f"; för {sv.number_word(rest)} kan skillnaden mot riket bero på slumpen." if rest else "."
    return f"Av {sv.count_phrase(questions, sv.FRAGA)} {shown} har förbundet {sv.format_list(parts)}{tail}"


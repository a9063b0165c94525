"""The reports' drafted prose, from the figures: the national report's chapters "Resultat utifrån
enkätfrågorna", "Resultat utifrån indikatorerna" (its lists), "Kommentar kring utvecklingen" and
"Analysmetod och redovisning av data", and every indicator's "Kommentar till resultatet" in the
national and the förbund reports (issue 14, item 2; the 2022 national report's chapters).

What an analyst would say: highest and lowest measures, groups that stand apart, changes, gender
and employer gaps — and a difference or a change is called one only when it is *beyond chance*:
the 95 % interval of the difference of two shares (Newcombe's hybrid score interval,
:func:`uncertainty.newcombe`) lies wholly above or below zero. A smaller one is "på ungefär samma
nivå". The development rule ("gränsen är ±4") is stated once, in the method chapter.

Pure functions: distribution frames (:func:`figures.distribution` with
:func:`uncertainty.with_intervals`) in, Swedish sentences (``str``) and lists out — no markup;
the templates in ``templates/`` lay them out. Every count goes through :mod:`swedish`.

Why one module: every sentence here shares the same phrases (WHO, WHERE, SHARE, CHANCE) and the
one beyond-chance test (``_difference``, ``_same_level``); split, the chapters and the comments
would each need them, and the rule could drift between them.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from finsam_lib.base import format as fmt
from finsam_lib.base import swedish as sv
from finsam_lib.figures import uncertainty as unc
from finsam_lib.instrument import definition as ins
from finsam_lib.present import commentary as com

HIGH_PCT = 74  # the 2022 report's "höga nyckeltal": 74 % or more on every deltagare question
LOW_PCT = 50  # its "lägre nyckeltal": fewer than half in every respondent group
DELTAGARE = "Deltagare"  # pågående and avslut are one respondent group when groups are compared

# A respondent group as the subject of a sentence (definite form).
WHO = {DELTAGARE: "deltagarna", **ins.survey_words("subject")}
# The survey as a place: "I pågåendeenkäten är nyckeltalet högst för …".
WHERE = ins.survey_words("place")
EMPLOYER = {"Arbetsförmedlingen": "Arbetsförmedlingen", "Försäkringskassan": "Försäkringskassan",
            "Kommun": "kommunen", "Hälso-Sjukvård": "hälso- och sjukvården"}
GENDER_WHO = {"kvinnor": "kvinnorna", "män": "männen"}
ANSWER = {"klart": "klart positivt", "positiv": "positivt", "ja": "ja"}
SHARE = {"klart": "andelen klart positiva svar", "positiv": "andelen positiva svar", "ja": "andelen ja-svar"}
CHANCE = "mer än slumpen kan förklara"
SAME_LEVEL = "inte större än att den kan bero på slumpen"
SMALL_PP = 5  # a difference not beyond chance and under this (pp) is "på ungefär samma nivå"
EMPLOYERS_SAME = "Skillnaderna mellan remittenternas arbetsgivare är inte större än att de kan bero på slumpen."
FEW_ANSWERS = "med få svar kan även en stor skillnad i procent bero på slumpen"


def _same_level(differences) -> bool:
    """Whether differences that are not beyond chance are also small enough to call the level the
    same (all under SMALL_PP); larger ones are only "may be chance", as with few answers."""
    values = [abs(float(v)) for v in differences]
    return bool(values) and all(v < SMALL_PP for v in values)


# --- Rows: a few figures as plain tuples --------------------------------------------------------------
# The comment of one indicator rests on a handful of rows; sentences are drafted from them as named
# tuples of Python scalars (:func:`as_rows`), picked with comprehensions, not from pandas frames filtered
# again for every sentence (issue 15). The public sentence functions take either.

NOW_ROW = ("series", "survey", "question", "indicator", "group", "key", "n", "nyckeltal_pct", "key_count")
CHANGE_ROW = ("survey", "question", "indicator", "key", "now", "before", "verdict")
RIKET_ROW = ("survey", "question", "indicator", "forbund", "riket", "verdict")
GENDER_ROW = ("series", "survey", "question", "indicator", "key", "kvinnor", "män", "gap", "verdict")
EMPLOYER_ROW = ("series", "survey", "question", "indicator", "key", "group", "value", "samtliga", "verdict")
TREND_ROW = ("indicator", "group", "classification", "beyond_chance_up", "beyond_chance_down")


@cache
def _row_type(columns: tuple[str, ...]):
    return namedtuple("Row", columns)


def as_rows(frame, columns: tuple[str, ...], missing=None) -> list:
    """``frame``'s ``columns`` as a list of named tuples of Python scalars, in the frame's order; a
    column the frame lacks is ``missing`` in every row. A list (rows already) is returned as it is."""
    if not isinstance(frame, pd.DataFrame):
        return frame
    make = _row_type(columns)
    values = [frame[c].tolist() if c in frame.columns else [missing] * len(frame) for c in columns]
    return [make(*v) for v in zip(*values)]


def now_rows(now) -> list:
    """:data:`NOW_ROW` rows of distribution rows, ``key_count`` the answers behind each nyckeltal
    (uncertainty.key_count); rows already are returned as they are."""
    if not isinstance(now, pd.DataFrame):
        return now
    return as_rows(now.assign(key_count=unc.key_count(now)), NOW_ROW)


def _by_indicator(found: list) -> dict[int, list]:
    """Rows per indicator (int), in order."""
    out: dict[int, list] = {}
    for r in found:
        out.setdefault(int(r.indicator), []).append(r)
    return out


def _shown_value(value) -> bool:
    return not fmt.missing(value)


def respondent_group(survey: str) -> str:
    """The two deltagare surveys are one respondent group; every other survey is its own."""
    return DELTAGARE if survey.startswith(DELTAGARE) else survey


def _answer(keys) -> str:
    """How the measures' nyckeltal are answered: ``klart positivt``; mixed keys say ``positivt``."""
    keys = set(keys) - {"ja"} or set(keys)
    return ANSWER[keys.pop()] if len(keys) == 1 else "positivt"


def _share(keys) -> str:
    keys = set(keys)
    return SHARE[keys.pop()] if len(keys) == 1 else "nyckeltalet"


def _shown(dist: pd.DataFrame, year: int, indicator: int | None = None, group: str | None = "samtliga"):
    d = dist[(dist.year == year) & dist.nyckeltal_pct.notna()]
    if group is not None:
        d = d[d.group == group]
    return d if indicator is None else d[d.indicator == indicator]


def _difference(count1, n1, count2, n2) -> np.ndarray:
    """högre / lägre / ingen säker skillnad for share 1 against share 2 (Newcombe's interval)."""
    _, low, high = unc.newcombe(count1, n1, count2, n2)
    return np.atleast_1d(unc.verdict(low, high, (unc.HIGHER, unc.LOWER, unc.UNSURE_DIFFERENCE)))


def _measure(survey: str, question: int) -> str:
    return com.measure_phrase(survey, int(question))


def _topic(indicator: int) -> str:
    return ins.indicators()[int(indicator)].short_name.lower()


def _versus(a, b) -> str:
    return f"{fmt.percent(a)} mot {fmt.percent(b)}"


def _by_verdict(found: list, how: str, item) -> list[str]:
    """``högre {how} a och b``, ``lägre {how} c``: the rows (named tuples) whose ``verdict`` is
    högre or lägre, each direction named once with its rows as ``item(row)`` listed."""
    out = []
    for verdict in (unc.HIGHER, unc.LOWER):
        picked = [r for r in found if r.verdict == verdict]
        if picked:
            out.append(f"{verdict} {how} {sv.format_list(item(r) for r in picked)}")
    return out


# --- Differences beyond chance ---------------------------------------------------------------------

GENDER_COLUMNS = list(GENDER_ROW)


def gender_differences(dist: pd.DataFrame, year: int, indicator: int | None = None) -> pd.DataFrame:
    """Kvinnor against män per measure shown for both in ``year``: GENDER_COLUMNS, ``gap`` = män −
    kvinnor (pp, as shown) and ``verdict`` for män against kvinnor (högre: men answer more
    positively, beyond chance; ingen säker skillnad otherwise). Women and men are independent samples."""
    return pd.DataFrame(_gender_rows(now_rows(_shown(dist, year, indicator, group=None))), columns=GENDER_COLUMNS)


def _gender_rows(now: list) -> list:
    """:func:`gender_differences` as :data:`GENDER_ROW` rows, from one year's shown :func:`now_rows`."""
    men = {r.series: r for r in now if r.group == "män"}
    both = [(w, men[w.series]) for w in now if w.group == "kvinnor" and w.series in men]
    if not both:
        return []
    verdicts = _difference([m.key_count for _, m in both], [m.n for _, m in both], [w.key_count for w, _ in both],
                           [w.n for w, _ in both])
    make = _row_type(GENDER_ROW)
    return [make(w.series, w.survey, int(w.question), int(w.indicator), w.key, w.nyckeltal_pct, m.nyckeltal_pct,
                 m.nyckeltal_pct - w.nyckeltal_pct, v) for (w, m), v in zip(both, verdicts.tolist())]


EMPLOYER_COLUMNS = list(EMPLOYER_ROW)


def employer_differences(dist: pd.DataFrame, year: int, indicator: int | None = None) -> pd.DataFrame:
    """Each shown employer group of the remittenter against the other remittenter of the same
    question (samtliga minus the group, so two independent samples): EMPLOYER_COLUMNS, ``value``
    the group's nyckeltal, ``samtliga`` all remittenter's, ``verdict`` högre / lägre / ingen säker
    skillnad."""
    return pd.DataFrame(_employer_rows(now_rows(_shown(dist, year, indicator, group=None))),
                        columns=EMPLOYER_COLUMNS)


def _employer_rows(now: list) -> list:
    """:func:`employer_differences` as :data:`EMPLOYER_ROW` rows, from one year's shown :func:`now_rows`."""
    total = {r.series: r for r in now if r.group == "samtliga"}
    both = [(g, total[g.series]) for g in now if g.group in ins.EMPLOYER_GROUPS and g.series in total]
    if not both:
        return []
    verdicts = _difference([g.key_count for g, _ in both], [g.n for g, _ in both],
                           [t.key_count - g.key_count for g, t in both], [t.n - g.n for g, t in both])
    make = _row_type(EMPLOYER_ROW)
    return [make(g.series, g.survey, int(g.question), int(g.indicator), g.key, g.group, g.nyckeltal_pct,
                 t.nyckeltal_pct, v) for (g, t), v in zip(both, verdicts.tolist())]


@dataclass
class Standing:
    """Which respondent groups of one indicator answer beyond chance above (``higher``) or below
    (``lower``) every other group on every pair of their measures (ja/nej questions aside)."""
    groups: list[str] = field(default_factory=list)
    higher: list[str] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)
    answer: str = "klart positivt"
    any_difference: bool = False  # some pair of measures of two groups differs beyond chance


def standing_apart(now, indicator: int) -> Standing:
    """The respondent groups (:func:`respondent_group`) of one indicator that stand apart:
    a group is higher (lower) when each of its measures is higher (lower) beyond chance than each
    measure of every other group. ``now``: one year's distribution rows (samtliga are used), a
    frame or its :func:`now_rows`."""
    d = [r for r in now_rows(now) if r.indicator == indicator and r.group == "samtliga"
         and _shown_value(r.nyckeltal_pct) and r.key != "ja"]
    who_of = [respondent_group(r.survey) for r in d]
    groups = list(dict.fromkeys(who_of))
    out = Standing(groups=groups, answer=_answer([r.key for r in d]))
    if len(groups) < 2:
        return out
    for who in groups:
        mine = [r for r, w in zip(d, who_of) if w == who]
        other = [r for r, w in zip(d, who_of) if w != who]
        v = _difference(np.repeat([r.key_count for r in mine], len(other)), np.repeat([r.n for r in mine], len(other)),
                        np.tile([r.key_count for r in other], len(mine)), np.tile([r.n for r in other], len(mine)))
        out.any_difference |= bool((v != unc.UNSURE_DIFFERENCE).any())
        if (v == unc.HIGHER).all():
            out.higher.append(who)
        elif (v == unc.LOWER).all():
            out.lower.append(who)
    return out


def deltagare_pairs(now: pd.DataFrame) -> pd.DataFrame:
    """The questions asked in both deltagare surveys (same number and indicator), avslut against
    pågående: question, indicator, key, pagaende, avslut, verdict (högre: higher at avslut)."""
    d = now[(now.group == "samtliga") & now.nyckeltal_pct.notna()]
    d = d.assign(_count=unc.key_count(d))
    on = ["question", "indicator", "key"]
    m = d[d.survey == "Deltagare pågående"].merge(d[d.survey == "Deltagare avslut"], on=on, suffixes=("_p", "_a"))
    cols = [*on, "pagaende", "avslut", "verdict"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m["verdict"] = _difference(m["_count_a"].to_numpy(), m["n_a"].to_numpy(), m["_count_p"].to_numpy(),
                               m["n_p"].to_numpy())
    return m.rename(columns={"nyckeltal_pct_p": "pagaende", "nyckeltal_pct_a": "avslut"})[cols]


# --- Levels: "Resultat utifrån indikatorerna" ------------------------------------------------------

@dataclass
class Levels:
    """The indicators by level (the 2022 report's lists): ``high`` — every shown deltagare measure
    has a nyckeltal of at least HIGH_PCT; ``low`` — every shown measure of every respondent group is
    under LOW_PCT; ``low_except`` — respondent group → indicators where every other group is under
    LOW_PCT but this one is not."""
    high: list[int] = field(default_factory=list)
    low: list[int] = field(default_factory=list)
    low_except: dict[str, list[int]] = field(default_factory=dict)


def indicator_levels(now: pd.DataFrame) -> Levels:
    """:class:`Levels` of one year's distribution rows (samtliga, shown nyckeltal)."""
    d = now[(now.group == "samtliga") & now.nyckeltal_pct.notna()]
    d = d.assign(_who=d.survey.map(respondent_group))
    out = Levels()
    for indicator, rows in d.groupby("indicator", sort=True):
        indicator = int(indicator)
        deltagare = rows[rows._who == DELTAGARE]
        if len(deltagare) and (deltagare.nyckeltal_pct >= HIGH_PCT).all():
            out.high.append(indicator)
        under = rows.groupby("_who", sort=False).nyckeltal_pct.max() < LOW_PCT
        if under.all():
            out.low.append(indicator)
        elif len(under) > 2 and (~under).sum() == 1:
            out.low_except.setdefault(under.idxmin(), []).append(indicator)
    return out


def indicator_item(indicator: int) -> str:
    """``Indikator 10 ”Samordnade insatser inkluderar …”`` (a list item of the chapter)."""
    return f"Indikator {indicator} ”{ins.indicators()[indicator].text.rstrip('.')}”"


@dataclass
class LevelList:
    lead: str
    items: list[str]


def level_lists(levels: Levels) -> list[LevelList]:
    """The chapter's lists, each with its lead sentence; a list with no indicator says so in one
    sentence and has no items."""
    out = [LevelList("Följande indikatorer har höga nyckeltal bland deltagarna, i såväl pågående- som "
                     f"avslutsenkäten (nyckeltalet är {fmt.percent(HIGH_PCT)} eller mer på var och en av "
                     "indikatorns deltagarfrågor):", [indicator_item(i) for i in levels.high])
           if levels.high else
           LevelList(f"Ingen indikator har ett nyckeltal på {fmt.percent(HIGH_PCT)} eller mer på alla sina "
                     "deltagarfrågor.", [])]
    out.append(LevelList("Följande indikatorer har relativt sett lägre nyckeltal (färre än hälften av de "
                         "svarande inom samtliga respondentgrupper svarar klart positivt på indikatorns "
                         "frågor):", [indicator_item(i) for i in levels.low])
               if levels.low else
               LevelList(f"Ingen indikator har lägre nyckeltal än {fmt.percent(LOW_PCT)} inom samtliga "
                         "respondentgrupper.", []))
    for who, indicators in levels.low_except.items():
        noun = "denna indikator" if len(indicators) == 1 else "dessa indikatorer"
        out.append(LevelList(f"Därutöver har {noun} lägre nyckeltal för samtliga respondentgrupper utom "
                             f"{WHO.get(who, who.lower())} (färre än hälften svarar klart positivt):",
                             [indicator_item(i) for i in indicators]))
    return out


# --- Kommentar till resultatet ------------------------------------------------------------------------

def level_sentence(now, indicator: int, levels: Levels | None = None) -> list[str]:
    """Where the indicator's nyckeltal lie (samtliga), and, with ``levels``, whether it is among
    the report's highest or lowest. ``now``: one year's distribution rows, a frame or its
    :func:`now_rows`."""
    d = [r for r in now_rows(now) if r.indicator == indicator and r.group == "samtliga"
         and _shown_value(r.nyckeltal_pct)]
    out = [f"Andelen ja-svar på {_measure(r.survey, r.question)} är {fmt.percent(r.nyckeltal_pct)}."
           for r in d if r.key == "ja"]
    d = sorted((r for r in d if r.key != "ja"), key=lambda r: r.nyckeltal_pct)
    keys = [r.key for r in d]
    share = _share(keys)
    if len(d) == 1:
        r = d[0]
        out.append(f"{sv.capitalize(share)} på {_measure(r.survey, r.question)} är {fmt.percent(r.nyckeltal_pct)}.")
    elif len(d) > 1:
        lo, hi = d[0], d[-1]
        if lo.nyckeltal_pct == hi.nyckeltal_pct:
            out.append(f"{sv.capitalize(share)} är {fmt.percent(hi.nyckeltal_pct)} på "
                       f"{sv.of_phrase(len(d), len(d), sv.FRAGA)}.")
        else:
            out.append(f"{sv.capitalize(share)} ligger mellan {fmt.percent(lo.nyckeltal_pct)} "
                       f"({_measure(lo.survey, lo.question)}) och {fmt.percent(hi.nyckeltal_pct)} "
                       f"({_measure(hi.survey, hi.question)}).")
    if levels is not None:
        if indicator in levels.high:
            out.append(f"Indikatorn hör till dem med högst nyckeltal: minst {fmt.percent(HIGH_PCT)} av deltagarna "
                       f"svarar {_answer(keys)} på var och en av dess deltagarfrågor.")
        elif indicator in levels.low:
            out.append("Färre än hälften svarar klart positivt i samtliga respondentgrupper; indikatorn hör till "
                       "dem med lägst nyckeltal.")
        else:
            for who, indicators in levels.low_except.items():
                if indicator in indicators:
                    out.append(f"Utom {WHO.get(who, who.lower())} svarar färre än hälften klart positivt i "
                               "samtliga respondentgrupper.")
    return out


def _change_items(found: list) -> str:
    return sv.format_list(f"{_measure(r.survey, r.question)} (från {fmt.percent(r.before)} till {fmt.percent(r.now)})"
                          for r in found)


def change_sentences(ch, previous: int, by_gender: dict | None = None, when: str | None = None) -> list[str]:
    """What changed since ``previous`` beyond chance (``ch``: commentary.changes rows of samtliga,
    with ``verdict``, a frame or its :data:`CHANGE_ROW` rows), and for kvinnor and män
    (``by_gender``: group → the same); changes not beyond chance are never an increase or a
    decrease (and "på ungefär samma nivå" only when small). ``when``: how the comparison is named
    (default ``jämfört med 2021``)."""
    ch = as_rows(ch, CHANGE_ROW)
    if not ch:
        return []
    when = when or f"jämfört med {previous}"
    up = [r for r in ch if r.verdict == unc.INCREASE]
    down = [r for r in ch if r.verdict == unc.DECREASE]
    rest = len(ch) - len(up) - len(down)
    out = []
    if len(up) or len(down):
        parts = ([f"ökat på {_change_items(up)}"] if len(up) else []) + (
            [f"minskat på {_change_items(down)}"] if len(down) else [])
        text = f"{sv.capitalize(when)} har {_share(r.key for r in ch)} {sv.format_list(parts)}"
        if rest:
            other = "den andra frågan" if rest == 1 and len(ch) == 2 else "övriga frågor"
            text += f"; för {other} är förändringen {SAME_LEVEL}"
        out.append(text + ".")
    else:
        change = [abs(r.now - r.before) for r in ch]
        text = (f"{sv.capitalize(when)} är förändringen {SAME_LEVEL}" if len(ch) == 1 else
                f"{sv.capitalize(when)} är ingen förändring större än att den kan bero på slumpen")
        if _same_level(change):
            text += "; nivån är ungefär densamma" if len(ch) == 1 else "; nyckeltalen ligger på ungefär samma nivå"
        elif max(change) >= 2 * SMALL_PP:
            text += f" – {FEW_ANSWERS}"
        out.append(text + ".")
    parts = []
    for group, g in (by_gender or {}).items():
        for verdict, verb in ((unc.INCREASE, "ökat"), (unc.DECREASE, "minskat")):
            picked = [r for r in as_rows(g, CHANGE_ROW) if r.verdict == verdict]
            if picked:
                parts.append(f"för {GENDER_WHO[group]} {verb} på {_change_items(picked)}")
    if parts:
        out.append(f"Nyckeltalet har {sv.format_list(parts)}.")
    return out


def combined_sentence(trend, indicator: int) -> str:
    """The combined development (Tabell 20) in words, without its arithmetic (the rule is in the
    method chapter); says so when no single measure changed beyond chance behind it. ``trend``:
    uncertainty.development rows, a frame or its :data:`TREND_ROW` rows (without the
    beyond-chance counts, every classification counts as backed)."""
    t = [r for r in as_rows(trend, TREND_ROW, missing=1) if r.indicator == indicator and r.group == "totalt"]
    if not t:
        return ""
    r = t[0]
    c = r.classification
    sure = {ins.INCREASE: r.beyond_chance_up, ins.DECREASE: r.beyond_chance_down}
    if c in sure and not sure[c]:
        return (f"Sammanvägt bedöms indikatorns utveckling som ”{c.lower()}”, men ingen enskild fråga har ändrats "
                f"{CHANCE}.")
    if c == unc.NO_SURE_CHANGE:
        return "Sammanvägt visar indikatorn ingen säker förändring."
    return f"Sammanvägt bedöms indikatorns utveckling som ”{c.lower()}”."


def standing_sentence(s: Standing) -> str:
    """Which respondent groups answer beyond chance above or below the others, or that they answer
    at about the same level (no pair of their measures differs beyond chance)."""
    if len(s.groups) < 2:
        return ""
    name = lambda who: WHO.get(who, who.lower())  # noqa: E731
    if len(s.groups) == 2:
        if s.higher:
            other = name(next(g for g in s.groups if g != s.higher[0]))
            return f"{sv.capitalize(name(s.higher[0]))} svarar {s.answer} i högre utsträckning än {other}."
        if not s.any_difference:
            return f"Skillnaden mellan {name(s.groups[0])} och {name(s.groups[1])} är {SAME_LEVEL}."
        return ""
    parts = [f"{name(w)} svarar {s.answer} i högre utsträckning än övriga respondentgrupper" for w in s.higher]
    parts += [f"{name(w)} svarar {s.answer} i lägre utsträckning än övriga respondentgrupper" for w in s.lower]
    if not parts:
        return (f"Ingen respondentgrupp skiljer sig från alla de övriga {CHANCE}." if s.any_difference else
                "Ingen skillnad mellan respondentgrupperna är större än att den kan bero på slumpen.")
    return sv.capitalize(", medan ".join(parts)) + "."


def _largest_gap(found: list):
    """The row with the largest gap (män − kvinnor) either way; the first of equals."""
    return max(found, key=lambda r: abs(r.gap))


def gender_sentence(gd) -> str:
    """The largest gender gap beyond chance, and in how many questions there is one; or that women
    and men answer at about the same level. ``gd``: :func:`gender_differences`, a frame or its
    :data:`GENDER_ROW` rows."""
    gd = as_rows(gd, GENDER_ROW)
    if not gd:
        return ""
    sure = [r for r in gd if r.verdict != unc.UNSURE_DIFFERENCE]
    if not sure:
        text = (f"skillnaden mellan könen är {SAME_LEVEL}" if len(gd) == 1 else
                "ingen skillnad mellan könen är större än att den kan bero på slumpen")
        return (f"Kvinnor och män svarar på ungefär samma nivå: {text}." if _same_level(r.gap for r in gd) else
                f"{sv.capitalize(text)}.")
    top = _largest_gap(sure)
    first, second = ("män", "kvinnor") if top.gap > 0 else ("kvinnor", "män")
    text = (f"{sv.capitalize(first)} svarar {ANSWER[top.key]} i högre utsträckning än {second} på "
            f"{_measure(top.survey, top.question)} ({_versus(getattr(top, first), getattr(top, second))})")
    if len(gd) > 1:
        text += (f"; skillnaden mellan könen är större än slumpen kan förklara på "
                 f"{sv.of_phrase(len(sure), len(gd), sv.FRAGA)}")
    return text + "."


def _first_per_group(found: list) -> list:
    """The first row of each ``group``, in order."""
    first: dict = {}
    for r in found:
        first.setdefault(r.group, r)
    return list(first.values())


def employer_sentence(ed) -> str:
    """Each employer group of the remittenter that answers beyond chance above or below the other
    remittenter (on the question where the gap is largest), or that the employers' differences may
    be chance. ``ed``: :func:`employer_differences`, a frame or its :data:`EMPLOYER_ROW` rows."""
    ed = as_rows(ed, EMPLOYER_ROW)
    if not ed:
        return ""
    sure = [r for r in ed if r.verdict != unc.UNSURE_DIFFERENCE]
    if not sure:
        return EMPLOYERS_SAME
    sure = sorted(sure, key=lambda r: abs(r.value - r.samtliga), reverse=True)
    return " ".join(
        f"Remittenterna från {EMPLOYER.get(r.group, r.group)} svarar {ANSWER[r.key]} i {r.verdict} utsträckning än "
        f"övriga remittenter på fråga {int(r.question)} ({fmt.percent(r.value)} mot {fmt.percent(r.samtliga)} för "
        "samtliga remittenter)." for r in _first_per_group(sure))


def riket_sentence(cmp, year: int) -> str:
    """A förbund against riket (forbund_report.compare_with_riket rows of one indicator, a frame or
    its :data:`RIKET_ROW` rows): the questions where the förbund is beyond chance higher or lower;
    else that the difference may be chance."""
    cmp = as_rows(cmp, RIKET_ROW)
    if not cmp:
        return ""
    parts = _by_verdict(cmp, "än rikets på",
                        lambda r: f"{_measure(r.survey, r.question)} ({_versus(r.forbund, r.riket)})")
    rest = sum(r.verdict == unc.UNSURE_DIFFERENCE for r in cmp)
    if not parts:
        what = "skillnaden mot riket" if len(cmp) == 1 else "ingen av skillnaderna mot riket"
        return (f"{sv.capitalize(what)} {year} är "
                + ("inte större än att den kan bero på slumpen." if len(cmp) == 1 else
                   "större än att den kan bero på slumpen."))
    text = f"Förbundets nyckeltal {year} är {sv.format_list(parts)}"
    if rest:
        text += f"; på övriga frågor är skillnaden mot riket {SAME_LEVEL}"
    return text + "."


def _on(what: str, found: list) -> str:
    """``minskningen på personalens fråga 3 och styrelsens fråga 1``; no rows give ''."""
    return f"{what} på {sv.format_list(_measure(r.survey, r.question) for r in found)}" if found else ""


def follow_up_sentence(items: list[str]) -> str:
    """``Värt att följa upp är …`` with at most three items; none gives ''."""
    items = list(dict.fromkeys(i for i in items if i))[:3]
    return f"Värt att följa upp är {sv.format_list(items)}." if items else ""


def indicator_comment(dist: pd.DataFrame, indicator: int, year: int, previous: int | None,
                      trend: pd.DataFrame, *, levels: Levels | None = None,
                      changes: pd.DataFrame | None = None, riket: pd.DataFrame | None = None,
                      previous_name: str | None = None, gender: pd.DataFrame | None = None,
                      employer: pd.DataFrame | None = None) -> list[str]:
    """The drafted "Kommentar till resultatet" of one indicator, as paragraphs (each a few
    sentences): first the level, what changed since ``previous`` beyond chance (samtliga, kvinnor,
    män), the combined development in words and, for a förbund, riket (``riket``: its
    compare_with_riket rows); then which respondent groups, employers and genders differ beyond
    chance, and what is worth following up. ``levels``: the national report's :class:`Levels`;
    ``changes``: uncertainty.changes of the whole ``dist`` already computed (picked from);
    ``previous_name``: how the comparison is named (``jämfört med mätningen 2020``); ``gender``,
    ``employer``: :func:`gender_differences` and :func:`employer_differences` of every indicator
    (a report's, once; picked from). No answers shown this year give []. A report that comments
    on every indicator asks :func:`indicator_comments` once instead."""
    def mine(frame):
        return None if frame is None else frame[frame.indicator.to_numpy() == indicator]
    return indicator_comments(mine(dist), year, previous, trend, levels=levels, changes=mine(changes),
                              riket=mine(riket), previous_name=previous_name, gender=mine(gender),
                              employer=mine(employer)).get(indicator, [])


def indicator_comments(dist: pd.DataFrame, year: int, previous: int | None, trend: pd.DataFrame, *,
                       levels: Levels | None = None, changes: pd.DataFrame | None = None,
                       riket: pd.DataFrame | None = None, previous_name: str | None = None,
                       gender: pd.DataFrame | None = None,
                       employer: pd.DataFrame | None = None) -> dict[int, list[str]]:
    """:func:`indicator_comment` of every indicator with answers shown in ``year`` (indicator →
    paragraphs; the arguments as there): the year's rows, the changes (samtliga, kvinnor, män),
    the gender and employer differences, ``riket`` and ``trend`` are computed or picked once for
    all indicators and split by indicator once, as :func:`as_rows`."""
    now = now_rows(_shown(dist, year, group=None))
    gender = _by_indicator(_gender_rows(now) if gender is None else as_rows(gender, GENDER_ROW))
    employer = _by_indicator(_employer_rows(now) if employer is None else as_rows(employer, EMPLOYER_ROW))
    riket = None if riket is None else _by_indicator(as_rows(riket, RIKET_ROW))
    if previous is not None:
        changes = unc.changes(dist, year, previous) if changes is None else changes
        changes = _change_rows(changes)
        trend = _by_indicator(as_rows(trend, TREND_ROW, missing=1))
    out = {}
    for indicator, shown in _by_indicator(now).items():
        comment = _indicator_comment(
            shown, indicator, year, previous, levels=levels, previous_name=previous_name,
            trend=None if previous is None else trend.get(indicator, []),
            changes=None if previous is None else {g: c.get(indicator, []) for g, c in changes.items()},
            riket=None if riket is None else riket.get(indicator, []), gender=gender.get(indicator, []),
            employer=employer.get(indicator, []))
        if comment:
            out[indicator] = comment
    return out


def _change_rows(changes: pd.DataFrame) -> dict[str, dict[int, list]]:
    """uncertainty.changes as commentary.changes names them (:data:`CHANGE_ROW` rows), per group
    (samtliga, kvinnor, män) and indicator, renamed and split once."""
    named = changes.rename(columns=com.CHANGE_NAMES).astype({"now": float, "before": float})
    found: dict[str, list] = {}
    for r, group in zip(as_rows(named, CHANGE_ROW), named.group.tolist()):
        found.setdefault(group, []).append(r)
    return {g: _by_indicator(found.get(g, [])) for g in ("samtliga", *ins.GENDER_GROUPS)}


def _indicator_comment(now: list, indicator: int, year: int, previous: int | None, *,
                       levels: Levels | None, previous_name: str | None, trend: list | None,
                       changes: dict[str, list] | None, riket: list | None,
                       gender: list, employer: list) -> list[str]:
    """:func:`indicator_comment` from one indicator's rows (:func:`as_rows`), already picked: ``now``
    its shown rows of ``year`` (every group), ``changes`` group → commentary.changes rows (None
    without ``previous``), ``trend``, ``riket``, ``gender`` and ``employer`` its rows of those."""
    if not any(r.group == "samtliga" for r in now):
        return []
    first = level_sentence(now, indicator, levels)
    follow = []
    if previous is not None:
        ch = changes["samtliga"]
        genders = {g: c for g, c in changes.items() if g != "samtliga" and c}
        first += change_sentences(ch, previous, genders, previous_name)
        first.append(combined_sentence(trend, indicator))
        follow.append(_on("minskningen", [r for r in ch if r.verdict == unc.DECREASE]))
    if riket is not None:
        first.append(riket_sentence(riket, year))
        follow.append(_on("varför förbundet ligger lägre än riket", [r for r in riket if r.verdict == unc.LOWER]))
    standing = standing_apart(now, indicator)
    follow += [f"varför {WHO.get(w, w.lower())} svarar mindre positivt än övriga respondentgrupper"
               for w in standing.lower if len(standing.groups) > 2]
    follow += [f"varför remittenterna från {EMPLOYER.get(r.group, r.group)} svarar mindre positivt än övriga "
               "remittenter" for r in _first_per_group([r for r in employer if r.verdict == unc.LOWER])]
    sure = [r for r in gender if r.verdict != unc.UNSURE_DIFFERENCE]
    if sure:
        top = _largest_gap(sure)
        follow.append(f"skillnaden mellan kvinnors och mäns svar på {_measure(top.survey, top.question)}")
    if levels is not None and indicator in levels.low:
        follow.append("vad som skulle få fler att svara klart positivt")
    second = [standing_sentence(standing), employer_sentence(employer), gender_sentence(gender),
              follow_up_sentence(follow)]
    return [p for p in (" ".join(s for s in part if s) for part in (first, second)) if p]


# --- Resultat utifrån enkätfrågorna ---------------------------------------------------------------------

def survey_extremes(now: pd.DataFrame, survey: str) -> str:
    """The survey's highest and lowest nyckeltal (samtliga, ja/nej aside), with the questions'
    topics: ``I pågåendeenkäten är nyckeltalet högst för fråga 3 (tillräcklig tid, 80 %) och lägst
    för fråga 5 (…, 49 %).``"""
    d = now[(now.survey == survey) & (now.group == "samtliga") & now.nyckeltal_pct.notna() & (now.key != "ja")]
    if d.empty:
        return ""
    d = d.sort_values(["nyckeltal_pct", "question"], kind="stable")
    where = WHERE.get(survey, f"I enkäten {survey.lower()}")

    def q(r):
        return f"fråga {int(r.question)} ({_topic(r.indicator)}, {fmt.percent(r.nyckeltal_pct)})"
    if len(d) == 1:
        r = d.iloc[0]
        return f"{where} är nyckeltalet {fmt.percent(r.nyckeltal_pct)} på fråga {int(r.question)} ({_topic(r.indicator)})."
    lo, hi = d.iloc[0], d.iloc[-1]
    if lo.nyckeltal_pct == hi.nyckeltal_pct:
        return f"{where} är nyckeltalet {fmt.percent(hi.nyckeltal_pct)} på {sv.of_phrase(len(d), len(d), sv.FRAGA)}."
    return f"{where} är nyckeltalet högst för {q(hi)} och lägst för {q(lo)}."


def deltagare_sentence(pairs: pd.DataFrame) -> str:
    """Pågående against avslut on the questions both ask: where they differ beyond chance."""
    if pairs.empty:
        return ""
    sure = pairs[pairs.verdict != unc.UNSURE_DIFFERENCE]
    n = len(pairs)
    if sure.empty:
        text = (f"på {sv.of_phrase(0, n, sv.FRAGA)} som ställs i både pågående- och avslutsenkäten är "
                "skillnaden större än att den kan bero på slumpen" if n > 1 else
                f"skillnaden mellan pågående- och avslutsenkäten är {SAME_LEVEL}")
        return (f"Svaren i pågående- och avslutsenkäten ligger på ungefär samma nivå: {text}."
                if _same_level(pairs.avslut - pairs.pagaende) else f"{sv.capitalize(text)}.")
    parts = _by_verdict(list(sure.itertuples()), "för",
                        lambda r: f"fråga {int(r.question)} ({_topic(r.indicator)}, {_versus(r.avslut, r.pagaende)})")
    which = "frågan" if n == 1 else sv.of_phrase(len(sure), n, sv.FRAGA)
    return (f"På {which} som ställs i både pågående- och avslutsenkäten skiljer sig svaren {CHANCE}: vid avslut "
            f"är nyckeltalet {sv.format_list(parts)}.")


def gender_overview(gd: pd.DataFrame) -> str:
    """Across every question with a gender split: in how many women and men differ beyond chance,
    and the largest such gap."""
    if gd.empty:
        return ""
    sure = gd[gd.verdict != unc.UNSURE_DIFFERENCE]
    if sure.empty:
        text = (f"på {sv.of_phrase(0, len(gd), sv.FRAGA)} med könsuppdelade svar är skillnaden större än att den "
                "kan bero på slumpen")
        return (f"Kvinnor och män svarar på ungefär samma nivå: {text}." if _same_level(gd.gap) else
                f"{sv.capitalize(text)}.")
    top = sure.loc[sure.gap.abs().idxmax()]
    return (f"Kvinnor och män svarar olika, {CHANCE}, på {sv.of_phrase(len(sure), len(gd), sv.FRAGA)} med "
            f"könsuppdelade svar. Störst är skillnaden på {_measure(top.survey, top.question)} "
            f"({_topic(top.indicator)}), där {fmt.percent(top['män'])} av männen och "
            f"{fmt.percent(top.kvinnor)} av kvinnorna svarar {ANSWER[top.key]}.")


def groups_overview(now: pd.DataFrame) -> list[str]:
    """Per respondent group, the indicators in which it answers beyond chance above or below the
    others (:func:`standing_apart`)."""
    found: dict[tuple[str, str], list[int]] = {}
    shown = now_rows(now)
    for indicator in sorted(int(i) for i in now.indicator.unique()):
        s = standing_apart(shown, indicator)
        if len(s.groups) < 3:
            continue
        for who in s.higher:
            found.setdefault((who, "mer"), []).append(indicator)
        for who in s.lower:
            found.setdefault((who, "mindre"), []).append(indicator)
    return [f"{sv.capitalize(WHO.get(who, who.lower()))} svarar {word} positivt än övriga respondentgrupper inom "
            f"{sv.numbered(sv.INDIKATOR, indicators)}." for (who, word), indicators in found.items()]


def employer_overview(ed: pd.DataFrame) -> str:
    """Per employer group of the remittenter, on how many questions it differs beyond chance from
    the other remittenter."""
    if ed.empty:
        return ""
    parts = []
    questions = ed.series.nunique()
    for group, rows in ed.groupby("group", sort=False):
        for verdict, word in ((unc.HIGHER, "mer"), (unc.LOWER, "mindre")):
            k = int((rows.verdict == verdict).sum())
            if k:
                parts.append(f"de från {EMPLOYER.get(group, group)} {word} positivt på "
                             f"{sv.of_phrase(k, questions, sv.FRAGA)}")
    if not parts:
        return EMPLOYERS_SAME
    return f"Bland remittenterna svarar {sv.format_list(parts)} än övriga remittenter."


def questions_chapter(now: pd.DataFrame, year: int, gender: pd.DataFrame | None = None,
                      employer: pd.DataFrame | None = None) -> list[list[str]]:
    """"Resultat utifrån enkätfrågorna": paragraphs (each a list of sentences) — the deltagare
    (each survey's highest and lowest, pågående against avslut), women against men, the other
    respondent groups, and the groups and employers that stand apart. ``gender``, ``employer``:
    :func:`gender_differences` and :func:`employer_differences` of ``now`` when already computed."""
    gender = gender_differences(now, year) if gender is None else gender
    employer = employer_differences(now, year) if employer is None else employer
    surveys = [s for s in ins.SURVEYS if s in set(now.survey)]
    deltagare = [survey_extremes(now, s) for s in surveys if s.startswith(DELTAGARE)]
    deltagare.append(deltagare_sentence(deltagare_pairs(now)))
    others = [survey_extremes(now, s) for s in surveys if not s.startswith(DELTAGARE)]
    apart = groups_overview(now) + [employer_overview(employer)]
    parts = [[s for s in part if s] for part in (deltagare, [gender_overview(gender)], others, apart)]
    return [p for p in parts if p] or [[f"Inga frågor har tillräckligt många svar för att redovisas {year}."]]


# --- Kommentar kring utvecklingen -----------------------------------------------------------------------

def development_comment(dist: pd.DataFrame, year: int, first: int) -> list[list[str]]:
    """"Kommentar kring utvecklingen på nationell nivå": every measure shown both in ``first`` and
    in ``year``, compared beyond chance — samtliga (how many rose and fell, in which indicators,
    the largest change), then kvinnor and män. Paragraphs (lists of sentences); [] when there is
    nothing to compare."""
    if first >= year:
        return []
    ch = unc.changes(dist[dist.year.isin([first, year])], year, first)
    total = ch[ch.group == "samtliga"]
    if total.empty:
        return []
    up, down = total[total.verdict == unc.INCREASE], total[total.verdict == unc.DECREASE]
    n = len(total)
    out = [f"Här jämförs {year} med {first} för de frågor som ställts på samma sätt hela perioden, och bara "
           "förändringar som är större än att de kan bero på slumpen räknas.",
           sv.tally(n, [(len(up), "visar en ökning"), (len(down), "visar en minskning"),
                        (n - len(up) - len(down), "ligger kvar på ungefär samma nivå")], sv.FRAGA,
                    after_first=f" sedan {first}", keep_zero=(1,))]
    for rows, word in ((up, "Ökningarna"), (down, "Minskningarna")):
        indicators = sorted(set(int(i) for i in rows.indicator))
        if len(rows) > 1:
            out.append(f"{word} finns inom {sv.numbered(sv.INDIKATOR, indicators)}.")
    if len(up):
        top = up.loc[up.change_pp.idxmax()]
        out.append(f"Störst är ökningen på {_measure(top.survey, top.question)} ({_topic(top.indicator)}), från "
                   f"{fmt.percent(top.nyckeltal_before_pct)} {first} till {fmt.percent(top.nyckeltal_pct)} {year}.")
    if len(down):
        top = down.loc[down.change_pp.idxmin()]
        out.append(f"Störst är minskningen på {_measure(top.survey, top.question)} ({_topic(top.indicator)}), från "
                   f"{fmt.percent(top.nyckeltal_before_pct)} {first} till {fmt.percent(top.nyckeltal_pct)} {year}.")
    parts = []
    for group in ins.GENDER_GROUPS:
        g = ch[ch.group == group]
        if len(g):
            k_up, k_down = int((g.verdict == unc.INCREASE).sum()), int((g.verdict == unc.DECREASE).sum())
            part = f"för {GENDER_WHO[group]} på {sv.of_phrase(k_up, len(g), sv.FRAGA)}"
            if k_down:
                part += f" (och minskat på {sv.number_word(k_down, sv.EN)})"
            parts.append(part)
    gender = [f"Bland deltagarna har nyckeltalet sedan {first} ökat {CHANCE} {sv.format_list(parts)}."] if parts else []
    return [p for p in (out, gender) if p]


# --- Analysmetod och redovisning av data ----------------------------------------------------------------

def analysis_method(min_n: int) -> list[str]:
    """"Analysmetod och redovisning av data": how the figures are computed and shown — the
    nyckeltal, rounding, n, small numbers, the Wilson interval, "beyond chance" and the
    development rule (method.md; uncertainty.py). Paragraphs, each one string."""
    few = sv.number_word(min_n)
    return [
        "Resultatet är aggregerat till nationell nivå utifrån de registreringsfiler som samordningsförbunden har "
        "skickat in. Varje tabell, diagram och mening i rapporten räknas fram direkt ur filerna, och samma siffror "
        "finns i rapportens resultatfil i Excel. Till varje indikator görs en kommentar till resultatet, och "
        "samlade slutsatser finns i sammanfattningen och i den avslutande diskussionen.",
        "Varje andel avrundas för sig till hela procent (0,5 avrundas uppåt), därför kan en rads andelar summera "
        "till 99 eller 101 procent. Ett svar ingår i redovisningen om minst en av enkätens frågor är besvarad; n "
        "är antalet svar på frågan, och den som lämnat en fråga obesvarad räknas inte med i den frågans andelar.",
        f"En andel som bygger på färre än {few} svar redovisas inte (”för få svar”), varken i tabeller eller i "
        f"diagram, och en uppdelning på kön eller arbetsgivare visas inte när någon av grupperna har färre än "
        f"{few} svar. Det skyddar de svarande i små förbund och insatser.",
        "Ett nyckeltal är en skattning: med andra svarande hade det blivit något annorlunda. Därför har varje "
        "nyckeltal ett 95-procentigt konfidensintervall (Wilsons intervall), som finns i resultatfilen. Ju färre "
        "svar, desto bredare är intervallet.",
        "När rapportens text säger att ett nyckeltal har ökat eller minskat, eller att två grupper svarar olika, "
        "är skillnaden större än att den kan bero på slumpen: hela 95-procentsintervallet för skillnaden "
        "(Newcombes metod) ligger över eller under noll. Mindre skillnader beskrivs som att nivån är ungefär "
        "densamma. Varje förändrings intervall finns i resultatfilen.",
        "Jämförelser över tid görs bara för frågor som ställts på samma sätt; en fråga som ändrats börjar en ny "
        "serie, och ingen linje dras i diagrammen över bytet.",
        "Den sammanvägda utvecklingen per indikator följer de nationella rapporternas regel: förändringarna i "
        "indikatorns mått summeras i procentenheter, och resultatet blir ”ökning” när summan är minst 2 "
        "procentenheter gånger antalet mått, ”minskning” när den är lika stor nedåt och annars ”varken ökning "
        "eller minskning”. För en indikator med två mått är gränsen alltså ±4 procentenheter.",
    ]

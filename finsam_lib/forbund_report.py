"""One förbund's indicator report: its own development over the years, beside the
national level (the Västmanland report, made from the registration files).

:class:`ForbundReport` assembles every section as a :class:`report.Block`; the
notebook ``forbund_report.ipynb`` shows them cell by cell. Figures come from
:mod:`figures` (the förbund's own answers, and national aggregates only), with the
stricter small-number rules of :mod:`privacy` on top: nothing resting on fewer
than ``min_n`` answers, and no split or total from which a small group can be
worked out. No other förbund is named or counted.

Datasets and national figures are cached per process, so a kernel that makes
many förbund reports (``finsam batch``) reads the registration files once.
"""
from __future__ import annotations

import datetime as dt
import html
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from . import charts
from . import commentary as com
from . import figures as fig
from . import forbund_charts as fc
from . import format as fmt
from . import instrument as ins
from . import insats as isx
from . import privacy
from . import swedish as sv
from . import uncertainty as unc
from . import tables as tb
from .names import match_forbund, safe_filename
from .reader import Dataset
from .report import (KEYFIGURE_HEADERS, Block, Report, ReportDataError, ReportFigures, bullets, comment_block, heading,
                     paragraphs, publication_date, swedish_date, valid_dataset)

YEARS_SHOWN = 5
NO_INSATS = "Ingen insats angiven"

# How the report names the respondent groups in running text.
GROUP_NAMES = {
    "Deltagare pågående": "deltagare (pågående)",
    "Deltagare avslut": "deltagare (avslutade)",
    "Personal": "personal i insatser",
    "Remittenter": "remittenter",
    "Parternas chefsgrupp": "parternas chefsgrupp",
    "Styrelse": "styrelsen för samordningsförbundet",
    "Förbundschef": "förbundschefer",
}
# Short names in the definite form, for "För få svar från ... ".
GROUP_DEFINITE = {
    "Deltagare pågående": "deltagare (pågående)",
    "Deltagare avslut": "deltagare (avslutade)",
    "Personal": "personalen",
    "Remittenter": "remittenterna",
    "Parternas chefsgrupp": "parternas chefsgrupp",
    "Styrelse": "styrelsen",
    "Förbundschef": "förbundschefen",
}


def display_name(forbund: str) -> str:
    """'Västmanland' -> 'Samordningsförbundet Västmanland' (names that already say so stay)."""
    return forbund if forbund.casefold().startswith("samordningsförbund") else f"Samordningsförbundet {forbund}"


def report_stem(forbund: str, year: int) -> str:
    """The file name (without suffix) of a förbund's report: safe on every system and in URLs."""
    return f"indikatorrapport-{year}-{safe_filename(forbund)}"


def report_title(forbund: str, year: int) -> str:
    return f"Indikatorrapport {year}: {display_name(forbund)}"


def stylesheet() -> str:
    """The förbund report's additions to the shared report stylesheet."""
    return resources.files("finsam_lib").joinpath("templates/forbund.css").read_text(encoding="utf-8")


# --- National figures once per process --------------------------------------------------------------------

_NATIONAL: dict = {}


def _cached(key: tuple, data: Dataset, make):
    hit = _NATIONAL.get(key)
    if hit is None or hit[0] is not data:
        if len(_NATIONAL) > 32:
            _NATIONAL.clear()
        hit = (data, make())
        _NATIONAL[key] = hit
    return hit[1]


def national_figures(data: Dataset, year: int, min_n: int) -> ReportFigures:
    """The national figures of a year (every förbund together), once per dataset, year and min n."""
    return _cached(("figures", id(data), year, min_n), data, lambda: ReportFigures(data, year, min_n=min_n))


def national_samtliga(data: Dataset, year: int, min_n: int) -> pd.DataFrame:
    """The national distribution rows of every respondent (group samtliga), years up to ``year``."""
    def make():
        d = national_figures(data, year, min_n).dist
        return d[d.group == "samtliga"].reset_index(drop=True)
    return _cached(("samtliga", id(data), year, min_n), data, make)


def national_totals(data: Dataset, year: int) -> tuple[int, int]:
    """(questionnaires, förbund) nationally in a year."""
    def make():
        r = data.respondents[data.respondents.year == year]
        return int(len(r)), int(r.forbund.nunique())
    return _cached(("totals", id(data), year), data, make)


# --- Figures of one förbund ----------------------------------------------------------------------

def insats_units(respondents: pd.DataFrame, population: pd.DataFrame, year: int, forbund: str) -> pd.DataFrame:
    """figures.population_units for the förbund's year (survey, insats, antal_svar, tillfragade,
    malpopulation), plus svar_med_t: the responses of units with a Tillfrågade."""
    resp = respondents[(respondents.year == year) & (respondents.forbund == forbund)]
    pop = population[(population.year == year) & (population.forbund == forbund)]
    out = fig.population_units(resp, pop)[["survey", "insats", "malpopulation", "tillfragade", "antal_svar"]]
    out["svar_med_t"] = out["antal_svar"].astype("Int64").where(out.tillfragade.notna())
    return out


def measures_of(version: int, indicator: int) -> pd.DataFrame:
    """The indicator's questions in a questionnaire version, in the report's order (a copy of
    the frame made once per process)."""
    return _measures_of(version, indicator).copy()


@lru_cache(maxsize=None)
def _measures_of(version: int, indicator: int) -> pd.DataFrame:
    q = ins.version_questions(version)
    q = q[q.indicator == indicator]
    q = q.assign(_s=q.survey.map(tb._survey_rank)).sort_values(["_s", "question"]).drop(columns="_s")
    return q.reset_index(drop=True)


def series_start(series: str) -> int:
    """The questionnaire version (= the year) from which a measure is asked as it is now."""
    return ins.comparable_since(series)


def question_label(text: str, survey: str, question: int) -> str:
    return f"{text} ({survey}, fråga {question})"


def compare_with_riket(local: pd.DataFrame, national: pd.DataFrame, year: int,
                       indicator: int | None = None, sure: pd.DataFrame | None = None) -> pd.DataFrame:
    """This year's shown nyckeltal of the förbund beside the country's, per measure (samtliga):
    series, survey, question, indicator, key, forbund, riket, diff (förbund − riket), and the
    difference's 95 % interval and verdict (diff_ci_low_pp, diff_ci_high_pp, verdict: högre /
    lägre / ingen säker skillnad; uncertainty.riket_difference, or ``sure`` when already computed)."""
    def pick(d):
        d = d[(d.year == year) & (d.group == "samtliga") & d.nyckeltal_pct.notna()]
        return d if indicator is None else d[d.indicator == indicator]
    mine = pick(local).set_index("series")
    theirs = pick(national).set_index("series")["nyckeltal_pct"]
    out = mine[["survey", "question", "indicator", "key", "nyckeltal_pct"]].rename(columns={"nyckeltal_pct": "forbund"})
    out["riket"] = theirs.reindex(out.index)
    out = out.dropna(subset=["riket"])
    out["diff"] = out.forbund - out.riket
    if sure is None:
        sure = unc.riket_difference(pick(local), pick(national), year)
    sure = sure.set_index("series")
    out = out.join(sure)
    out["verdict"] = out["verdict"].fillna(unc.UNSURE_DIFFERENCE)
    out = out.assign(_s=out.survey.map(tb._survey_rank)).sort_values(["indicator", "_s", "question"])
    return out.drop(columns="_s").rename_axis("series").reset_index()


def riket_sentence(cmp: pd.DataFrame, year: int) -> str:
    """"Jämfört med riket 2022 är förbundets nyckeltal högre för …, lägre för …; för … kan skillnaden
    bero på slumpen" — higher or lower only where the 95 % interval of the difference says so."""
    if cmp.empty:
        return ""

    def items(rows):
        return sv.format_list(f"{com.measure_phrase(r.survey, int(r.question))} ({fmt.percent(r.forbund)} mot "
                              f"{fmt.percent(r.riket)})" for r in rows.itertuples())

    higher = cmp[cmp["verdict"] == unc.HIGHER]
    lower = cmp[cmp["verdict"] == unc.LOWER]
    same = cmp[cmp["verdict"] == unc.UNSURE_DIFFERENCE]
    parts = []
    if len(higher):
        parts.append(f"högre för {items(higher)}")
    if len(lower):
        parts.append(f"lägre för {items(lower)}")
    text = f"Jämfört med riket {year} är förbundets nyckeltal {sv.format_list(parts)}." if parts else ""
    if len(same):
        lead = "För" if parts else f"Jämfört med riket {year}: för"
        text += (f" {lead} {items(same)} är skillnaden mot riket inte större än att den kan bero på slumpen.")
    return text.strip()


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


# --- Tables -----------------------------------------------------------------------------------------

def _notes_for(unused: bool = False) -> list[str]:
    return [f"{fmt.DASH} = enkäten användes inte."] if unused else []


def survey_years_table(counts: pd.DataFrame, min_n: int, number: str) -> tb.ReportTable:
    """Responses per year (rows) and survey (columns), and the year's total.

    ``counts``: index year, a column per survey (NaN = not used)."""
    surveys = [s for s in ins.REPORT_ORDER if s in counts.columns]
    rows = []
    for year, r in counts.iterrows():
        row = {"label": str(year), "kind": tb.ROW}
        for s in surveys:
            row[s] = privacy.count_cell(r[s], min_n)
        row[fig.TOTAL] = privacy.total_cell([r[s] for s in surveys], min_n)
        rows.append(row)
    cols = [tb.Column(s, tb.SURVEY_HEADERS.get(s, s)) for s in surveys] + [tb.Column(fig.TOTAL, "Totalt")]
    unused = counts[surveys].isna().any().any()
    return tb.ReportTable("tabell-1", number, "Antal besvarade enkäter per respondentgrupp och år.", tb._frame(rows),
                          cols, label_header="Mätår", notes=_notes_for(unused), sheet=f"Tabell {number}",
                          narrow_label=True)


def response_rates_table(response: pd.DataFrame, min_n: int, number: str, year: int) -> tb.ReportTable:
    """Tillfrågade, antal svar, svarsfrekvens and bortfall per survey this year and in total,
    every count exact (privacy rule 3)."""
    rows = []
    for r in response.itertuples():
        total = r.survey == fig.TOTAL
        rows.append({"label": "Totalt" if total else r.survey, "kind": tb.TOTAL if total else tb.ROW,
                     "tillfragade": r.tillfragade, "antal_svar": privacy.count_cell(r.antal_svar, min_n),
                     "svarsfrekvens": r.svar_av_tillfragade_pct,
                     "bortfall": r.bortfall if not pd.isna(r.tillfragade) else None})
    cols = [tb.Column("tillfragade", "Tillfrågade"), tb.Column("antal_svar", "Antal svar"),
            tb.Column("svarsfrekvens", "Svarsfrekvens", "pct"), tb.Column("bortfall", "Bortfall")]
    notes = ["Svarsfrekvens = antal svar / tillfrågade; bortfall = tillfrågade − antal svar. Ett svar räknas när "
             "minst en fråga är besvarad."]
    if any(fmt.missing(r["tillfragade"]) or fmt.missing(r["svarsfrekvens"]) for r in rows):
        notes.append(f"{fmt.DASH} = uppgift saknas (Tillfrågade har inte fyllts i på bladet Population).")
    return tb.ReportTable("tabell-2", number, f"Tillfrågade, svar, svarsfrekvens och bortfall per enkät {year}.",
                          tb._frame(rows), cols, notes=notes, sheet=f"Tabell {number}")


def insats_table(units: pd.DataFrame, response: pd.DataFrame, min_n: int, number: str,
                 year: int) -> tb.ReportTable | None:
    """Per survey and insats: tillfrågade, antal svar, svarsfrekvens, bortfall (as the 2019 local
    evaluation), every count exact (privacy rule 3). None when no survey is split into insatser."""
    r = response.set_index("survey")
    rows = []
    for survey in [s for s in ins.REPORT_ORDER if s in set(units.survey)]:
        u = units[units.survey == survey]
        total = int(r.at[survey, "antal_svar"]) if survey in r.index else int(u.antal_svar.sum())
        if len(u) == 1 and u.insats.iloc[0] == "":
            continue  # nothing to split
        u = u.assign(label=[i or NO_INSATS for i in u.insats])
        order = sorted(range(len(u)), key=lambda i: (u.insats.iloc[i] == "", u.label.iloc[i].casefold()))
        rows.append({"label": survey, "kind": tb.SECTION})
        for x in u.iloc[order].itertuples():
            rate = fig.percent(int(x.svar_med_t), int(x.tillfragade)) if not pd.isna(x.tillfragade) \
                and not pd.isna(x.svar_med_t) else None
            rows.append({"label": x.label, "kind": tb.SUB, "tillfragade": x.tillfragade,
                         "antal_svar": privacy.count_cell(x.antal_svar, min_n), "svarsfrekvens": rate,
                         "bortfall": int(x.tillfragade) - int(x.svar_med_t) if rate is not None else None})
        t = r.loc[survey] if survey in r.index else None
        rows.append({"label": f"Totalt {survey.lower()}", "kind": tb.TOTAL,
                     "tillfragade": t.tillfragade if t is not None else None, "antal_svar": total,
                     "svarsfrekvens": t.svar_av_tillfragade_pct if t is not None else None,
                     "bortfall": t.bortfall if t is not None and not pd.isna(t.tillfragade) else None})
    if not rows:
        return None
    cols = [tb.Column("tillfragade", "Tillfrågade"), tb.Column("antal_svar", "Antal svar"),
            tb.Column("svarsfrekvens", "Svarsfrekvens", "pct"), tb.Column("bortfall", "Bortfall")]
    return tb.ReportTable("tabell-3", number, f"Tillfrågade och svar per insats {year}.", tb._frame(rows), cols,
                          notes=[], sheet=f"Tabell {number}", long=True, wide_label=True)


def insats_results_table(figures: pd.DataFrame, survey: str, min_n: int, number: str,
                         year: int) -> tb.ReportTable | None:
    """One survey's nyckeltal per insats (rows: insatser, Övriga insatser, Samtliga; columns: its
    questions, grouped by indicator), cells "78 % (70–85)" or "för få svar", as the 2019 local
    evaluation's results per insats. ``figures``: :func:`insats.insats_figures` rows of one förbund
    and year. None when the survey has one insats only or no insats row can be shown."""
    f = figures[figures.survey == survey]
    units = f[f.kind == isx.INSATS]
    if units.insats.nunique() < 2 or units.suppressed.all():
        return None
    measures = f[f.kind == isx.TOTAL].sort_values("question")
    cols = [tb.Column(f"q{m.question}", (f"Indikator {m.indicator}", f"Fråga {m.question}"), "pct_ci")
            for m in measures.itertuples()]
    excel = [c for m in measures.itertuples() for c in (
        tb.Column(f"q{m.question}", (f"Fråga {m.question}", "Nyckeltal"), "pct"),
        tb.Column(f"q{m.question}_low", (f"Fråga {m.question}", "95 % lägre gräns"), "pct"),
        tb.Column(f"q{m.question}_high", (f"Fråga {m.question}", "95 % övre gräns"), "pct"))]
    def order(i):  # by name, "no insats given" last (as insats_table)
        return i == "", str(i).casefold()
    names = sorted(set(units.insats[~units.suppressed.astype(bool)]), key=order)
    never = sorted(set(units.insats) - set(names), key=order)
    labels = [(i, i or NO_INSATS, tb.ROW, isx.INSATS) for i in names]
    if (f.kind == isx.POOLED).any():
        labels.append((isx.OTHERS, isx.OTHERS, tb.SUB, isx.POOLED))
    labels.append((isx.ALL, isx.ALL, tb.TOTAL, isx.TOTAL))
    cells = f.set_index(["insats", "kind", "question"])
    rows = []
    for name, label, kind, what in labels:
        row = {"label": label, "kind": kind}
        for m in measures.itertuples():
            key = (name, what, m.question)
            if key not in cells.index:
                row[f"q{m.question}"] = None
                continue
            c = cells.loc[key]
            if c.suppressed:
                row[f"q{m.question}"] = privacy.TOO_FEW
            else:
                row.update({f"q{m.question}": c.nyckeltal_pct, f"q{m.question}_low": c.nyckeltal_ci_low,
                            f"q{m.question}_high": c.nyckeltal_ci_high})
        rows.append(row)
    cells_of = [r.get(c.key) for r in rows for c in cols]
    notes = ["Nyckeltalet per fråga (" + sv.format_list(ins.key_label(k) for k in sorted(set(measures.key)))
             + "); inom parentes 95 % konfidensintervall."]
    if never:
        notes.append(f"”{isx.OTHERS}” omfattar på varje fråga {sv.format_list(i or NO_INSATS for i in never)}, "
                     "som har för få svar för att redovisas var för sig.")
    if isx.OTHERS in [r["label"] for r in rows]:
        notes.append(f"Insatser med färre än {min_n} svar på en fråga redovisas samlat som ”{isx.OTHERS}”; har den "
                     f"gruppen färre än {min_n} svar läggs även den minsta övriga insatsen dit, så att ingen insats "
                     "kan räknas fram ur skillnaden mot samtliga.")
    if privacy.TOO_FEW in cells_of:
        notes.append(f"”{privacy.TOO_FEW}” = insatsen redovisas inte på frågan (färre än {min_n} svar, eller "
                     f"insatsen ingår i ”{isx.OTHERS}”).")
    if None in cells_of:
        notes.append(f"{fmt.DASH} = inga svar på frågan i insatsen (eller ingen insats behövde slås ihop).")
    return tb.ReportTable(f"tabell-{number}", number, f"Nyckeltal per insats, {survey.lower()} {year}.",
                          tb._frame(rows), cols, label_header="Insats", notes=notes, sheet=f"Tabell {number}",
                          wide_label=True, excel_columns=excel)


def gender_table(response: pd.DataFrame, min_n: int, number: str, year: int) -> tb.ReportTable | None:
    """Deltagare by kön: counts and their shares of the survey's responses, exact (privacy rule 3)."""
    r = response[response.survey.isin([s for s, b in ins.BACKGROUND.items() if b == "Kön"])]
    if r.empty:
        return None
    rows = []
    for x in r.itertuples():
        n = int(x.antal_svar)
        row = {"label": x.survey, "kind": tb.ROW, "total": n}
        for key, v in (("k", x.kvinnor), ("m", x.man), ("e", x.ej_uppgett_kon)):
            row[f"{key}_antal"] = int(v)
            row[f"{key}_andel"] = fig.percent(int(v), n) if n else None
        rows.append(row)
    cols = [tb.Column("k_antal", ("Kvinnor", "antal")), tb.Column("k_andel", ("Kvinnor", "andel"), "pct"),
            tb.Column("m_antal", ("Män", "antal")), tb.Column("m_andel", ("Män", "andel"), "pct"),
            tb.Column("e_antal", ("Ej uppgett kön", "antal")), tb.Column("e_andel", ("Ej uppgett kön", "andel"), "pct"),
            tb.Column("total", "Totalt")]
    return tb.ReportTable("tabell-4", number, f"Svarande deltagare efter kön {year}.", tb._frame(rows), cols,
                          notes=[], sheet=f"Tabell {number}")


_NO_ROWS = pd.DataFrame({"year": pd.Series(dtype="int64"), "series": pd.Series(dtype=object)})


def by_series(dist: pd.DataFrame, group: str = "samtliga") -> dict[str, pd.DataFrame]:
    """A distribution frame's rows of one group split by series once, for look-ups (each part
    keeps the frame's columns and row order)."""
    return {s: part for s, part in dist[dist.group == group].groupby("series", sort=False)}


def by_series_year(dist: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """:func:`by_series`, each part indexed by year (a measure's rows have one per year)."""
    return {s: part.set_index("year") for s, part in by_series(dist).items()}


_NO_YEARS = _NO_ROWS.set_index("year")


def keyfigure_table(local: pd.DataFrame, national: pd.DataFrame, measures: pd.DataFrame, years: list[int],
                    year: int, number: str, indicator: int, min_n: int,
                    previous: int | None = None, changes: pd.DataFrame | None = None,
                    vs_riket: pd.DataFrame | None = None, lookups: tuple[dict, dict] | None = None) -> tb.ReportTable:
    """Nyckeltal of the förbund and the country per measure and year, the förbund's change since
    ``previous`` and this year's difference from riket; the förbund's figures with their 95 %
    intervals (``local`` from uncertainty.with_intervals; uncertainty.changes and
    uncertainty.riket_difference for the change and the difference). ``changes``/``vs_riket``:
    those two of the same frames already computed (a report computes them once for all its
    indicators); computed here when not given. ``lookups``: :func:`by_series_year` of ``local``
    and of ``national``, likewise."""
    cols = [tb.Column(str(y), str(y), "pct_ci") for y in years]
    excel = [c for y in years for c in (tb.Column(str(y), str(y), "pct"),
                                        tb.Column(f"{y}_low", (str(y), "95 % lägre gräns"), "pct"),
                                        tb.Column(f"{y}_high", (str(y), "95 % övre gräns"), "pct"))]
    change = pd.DataFrame()
    if previous is not None and previous in years:
        change = unc.changes(local, year, previous) if changes is None else changes
        change = change[change.group == "samtliga"].set_index("series")
        cols.append(tb.Column("change", f"Förändring {previous}{fmt.DASH}{year}", "signed_ci"))
        excel += [tb.Column("change", f"Förändring {previous}{fmt.DASH}{year}", "signed"),
                  tb.Column("change_low", "Förändring: 95 % lägre gräns", "signed"),
                  tb.Column("change_high", "Förändring: 95 % övre gräns", "signed"),
                  tb.Column("change_verdict", "Förändring: bedömning", "text")]
    cols.append(tb.Column("diff", f"Skillnad {year}", "signed_ci"))
    excel += [tb.Column("diff", f"Skillnad mot riket {year}", "signed"),
              tb.Column("diff_low", "Skillnad: 95 % lägre gräns", "signed"),
              tb.Column("diff_high", "Skillnad: 95 % övre gräns", "signed"),
              tb.Column("diff_verdict", "Skillnad: bedömning", "text")]
    if vs_riket is None:
        vs_riket = unc.riket_difference(local, national, year)
    vs_riket = vs_riket.set_index("series")
    mine_by, theirs_by = lookups or (by_series_year(d[d.series.isin(set(measures.series))]) for d in (local, national))
    rows, few, missing = [], False, False
    for m in measures.itertuples():
        rows.append({"label": question_label(m.text, m.survey, m.question), "kind": tb.SECTION})
        mine, theirs = (by.get(m.series, _NO_YEARS) for by in (mine_by, theirs_by))
        f_row = {"label": "Förbundet", "kind": tb.ROW}
        r_row = {"label": "Riket", "kind": tb.SUB, "diff": fmt.NBSP, "change": fmt.NBSP}
        for y in years:
            if y in mine.index and mine.at[y, "n"] > 0:
                if mine.at[y, "suppressed"]:
                    f_row[str(y)] = privacy.TOO_FEW
                    few = True
                else:
                    f_row[str(y)] = mine.at[y, "nyckeltal_pct"]
                    f_row[f"{y}_low"] = mine.at[y, "nyckeltal_ci_low"]
                    f_row[f"{y}_high"] = mine.at[y, "nyckeltal_ci_high"]
            else:
                f_row[str(y)] = None
                missing = True
            r_row[str(y)] = theirs.at[y, "nyckeltal_pct"] if y in theirs.index else None
            missing = missing or r_row[str(y)] is None
        if m.series in change.index:
            c = change.loc[m.series]
            f_row.update(change=c.change_pp, change_low=c.change_ci_low_pp, change_high=c.change_ci_high_pp,
                         change_verdict=c.verdict)
        a, b = f_row.get(str(year)), r_row.get(str(year))
        if not isinstance(a, str) and not fmt.missing(a) and not fmt.missing(b):
            f_row["diff"] = a - b
            if m.series in vs_riket.index:
                v = vs_riket.loc[m.series]
                f_row.update(diff_low=v.diff_ci_low_pp, diff_high=v.diff_ci_high_pp, diff_verdict=v.verdict)
        rows.append(f_row)
        rows.append(r_row)
    label = tb.keyfigure_label(set(measures.key))
    notes = ["Inom parentes: 95 % konfidensintervall för förbundets nyckeltal, förändring och skillnad mot riket "
             "(se avsnittet Om indikatorerna)."]
    if (measures.key == "ja").any():
        notes.append("För ja/nej-frågan är nyckeltalet andelen ja-svar.")
    if few:
        notes.append(f"”{privacy.TOO_FEW}” = färre än {min_n} svar; andelen redovisas inte.")
    if missing:
        notes.append(f"{fmt.DASH} = inga svar på frågan det året (enkäten användes inte, eller frågan ställdes inte i "
                     "den formen).")
    span = fmt.year_span(years[0], years[-1])
    return tb.ReportTable(f"tabell-{number}", number,
                          f"Indikator {indicator}: nyckeltal ”{label}”, förbundet och riket {span}.",
                          tb._frame(rows), cols, notes=notes, sheet=f"Tabell {number}", wide_label=True,
                          excel_columns=excel)


# --- The report -------------------------------------------------------------------------------------

class ForbundReport(Report):
    """The indicator report of one förbund and year."""

    def __init__(self, data: Dataset, forbund: str, year: int, years_shown: int = YEARS_SHOWN,
                 min_n: int = fig.MIN_N, commentary: com.Commentary | None = None,
                 published: dt.date | None = None, history: list | None = None):
        names = data.respondents.forbund.unique()
        self.forbund = match_forbund(forbund, names)
        if history:  # predecessors' years count as the förbund's own (history.py)
            from .history import for_forbund
            data = for_forbund(data, history, self.forbund, year)
        self.data, self.year, self.min_n = data, year, min_n
        resp = data.respondents[(data.respondents.forbund == self.forbund) & (data.respondents.year <= year)]
        measured = sorted(int(y) for y in resp.year.unique())
        if year not in measured:
            found = ", ".join(map(str, measured)) or "inga"
            raise ReportDataError(f"{self.forbund} har inga svar mätår {year} (har svar: {found}).")
        self.all_years = measured
        self.years = measured[-max(1, int(years_shown)):]
        self.previous = measured[-2] if len(measured) > 1 else None
        self.respondents = resp
        from .history import note
        self.history_note = note(history or [], self.forbund, year, self.years[0])
        self.commentary = commentary or com.Commentary()
        self.published = published or dt.date.today()
        self.name = display_name(self.forbund)
        self.title = report_title(self.forbund, year)
        tidy = data.tidy
        tidy = tidy[(tidy.forbund == self.forbund) & (tidy.year <= year)]
        self.dist = unc.with_intervals(privacy.disclose(fig.distribution(tidy, level="forbund", min_n=min_n), min_n))
        self.samtliga = self.dist[self.dist.group == "samtliga"].reset_index(drop=True)
        self.national = national_samtliga(data, year, min_n)
        v = resp.loc[resp.year == year, "version"]
        self.version = int(v.mode().iloc[0]) if len(v) else ins.default_version(year)
        self._tables: dict[str, tb.ReportTable] = {}
        self._table_no = 0
        self._break_notes: dict = {}  # break_note's, for the shown years and respondents they were made of

    @classmethod
    def from_paths(cls, paths, forbund: str, year: int, years_shown: int = YEARS_SHOWN, min_n: int = fig.MIN_N,
                   commentary: str | Path | None = None, published=None,
                   exclude_invalid: bool = False) -> "ForbundReport":
        """Read registration files (cached per process) and build the report; reading errors raise
        ReportDataError with the first problems listed (``exclude_invalid``: errors of other förbund
        leave those förbund out instead, as ``finsam batch`` does)."""
        from .history import load
        data = valid_dataset(paths, exclude_invalid=exclude_invalid)
        return cls(data, forbund, year, years_shown=years_shown, min_n=min_n, commentary=com.load(commentary),
                   published=publication_date(published), history=load(paths))

    # -- figures -------------------------------------------------------------------------------------

    @cached_property
    def response(self) -> pd.DataFrame:
        r = fig.response_table(self.data.respondents, self.data.population, self.data.sheets, self.year,
                               self.forbund)
        units = self.units
        svar_t = units.groupby("survey").svar_med_t.sum(min_count=1)
        r["svar_med_t"] = r.survey.map(svar_t).astype("Int64")
        return r

    @cached_property
    def units(self) -> pd.DataFrame:
        return insats_units(self.data.respondents, self.data.population, self.year, self.forbund)

    @cached_property
    def survey_counts(self) -> pd.DataFrame:
        """Responses per shown year and survey (NaN = not used; 0 = population given, no response)."""
        r = self.respondents[self.respondents.year.isin(self.years)]
        counts = r.groupby(["year", "survey"]).size().unstack("survey").astype(float).reindex(index=self.years)
        pop = self.data.population
        pop = pop[(pop.forbund == self.forbund) & pop.year.isin(self.years)]
        for year, survey in pop[["year", "survey"]].drop_duplicates().itertuples(index=False):
            if survey not in counts.columns:
                counts[survey] = np.nan
            if pd.isna(counts.at[year, survey]):
                counts.at[year, survey] = 0
        return counts.reindex(columns=[s for s in ins.REPORT_ORDER if s in counts.columns])

    def total_cell(self, year: int | None = None):
        c = self.survey_counts.loc[year or self.year]
        return privacy.total_cell(c.tolist(), self.min_n)

    @cached_property
    def now(self) -> pd.DataFrame:
        return self.dist[self.dist.year == self.year]

    @cached_property
    def trend(self) -> pd.DataFrame:
        return unc.development(self.dist, self.year, self.previous, forbund=True)

    @cached_property
    def riket(self) -> pd.DataFrame:
        return compare_with_riket(self.samtliga, self.national, self.year, sure=self.riket_differences)

    # Look-ups: the report's frames indexed once; sections look values up instead of filtering
    # the whole frame again per question, year and chart.

    @cached_property
    def local_by_series(self) -> dict[str, pd.DataFrame]:
        return by_series(self.samtliga)

    @cached_property
    def year_changes(self) -> pd.DataFrame | None:
        """uncertainty.changes of the förbund's samtliga rows, this year against the previous one."""
        return None if self.previous is None else unc.changes(self.samtliga, self.year, self.previous)

    @cached_property
    def riket_differences(self) -> pd.DataFrame:
        return unc.riket_difference(self.samtliga, self.national, self.year)

    @cached_property
    def _gender_rows(self) -> pd.DataFrame:
        """This year's shown rows of kvinnor and män (what commentary.gender_gaps reads)."""
        d = self.dist
        return d[(d.year == self.year) & d.group.isin(["kvinnor", "män"]) & d.nyckeltal_pct.notna()]

    @cached_property
    def _keyfigure_lookups(self) -> tuple[dict, dict]:
        """keyfigure_table's look-ups: the förbund's rows and the country's (once per process) by
        series and year."""
        national = _cached(("by_series_year", id(self.data), self.year, self.min_n), self.data,
                           lambda: by_series_year(self.national))
        return by_series_year(self.samtliga), national

    @cached_property
    def _by_indicator(self) -> dict[str, dict]:
        """This year's samtliga rows ("now"), the comparison with riket ("riket") and
        commentary.gender_gaps ("gender"; None: the frame without rows) split by indicator once."""
        now = self.now[self.now.group == "samtliga"]
        gaps = com.gender_gaps(self._gender_rows, self.year)
        return {"now": dict(tuple(now.groupby("indicator", sort=False))),
                "riket": dict(tuple(self.riket.groupby("indicator", sort=False))),
                "gender": {None: gaps.iloc[:0], **dict(tuple(gaps.groupby("indicator", sort=False)))}}

    @cached_property
    def _answered_years(self) -> dict[str, set[int]]:
        """Per series, the years in which the förbund or the country has answers (samtliga)."""
        out: dict[str, set[int]] = {}
        for d in (self.samtliga, self.national):
            d = d[(d.group == "samtliga") & (d.n > 0)]
            for s, y in zip(d.series, d.year):
                out.setdefault(s, set()).add(int(y))
        return out

    def few_surveys(self, year: int | None = None) -> list[str]:
        c = self.survey_counts.loc[year or self.year]
        return [s for s, v in c.items() if privacy.is_small(v, self.min_n)]

    def _next_number(self) -> str:
        self._table_no += 1
        return str(self._table_no)

    # -- sections ------------------------------------------------------------------------------------

    def _count_phrase(self, cell) -> str:
        return sv.count_phrase(cell, sv.ENKAT) if privacy.exact(cell) else f"{fmt.number(cell)} enkäter"

    def title_page(self) -> Block:
        span = fmt.year_span(self.years[0], self.years[-1])
        total = self.total_cell()
        national_total, national_forbund = national_totals(self.data, self.year)
        facts = [f"{sv.capitalize(self._count_phrase(total))} {self.year}",
                 f"Mätperiod november {self.year - 1} – oktober {self.year}",
                 f"Jämförelse med riket: {fmt.number(national_forbund)} förbund, {fmt.number(national_total)} enkäter"
                 + (f" (utan {sv.format_list(self.data.excluded)}: registreringsfilerna har fel)"
                    if self.data.excluded else ""),
                 f"Utveckling {span}" if len(self.years) > 1 else ""]
        body = (f'<style>{stylesheet()}</style>'
                f'<div class="title-page forbund"><p class="kicker">Indikatorer för finansiell samordning</p>'
                f'<h1 class="title" id="titel">Indikatorrapport {self.year}</h1>'
                f'<p class="subtitle forbund-name">{html.escape(self.name)}</p>'
                f'<ul class="facts">{"".join(f"<li>{html.escape(x)}</li>" for x in facts if x)}</ul>'
                f'<p class="publisher">{html.escape(swedish_date(self.published))}</p></div>')
        return Block(body)

    def _analyst(self, key) -> str:
        own = self.commentary.html(key)
        return f'<div class="analyst">{own}</div>' if own else ""

    # Sammanfattning

    def summary_facts(self) -> list[str]:
        out = []
        surveys = [s for s in self.survey_counts.columns if not pd.isna(self.survey_counts.at[self.year, s])]
        total = self.total_cell()
        out.append(f"{self.name} har {self.year} samlat in {self._count_phrase(total)} från "
                   f"{sv.count_phrase(len(surveys), sv.RESPONDENTGRUPP)}: "
                   f"{sv.format_list(GROUP_NAMES.get(s, s.lower()) for s in surveys)}.")
        if self.previous is not None:
            before = self.total_cell(self.previous) if self.previous in self.survey_counts.index else None
            if privacy.exact(total) and privacy.exact(before):
                word = "fler än" if total > before else "färre än" if total < before else "lika många som"
                out.append(f"Det är {word} vid mätningen {self.previous} ({fmt.number(before)}).")
        few = self.few_surveys()
        if few:
            out.append(f"Från {sv.format_list(GROUP_DEFINITE.get(s, s.lower()) for s in few)} har för få svar "
                       f"kommit in {self.year} för att kunna redovisas.")
        cmp = self.riket
        if len(cmp):
            hi = int((cmp["verdict"] == unc.HIGHER).sum())
            lo = int((cmp["verdict"] == unc.LOWER).sum())
            out.append(riket_tally(len(cmp), hi, lo, self.year))
        t = self.trend
        totalt = t[t.group == "totalt"] if len(t) else t
        if len(totalt):
            up = totalt[totalt.classification == ins.INCREASE].indicator.tolist()
            down = totalt[totalt.classification == ins.DECREASE].indicator.tolist()
            text = com.development_tally(len(totalt), len(up), len(down),
                                         after=f" jämfört med mätningen {self.previous}", sure=True)
            if up:
                text += f" Ökning: {sv.numbered(sv.INDIKATOR, up)}."
            if down:
                text += f" Minskning: {sv.numbered(sv.INDIKATOR, down)}."
            if len(totalt) - len(up) - len(down):
                text += (f" {sv.capitalize(unc.NO_SURE_CHANGE)} betyder att förändringen inte är större än att den "
                         "kan bero på slumpen.")
            out.append(text)
        return out

    def summary(self) -> Block:
        body = heading(1, "Sammanfattning", "sammanfattning", "chapter")
        return body + Block(paragraphs(*self.summary_facts()) + self._analyst("sammanfattning"))

    # Om indikatorerna

    def intro(self) -> Block:
        body = heading(1, "Om indikatorerna", "om-indikatorerna", "chapter")
        measured = len(ins.measured_indicators())
        surveys = ins.surveys_of(self.version)
        texts = [
            f"{self.name} samlar in data inom ramen för det nationella verktyget Indikatorer för finansiell "
            "samordning. Via indikatorerna försöker vi få svar på frågan ”Hur vet vi att det blir bättre?”. Vi följer "
            "utvecklingen både inom och runt de individinriktade samverkansinsatser som förbundet finansierar och "
            "delar av den strukturella utvecklingen i samverkan mellan myndigheterna.",
            f"Indikatorerna är totalt {len(ins.indicators())}, och för {measured} av dem finns enhetliga, "
            "kvalitetssäkrade och nationellt framtagna mått i form av enkätfrågor. Indikator 11 ska mätas med en "
            f"registerstudie. Enkäterna ställs till {sv.count_phrase(len(surveys), sv.RESPONDENTGRUPP)}:",
        ]
        groups = bullets([GROUP_NAMES.get(s, s) for s in surveys])
        span = fmt.year_span(self.years[0], self.years[-1])
        reading = [
            f"Rapporten visar förbundets egna svar {span} och jämför dem med riket, det vill säga alla förbund som "
            "deltog i mätningen samma år. För varje fråga visas svarsfördelningen per år i ett stapeldiagram där "
            "varje stapel är 100 procent och n är antalet svar på frågan.",
            "Nyckeltalet för en fråga är andelen klart positiva svar (de två högsta svarsalternativen). Undantagen är "
            "indikator 7, där nyckeltalet är andelen positiva svar (de tre högsta), och ja/nej-frågan, där det är "
            "andelen ja-svar. Andelarna avrundas var för sig till hela procent och kan därför summera till 99 eller "
            "101 procent.",
            f"Andelar som bygger på svar från färre än {self.min_n} personer redovisas inte (”{privacy.TOO_FEW}”). "
            "Det skyddar de svarande: i ett förbund kan en liten grupp vara några få personer. Av samma skäl visas "
            "ingen uppdelning på kön eller arbetsgivare där en liten grupp kan räknas fram ur de andra. Antalet svar "
            "redovisas alltid exakt, som i den nationella rapporten.",
        ]
        if self.history_note:
            reading.insert(0, self.history_note)
        method = heading(2, "Hur säkra är siffrorna?", "osakerhet") + Block(paragraphs(
            "I ett enskilt förbund bygger andelarna ofta på få svar. Hade andra personer svarat, eller samma personer "
            "en annan dag, hade andelen kunnat bli några procentenheter högre eller lägre. Därför står ett intervall "
            "inom parentes efter förbundets nyckeltal, till exempel 78 % (70–85). Intervallet visar var andelen "
            "rimligen ligger: med 95 procents säkerhet ligger den inom intervallet (ett så kallat Wilson-intervall). "
            "Ju färre svar, desto bredare intervall.",
            "Förändringen sedan förra mätningen och skillnaden mot riket har på samma sätt ett intervall i "
            "procentenheter. Först när hela intervallet ligger över noll kallas förändringen en ökning (eller "
            "skillnaden högre), och först när det ligger under noll en minskning (lägre). Innehåller intervallet "
            "noll skriver vi ”ingen säker förändring”: skillnaden kan bero på slumpen. Skillnaden mot riket prövas "
            "mot övriga förbund tillsammans, eftersom förbundets egna svar ingår i riket.",
            "Den sammanvägda utvecklingen per indikator följer den nationella rapportens regel (summan av "
            "förändringarna ska vara minst 2 procentenheter per fråga), men här krävs dessutom att minst en av "
            "indikatorns frågor har ändrats mer än slumpen kan förklara i samma riktning. Annars blir resultatet "
            "”ingen säker förändring”."))
        return (body + Block(paragraphs(*texts) + groups + paragraphs(*reading) + tb.categories_table().to_html())
                + method + Block(self._analyst("inledning")))

    # Insamling och svarande

    def collection(self) -> Block:
        body = heading(1, "Insamling och svarande", "insamling-och-svarande", "chapter")
        y = self.year
        total = self.total_cell()
        texts = [f"Enkäterna samlas in under perioden 1 november till 31 oktober; mätår {y} avser november {y - 1} "
                 f"till oktober {y}."]
        text = f"Under {y} har totalt {self._count_phrase(total)} samlats in"
        if self.previous is not None:
            before = self.total_cell(self.previous) if self.previous in self.survey_counts.index else None
            if privacy.exact(total) and privacy.exact(before):
                word = "fler än" if total > before else "färre än" if total < before else "lika många som"
                text += f", vilket är {word} vid mätningen {self.previous} ({fmt.number(before)})"
        texts.append(text + ".")
        few = self.few_surveys()
        if few:
            texts.append(f"Från {sv.format_list(GROUP_DEFINITE.get(s, s.lower()) for s in few)} har dock alltför få "
                         "svar inkommit för att kunna redovisas.")
        out = body + Block(paragraphs(*texts))
        out += Block(self._register(survey_years_table(self.survey_counts, self.min_n, self._next_number())).to_html())
        out += heading(2, f"Svarsfrekvens och bortfall {y}", "svarsfrekvens")
        out += Block(self._register(response_rates_table(self.response, self.min_n, self._next_number(), y)).to_html())
        t3 = insats_table(self.units, self.response, self.min_n, str(self._table_no + 1), y)
        if t3 is not None:
            self._register(t3)
            self._next_number()
            out += heading(2, f"Svar per insats {y}", "svar-per-insats")
            out += Block(paragraphs("Tabellen visar tillfrågade och svar för varje insats där förbundet angett insats "
                                    "i registreringsfilen.") + t3.to_html())
        t4 = gender_table(self.response, self.min_n, str(self._table_no + 1), y)
        if t4 is not None:
            self._register(t4)
            self._next_number()
            out += heading(2, f"Svarande deltagare efter kön {y}", "kon") + Block(t4.to_html())
        return out + Block(self._analyst("insamling") + self._analyst("svarande"))

    # Resultat per insats

    @cached_property
    def insats_figures(self) -> pd.DataFrame:
        """insats.insats_figures of this year's answers."""
        t = self.data.tidy
        return isx.insats_figures(t[(t.forbund == self.forbund) & (t.year == self.year)], self.min_n)

    def insats_results(self) -> Block:
        """One table of nyckeltal per insats for each survey split into insatser (nothing when none
        is). Placed after the response section, beside the counts per insats: one table per survey
        covers all its questions, where tables at the end of each indicator would repeat the
        insatser in up to 16 fragments."""
        tables = []
        for survey in [s for s in ins.REPORT_ORDER if s in set(self.insats_figures.survey)]:
            t = insats_results_table(self.insats_figures, survey, self.min_n, str(self._table_no + 1), self.year)
            if t is not None:
                self._register(t)
                self._next_number()
                tables.append(t)
        if not tables:
            return Block("")
        body = heading(1, f"Resultat per insats {self.year}", "resultat-per-insats", "chapter")
        text = paragraphs(
            "Tabellerna visar nyckeltalet för varje fråga per insats, där insatsen har tillräckligt många svar för att "
            f"redovisas (minst {fmt.number(self.min_n)}). Mindre insatser redovisas tillsammans som "
            f"”{isx.OTHERS}”. Skillnader mellan insatser med få svar bör tolkas försiktigt; intervallen visar hur "
            "osäkra andelarna är.")
        return body + Block(text + "".join(t.to_html() for t in tables))

    # Indicators

    def measures(self, indicator: int) -> pd.DataFrame:
        return measures_of(self.version, indicator)

    def break_note(self, series: str, survey: str) -> str:
        """"Jämförelse saknas eftersom frågan ändrades 2021" when the förbund answered the survey in a
        shown year before the question took its present form."""
        shown = (tuple(self.years), id(self.respondents))  # what the note is made of
        if self._break_notes.get("shown") != shown:
            r = self.respondents[self.respondents.year.isin(self.years)]
            self._break_notes = {"shown": shown,
                                 "versions": {s: set(v) for s, v in r.groupby("survey", sort=False)["version"]}}
        if (series, survey) not in self._break_notes:
            self._break_notes[series, survey] = self._break_note(series, survey, self._break_notes["versions"])
        return self._break_notes[series, survey]

    def _break_note(self, series: str, survey: str, versions: dict[str, set[int]]) -> str:
        """break_note from the versions answered per survey in the shown years."""
        start = series_start(series)
        if not any(v < start for v in versions.get(survey, ())):
            return ""
        q = ins.questions()
        this = q[q.series == series].iloc[0]
        old = q[(q.version < start) & (q.survey == survey) & (q.indicator == this.indicator)]
        later = set(q.loc[q.version >= start, "series"])
        changed = (~old.series.isin(later)).any()
        return (f"Jämförelse saknas eftersom frågan ändrades {start}." if changed else
                f"Jämförelse med tidigare år saknas eftersom frågan tillkom {start}.")

    def question_figure(self, m) -> str:
        """The stacked bars of one question, or the reason there are none; '' when the förbund never
        answered it in the shown years."""
        rows = self.bar_rows(m.series)
        if rows.empty:
            return ""
        title = html.escape(m.text)
        who = html.escape(f"({m.survey}, fråga {m.question})")
        caption = f'<figcaption><span class="question">{title}</span> <span class="who">{who}</span></figcaption>'
        note = self.break_note(m.series, m.survey)
        note_html = f'<p class="chart-note break">{html.escape(note)}</p>' if note else ""
        anchor = f"fraga-{safe_filename(m.survey).lower()}-{m.question}"
        if rows.suppressed.all():
            return (f'<figure class="chart bars too-few" id="{anchor}">{caption}'
                    f'<p class="too-few">{fc.FEW_ANSWERS}.</p>{note_html}</figure>')
        svg = fc.stacked_bars_svg(rows, m.scale, label=f"{m.text} {who}")
        return f'<figure class="chart bars" id="{anchor}">{caption}{svg}{note_html}</figure>'

    def trend_chart(self, indicator: int, measures: pd.DataFrame) -> str:
        d = self.samtliga
        shown = d[d.series.isin(set(measures.series)) & d.nyckeltal_pct.notna() & d.year.isin(self.years)]
        if shown.year.nunique() < 2:
            return ""
        several = len(measures) > 1
        series = [(m.series, charts.SURVEY_SHORT.get(m.survey, m.survey) + f" F{m.question}" if several else "")
                  for m in measures.itertuples() if m.series in set(shown.series)]
        years = [y for y in self.years if shown.year.min() <= y <= shown.year.max()]
        points = fc.trend_points(self.samtliga, self.national, series, years)
        svg = fc.trend_svg(points, years, label=f"Indikator {indicator}: nyckeltal, förbundet och riket",
                           plot_height=135)
        caption = (f"Nyckeltal {fmt.year_span(years[0], years[-1])}: förbundet (heldragen linje) och "
                   "riket (streckad linje).") + self.trend_break_note(measures)
        return (f'<figure class="chart trend" id="trend-{indicator}"><figcaption>{html.escape(caption)}'
                f'</figcaption>{svg}</figure>')

    def trend_break_note(self, measures: pd.DataFrame) -> str:
        """" Frågan ändrades 2021; jämförelse med tidigare år görs inte." when a measure's question changed
        after a year the report shows and the förbund answered the survey then: the chart starts with
        the present question (figures.series_segments), no line joins the old one."""
        changed = sorted({series_start(m.series) for m in measures.itertuples()
                          if "ändrades" in self.break_note(m.series, m.survey)})
        if not changed:
            return ""
        what = "Frågan" if len(measures) == 1 else "Frågorna"
        return f" {what} ändrades {fmt.join_words(map(str, changed))}; jämförelse med tidigare år görs inte."

    def table_years(self, measures: pd.DataFrame) -> list[int]:
        """The shown years in which the förbund or the country has answers to any of these measures."""
        have = set().union(*(self._answered_years.get(s, set()) for s in measures.series))
        return [y for y in self.years if y in have] or [self.year]

    def indicator_facts(self, indicator: int, measures: pd.DataFrame) -> list[str]:
        now = self._by_indicator["now"].get(indicator, self.now.iloc[:0])
        if now.empty:
            return [f"Förbundet har inga svar på indikatorns frågor {self.year}."]
        if now.nyckeltal_pct.isna().all():
            return [f"{fc.FEW_ANSWERS} {self.year}: indikatorns frågor har färre än {self.min_n} svar."]
        out = []
        if self.previous is not None:
            ch = com.changes(self.samtliga, indicator, self.year, self.previous, computed=self.year_changes)
            out.append(com.change_sentence(ch, self.previous)
                       or f"Indikatorns frågor har inga jämförbara redovisade svar från mätningen {self.previous}.")
        out.append(riket_sentence(self._by_indicator["riket"].get(indicator, self.riket.iloc[:0]), self.year))
        gaps = self._by_indicator["gender"]
        out.append(com.gender_sentence(gaps.get(indicator, gaps.get(None))))
        if self.previous is not None:
            out.append(com.verdict_sentence(self.trend, indicator, self.previous))
        return [s for s in out if s]

    def indicator(self, indicator: int) -> Block | None:
        """The indicator's section; None when the förbund has no answers to any of its questions
        in the shown years (:meth:`indicators` lists those in one place)."""
        info = ins.indicators()[indicator]
        anchor = f"indikator-{indicator}"
        first = indicator == min(ins.indicators())
        head = heading(2, f"Indikator {indicator}: {info.short_name}", anchor,
                       "indicator first" if first else "indicator")
        lead = f'<p class="indicator-text">{html.escape(info.text)}</p>'
        if indicator not in ins.measured_indicators():
            return head + Block(lead + paragraphs("Rekommenderat mått: registerstudie (under utveckling nationellt).",
                                                  com.not_measured_text(indicator)) + self._analyst(indicator))
        if not self.answered(indicator):
            return None
        measures = self.measures(indicator)
        figures, unanswered = [], []
        for m in measures.itertuples():
            f = self.question_figure(m)
            if f:
                figures.append(f)
            else:
                unanswered.append(question_label(m.text, m.survey, m.question))
        span = fmt.year_span(self.years[0], self.years[-1])
        answered = measures[~measures.apply(lambda m: question_label(m.text, m.survey, m.question) in unanswered,
                                            axis=1)]
        table = self._register(keyfigure_table(self.samtliga, self.national, answered,
                                               self.table_years(answered), self.year, self._next_number(),
                                               indicator, self.min_n, self.previous, changes=self.year_changes,
                                               vs_riket=self.riket_differences, lookups=self._keyfigure_lookups))
        missing = ""
        if unanswered:
            missing = (f'<div class="measures"><p class="measures-title">Frågor utan svar från förbundet {span}:</p>'
                       + bullets(unanswered) + "</div>")
        facts = self.indicator_facts(indicator, answered)
        comment = comment_block(anchor, facts, self.commentary.html(indicator))
        return head + Block(lead + "".join(figures) + missing + table.to_html() + self.trend_chart(indicator, answered)
                            + comment)

    def indicators(self) -> Block:
        """Every indicator's section in order, then one short list of the indicators the förbund
        has no answers to (instead of a near-empty section each)."""
        out = Block("")
        for i in ins.indicators():
            section = self.indicator(i)
            if section is not None:
                out += section
        return out + self.unanswered_indicators()

    def answered(self, indicator: int) -> bool:
        """Whether the förbund has answers (shown or too few to show) to any of the indicator's
        questions in the shown years."""
        return any(not self.bar_rows(m.series).empty for m in self.measures(indicator).itertuples())

    def bar_rows(self, series: str) -> pd.DataFrame:
        """forbund_charts.bar_rows of one measure in the shown years (every measure's made at once)."""
        found = self._bars.get(series)
        return found if found is not None else fc.bar_rows(self.samtliga.iloc[:0], series, self.years)

    @cached_property
    def _bars(self) -> dict[str, pd.DataFrame]:
        return fc.bar_rows_by_series(self.samtliga, self.years)

    def unanswered_indicators(self) -> Block:
        """One short list of the measured indicators without answers (an empty Block if none)."""
        indicators = [i for i in ins.measured_indicators() if not self.answered(i)]
        if not indicators:
            return Block("")
        span = fmt.year_span(self.years[0], self.years[-1])
        names = [f"Indikator {i}: {ins.indicators()[i].short_name}" for i in indicators]
        lead = (f"Förbundet har inga svar {span} på frågorna till "
                + ("den här indikatorn:" if len(names) == 1 else "de här indikatorerna:"))
        notes = "".join(self._analyst(i) for i in indicators)
        return (heading(2, "Indikatorer utan svar", "indikatorer-utan-svar", "indicator")
                + Block(paragraphs(lead) + bullets(names) + notes))

    # Utveckling och bilaga

    def development(self) -> Block:
        if self.previous is None or self.trend.empty:
            return Block("")
        body = heading(1, f"Sammanvägd utveckling {self.year} jämfört med {self.previous}", "sammanvagd-utveckling",
                       "chapter")
        text = paragraphs(
            f"För varje indikator summeras förändringen i nyckeltal (procentenheter) mellan mätningarna "
            f"{self.previous} och {self.year} över de frågor som har redovisade svar båda gångerna. Förändringen "
            "räknas "
            "som ”ökning” eller ”minskning” när summan är minst 2 procentenheter gånger antalet frågor, uppåt eller "
            "nedåt (den nationella rapportens regel), och när dessutom minst en av frågorna har ändrats i samma "
            "riktning mer än slumpen kan förklara (hela 95-procentsintervallet för förändringen över eller under "
            f"noll). Annars blir resultatet ”{unc.NO_SURE_CHANGE.lower()}”; summan visas ändå.")
        table = tb.development_table(self.trend, self.year, self.previous, number=self._next_number(),
                                     show_chance=True)
        filled = {c.key for c in table.columns if table.rows.get(c.key) is not None and table.rows[c.key].notna().any()}
        table.columns = [c for c in table.columns if c.key in filled]
        table.excel_columns = [c for c in table.excel_columns if c.key.split("_")[0] in filled or c.key == "text"]
        self._register(table)
        return body + Block(text + table.to_html() + self._analyst("avslutande diskussion"))

    def sections(self) -> list[Block]:
        self._tables.clear()
        self._table_no = 0
        return [self.title_page(), self.toc(), self.summary(), self.intro(), self.collection(), self.insats_results(),
                self.indicators(),
                self.development()]

    # -- Excel ---------------------------------------------------------------------------------------

    def tables(self) -> list[tb.ReportTable]:
        """The report's tables in order, then the answer scales (the resultatfil's sheets)."""
        if not self._tables:
            self.sections()
        return [*self._tables.values(), tb.scales_table()]

    def answers_frame(self) -> pd.DataFrame:
        """The charts' figures for every shown year and question (samtliga): n and the share of each
        answer code where shown, the förbund's nyckeltal with its 95 % interval, and the country's."""
        d = self.samtliga[self.samtliga.year.isin(self.years) & (self.samtliga.n > 0)]
        q = ins.questions()[["version", "survey", "question", "text"]]
        d = d.merge(q, on=["version", "survey", "question"], how="left")
        nat = self.national.set_index(["year", "series"])["nyckeltal_pct"]
        rows = []
        for r in d.itertuples():
            shown = not r.suppressed
            h = KEYFIGURE_HEADERS  # the national long sheet's headers
            row = {h["year"]: int(r.year), h["indicator"]: int(r.indicator), h["survey"]: r.survey,
                   h["version"]: int(r.version), h["series"]: r.series, h["question"]: int(r.question),
                   "Frågetext": r.text, h["key"]: ins.key_label(r.key), h["n"]: int(r.n) if shown else None}
            for code in fig.CODES:
                count = getattr(r, f"code_{code}")
                row[f"Kod {code} (%)"] = float(fig.percent(int(count), int(r.n))) if shown and not pd.isna(count) \
                    and (r.scale != "III" or code <= 2) else None
            for key in ("nyckeltal_pct", "nyckeltal_ci_low", "nyckeltal_ci_high"):
                row[h[key]] = getattr(r, key) if shown else None
            row["Riket: nyckeltal (%)"] = nat.get((r.year, r.series))
            row["Redovisas"] = "ja" if shown else privacy.TOO_FEW
            rows.append(row)
        out = pd.DataFrame(rows)
        if len(out):
            out = out.assign(_s=out["Enkät"].map(tb._survey_rank)).sort_values(
                ["Indikator", "_s", "Fråga", "År"]).drop(columns="_s").reset_index(drop=True)
        return out

    def about(self) -> dict:
        return {"Rapport": self.title, "Samordningsförbund": self.forbund, "Mätår": self.year,
                "År som visas": fmt.year_span(self.years[0], self.years[-1])}

    def data_sheets(self) -> dict:
        return {"Svarsfördelning": self.answers_frame()}
